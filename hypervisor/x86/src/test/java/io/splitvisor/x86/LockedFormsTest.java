package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.x86.support.Rig;
import org.junit.jupiter.api.Test;

/**
 * The locked forms at their edges, where they leave the compare-and-set path or fault: faults come before anything
 * is written (with the write error code), split locks, MMIO, misaligned operands, code pages and CMPXCHG16B.
 */
class LockedFormsTest {
    private static final long PT = Rig.TABLES + 0x3000;

    private static void readOnly(Rig r, long page) {
        long pte = PT + (page >>> 12) * 8;
        r.memory.writeU64(pte, r.memory.readU64(pte) & ~2L);
    }

    private static void assertHandled(Rig r, int vector) {
        assertEquals(ExitReason.HLT, r.lastExit.reason(), r.lastExit.toString());
        assertEquals(vector, r.reg(Gpr.R15), "vector");
    }

    @Test
    void lockedWriteToReadOnlyPageFaultsWithTheWriteErrorCodeAndChangesNothing() {
        String[] forms = {"lock add dword ptr [0x5008], 1", "lock xadd qword ptr [0x5008], rax",
            "lock cmpxchg dword ptr [0x5008], ecx", "lock bts qword ptr [0x5008], 3", "xchg qword ptr [0x5008], rax",
            "lock cmpxchg8b qword ptr [0x5008]", "lock cmpxchg16b xmmword ptr [0x5010]", "lock not byte ptr [0x5009]",
            "lock add dword ptr [0x5006], 1"};
        for (String form : forms) {
            try (Rig r = new Rig().withIdt()) {
                readOnly(r, 0x5000);
                r.memory.writeU64(0x5000, 0x1111111111111111L);
                r.memory.writeU64(0x5008, 0x2222222222222222L);
                r.memory.writeU64(0x5010, 0x2222222222222222L);
                r.memory.writeU64(0x5018, 0x3333333333333333L);
                // CMPXCHG/CMPXCHG8B/16B would succeed if they were allowed to write
                r.load("mov rax, 0x2222222222222222\nmov rdx, rax\n" + form + "\nhlt");
                r.run(100);
                assertHandled(r, 14);
                assertEquals(3, r.stack(0), form + ": error code present, write");
                assertEquals(0x2222222222222222L, r.memory.readU64(0x5008), form);
                assertEquals(0x2222222222222222L, r.memory.readU64(0x5010), form);
                assertEquals(0x1111111111111111L, r.memory.readU64(0x5000), form);
            }
        }
    }

    @Test
    void splitLockAcrossPagesWorksAndFaultsBeforeWritingEitherPage() {
        try (Rig r = new Rig().withIdt()) {
            r.memory.writeU32(0x5FFE, 0x0001FFFFL);
            r.load("lock add dword ptr [0x5ffe], 0x10001\nmov eax, 5\nlock xadd dword ptr [0x5ffe], eax\nhlt");
            r.run(100);
            assertEquals(ExitReason.HLT, r.lastExit.reason());
            assertEquals(0x00030000L + 5, r.memory.readU32(0x5FFE));
            assertEquals(0x00030000L, r.reg(Gpr.RAX));
        }
        try (Rig r = new Rig().withIdt()) {
            readOnly(r, 0x6000);
            r.memory.writeU32(0x5FFE, 0x0001FFFFL);
            r.load("lock add dword ptr [0x5ffe], 0x10001\nhlt");
            r.run(100);
            assertHandled(r, 14);
            assertEquals(0x6000, r.vcpu.cr(2));
            assertEquals(3, r.stack(0));
            assertEquals(0x0001FFFFL, r.memory.readU32(0x5FFE), "neither page written");
        }
    }

    private static long le(byte[] b, int off, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static void put(byte[] b, int off, int size, long v) {
        for (int i = 0; i < size; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    @Test
    void misalignedOperandsInsideAPage() {
        try (Rig r = new Rig()) {
            long d = Rig.DATA;
            byte[] model = new byte[24];
            put(model, 0, 8, 0x8877665544332211L);
            put(model, 8, 8, 0xFFEEDDCCBBAA9988L);
            put(model, 16, 8, 0x0123456789ABCDEFL);
            r.memory.write(d, model);
            r.load(String.format("""
                    mov rax, 0x0101010101010101
                    lock xadd qword ptr [0x%x], rax
                    mov rbx, rax
                    mov ecx, 0x99887766
                    mov eax, dword ptr [0x%x]
                    lock cmpxchg dword ptr [0x%x], ecx
                    setz r8b
                    mov edx, 0x12
                    lock xadd word ptr [0x%x], dx
                    lock btr dword ptr [0x%x], 30
                    hlt
                    """, d + 5, d + 2, d + 2, d + 15, d + 18));
            r.run(100);
            assertEquals(ExitReason.HLT, r.lastExit.reason());
            long old = le(model, 5, 8);
            assertEquals(old, r.reg(Gpr.RBX), "XADD returns the old value");
            put(model, 5, 8, old + 0x0101010101010101L);
            assertEquals(1, r.reg(Gpr.R8), "CMPXCHG with the value just read succeeds");
            put(model, 2, 4, 0x99887766L);
            put(model, 15, 2, le(model, 15, 2) + 0x12);
            put(model, 18, 4, le(model, 18, 4) & ~(1L << 30));
            assertEquals(java.util.HexFormat.of().formatHex(model), java.util.HexFormat.of().formatHex(r.memory.read(d, 24)));
        }
    }

    @Test
    void lockedRmwOnMmioExitsForTheReadThenTheWrite() {
        try (Rig r = new Rig()) {
            r.load("mov rbx, 0xfee00000\nlock add dword ptr [rbx + 0x20], 5\nmov eax, 7\n"
                    + "xchg dword ptr [rbx], eax\nhlt");
            Exit e = r.run(100);
            assertEquals(ExitReason.MMIO_READ, e.reason());
            assertEquals(0xFEE00020L, e.address());
            assertEquals(4, e.size());
            r.vcpu.completeMmioRead(10);
            e = r.run(100);
            assertEquals(ExitReason.MMIO_WRITE, e.reason());
            assertEquals(0xFEE00020L, e.address());
            assertEquals(15, e.data());
            e = r.run(100);
            assertEquals(ExitReason.MMIO_READ, e.reason());
            assertEquals(0xFEE00000L, e.address());
            r.vcpu.completeMmioRead(0x42);
            e = r.run(100);
            assertEquals(ExitReason.MMIO_WRITE, e.reason());
            assertEquals(7, e.data());
            assertEquals(ExitReason.HLT, r.run(100).reason());
            assertEquals(0x42, r.reg(Gpr.RAX));
        }
    }

    @Test
    void lockedWriteIntoTheRunningBlockTakesEffect() {
        try (Rig r = new Rig()) {
            r.load("lea rbx, [rip + 2f + 1]\nlock inc byte ptr [rbx]\nmov ecx, 3\nlock xadd byte ptr [rbx], cl\n"
                    + "2: mov eax, 1\nhlt");
            assertEquals(ExitReason.HLT, r.run(100).reason());
            assertEquals(5, r.reg(Gpr.RAX));
            assertEquals(2, r.reg(Gpr.RCX));
        }
    }

    @Test
    void cmpxchg16bNeedsAlignmentAndComparesBothHalves() {
        try (Rig r = new Rig().withIdt()) {
            r.load("lock cmpxchg16b xmmword ptr [0x200008]\nhlt");
            r.run(100);
            assertHandled(r, 13);
            assertEquals(0, r.stack(0));
            assertEquals(Rig.CODE, r.stack(1));
        }
        try (Rig r = new Rig()) {
            long d = Rig.DATA;
            r.memory.writeU64(d, 1);
            r.memory.writeU64(d + 8, 2);
            r.load(String.format("""
                    mov eax, 1
                    mov edx, 3
                    mov ebx, 10
                    mov ecx, 20
                    lock cmpxchg16b xmmword ptr [0x%x]
                    setz r8b
                    lock cmpxchg16b xmmword ptr [0x%x]
                    setz r9b
                    hlt
                    """, d, d));
            r.run(100);
            assertEquals(0, r.reg(Gpr.R8), "high half differed");
            assertEquals(1, r.reg(Gpr.R9), "RDX:RAX were loaded with the old value, so the second one succeeds");
            assertEquals(10, r.memory.readU64(d));
            assertEquals(20, r.memory.readU64(d + 8));
        }
    }

    @Test
    void byteAndWordOperandsTouchOnlyTheirOwnBytes() {
        try (Rig r = new Rig()) {
            long d = Rig.DATA;
            r.memory.writeU64(d, 0x0807060504030201L);
            r.load(String.format("""
                    mov ah, 0x7f
                    xchg byte ptr [0x%x], ah
                    lock neg word ptr [0x%x]
                    lock btc word ptr [0x%x], 15
                    lock or byte ptr [0x%x], 0x80
                    lock sbb word ptr [0x%x], 1
                    hlt
                    """, d + 1, d + 2, d + 4, d + 7, d + 5));
            r.run(100);
            assertEquals(ExitReason.HLT, r.lastExit.reason());
            assertEquals(2, r.reg(Gpr.RAX) >>> 8 & 0xFF);
            // byte 1 = 0x7f; word 2..3 = -0x0403 = 0xfbfd; word 4..5 = 0x0605 ^ 0x8000 = 0x8605; byte 7 = 0x88 (OR
            // clears CF); word 5..6 = 0x0786 - 1 - 0 = 0x0785
            assertEquals(0x88078505FBFD7F01L, r.memory.readU64(d));
        }
    }
}
