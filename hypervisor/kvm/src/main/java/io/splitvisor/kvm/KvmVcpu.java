package io.splitvisor.kvm;

import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Segment;
import io.splitvisor.engine.SegmentRegister;
import io.splitvisor.engine.Vcpu;
import io.splitvisor.kvm.abi.KvmIoctl;
import io.splitvisor.kvm.abi.KvmRegs;
import io.splitvisor.kvm.abi.KvmRun;
import io.splitvisor.kvm.abi.KvmSregs;
import io.splitvisor.kvm.exit.ExitDispatcher;
import io.splitvisor.kvm.exit.InterruptQueue;
import io.splitvisor.kvm.exit.PortIo;
import io.splitvisor.kvm.state.CpuidTable;
import io.splitvisor.kvm.state.GuestStateValidator;
import io.splitvisor.kvm.state.SregsCodec;
import io.splitvisor.kvm.sys.Errno;
import io.splitvisor.kvm.sys.KickSignal;
import io.splitvisor.kvm.sys.KvmException;
import io.splitvisor.kvm.sys.KvmSyscalls;
import io.splitvisor.kvm.sys.NativeBuffer;
import java.nio.ByteBuffer;

/**
 * A vCPU on KVM. Registers are cached per exit: the first read after KVM_RUN fetches kvm_regs (or kvm_sregs), writes
 * mark the cache dirty, and dirty state is written back before the next KVM_RUN. Interrupts are injected from user
 * space with KVM_INTERRUPT when kvm_run says the guest can take one, otherwise an interrupt window is requested.
 * Other threads reach a running vCPU with the kick signal ({@link KickSignal}).
 * <p>
 * KVM cannot count instructions, so {@link #run(long)} accepts no limit other than {@code Long.MAX_VALUE}, and
 * {@link #retiredInstructions()} stays 0.
 */
public final class KvmVcpu implements Vcpu {
    private final KvmVm vm;
    private final KvmSyscalls sys;
    private final KickSignal kick;
    private final int fd;
    private final ByteBuffer run;
    private final NativeBuffer regs = new NativeBuffer(KvmRegs.SIZE);
    private final NativeBuffer sregs = new NativeBuffer(KvmSregs.SIZE);
    private final NativeBuffer interrupt = new NativeBuffer(4);
    private final NativeBuffer signalMask = new NativeBuffer(io.splitvisor.kvm.abi.KvmSignalMask.SIZE);
    private final VcpuMsrs msrs;
    private final Exit exit = new Exit();
    private final InterruptQueue interrupts = new InterruptQueue();
    private final PortIo portIo;
    private final ExitDispatcher dispatcher;
    private final GuestStateValidator validator;
    private boolean regsValid;
    private boolean regsDirty;
    private boolean sregsValid;
    private boolean sregsDirty;
    private boolean checkedBeforeEntry;
    private boolean batchStrings;
    private Thread runThread;
    private volatile int threadId;
    private volatile boolean inRun;
    private volatile boolean stopRequested;
    private boolean closed;

    KvmVcpu(KvmVm vm, int fd, ByteBuffer run, CpuidTable cpuid) {
        this.vm = vm;
        this.sys = vm.kvm().sys();
        this.kick = sys.kickSignal();
        this.fd = fd;
        this.run = run;
        this.msrs = new VcpuMsrs(sys, fd);
        this.portIo = new PortIo(run);
        this.dispatcher = new ExitDispatcher(run, vm.memory(), portIo, interrupts);
        this.validator = new GuestStateValidator(cpuid);
    }

    /** The kvm_run mapping (tests read it). */
    ByteBuffer runArea() {
        return run;
    }

    /**
     * With batching on, a REP OUTS or REP INS is one exit for all the elements KVM delivered at once (the data in
     * {@link Exit#stringData()}, or for INS filled by the host into {@link Exit#stringBuffer()}); off (the
     * default), each element is its own exit.
     */
    @Override
    public void setStringIoBatching(boolean on) {
        batchStrings = on;
    }

    // ---- registers -------------------------------------------------------------------------------------------

    private ByteBuffer regs() {
        if (!regsValid) {
            ioctl(KvmIoctl.KVM_GET_REGS, regs);
            regsValid = true;
        }
        return regs.bytes();
    }

    private ByteBuffer sregs() {
        if (!sregsValid) {
            ioctl(KvmIoctl.KVM_GET_SREGS, sregs);
            sregsValid = true;
        }
        return sregs.bytes();
    }

    @Override
    public long gpr(Gpr r) {
        return regs().getLong(KvmRegs.offsetOf(r.ordinal()));
    }

    @Override
    public void setGpr(Gpr r, long value) {
        regs().putLong(KvmRegs.offsetOf(r.ordinal()), value);
        regsDirty = true;
    }

    @Override
    public long rip() {
        return regs().getLong(KvmRegs.RIP);
    }

    @Override
    public void setRip(long rip) {
        regs().putLong(KvmRegs.RIP, rip);
        regsDirty = true;
    }

    @Override
    public long rflags() {
        return regs().getLong(KvmRegs.RFLAGS);
    }

    @Override
    public void setRflags(long rflags) {
        regs().putLong(KvmRegs.RFLAGS, rflags | 2);
        regsDirty = true;
    }

    @Override
    public long cr(int n) {
        return sregs().getLong(crOffset(n));
    }

    @Override
    public void setCr(int n, long value) {
        RegisterState s = state();
        switch (n) {
            case 0 -> s.cr0 = value;
            case 2 -> s.cr2 = value;
            case 3 -> s.cr3 = value;
            case 4 -> s.cr4 = value;
            case 8 -> s.cr8 = value;
            default -> throw new IllegalArgumentException("no control register CR" + n);
        }
        setState(s);
    }

    private static int crOffset(int n) {
        return switch (n) {
            case 0 -> KvmSregs.CR0;
            case 2 -> KvmSregs.CR2;
            case 3 -> KvmSregs.CR3;
            case 4 -> KvmSregs.CR4;
            case 8 -> KvmSregs.CR8;
            default -> throw new IllegalArgumentException("no control register CR" + n);
        };
    }

    @Override
    public long efer() {
        return sregs().getLong(KvmSregs.EFER);
    }

    @Override
    public void setEfer(long efer) {
        RegisterState s = state();
        s.efer = efer;
        setState(s);
    }

    @Override
    public Segment segment(SegmentRegister s) {
        return SregsCodec.readSegment(sregs(), SregsCodec.offsetOf(s));
    }

    @Override
    public void setSegment(SegmentRegister r, Segment value) {
        RegisterState s = state();
        s.setSegment(r, value);
        setState(s);
    }

    @Override
    public DescriptorTable gdt() {
        return SregsCodec.readTable(sregs(), KvmSregs.GDT);
    }

    @Override
    public void setGdt(DescriptorTable t) {
        SregsCodec.writeTable(sregs(), KvmSregs.GDT, t);
        sregsDirty = true;
    }

    @Override
    public DescriptorTable idt() {
        return SregsCodec.readTable(sregs(), KvmSregs.IDT);
    }

    @Override
    public void setIdt(DescriptorTable t) {
        SregsCodec.writeTable(sregs(), KvmSregs.IDT, t);
        sregsDirty = true;
    }

    @Override
    public long readMsr(int msr) {
        return switch (msr) {
            case VcpuMsrs.EFER -> efer();
            case VcpuMsrs.FS_BASE -> segment(SegmentRegister.FS).base();
            case VcpuMsrs.GS_BASE -> segment(SegmentRegister.GS).base();
            default -> msrs.read(msr);
        };
    }

    @Override
    public void writeMsr(int msr, long value) {
        switch (msr) {
            case VcpuMsrs.EFER -> setEfer(value);
            case VcpuMsrs.FS_BASE -> setSegment(SegmentRegister.FS, segment(SegmentRegister.FS).withBase(value));
            case VcpuMsrs.GS_BASE -> setSegment(SegmentRegister.GS, segment(SegmentRegister.GS).withBase(value));
            default -> msrs.write(msr, value);
        }
    }

    @Override
    public RegisterState state() {
        RegisterState s = new RegisterState();
        SregsCodec.readRegs(regs(), s);
        SregsCodec.readSregs(sregs(), s);
        s.kernelGsBase = msrs.read(VcpuMsrs.KERNEL_GS_BASE);
        return s;
    }

    /**
     * Writes the whole state. It is checked first ({@link GuestStateValidator}): a state KVM would refuse throws
     * IllegalArgumentException naming every problem, and nothing is written.
     */
    @Override
    public void setState(RegisterState s) {
        validator.require(withPlaceholderTr(s));
        ByteBuffer sr = sregs();
        SregsCodec.writeSregs(s, sr);
        SregsCodec.writeRegs(s, regs());
        long r = sys.ioctl(fd, KvmIoctl.KVM_SET_SREGS, sregs);
        if (r < 0) {
            sregsValid = false;
            throw new IllegalArgumentException(KvmException.of("KVM_SET_SREGS", r).getMessage());
        }
        sregsDirty = false;
        regsDirty = true;
        flushRegs();
        msrs.write(VcpuMsrs.KERNEL_GS_BASE, s.kernelGsBase);
    }

    private static RegisterState withPlaceholderTr(RegisterState s) {
        if (!s.tr.unusable()) {
            return s;
        }
        RegisterState c = s.copy();
        c.tr = SregsCodec.PLACEHOLDER_TR;
        return c;
    }

    private void flushRegs() {
        if (regsDirty) {
            ioctl(KvmIoctl.KVM_SET_REGS, regs);
            regsDirty = false;
        }
        if (sregsDirty) {
            ioctl(KvmIoctl.KVM_SET_SREGS, sregs);
            sregsDirty = false;
        }
    }

    private void ioctl(long request, NativeBuffer arg) {
        long r = sys.ioctl(fd, request, arg);
        if (r < 0) {
            throw KvmException.of(KvmIoctl.name(request), r);
        }
    }

    // ---- running ---------------------------------------------------------------------------------------------

    @Override
    public Exit run(long maxInstructions) {
        if (maxInstructions != Long.MAX_VALUE) {
            throw new IllegalArgumentException("the KVM engine cannot count guest instructions, so it cannot stop "
                    + "after " + maxInstructions + "; run without a limit or use the interpreter (--engine interp)");
        }
        if (closed) {
            throw new IllegalStateException("the vCPU was closed");
        }
        if (portIo.hasMore()) {
            return portIo.reportNext(exit, batchStrings);  // the rest of a string I/O exit, before re-entering
        }
        enterOnThisThread();
        if (!checkedBeforeEntry) {
            checkedBeforeEntry = true;
            java.util.List<String> problems = validator.problems(withPlaceholderTr(state()));
            if (!problems.isEmpty()) {
                return exit.simple(ExitReason.FAIL_ENTRY).withDetail("refused before KVM_RUN: "
                        + String.join("; ", problems));
            }
        }
        vm.slots().sync();
        flushRegs();
        while (true) {
            inRun = true;   // before the checks: a stop or interrupt raised after them finds inRun set and kicks
            if (stopRequested) {
                inRun = false;
                stopRequested = false;
                return exit.simple(ExitReason.STOP_REQUESTED);
            }
            prepareInjection();
            long r = sys.ioctl(fd, KvmIoctl.KVM_RUN, 0);
            inRun = false;
            regsValid = false;
            sregsValid = false;
            if (r < 0) {
                if (r == -Errno.EINTR || r == -Errno.EAGAIN) {
                    kick.drain();
                    continue;
                }
                return exit.simple(ExitReason.INTERNAL_ERROR).withDetail(r == -Errno.EFAULT
                        ? "KVM_RUN failed: EFAULT (errno 14): a guest page has no usable host memory behind it"
                        : KvmException.of("KVM_RUN", r).getMessage());
            }
            Exit e = dispatcher.dispatch(exit, batchStrings);
            if (e != null) {
                return e;
            }
        }
    }

    /** The first run on a thread blocks the kick signal there and tells KVM to let it through inside KVM_RUN. */
    private void enterOnThisThread() {
        Thread t = Thread.currentThread();
        if (t == runThread) {
            return;
        }
        long mask = kick.prepareThread();
        ByteBuffer b = signalMask.bytes();
        b.putInt(io.splitvisor.kvm.abi.KvmSignalMask.LEN, io.splitvisor.kvm.abi.KvmSignalMask.KERNEL_SIGSET_BYTES);
        b.putLong(io.splitvisor.kvm.abi.KvmSignalMask.SIGSET, mask);
        ioctl(KvmIoctl.KVM_SET_SIGNAL_MASK, signalMask);
        runThread = t;
        threadId = kick.currentThreadId();
    }

    /** Injects the highest queued vector if the guest can take it now, else asks KVM to exit when it can. */
    private void prepareInjection() {
        int v = interrupts.highest();
        boolean wanted = v >= 0 && InterruptQueue.beatsTpr(v, run.getLong(KvmRun.CR8));
        if (wanted && run.get(KvmRun.READY_FOR_INTERRUPT_INJECTION) != 0 && run.get(KvmRun.IF_FLAG) != 0) {
            interrupt.bytes().putInt(io.splitvisor.kvm.abi.KvmInterrupt.IRQ, v);
            long r = sys.ioctl(fd, KvmIoctl.KVM_INTERRUPT, interrupt);
            if (r >= 0) {
                interrupts.remove(v);
                run.put(KvmRun.READY_FOR_INTERRUPT_INJECTION, (byte) 0);  // one per entry; re-read after the exit
                wanted = interrupts.highest() >= 0;
            }
        }
        run.put(KvmRun.REQUEST_INTERRUPT_WINDOW, (byte) (wanted ? 1 : 0));
    }

    @Override
    public void completeIn(long data) {
        if (!portIo.reply(data)) {
            throw new IllegalStateException("completeIn without an IO_IN exit waiting for data");
        }
    }

    @Override
    public void completeMmioRead(long data) {
        if (!dispatcher.completeMmioRead(data)) {
            throw new IllegalStateException("completeMmioRead without an MMIO_READ exit waiting for data");
        }
    }

    @Override
    public void injectInterrupt(int vector) {
        if (vector < 32 || vector > 255) {
            throw new IllegalArgumentException("external interrupt vector must be 32..255: " + vector);
        }
        interrupts.add(vector);
        kickIfRunning();
    }

    @Override
    public void requestStop() {
        stopRequested = true;
        kickIfRunning();
    }

    private void kickIfRunning() {
        if (inRun) {
            kick.kick(threadId);
        }
    }

    @Override
    public long retiredInstructions() {
        return 0;
    }

    /** The rate KVM runs this guest's TSC at (1 GHz where TSC control set it; the host's rate otherwise). */
    @Override
    public long tscHz() {
        long khz = sys.ioctl(fd, KvmIoctl.KVM_GET_TSC_KHZ, 0);
        return khz > 0 ? khz * 1000 : 1_000_000_000L;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sys.unmap(run);
        sys.close(fd);
        vm.vcpuClosed();
    }
}
