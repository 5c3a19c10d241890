package io.splitvisor.kvm;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.kvm.abi.KvmExitCode;
import io.splitvisor.kvm.abi.KvmRun;
import io.splitvisor.kvm.sys.Errno;
import io.splitvisor.x86.loader.LongModeSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scripted exits through the real exit dispatcher and run loop of {@link KvmVcpu}, on {@link FakeKvm}. */
class KvmVcpuExitsTest {
    private final FakeKvm fake = new FakeKvm();
    private GuestMemory memory;
    private KvmEngine engine;
    private KvmVcpu vcpu;

    @BeforeEach
    void setUp() {
        memory = GuestMemory.allocate(new MemoryRegion(0, 16 << 20));
        engine = KvmEngine.open(fake, "/dev/kvm", KvmEngine.CpuidSource.MODEL);
        vcpu = (KvmVcpu) engine.createVcpu(memory, CpuidModel.standard());
        RegisterState s = LongModeSetup.build(memory, 0x10000, 0x100000, 0x80000);
        vcpu.setState(s);
    }

    @AfterEach
    void tearDown() {
        vcpu.close();
        engine.close();
        memory.release();
    }

    @Test
    void outWithCountAboveOneIsReportedElementByElementBeforeReentering() {
        fake.then(FakeKvm.io(false, 0xE9, 2, 3, new byte[] {1, 0, 2, 0, 3, 0}))
                .then(FakeKvm.simple(KvmExitCode.KVM_EXIT_HLT, false, false));
        for (int i = 1; i <= 3; i++) {
            Exit e = vcpu.run();
            assertEquals(ExitReason.IO_OUT, e.reason());
            assertEquals(0xE9, e.port());
            assertEquals(2, e.size());
            assertEquals(1, e.count());
            assertEquals(i, e.data());
        }
        assertEquals(1, fake.runEntries.size(), "no KVM_RUN until every element was handed over");
        assertEquals(ExitReason.HLT, vcpu.run().reason());
    }

    @Test
    void batchedStringOutCarriesAllElements() {
        vcpu.setStringIoBatching(true);
        fake.then(FakeKvm.io(false, 0x80, 1, 4, new byte[] {'a', 'b', 'c', 'd'}));
        Exit e = vcpu.run();
        assertEquals(ExitReason.IO_OUT, e.reason());
        assertEquals(4, e.count());
        assertEquals('a', e.data());
        ByteBuffer d = e.stringData();
        assertEquals(4, d.remaining());
        assertEquals('d', d.get(3));
    }

    @Test
    void batchedStringInIsFilledFromTheExitBuffer() {
        vcpu.setStringIoBatching(true);
        fake.then(FakeKvm.io(true, 0x1F0, 2, 3, null)).then(FakeKvm.simple(KvmExitCode.KVM_EXIT_HLT, false, false));
        Exit e = vcpu.run();
        assertEquals(ExitReason.IO_IN, e.reason());
        assertEquals(3, e.count());
        assertEquals(0x1F0, e.port());
        byte[] b = e.stringBuffer();
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (0x10 + i);
        }
        vcpu.completeIn(0);
        assertEquals(ExitReason.HLT, vcpu.run().reason());
        ByteBuffer entry = fake.runEntries.get(1);
        for (int i = 0; i < 6; i++) {
            assertEquals(0x10 + i, entry.get(FakeKvm.PIO_OFFSET + i));
        }
    }

    @Test
    void inRepliesAreWrittenAtDataOffsetBeforeTheNextRun() {
        fake.then(FakeKvm.io(true, 0x60, 4, 2, null)).then(FakeKvm.simple(KvmExitCode.KVM_EXIT_HLT, false, false));
        Exit e = vcpu.run();
        assertEquals(ExitReason.IO_IN, e.reason());
        assertEquals(0x60, e.port());
        assertEquals(4, e.size());
        vcpu.completeIn(0x11223344L);
        assertEquals(ExitReason.IO_IN, vcpu.run().reason());
        vcpu.completeIn(0xAABBCCDDL);
        assertEquals(ExitReason.HLT, vcpu.run().reason());
        ByteBuffer entry = fake.runEntries.get(1);
        assertEquals(0x11223344, entry.getInt(FakeKvm.PIO_OFFSET));
        assertEquals(0xAABBCCDD, entry.getInt(FakeKvm.PIO_OFFSET + 4));
        assertThrows(IllegalStateException.class, () -> vcpu.completeIn(1));
    }

    @Test
    void mmioReadDataIsWrittenBackAndWritesAreReported() {
        fake.then(FakeKvm.mmio(false, 0xFEC00000L, 4, 0)).then(FakeKvm.mmio(true, 0xFEC00010L, 2, 0xBEEF))
                .then(FakeKvm.simple(KvmExitCode.KVM_EXIT_HLT, false, false));
        Exit e = vcpu.run();
        assertEquals(ExitReason.MMIO_READ, e.reason());
        assertEquals(0xFEC00000L, e.address());
        assertEquals(4, e.size());
        vcpu.completeMmioRead(0x1234567890L);
        e = vcpu.run();
        assertEquals(0x34567890L, fake.runEntries.get(1).getLong(KvmRun.MMIO_DATA), "only len bytes are written");
        assertEquals(ExitReason.MMIO_WRITE, e.reason());
        assertEquals(0xFEC00010L, e.address());
        assertEquals(0xBEEF, e.data());
        assertThrows(IllegalStateException.class, () -> vcpu.completeMmioRead(0));
    }

    @Test
    void mmioOnRamWithoutASlotIsDoneOnGuestMemory() {
        memory.writeU32(0x5000, 0xCAFEF00DL);
        fake.then(FakeKvm.mmio(false, 0x5000, 4, 0)).then(FakeKvm.mmio(true, 0x6000, 2, 0x4241))
                .then(FakeKvm.simple(KvmExitCode.KVM_EXIT_HLT, false, false));
        assertEquals(ExitReason.HLT, vcpu.run().reason());
        assertEquals(0xCAFEF00DL, fake.runEntries.get(1).getInt(KvmRun.MMIO_DATA) & 0xFFFFFFFFL);
        assertEquals(0x4241, memory.readU16(0x6000));
    }

    @Test
    void interruptWaitsForTheWindowThenIsInjectedWithoutAnExit() {
        vcpu.injectInterrupt(0x40);
        fake.then(FakeKvm.simple(KvmExitCode.KVM_EXIT_IRQ_WINDOW_OPEN, true, true))
                .then(FakeKvm.io(false, 0xE9, 1, 1, new byte[] {'x'}));
        Exit e = vcpu.run();
        assertEquals(ExitReason.IO_OUT, e.reason(), "the window exit is not reported");
        assertEquals(1, fake.runEntries.get(0).get(KvmRun.REQUEST_INTERRUPT_WINDOW), "window requested first");
        assertEquals(List.of(0x40), fake.injected);
        assertEquals(0, fake.runEntries.get(1).get(KvmRun.REQUEST_INTERRUPT_WINDOW), "nothing left to wait for");
        int interrupt = fake.callNames().indexOf("vcpu0 KVM_INTERRUPT");
        assertTrue(interrupt > 0 && fake.callNames().subList(interrupt, fake.callNames().size()).contains("vcpu0 KVM_RUN"));
    }

    @Test
    void higherVectorGoesFirstAndTprHoldsLowerOnesBack() {
        fake.then(FakeKvm.simple(KvmExitCode.KVM_EXIT_IRQ_WINDOW_OPEN, true, true))
                .then(run -> {
                    FakeKvm.simple(KvmExitCode.KVM_EXIT_IRQ_WINDOW_OPEN, true, true).accept(run);
                    run.putLong(KvmRun.CR8, 5);   // the guest raised its task priority to class 5
                })
                .then(FakeKvm.simple(KvmExitCode.KVM_EXIT_HLT, true, true));
        vcpu.injectInterrupt(0x41);
        vcpu.injectInterrupt(0x90);
        assertEquals(ExitReason.HLT, vcpu.run().reason(), "0x41 does not beat TPR 5, so HLT is reported");
        assertEquals(List.of(0x90), fake.injected);
        assertEquals(0, fake.runEntries.get(2).get(KvmRun.REQUEST_INTERRUPT_WINDOW));
    }

    @Test
    void hltWithADeliverableInterruptGoesOnInsteadOfExiting() {
        fake.then(FakeKvm.simple(KvmExitCode.KVM_EXIT_INTR, false, false))
                .then(FakeKvm.simple(KvmExitCode.KVM_EXIT_HLT, true, true))
                .then(FakeKvm.simple(KvmExitCode.KVM_EXIT_HLT, true, true));
        fake.runErrno = 0;
        vcpu.injectInterrupt(0x30);   // outside KVM_RUN: no kick, picked up before entering
        assertTrue(fake.kicks.isEmpty());
        assertEquals(ExitReason.HLT, vcpu.run().reason());
        assertEquals(List.of(0x30), fake.injected);
        assertEquals(3, fake.runEntries.size());
    }

    @Test
    void hltWithInterruptsDisabledIsReported() {
        vcpu.injectInterrupt(0x30);
        fake.then(FakeKvm.simple(KvmExitCode.KVM_EXIT_HLT, false, false));
        assertEquals(ExitReason.HLT, vcpu.run().reason());
        assertTrue(fake.injected.isEmpty());
    }

    @Test
    void shutdownFailedEntryAndInternalErrorCarryTheirCodes() {
        fake.then(FakeKvm.simple(KvmExitCode.KVM_EXIT_SHUTDOWN, false, false));
        assertEquals(ExitReason.SHUTDOWN, vcpu.run().reason());
        fake.then(run -> {
            run.putInt(KvmRun.EXIT_REASON, KvmExitCode.KVM_EXIT_FAIL_ENTRY);
            run.putLong(KvmRun.FAIL_ENTRY_HARDWARE_ENTRY_FAILURE_REASON, 0x80000021L);
            run.putInt(KvmRun.FAIL_ENTRY_CPU, 3);
        });
        Exit e = vcpu.run();
        assertEquals(ExitReason.FAIL_ENTRY, e.reason());
        assertTrue(e.detail().contains("hardware_entry_failure_reason 0x80000021"), e.detail());
        assertTrue(e.detail().contains("CPU 3"), e.detail());
        fake.then(run -> {
            run.putInt(KvmRun.EXIT_REASON, KvmExitCode.KVM_EXIT_INTERNAL_ERROR);
            run.putInt(KvmRun.INTERNAL_SUBERROR, KvmExitCode.KVM_INTERNAL_ERROR_EMULATION);
            run.putInt(KvmRun.INTERNAL_NDATA, 2);
            run.putLong(KvmRun.INTERNAL_DATA, 0x1234);
            run.putLong(KvmRun.INTERNAL_DATA + 8, 0xFFFF);
        });
        e = vcpu.run();
        assertEquals(ExitReason.INTERNAL_ERROR, e.reason());
        assertTrue(e.detail().contains("suberror 1 EMULATION"), e.detail());
        assertTrue(e.detail().contains("0x1234 0xffff"), e.detail());
        fake.then(run -> {
            run.putInt(KvmRun.EXIT_REASON, KvmExitCode.KVM_EXIT_UNKNOWN);
            run.putLong(KvmRun.HW_HARDWARE_EXIT_REASON, 0x7B);
        });
        assertTrue(vcpu.run().detail().contains("hardware_exit_reason 0x7b"));
    }

    @Test
    void portIoOutsideTheMappingIsAnInternalErrorNotACrash() {
        fake.then(run -> {
            FakeKvm.io(false, 0xE9, 4, 3000, null).accept(run);
        });
        Exit e = vcpu.run();
        assertEquals(ExitReason.INTERNAL_ERROR, e.reason());
        assertTrue(e.detail().contains("count 3000"), e.detail());
    }

    @Test
    void failingKvmRunIsReportedWithItsErrno() {
        fake.runErrno = Errno.EFAULT;
        Exit e = vcpu.run();
        assertEquals(ExitReason.INTERNAL_ERROR, e.reason());
        assertTrue(e.detail().contains("EFAULT"), e.detail());
    }

    @Test
    void stopFromAnotherThreadKicksTheVcpuOutOfKvmRun() throws Exception {
        fake.blocked = new CountDownLatch(1);
        fake.blockUntilKicked();
        Thread t = new Thread(() -> {
            try {
                fake.entered.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            vcpu.requestStop();
        });
        t.start();
        Exit e = vcpu.run();
        t.join();
        assertEquals(ExitReason.STOP_REQUESTED, e.reason());
        assertEquals(List.of(777), fake.kicks, "the vCPU thread's id, once");
        List<String> calls = fake.callNames();
        assertTrue(calls.contains("drain"), "the pending kick is taken off after EINTR");
        assertTrue(calls.indexOf("signal mask len 8 set 0x1234") < calls.indexOf("vcpu0 KVM_RUN"));
    }

    @Test
    void stopBeforeRunNeedsNoSignal() {
        vcpu.requestStop();
        assertEquals(ExitReason.STOP_REQUESTED, vcpu.run().reason());
        assertTrue(fake.kicks.isEmpty());
        assertTrue(fake.runEntries.isEmpty());
    }

    @Test
    void instructionLimitsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vcpu.run(1000));
        assertTrue(e.getMessage().contains("cannot count"));
    }

    @Test
    void registersWrittenBetweenExitsReachKvmBeforeTheNextRun() {
        fake.then(FakeKvm.io(false, 0xE9, 1, 1, new byte[] {1})).then(FakeKvm.simple(KvmExitCode.KVM_EXIT_HLT, false, false));
        vcpu.run();
        vcpu.setGpr(Gpr.RAX, 0x55);
        vcpu.run();
        List<String> calls = fake.callNames();
        int set = calls.lastIndexOf("vcpu0 KVM_SET_REGS");
        int run = calls.lastIndexOf("vcpu0 KVM_RUN");
        assertTrue(set > 0 && set < run, calls.toString());
        assertEquals(0x55, fake.regs(0).getLong(0));
        assertEquals(0x80000, vcpu.gpr(Gpr.RSP));
        assertFalse(vcpu.state().tr.present(), "the placeholder TR reads back as the null TR it stands for");
    }
}
