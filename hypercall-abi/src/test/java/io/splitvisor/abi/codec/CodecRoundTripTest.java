package io.splitvisor.abi.codec;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated C codec and protobuf-java agree on every message: values encoded by one decode
 * to the same values in the other and re-encode to the same bytes.
 */
class CodecRoundTripTest {
    private static final int PER_MESSAGE = Integer.getInteger("splitvisor.codec.cases", 60);
    private static final long SEED = Long.getLong("splitvisor.codec.seed", System.nanoTime());

    @Test
    void javaEncodedMessagesDecodeInCAndReencodeIdentically() throws InvalidProtocolBufferException {
        System.out.println("codec round trip seed " + SEED + " (-Dsplitvisor.codec.seed to repeat)");
        RandomMessages random = new RandomMessages(SEED);
        List<Descriptor> types = AllMessages.all();
        List<byte[]> sent = new ArrayList<>();
        List<String> expectedDumps = new ArrayList<>();
        List<String> names = new ArrayList<>();
        CHarness harness = new CHarness();
        for (Descriptor type : types) {
            for (int i = 0; i < PER_MESSAGE; i++) {
                byte[] bytes = random.next(type).toByteArray();
                // The canonical view is that of the parsed bytes, as a receiver sees them.
                expectedDumps.add(CanonicalDump.of(DynamicMessage.parseFrom(type, bytes)));
                sent.add(bytes);
                names.add(type.getFullName());
                harness.decode(type.getFullName(), bytes);
            }
        }
        List<CHarness.Reply> replies = harness.run();
        for (int i = 0; i < replies.size(); i++) {
            CHarness.Reply reply = replies.get(i);
            String where = names.get(i) + " from Java bytes " + HexFormat.of().formatHex(sent.get(i));
            assertTrue(reply.ok(), where + ": C decode failed with " + reply.error());
            assertEquals(expectedDumps.get(i), reply.dump(), where + ": values differ");
            assertArrayEquals(sent.get(i), reply.encoding(), where + ": C re-encoding differs");
        }
        assertEquals(types.size() * PER_MESSAGE, replies.size());
    }

    @Test
    void cEncodedMessagesDecodeInJavaAndReencodeIdentically() throws InvalidProtocolBufferException {
        List<Descriptor> types = AllMessages.all();
        CHarness harness = new CHarness();
        for (Descriptor type : types) {
            for (int i = 0; i < PER_MESSAGE; i++) {
                harness.random(type.getFullName(), SEED * 31 + i * 7919L + type.getFullName().hashCode());
            }
        }
        List<CHarness.Reply> replies = harness.run();
        int index = 0;
        for (Descriptor type : types) {
            for (int i = 0; i < PER_MESSAGE; i++) {
                CHarness.Reply reply = replies.get(index++);
                assertTrue(reply.ok(), type.getFullName() + ": C could not encode its random message: " + reply.error());
                String where = type.getFullName() + " from C bytes " + HexFormat.of().formatHex(reply.encoding());
                DynamicMessage parsed = DynamicMessage.parseFrom(type, reply.encoding());
                assertTrue(parsed.getUnknownFields().asMap().isEmpty(), where + ": Java saw unknown fields");
                assertEquals(reply.dump(), CanonicalDump.of(parsed), where + ": values differ");
                assertArrayEquals(reply.encoding(), parsed.toByteArray(), where + ": Java re-encoding differs");
            }
        }
    }
}
