package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.x86.support.Rig;
import org.junit.jupiter.api.Test;

/** Exceptions delivered through the IDT with the right vector, error code, CR2 and return address. */
class FaultsTest {
    private static Rig guest(String asm) {
        Rig r = new Rig().withIdt();
        r.load(asm);
        r.run(100_000);
        return r;
    }

    private static void assertHandled(Rig r, int vector) {
        assertEquals(ExitReason.HLT, r.lastExit.reason(), r.lastExit.toString());
        assertEquals(vector, r.reg(Gpr.R15), "vector");
    }

    @Test
    void pageFaultOnNullReadHasCr2AndErrorCode() {
        try (Rig r = guest("mov rax, [0x10]\nhlt")) {
            assertHandled(r, 14);
            assertEquals(0x10, r.vcpu.cr(2));
            assertEquals(0, r.stack(0), "error code: not present, read, supervisor");
            assertEquals(Rig.CODE, r.stack(1), "faulting RIP");
        }
    }

    @Test
    void pageFaultOnWriteToReadOnlyPage() {
        // clear RW in the PTE for page 0x5000 (page table at TABLES + 0x3000)
        try (Rig r = new Rig().withIdt()) {
            long pte = Rig.TABLES + 0x3000 + 5 * 8;
            r.memory.writeU64(pte, r.memory.readU64(pte) & ~2L);
            r.load("mov eax, [0x5008]\nmov dword ptr [0x5008], 1\nhlt");
            r.run(100);
            assertHandled(r, 14);
            assertEquals(0x5008, r.vcpu.cr(2));
            assertEquals(3, r.stack(0), "error code: present, write");
            assertEquals(Rig.CODE + 7, r.stack(1));
        }
    }

    @Test
    void pageFaultOnFetchFromNoExecutePage() {
        try (Rig r = new Rig().withIdt()) {
            long pte = Rig.TABLES + 0x3000 + 6 * 8;
            r.memory.writeU64(pte, r.memory.readU64(pte) | 1L << 63);
            r.memory.write(0x6000, new byte[] {(byte) 0x90});
            r.load("mov eax, 0x6000\njmp rax");
            r.run(100);
            assertHandled(r, 14);
            assertEquals(0x6000, r.vcpu.cr(2));
            assertEquals(0x11, r.stack(0), "error code: present, instruction fetch");
            assertEquals(0x6000, r.stack(1));
        }
    }

    @Test
    void generalProtectionOnNonCanonicalAddress() {
        try (Rig r = guest("mov rbx, 0x0000800000000000\nmov rax, [rbx]\nhlt")) {
            assertHandled(r, 13);
            assertEquals(0, r.stack(0));
            assertEquals(Rig.CODE + 10, r.stack(1));
        }
    }

    @Test
    void divideErrorOnZeroAndOnOverflow() {
        try (Rig r = guest("xor ecx, ecx\ndiv rcx\nhlt")) {
            assertHandled(r, 0);
            assertEquals(Rig.CODE + 2, r.stack(0), "the DIV itself is the return address");
        }
        try (Rig r = guest("mov edx, 5\nmov eax, 0\nmov ecx, 2\ndiv ecx\nhlt")) {
            assertHandled(r, 0); // quotient 0x5_0000_0000 / 2 does not fit in 32 bits
        }
        try (Rig r = guest("mov rax, 0x8000000000000000\ncqo\nmov rcx, -1\nidiv rcx\nhlt")) {
            assertHandled(r, 0);
        }
    }

    @Test
    void invalidOpcodeOnUndefinedAndUnimplemented() {
        try (Rig r = guest("ud2\nhlt")) {
            assertHandled(r, 6);
            assertEquals(Rig.CODE, r.stack(0));
        }
        try (Rig r = guest(".byte 0x0f, 0x10, 0xc1\nhlt")) { // movups: SSE is not implemented
            assertHandled(r, 6);
        }
        try (Rig r = guest(".byte 0x06\nhlt")) { // push es is invalid in 64-bit mode
            assertHandled(r, 6);
        }
        try (Rig r = guest(".byte 0xf0, 0x01, 0xd8\nhlt")) { // LOCK on a register destination
            assertHandled(r, 6);
        }
    }

    @Test
    void deviceNotAvailableForX87WhenTaskSwitchedOrEmulated() {
        try (Rig r = guest("mov rax, cr0\nor eax, 8\nmov cr0, rax\nfld1\nhlt")) { // CR0.TS
            assertHandled(r, 7);
            assertEquals(Rig.CODE + 9, r.stack(0), "the faulting x87 instruction");
        }
        try (Rig r = guest("fld1\nhlt")) { // no FPU: #UD
            assertHandled(r, 6);
        }
        try (Rig r = guest("mov rax, cr0\nor eax, 8\nmov cr0, rax\nfwait\nhlt")) { // WAIT with TS and MP
            assertHandled(r, 7);
        }
    }

    @Test
    void singleStepTrapsAfterEachInstruction() {
        try (Rig r = guest("pushfq\nor qword ptr [rsp], 0x100\npopfq\nmov eax, 1\nmov ebx, 2\nhlt")) {
            assertHandled(r, 1);
            assertEquals(Rig.CODE + 15, r.stack(0), "trap after the first instruction once TF is set");
            assertEquals(1, r.reg(Gpr.RAX));
            assertEquals(0, r.reg(Gpr.RBX));
        }
    }

    @Test
    void breakpointIsATrap() {
        try (Rig r = guest("int3\nhlt")) {
            assertHandled(r, 3);
            assertEquals(Rig.CODE + 1, r.stack(0), "return address after INT3");
        }
    }

    @Test
    void softwareInterruptUsesTheGate() {
        try (Rig r = guest("int 0x80\nhlt")) {
            assertHandled(r, 0x80);
            assertEquals(Rig.CODE + 2, r.stack(0));
        }
    }

    @Test
    void doubleFaultWhenThePageFaultFrameCannotBePushed() {
        try (Rig r = new Rig().withIdt()) {
            r.load("mov rsp, 0x1000\nmov rax, [0x10]\nhlt");
            r.run(100);
            assertHandled(r, 8);
            assertEquals(0, r.stack(0), "#DF error code");
            long rsp = r.vcpu.gpr(Gpr.RSP);
            assertEquals(true, rsp < Rig.IST1_TOP && rsp > Rig.IST1_TOP - 64, "on the IST1 stack");
        }
    }

    @Test
    void tripleFaultWithoutIdtShutsDown() {
        try (Rig r = Rig.run("ud2")) {
            assertEquals(ExitReason.SHUTDOWN, r.lastExit.reason());
        }
    }

    @Test
    void iretqReturnsFromAHandler() {
        try (Rig r = new Rig().withIdt()) {
            // replace the #BP handler with: add qword [rsp], 0 ; mov r14, 7 ; iretq
            r.memory.write(Rig.HANDLERS + 16 * 3, new byte[] {0x49, (byte) 0xC7, (byte) 0xC6, 7, 0, 0, 0, 0x48,
                (byte) 0xCF});
            r.load("mov rbx, rsp\nint3\nmov r13, 9\ncmp rbx, rsp\nsete r12b\nhlt");
            r.run(100);
            assertEquals(ExitReason.HLT, r.lastExit.reason(), r.lastExit.toString());
            assertEquals(7, r.reg(Gpr.R14));
            assertEquals(9, r.reg(Gpr.R13));
            assertEquals(1, r.reg(Gpr.R12) & 0xFF, "stack pointer restored");
        }
    }
}
