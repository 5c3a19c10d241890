package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.x86.support.Rig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whatever bytes a guest executes, the host sees an exit, never an exception or a hang past the limit.
 * {@code -Dsplitvisor.fuzz.rounds=N -Dsplitvisor.fuzz.seed=S} soaks or reproduces.
 */
class RobustnessTest {
    @Test
    void randomCodeNeverThrowsIntoTheHost() {
        long seed = Long.getLong("splitvisor.fuzz.seed", System.nanoTime());
        int rounds = Integer.getInteger("splitvisor.fuzz.rounds", 300);
        SplittableRandom rnd = new SplittableRandom(seed);
        try (Rig r = new Rig().withIdt()) {
            // every handler returns, so faults keep the guest running through the random bytes
            for (int v = 0; v < 256; v++) {
                boolean err = v == 8 || (v >= 10 && v <= 14) || v == 17;
                r.memory.write(Rig.HANDLERS + 16L * v, err ? new byte[] {0x48, (byte) 0x83, (byte) 0xC4, 0x08,
                    0x48, (byte) 0x83, 0x04, 0x24, 0x01, 0x48, (byte) 0xCF}
                        : new byte[] {0x48, (byte) 0x83, 0x04, 0x24, 0x01, 0x48, (byte) 0xCF});
            }
            io.splitvisor.engine.RegisterState initial = r.vcpu.state();
            byte[] tables = r.memory.read(0, 0x40000);
            byte[] code = new byte[4096];
            for (int round = 0; round < rounds; round++) {
                rnd.nextBytes(code);
                r.memory.write(0, tables); // page tables, IDT and handlers, in case the last round wrote over them
                r.memory.write(Rig.CODE, code);
                r.vcpu.setState(initial);
                r.vcpu.setRip(Rig.CODE + rnd.nextInt(64));
                for (int i = 0; i < 20; i++) {
                    Exit e = r.vcpu.run(2000);
                    assertNotNull(e);
                    assertNotEquals(ExitReason.INTERNAL_ERROR, e.reason(), () -> "seed " + seed + ": " + e
                            + "\n" + r.vcpu.crashReport());
                    if (e.reason() == ExitReason.IO_IN) {
                        r.vcpu.completeIn(0);
                    } else if (e.reason() == ExitReason.MMIO_READ) {
                        r.vcpu.completeMmioRead(0);
                    } else if (e.reason() == ExitReason.SHUTDOWN || e.reason() == ExitReason.INSTRUCTION_LIMIT) {
                        break;
                    }
                }
            }
        }
    }

    @Test
    void decoderAndDisassemblerAcceptAnyBytes() {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        io.splitvisor.x86.disasm.Disassembler dis = new io.splitvisor.x86.disasm.Disassembler();
        byte[] b = new byte[16];
        int decoded = 0;
        for (int i = 0; i < 200_000; i++) {
            rnd.nextBytes(b);
            if (rnd.nextBoolean()) {
                b[0] = (byte) new int[] {0x0F, 0x66, 0x48, 0xF3, 0xC4, 0x41}[rnd.nextInt(6)];
            }
            try {
                String text = dis.disassemble(va -> b[(int) va] & 0xFF, 0);
                decoded += text.isEmpty() ? 0 : 1;
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + java.util.HexFormat.of().formatHex(b), e);
            }
        }
        assertTrue(decoded == 200_000);
    }

    @Test
    void crashReportShowsRecentInstructions() {
        try (Rig r = Rig.run("mov eax, 1\nadd eax, 2\njmp 1f\n1: ud2")) {
            String report = r.vcpu.crashReport();
            assertTrue(report.contains("SHUTDOWN"), report);
            assertTrue(report.contains("ud2"), report);
        }
    }
}
