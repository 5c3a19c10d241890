package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.x86.support.Rig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Port I/O and MMIO exits, interrupt injection, stop requests, the instruction limit and host code writes. */
class ExitsTest {
    @Test
    void outAndInExitWithPortSizeAndData() {
        try (Rig r = new Rig()) {
            r.load("mov dx, 0x3f8\nmov al, 0x41\nout dx, al\nmov eax, 0x12345678\nout 0x80, eax\n"
                    + "in al, dx\nmov bl, al\nin eax, 0x60\nhlt");
            Exit e = r.run(100);
            assertEquals(ExitReason.IO_OUT, e.reason());
            assertEquals(0x3F8, e.port());
            assertEquals(1, e.size());
            assertEquals(0x41, e.data());
            e = r.run(100);
            assertEquals(0x80, e.port());
            assertEquals(4, e.size());
            assertEquals(0x12345678, e.data());
            e = r.run(100);
            assertEquals(ExitReason.IO_IN, e.reason());
            assertEquals(0x3F8, e.port());
            r.vcpu.completeIn(0x5A);
            e = r.run(100);
            assertEquals(ExitReason.IO_IN, e.reason());
            assertEquals(0x60, e.port());
            assertEquals(4, e.size());
            r.vcpu.completeIn(0xCAFEF00DL);
            e = r.run(100);
            assertEquals(ExitReason.HLT, e.reason());
            assertEquals(0x5A, r.reg(Gpr.RBX));
            assertEquals(0xCAFEF00DL, r.reg(Gpr.RAX));
        }
    }

    @Test
    void repOutsbExitsOncePerByte() {
        try (Rig r = new Rig()) {
            r.memory.write(Rig.DATA, "hi!".getBytes(StandardCharsets.US_ASCII));
            r.load("mov esi, 0x200000\nmov ecx, 3\nmov dx, 0xe9\nrep outsb\nhlt");
            StringBuilder out = new StringBuilder();
            Exit e;
            while ((e = r.run(100)).reason() == ExitReason.IO_OUT) {
                assertEquals(1, e.count());
                out.append((char) e.data());
            }
            assertEquals(ExitReason.HLT, e.reason());
            assertEquals("hi!", out.toString());
        }
    }

    @Test
    void repOutsbBatchesAPageOfElementsWhenAsked() {
        try (Rig r = new Rig()) {
            r.vcpu.setStringIoBatching(true);
            byte[] text = new byte[5000];
            for (int i = 0; i < text.length; i++) {
                text[i] = (byte) ('a' + i % 26);
            }
            r.memory.write(Rig.DATA + 0x800, text); // starts mid-page: 2048 + 2952 bytes
            r.load("mov esi, 0x200800\nmov ecx, 5000\nmov dx, 0xe9\nrep outsb\nmov eax, 1\nhlt");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.util.List<Integer> counts = new java.util.ArrayList<>();
            Exit e;
            while ((e = r.run(1000)).reason() == ExitReason.IO_OUT) {
                counts.add(e.count());
                java.nio.ByteBuffer d = e.stringData();
                while (d.hasRemaining()) {
                    out.write(d.get());
                }
            }
            assertEquals(ExitReason.HLT, e.reason());
            assertEquals(java.util.List.of(2048, 2952), counts);
            assertEquals(new String(text, StandardCharsets.US_ASCII), out.toString(StandardCharsets.US_ASCII));
            assertEquals(0, r.reg(Gpr.RCX));
            assertEquals(0x200800 + 5000, r.reg(Gpr.RSI));
            assertEquals(1, r.reg(Gpr.RAX));
        }
    }

    @Test
    void mmioReadAndWriteOutsideRam() {
        try (Rig r = new Rig()) {
            r.load("mov rbx, 0xfee00000\nmov eax, [rbx + 0x20]\nmov ecx, eax\nmov word ptr [rbx], 0x1234\nhlt");
            Exit e = r.run(100);
            assertEquals(ExitReason.MMIO_READ, e.reason());
            assertEquals(0xFEE00020L, e.address());
            assertEquals(4, e.size());
            r.vcpu.completeMmioRead(0xABCD1234L);
            e = r.run(100);
            assertEquals(ExitReason.MMIO_WRITE, e.reason());
            assertEquals(0xFEE00000L, e.address());
            assertEquals(2, e.size());
            assertEquals(0x1234, e.data());
            assertEquals(ExitReason.HLT, r.run(100).reason());
            assertEquals(0xABCD1234L, r.reg(Gpr.RCX));
        }
    }

    @Test
    void injectedInterruptWaitsForIfAndTheStiShadow() {
        try (Rig r = new Rig().withIdt()) {
            r.load("cli\nmov eax, 1\nsti\nmov ebx, 2\n1: inc ecx\njmp 1b");
            r.vcpu.injectInterrupt(0x40);
            Exit e = r.run(1000);
            assertEquals(ExitReason.HLT, e.reason(), e.toString());
            assertEquals(0x40, r.reg(Gpr.R15));
            assertEquals(2, r.reg(Gpr.RBX), "the instruction after STI ran before the interrupt");
            assertEquals(0, r.reg(Gpr.RCX), "delivered right after the shadow");
            assertEquals(Rig.CODE + 12, r.stack(0), "interrupted RIP: the INC after MOV EBX");
        }
    }

    @Test
    void movSsHoldsOffAnInterruptForOneInstruction() {
        try (Rig r = new Rig().withIdt()) {
            // STI's shadow covers MOV SS, whose own shadow covers the MOV EBX after it
            r.load("mov ax, ss\nsti\nmov ss, ax\nmov ebx, 3\n1: inc ecx\njmp 1b");
            r.vcpu.injectInterrupt(0x41);
            assertEquals(ExitReason.HLT, r.run(1000).reason());
            assertEquals(0x41, r.reg(Gpr.R15));
            assertEquals(3, r.reg(Gpr.RBX), "the instruction after MOV SS ran first");
            assertEquals(0, r.reg(Gpr.RCX), "and the interrupt came right after it");
        }
    }

    @Test
    void engineCreatesInterpreterVcpus() {
        io.splitvisor.engine.Engine engine = new io.splitvisor.x86.exec.X86Engine();
        assertEquals("interp", engine.name());
        try (Rig r = new Rig(); io.splitvisor.engine.Vcpu v = engine.createVcpu(r.memory,
                io.splitvisor.engine.CpuidModel.standard())) {
            v.setState(r.vcpu.state());
            r.load("mov eax, 11\nhlt");
            assertEquals(ExitReason.HLT, v.run().reason());
            assertEquals(11, v.gpr(Gpr.RAX));
        }
    }

    @Test
    void hltWithInterruptsOffExitsAndInterruptWakesLater() {
        try (Rig r = new Rig().withIdt()) {
            r.load("sti\nhlt\nmov eax, 5\nhlt");
            assertEquals(ExitReason.HLT, r.run(100).reason());
            assertEquals(Rig.CODE + 2, r.vcpu.rip());
            r.vcpu.injectInterrupt(0x31);
            assertEquals(ExitReason.HLT, r.run(100).reason());
            assertEquals(0x31, r.reg(Gpr.R15));
            assertEquals(Rig.CODE + 2, r.stack(0));
        }
    }

    @Test
    void stopRequestFromAnotherThread() throws Exception {
        try (Rig r = new Rig()) {
            r.load("1: inc rax\njmp 1b");
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                r.vcpu.requestStop();
            });
            t.start();
            Exit e = r.run(Long.MAX_VALUE);
            t.join();
            assertEquals(ExitReason.STOP_REQUESTED, e.reason());
            assertTrue(r.reg(Gpr.RAX) > 1000);
        }
    }

    @Test
    void instructionLimitIsExact() {
        try (Rig r = new Rig()) {
            r.load("1: inc rax\ninc rbx\ninc rcx\njmp 1b");
            for (int n : new int[] {1, 2, 3, 5, 7, 100}) {
                long before = r.vcpu.retiredInstructions();
                assertEquals(ExitReason.INSTRUCTION_LIMIT, r.run(n).reason());
                assertEquals(n, r.vcpu.retiredInstructions() - before);
            }
            // 118 instructions of a 4-instruction loop: 29 full rounds, then INC RAX and INC RBX
            assertEquals(30, r.reg(Gpr.RAX));
            assertEquals(30, r.reg(Gpr.RBX));
            assertEquals(29, r.reg(Gpr.RCX));
        }
    }

    @Test
    void hostWriteToCodeIsSeenOnTheNextRun() {
        try (Rig r = new Rig()) {
            r.load("mov eax, 1\nhlt\nmov eax, 2\nhlt");
            assertEquals(ExitReason.HLT, r.run(100).reason());
            assertEquals(1, r.reg(Gpr.RAX));
            r.memory.write(Rig.CODE + 1, new byte[] {7}); // mov eax, 7
            r.vcpu.setRip(Rig.CODE);
            assertEquals(ExitReason.HLT, r.run(100).reason());
            assertEquals(7, r.reg(Gpr.RAX));
        }
    }

    @Test
    void guestStoreIntoTheRunningBlockTakesEffect() {
        try (Rig r = new Rig()) {
            // the store patches the immediate of the very next instruction in the same block
            r.load("lea rbx, [rip + 2f + 1]\nmov byte ptr [rbx], 9\n2: mov eax, 1\nhlt");
            assertEquals(ExitReason.HLT, r.run(100).reason());
            assertEquals(9, r.reg(Gpr.RAX));
        }
    }

    @Test
    void cpuidIsHonestAndNamesTheHypervisor() {
        try (Rig r = new Rig()) {
            r.load("mov eax, 1\ncpuid\nmov r8, rcx\nmov r9, rdx\nmov eax, 0x40000000\ncpuid\nhlt");
            r.run(100);
            assertTrue((r.reg(Gpr.R8) & (1L << 31)) != 0, "hypervisor bit");
            assertEquals(0, r.reg(Gpr.R9) & 1, "no FPU claimed");
            assertEquals(0, r.reg(Gpr.R9) & (1 << 25), "no SSE claimed");
            byte[] sig = new byte[12];
            for (int i = 0; i < 4; i++) {
                sig[i] = (byte) (r.reg(Gpr.RBX) >>> (8 * i));
                sig[4 + i] = (byte) (r.reg(Gpr.RCX) >>> (8 * i));
                sig[8 + i] = (byte) (r.reg(Gpr.RDX) >>> (8 * i));
            }
            assertEquals("SplitvisorPV", new String(sig, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void msrsSwapgsAndRdtscp() {
        try (Rig r = new Rig()) {
            r.load("""
                    mov ecx, 0xc0000101
                    mov eax, 0x1000
                    xor edx, edx
                    wrmsr
                    mov ecx, 0xc0000102
                    mov eax, 0x2000
                    wrmsr
                    swapgs
                    mov ecx, 0xc0000101
                    rdmsr
                    mov r8, rax
                    mov ecx, 0xc0000103
                    mov eax, 42
                    xor edx, edx
                    wrmsr
                    rdtscp
                    mov r9, rcx
                    hlt
                    """);
            assertEquals(ExitReason.HLT, r.run(100).reason(), r.lastExit.toString());
            assertEquals(0x2000, r.reg(Gpr.R8));
            assertEquals(42, r.reg(Gpr.R9));
            assertEquals(0x1000, r.vcpu.readMsr(0xC0000102));
        }
    }

    @Test
    void cr3WriteFlushesTheTlb() {
        try (Rig r = new Rig()) {
            // a copy of the page tables where virtual page 0x5000 maps physical 0x7000
            long copy = 0x50000;
            r.memory.write(copy, r.memory.read(Rig.TABLES, 4 * 4096));
            long d = copy - Rig.TABLES;
            r.memory.writeU64(copy, r.memory.readU64(copy) + d);
            r.memory.writeU64(copy + 0x1000, r.memory.readU64(copy + 0x1000) + d);
            r.memory.writeU64(copy + 0x2000, r.memory.readU64(copy + 0x2000) + d);
            r.memory.writeU64(copy + 0x3000 + 5 * 8, 0x7000 | 7);
            r.memory.writeU64(0x5000, 111);
            r.memory.writeU64(0x7000, 222);
            r.load("mov rax, [0x5000]\nmov rcx, 0x50000\nmov cr3, rcx\nmov rbx, [0x5000]\nhlt");
            assertEquals(ExitReason.HLT, r.run(100).reason(), r.lastExit.toString());
            assertEquals(111, r.reg(Gpr.RAX));
            assertEquals(222, r.reg(Gpr.RBX));
        }
    }

    @Test
    void repInswBatchesUpToAPageAndStoresWhatTheHostSupplies() {
        try (Rig r = new Rig()) {
            r.vcpu.setStringIoBatching(true);
            // starts one byte before a page end: the first word straddles two pages, as does the word at 0x201fff
            r.load("mov edi, 0x200fff\nmov ecx, 3000\nmov dx, 0x1f0\nrep insw\nmov eax, 1\nhlt");
            java.util.List<Integer> counts = new java.util.ArrayList<>();
            int next = 0;
            Exit e;
            while ((e = r.vcpu.run(1000)).reason() == ExitReason.IO_IN) {   // the vCPU's own exit: its buffer is filled
                assertEquals(0x1f0, e.port());
                assertEquals(2, e.size());
                counts.add(e.count());
                if (e.count() > 1) {
                    byte[] b = e.stringBuffer();
                    for (int i = 0; i < e.count(); i++, next++) {
                        b[2 * i] = (byte) next;
                        b[2 * i + 1] = (byte) (next >>> 8);
                    }
                    r.vcpu.completeIn(0);
                } else {
                    r.vcpu.completeIn(next++);
                }
            }
            assertEquals(ExitReason.HLT, e.reason());
            assertEquals(java.util.List.of(1, 2047, 1, 951), counts);
            byte[] got = new byte[6000];
            r.memory.read(0x200fff, got, 0, got.length);
            for (int i = 0; i < 3000; i++) {
                assertEquals(i & 0xFFFF, (got[2 * i] & 0xFF) | (got[2 * i + 1] & 0xFF) << 8, "word " + i);
            }
            assertEquals(0, r.reg(Gpr.RCX));
            assertEquals(0x200fff + 6000, r.reg(Gpr.RDI));
            assertEquals(1, r.reg(Gpr.RAX));
        }
    }

    @Test
    void repInsbIntoAnUnmappedPageFaultsBeforeAnyExit() {
        try (Rig r = new Rig()) {
            r.withIdt();
            r.vcpu.setStringIoBatching(true);
            r.load("mov rdi, 0x40000000000\nmov ecx, 100\nmov dx, 0x1f0\nrep insb\nhlt");
            Exit e = r.run(1000);
            assertEquals(ExitReason.HLT, e.reason(), "no port was read: " + e);
            assertEquals(14, r.reg(Gpr.R15), "the page fault handler ran");
            assertEquals(100, r.reg(Gpr.RCX));
        }
    }
}
