package io.splitvisor.abi.codec;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The C decoder answers each kind of malformed input with its documented error code. */
class CodecMalformedInputTest {
    // sv_pb.h result codes
    private static final String ETRUNCATED = "-1";
    private static final String EVARINT = "-2";
    private static final String EWIRETYPE = "-3";
    private static final String ELENGTH = "-4";
    private static final String ETOOBIG = "-5";
    private static final String ETOOMANY = "-6";
    private static final String EINVAL = "-8";

    private static final String SCALARS = "splitvisor.abitest.Scalars";
    private static final String REPEATS = "splitvisor.abitest.Repeats";
    private static final String NESTING = "splitvisor.abitest.Nesting";

    private record Case(String what, String message, byte[] input, String expected) {
    }

    private static byte[] bytes(int... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int v : values) {
            out.write(v);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] repeat(int value, int count) {
        byte[] b = new byte[count];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    /** A length-delimited field: key, length, then `length` copies of 'x'. */
    private static byte[] lengthField(int number, int length) {
        return concat(bytes(number << 3 | 2), varint(length), repeat('x', length));
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    @Test
    void malformedInputsGetTheirErrorCodes() {
        List<Case> cases = List.of(
                new Case("varint cut short", SCALARS, bytes(0x08, 0x80), ETRUNCATED),
                new Case("key cut short", SCALARS, bytes(0x80), ETRUNCATED),
                new Case("fixed32 cut short", SCALARS, bytes(0x4D, 1, 2), ETRUNCATED),
                new Case("fixed64 cut short", SCALARS, bytes(0x59, 1, 2, 3, 4, 5, 6, 7), ETRUNCATED),
                new Case("packed element cut short", REPEATS, bytes(0x0A, 0x02, 0x80, 0x80), ETRUNCATED),
                new Case("11-byte varint value", SCALARS, concat(bytes(0x08), repeat(0x80, 10), bytes(0x01)), EVARINT),
                new Case("11-byte key", SCALARS, concat(repeat(0xFF, 10), bytes(0x00)), EVARINT),
                new Case("int32 field sent length-delimited", SCALARS, bytes(0x0A, 0x00), EWIRETYPE),
                new Case("string field sent as varint", SCALARS, bytes(0x68, 0x01), EWIRETYPE),
                new Case("fixed32 field sent as fixed64", SCALARS, bytes(0x49, 0, 0, 0, 0, 0, 0, 0, 0), EWIRETYPE),
                new Case("message field sent as varint", NESTING, bytes(0x28, 0x01), EWIRETYPE),
                new Case("start-group wire type", SCALARS, bytes(0x9B, 0x06), EWIRETYPE),
                new Case("wire type 7", SCALARS, bytes(0x0F), EWIRETYPE),
                new Case("string length past the end", SCALARS, bytes(0x6A, 0x05, 'a', 'b'), ELENGTH),
                new Case("nested message length past the end", NESTING, bytes(0x2A, 0x10, 0x08, 0x02), ELENGTH),
                new Case("huge length", SCALARS, concat(bytes(0x72), varint(0xFFFFFFFFFFL)), ELENGTH),
                new Case("unknown field length past the end", SCALARS, bytes(0xA2, 0x06, 0x7F, 0x00), ELENGTH),
                new Case("string one past its maximum", SCALARS, lengthField(13, 41), ETOOBIG),
                new Case("bytes one past its maximum", SCALARS, lengthField(14, 34), ETOOBIG),
                new Case("console write over 1024 bytes", "splitvisor.abi.ConsoleWriteRequest", lengthField(1, 1025), ETOOBIG),
                new Case("store path over 512 bytes", "splitvisor.abi.StoreRead", lengthField(1, 513), ETOOBIG),
                new Case("repeated string element too long", REPEATS, lengthField(8, 13), ETOOBIG),
                new Case("six unpacked int32 where five fit", REPEATS, concat(repeat(0x08, 1), bytes(1), bytes(0x08, 2),
                        bytes(0x08, 3), bytes(0x08, 4), bytes(0x08, 5), bytes(0x08, 6)), ETOOMANY),
                new Case("six packed int32 where five fit", REPEATS, bytes(0x0A, 6, 1, 2, 3, 4, 5, 6), ETOOMANY),
                new Case("five strings where four fit", REPEATS, concat(lengthField(8, 1), lengthField(8, 1),
                        lengthField(8, 1), lengthField(8, 1), lengthField(8, 1)), ETOOMANY),
                new Case("33 grant copies where 32 fit", "splitvisor.abi.GrantCopyRequest",
                        concat(java.util.stream.IntStream.range(0, 33).mapToObj(i -> bytes(0x0A, 0x00)).toArray(byte[][]::new)), ETOOMANY),
                new Case("NUL inside a string", SCALARS, bytes(0x6A, 0x03, 'a', 0, 'b'), EINVAL),
                new Case("field number 0", SCALARS, bytes(0x00, 0x01), EINVAL),
                new Case("field number above 2^29-1", SCALARS, concat(varint((1L << 29) << 3), bytes(0)), EINVAL));
        CHarness harness = new CHarness();
        cases.forEach(c -> harness.decode(c.message(), c.input()));
        List<CHarness.Reply> replies = harness.run();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            CHarness.Reply reply = replies.get(i);
            assertFalse(reply.ok(), c.what() + " (" + HexFormat.of().formatHex(c.input()) + ") was accepted");
            assertEquals(c.expected(), reply.error(), c.what());
        }
    }

    @Test
    void tolerantRulesMatchProtobuf() {
        CHarness harness = new CHarness();
        // An unknown field (a newer peer's) is skipped and not re-encoded.
        harness.decode(SCALARS, bytes(0x08, 0x05, 0xA0, 0x06, 0x07, 0x10, 0x02));
        // The last value of a repeated scalar field wins.
        harness.decode(SCALARS, bytes(0x18, 0x01, 0x18, 0x02));
        // Unpacked repeated numbers are accepted and re-encoded packed.
        harness.decode(REPEATS, bytes(0x08, 0x01, 0x08, 0x02));
        // Two records of one message field merge.
        harness.decode(NESTING, bytes(0xA2, 0x01, 0x02, 0x0A, 0x00, 0xA2, 0x01, 0x02, 0x20, 0x07));
        // Empty input is the all-default message.
        harness.decode(SCALARS, new byte[0]);
        List<CHarness.Reply> r = harness.run();
        r.forEach(reply -> assertTrue(reply.ok(), "rejected: " + reply.error()));
        assertArrayEquals(bytes(0x08, 0x05, 0x10, 0x02), r.get(0).encoding());
        assertTrue(r.get(1).dump().contains("u32: 2\n"));
        assertArrayEquals(bytes(0x0A, 0x02, 0x01, 0x02), r.get(2).encoding());
        assertArrayEquals(bytes(0xA2, 0x01, 0x04, 0x0A, 0x00, 0x20, 0x07), r.get(3).encoding(),
                "merged inner message: where {} from the first record, number 7 from the second");
        assertArrayEquals(new byte[0], r.get(4).encoding());
    }
}
