package io.splitvisor.kvm;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.engine.Engine;
import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Vcpu;
import io.splitvisor.kvm.sys.KvmException;
import io.splitvisor.x86.exec.X86Engine;
import io.splitvisor.x86.loader.LongModeSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engine on real KVM, next to the interpreter: each small guest runs on both from the same start state, and
 * the exits and final registers must agree. Skipped where /dev/kvm is not usable (the reason is printed); the
 * nested-virtualization run and any machine with KVM run it.
 */
class RealKvmTest {
    private static final long ENTRY = 0x100000;
    private static KvmEngine kvm;
    private static String unavailable;

    @BeforeAll
    static void openKvm() {
        try {
            kvm = KvmEngine.open(KvmEngine.CpuidSource.MODEL);
        } catch (KvmException | LinkageError e) {
            unavailable = e.getMessage();
        }
    }

    @AfterAll
    static void closeKvm() {
        if (kvm != null) {
            kvm.close();
        }
    }

    private static void requireKvm() {
        assumeTrue(kvm != null, "no usable KVM here: " + unavailable);
    }

    /** One guest run: the exits it made (as text) and its final registers. */
    private record Outcome(List<String> exits, RegisterState state, byte[] marker) {
    }

    /** Runs {@code code} at 1 MiB until HLT, SHUTDOWN or {@code maxExits}, answering INs and MMIO reads. */
    private static Outcome run(Engine engine, byte[] code, Consumer<GuestMemory> prepare, Consumer<Vcpu> onHlt) {
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 16 << 20));
        try (Vcpu vcpu = engine.createVcpu(memory, CpuidModel.standard())) {
            memory.write(ENTRY, code);
            RegisterState s = LongModeSetup.build(memory, 0x10000, ENTRY, 0x80000);
            if (prepare != null) {
                prepare.accept(memory);
                s.idt = new DescriptorTable(0x20000, 0xFFF);
            }
            vcpu.setState(s);
            vcpu.setStringIoBatching(true);
            List<String> exits = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Exit e = vcpu.run();
                exits.add(describe(e));
                if (e.reason() == ExitReason.IO_IN) {
                    for (int b = 0; b < e.count() * e.size(); b++) {
                        e.stringBuffer()[b] = (byte) ('A' + b);
                    }
                    vcpu.completeIn(0x5A);
                } else if (e.reason() == ExitReason.MMIO_READ) {
                    vcpu.completeMmioRead(0x12345678);
                } else if (e.reason() == ExitReason.HLT && onHlt != null && i == 0) {
                    onHlt.accept(vcpu);
                } else if (e.reason() == ExitReason.HLT || e.reason() == ExitReason.SHUTDOWN
                        || e.reason() == ExitReason.FAIL_ENTRY || e.reason() == ExitReason.INTERNAL_ERROR) {
                    break;
                }
            }
            return new Outcome(exits, vcpu.state(), memory.read(0x200000, 16));
        } finally {
            memory.release();
        }
    }

    private static String describe(Exit e) {
        if (e.reason() == ExitReason.IO_OUT && e.count() > 1) {
            ByteBuffer d = e.stringData();
            byte[] b = new byte[d.remaining()];
            d.get(b);
            return "IO_OUT port=0x" + Integer.toHexString(e.port()) + " string=" + new String(b);
        }
        return e.reason() == ExitReason.SHUTDOWN ? "SHUTDOWN" : e.toString();
    }

    /**
     * The exits with consecutive OUTs to one port joined into one string: how many elements one exit carries is
     * up to KVM (a real host delivered a five-byte {@code rep outsb} as five exits), the bytes and their order are not.
     */
    static List<String> joinStrings(List<String> exits) {
        List<String> out = new ArrayList<>();
        String port = null;
        StringBuilder text = new StringBuilder();
        for (String e : exits) {
            java.util.regex.Matcher single = java.util.regex.Pattern
                    .compile("IO_OUT port=(0x\\w+) size=1 data=(0x\\w+) count=1").matcher(e);
            java.util.regex.Matcher string = java.util.regex.Pattern.compile("IO_OUT port=(0x\\w+) string=(.*)").matcher(e);
            String p = single.matches() ? single.group(1) : string.matches() ? string.group(1) : null;
            if (port != null && !port.equals(p)) {
                out.add("IO_OUT port=" + port + " bytes=" + text);
                text.setLength(0);
            }
            port = p;
            if (single.matches()) {
                text.append((char) Integer.parseInt(single.group(2).substring(2), 16));
            } else if (string.matches()) {
                text.append(string.group(2));
            } else {
                out.add(e);
            }
        }
        if (port != null) {
            out.add("IO_OUT port=" + port + " bytes=" + text);
        }
        return out;
    }

    private static Outcome both(byte[] code, Consumer<GuestMemory> prepare, Consumer<Vcpu> onHlt) {
        Outcome interp = run(new X86Engine(), code, prepare, onHlt);
        Outcome onKvm = run(kvm, code, prepare, onHlt);
        assertEquals(joinStrings(interp.exits()), joinStrings(onKvm.exits()), "exits");
        for (Gpr r : Gpr.values()) {
            assertEquals(interp.state().get(r), onKvm.state().get(r), r.asmName());
        }
        assertEquals(interp.state().rip, onKvm.state().rip, "rip");
        assertEquals(interp.state().rflags & 0x7C7, onKvm.state().rflags & 0x7C7, "rflags (CF PF ZF SF TF IF DF)");
        assertEquals(ByteBuffer.wrap(interp.marker()), ByteBuffer.wrap(onKvm.marker()), "memory at 0x200000");
        return onKvm;
    }

    @Test
    void portOutAndHlt() {
        requireKvm();
        Outcome o = both(bytes(0xB8, 0x41, 0, 0, 0, 0xE6, 0xE9, 0x48, 0xBB, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
                0xF4), null, null);
        assertEquals(List.of("IO_OUT port=0xe9 bytes=A", "HLT"), joinStrings(o.exits()));
        assertEquals(0x1122334455667788L, o.state().get(Gpr.RBX));
    }

    @Test
    void repOutsbWithSeveralElements() {
        requireKvm();
        // lea rsi,[rip+12]; mov ecx,5; mov dx,0xe9; rep outsb; hlt; "hello"
        Outcome o = both(bytes(0x48, 0x8D, 0x35, 12, 0, 0, 0, 0xB9, 5, 0, 0, 0, 0x66, 0xBA, 0xE9, 0, 0xF3, 0x6E, 0xF4,
                'h', 'e', 'l', 'l', 'o'), null, null);
        assertEquals(List.of("IO_OUT port=0xe9 bytes=hello", "HLT"), joinStrings(o.exits()));
    }

    @Test
    void inReplyReachesTheGuest() {
        requireKvm();
        // in al,0x60; mov [0x200000],al; hlt
        Outcome o = both(bytes(0xE4, 0x60, 0x88, 0x04, 0x25, 0, 0, 0x20, 0, 0xF4), null, null);
        assertEquals(0x5A, o.marker()[0]);
    }

    @Test
    void repInsbFillsGuestMemory() {
        requireKvm();
        // mov edi,0x200000; mov ecx,4; mov dx,0x60; rep insb; hlt
        Outcome o = both(bytes(0xBF, 0, 0, 0x20, 0, 0xB9, 4, 0, 0, 0, 0x66, 0xBA, 0x60, 0, 0xF3, 0x6C, 0xF4), null, null);
        assertEquals("ABCD", new String(o.marker(), 0, 4));
    }

    @Test
    void mmioWriteAndRead() {
        requireKvm();
        // mov rax,0x20000000 (below 1 GiB: 2 MiB pages, which every host supports); mov dword [rax],0xcafebabe;
        // mov ebx,[rax+8]; hlt
        Outcome o = both(bytes(0x48, 0xC7, 0xC0, 0, 0, 0, 0x20, 0xC7, 0x00, 0xBE, 0xBA, 0xFE, 0xCA, 0x8B, 0x58, 0x08, 0xF4),
                null, null);
        assertEquals(List.of("MMIO_WRITE address=0x20000000 size=4 data=0xcafebabe",
                "MMIO_READ address=0x20000008 size=4 data=0x0", "HLT"), o.exits());
        assertEquals(0x12345678L, o.state().get(Gpr.RBX));
    }

    @Test
    void injectedInterruptWakesHltThroughTheIdt() {
        requireKvm();
        // sti; hlt; mov eax,0x77; out 0xe9,al; hlt; handler: mov eax,0x99; out 0xe9,al; iretq
        byte[] code = bytes(0xFB, 0xF4, 0xB8, 0x77, 0, 0, 0, 0xE6, 0xE9, 0xF4, 0xB8, 0x99, 0, 0, 0, 0xE6, 0xE9, 0x48, 0xCF);
        long handler = ENTRY + 10;
        Consumer<GuestMemory> idt = m -> {
            long gate = 0x20000 + 0x40 * 16;
            m.writeU64(gate, (handler & 0xFFFF) | (long) LongModeSetup.KERNEL_CS << 16 | 0x8EL << 40
                    | ((handler >>> 16) & 0xFFFF) << 48);
            m.writeU64(gate + 8, handler >>> 32);
        };
        Outcome o = both(code, idt, v -> v.injectInterrupt(0x40));
        assertEquals(List.of("HLT", "IO_OUT port=0xe9 bytes=\u0099\u0077", "HLT"), joinStrings(o.exits()));
    }

    @Test
    void cpuidIsTheModelsAndArithmeticAgrees() {
        requireKvm();
        // xor eax,eax; cpuid; mov r8,rbx; mov r9,rcx; mov r10,rdx; mov rax,0x123456789; mov rcx,7; imul rax,rcx;
        // xor edx,edx; mov rbx,3; div rbx; add rax,rdx; shl rax,3; hlt
        Outcome o = both(bytes(0x31, 0xC0, 0x0F, 0xA2, 0x49, 0x89, 0xD8, 0x49, 0x89, 0xC9, 0x49, 0x89, 0xD2,
                0x48, 0xB8, 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0x48, 0xC7, 0xC1, 7, 0, 0, 0, 0x48, 0x0F, 0xAF, 0xC1,
                0x31, 0xD2, 0x48, 0xC7, 0xC3, 3, 0, 0, 0, 0x48, 0xF7, 0xF3, 0x48, 0x01, 0xD0, 0x48, 0xC1, 0xE0, 3, 0xF4),
                null, null);
        int[] vendor = new int[4];
        CpuidModel.standard().query(0, 0, vendor);
        assertEquals(vendor[1], (int) o.state().get(Gpr.R8));
        assertEquals(vendor[2], (int) o.state().get(Gpr.R9));
        assertEquals(vendor[3], (int) o.state().get(Gpr.R10));
    }

    @Test
    void undeliverableExceptionIsATripleFault() {
        requireKvm();
        Outcome o = run(kvm, bytes(0x0F, 0x0B), null, null);   // ud2 with an empty IDT
        assertEquals(List.of("SHUTDOWN"), o.exits());
    }

    @Test
    void cpuBoundLoopFinishes() throws Exception {
        requireKvm();
        // mov ecx,1000000; 1: add rax,rcx; xor rdx,rax; sub rbx,3; dec rcx; jnz 1b; hlt (5 million instructions)
        byte[] code = bytes(0xB9, 0x40, 0x42, 0x0F, 0x00, 0x48, 0x01, 0xC8, 0x48, 0x31, 0xC2, 0x48, 0x83, 0xEB, 0x03,
                0x48, 0xFF, 0xC9, 0x75, 0xF1, 0xF4);
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 16 << 20));
        try (Vcpu vcpu = kvm.createVcpu(memory, CpuidModel.standard())) {
            memory.write(ENTRY, code);
            vcpu.setState(LongModeSetup.build(memory, 0x10000, ENTRY, 0x80000));
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(60_000);
                    vcpu.requestStop();
                } catch (InterruptedException e) {
                    // finished in time
                }
            });
            watchdog.start();
            long t0 = System.nanoTime();
            Exit e = vcpu.run();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            watchdog.interrupt();
            watchdog.join();
            System.out.println("RealKvmTest: 5 million loop instructions on KVM took " + ms + " ms, ended with " + e
                    + " at rcx=0x" + Long.toHexString(vcpu.gpr(Gpr.RCX)));
            assertEquals(ExitReason.HLT, e.reason(), "the loop did not finish within 60 s (" + ms + " ms, rcx=0x"
                    + Long.toHexString(vcpu.gpr(Gpr.RCX)) + ")");
            assertEquals(0, vcpu.gpr(Gpr.RCX));
        } finally {
            memory.release();
        }
    }

    @Test
    void stopFromAnotherThreadEndsKvmRunPromptly() throws Exception {
        requireKvm();
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 16 << 20));
        try (Vcpu vcpu = kvm.createVcpu(memory, CpuidModel.standard())) {
            memory.write(ENTRY, bytes(0xEB, 0xFE));   // jmp $
            vcpu.setState(LongModeSetup.build(memory, 0x10000, ENTRY, 0x80000));
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                vcpu.requestStop();
            });
            long t0 = System.nanoTime();
            stopper.start();
            Exit e = vcpu.run();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            stopper.join();
            assertEquals(ExitReason.STOP_REQUESTED, e.reason());
            assertTrue(ms < 5000, "stopped after " + ms + " ms");
            assertEquals(ENTRY, vcpu.rip());
        } finally {
            memory.release();
        }
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }
}
