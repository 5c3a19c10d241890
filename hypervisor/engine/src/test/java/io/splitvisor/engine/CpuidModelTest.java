package io.splitvisor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CpuidModelTest {
    private static String regsToString(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return new String(b.array(), StandardCharsets.US_ASCII);
    }

    @Test
    void reportsVendorHypervisorBitAndNoSse() {
        CpuidModel m = CpuidModel.standard();
        int[] r = new int[4];
        m.query(0, 0, r);
        assertEquals(CpuidModel.VENDOR, regsToString(r[1], r[3], r[2]));
        m.query(1, 0, r);
        assertTrue((r[2] & (1 << 31)) != 0, "hypervisor bit");
        assertEquals(0, r[3] & (1 | 1 << 25 | 1 << 26), "no FPU, SSE or SSE2");
        m.query(0x80000001, 0, r);
        assertTrue((r[3] & CpuidModel.X1_EDX_LM) != 0);
        m.query(0x40000000, 0, r);
        assertEquals("SplitvisorPV", regsToString(r[1], r[2], r[3]));
        m.query(0x40000001, 0, r);
        assertEquals(0, r[0] | r[1] | r[2] | r[3]);
    }

    @Test
    void hypervisorLeavesComeFromTheProvider() {
        CpuidModel m = CpuidModel.standard((leaf, sub, out) -> {
            if (leaf == 0x40000001) {
                out[0] = 42;
                return true;
            }
            return false;
        });
        int[] r = new int[4];
        m.query(0x40000001, 0, r);
        assertEquals(42, r[0]);
        assertTrue(m.entries().stream().anyMatch(e -> e.leaf() == 0x40000001 && e.eax() == 42));
    }
}
