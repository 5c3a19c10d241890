package io.splitvisor.abi.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The text form both codecs print for a decoded message (the C side is dump_message in
 * src/test/c/codec_support.c): one line per value, fields in number order, implicit fields
 * always, fields with presence as {@code <absent>} when unset, oneof members only when set.
 */
public final class CanonicalDump {
    private CanonicalDump() {
    }

    public static String of(Message m) {
        StringBuilder out = new StringBuilder();
        dump(out, m, 0);
        return out.toString();
    }

    private static void dump(StringBuilder out, Message m, int depth) {
        List<FieldDescriptor> fields = m.getDescriptorForType().getFields().stream()
                .sorted(Comparator.comparingInt(FieldDescriptor::getNumber)).toList();
        for (FieldDescriptor f : fields) {
            if (f.isRepeated()) {
                for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
                    named(out, f, f.getName() + "[" + i + "]", m.getRepeatedField(f, i), depth);
                }
            } else if (f.getRealContainingOneof() != null) {
                if (m.hasField(f)) {
                    named(out, f, f.getName(), m.getField(f), depth);
                }
            } else if (f.hasPresence() && !m.hasField(f)) {
                out.append("  ".repeat(depth)).append(f.getName()).append(": <absent>\n");
            } else {
                named(out, f, f.getName(), m.getField(f), depth);
            }
        }
    }

    private static void named(StringBuilder out, FieldDescriptor f, String head, Object value, int depth) {
        out.append("  ".repeat(depth)).append(head);
        if (f.getType() == FieldDescriptor.Type.MESSAGE) {
            out.append(" {\n");
            dump(out, (Message) value, depth + 1);
            out.append("  ".repeat(depth)).append("}\n");
            return;
        }
        out.append(": ").append(scalar(f, value)).append('\n');
    }

    private static String scalar(FieldDescriptor f, Object value) {
        return switch (f.getType()) {
            case UINT32, FIXED32 -> Integer.toUnsignedString((Integer) value);
            case UINT64, FIXED64 -> Long.toUnsignedString((Long) value);
            case ENUM -> Integer.toString(((EnumValueDescriptor) value).getNumber());
            case STRING -> "s:" + HexFormat.of().formatHex(((String) value).getBytes(StandardCharsets.UTF_8));
            case BYTES -> "b:" + HexFormat.of().formatHex(((ByteString) value).toByteArray());
            default -> value.toString();   // signed ints and bool print as the C side does
        };
    }
}
