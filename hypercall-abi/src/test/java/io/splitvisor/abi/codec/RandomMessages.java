package io.splitvisor.abi.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.DynamicMessage;
import io.splitvisor.abi.proto.Options;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** Random messages of any type that respect the ABI bounds (max_size, max_count). */
public final class RandomMessages {
    private static final String[] UTF8_PIECES = {"a", "Z", "0", "/", " ", "~", "é", "€", "😀"};
    private static final long[] EDGES = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE,
            Integer.MIN_VALUE, Integer.MAX_VALUE, 0xFFFFFFFFL, 127, 128, 16383, 16384};

    private final Random random;

    public RandomMessages(long seed) {
        this.random = new Random(seed);
    }

    public DynamicMessage next(Descriptor type) {
        return next(type, 0);
    }

    private DynamicMessage next(Descriptor type, int depth) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        for (OneofDescriptor oneof : type.getRealOneofs()) {
            if (depth < 6 && random.nextInt(3) != 0) {
                List<FieldDescriptor> members = oneof.getFields();
                FieldDescriptor f = members.get(random.nextInt(members.size()));
                b.setField(f, value(f, depth));
            }
        }
        for (FieldDescriptor f : type.getFields()) {
            if (f.getRealContainingOneof() != null) {
                continue;
            }
            if (f.isRepeated()) {
                int count = depth < 6 ? random.nextInt(f.getOptions().getExtension(Options.maxCount) + 1) : 0;
                for (int i = 0; i < count; i++) {
                    b.addRepeatedField(f, value(f, depth));
                }
            } else if (f.hasPresence()) {
                if (depth < 6 && random.nextBoolean()) {
                    b.setField(f, value(f, depth));
                }
            } else if (random.nextInt(4) != 0) {
                Object v = value(f, depth);
                if (!v.equals(f.getDefaultValue())) {
                    b.setField(f, v);
                }
            }
        }
        return b.build();
    }

    private Object value(FieldDescriptor f, int depth) {
        long bits = random.nextInt(3) == 0 ? EDGES[random.nextInt(EDGES.length)] : random.nextLong() >> random.nextInt(64);
        return switch (f.getType()) {
            case INT32, SINT32, SFIXED32, UINT32, FIXED32 -> (int) bits;
            case INT64, SINT64, SFIXED64, UINT64, FIXED64 -> bits;
            case BOOL -> random.nextBoolean();
            case ENUM -> {
                List<EnumValueDescriptor> values = f.getEnumType().getValues();
                yield values.get(random.nextInt(values.size()));
            }
            case STRING -> string(f.getOptions().getExtension(Options.maxSize));
            case BYTES -> {
                byte[] data = new byte[random.nextInt(f.getOptions().getExtension(Options.maxSize) + 1)];
                random.nextBytes(data);
                yield ByteString.copyFrom(data);
            }
            case MESSAGE -> next(f.getMessageType(), depth + 1);
            default -> throw new IllegalArgumentException("unsupported " + f.getType());
        };
    }

    /** Valid UTF-8 without NUL, at most maxBytes long. */
    private String string(int maxBytes) {
        int target = random.nextInt(maxBytes + 1);
        StringBuilder s = new StringBuilder();
        int bytes = 0;
        while (bytes < target) {
            String piece = UTF8_PIECES[random.nextInt(UTF8_PIECES.length)];
            int n = piece.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > maxBytes) {
                break;
            }
            s.append(piece);
            bytes += n;
        }
        return s.toString();
    }
}
