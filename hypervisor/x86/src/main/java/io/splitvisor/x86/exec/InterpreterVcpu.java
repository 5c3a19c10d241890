package io.splitvisor.x86.exec;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.GuestMemoryListener;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Segment;
import io.splitvisor.engine.SegmentRegister;
import io.splitvisor.engine.Vcpu;
import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.Flags;
import io.splitvisor.x86.cpu.GuestFault;
import io.splitvisor.x86.cpu.MemoryPort;
import io.splitvisor.x86.cpu.Mmu;
import io.splitvisor.x86.cpu.Vectors;
import io.splitvisor.x86.cpu.ExitSignal;
import io.splitvisor.x86.decode.Decoder;
import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.disasm.Disassembler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A vCPU of the interpreter: the dispatcher loop over decoded blocks, exits, exception and interrupt delivery, and
 * the events other threads post (stop requests, interrupts, code written by the host, remapped pages), which are
 * checked at block boundaries with one volatile read.
 */
public final class InterpreterVcpu implements Vcpu, MemoryPort, GuestMemoryListener {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InterpreterVcpu.class);
    private static final int RECENT = 16;
    private static final int ASYNC_STOP = 1;
    private static final int ASYNC_IRQ = 2;
    private static final int ASYNC_CODE = 4;
    private static final VarHandle ASYNC;

    static {
        try {
            ASYNC = MethodHandles.lookup().findVarHandle(InterpreterVcpu.class, "async", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Cpu c = new Cpu();
    final Mmu m;
    private final GuestMemory memory;
    private final CodeCache cache;
    private final Executor x;
    private final Interrupts interrupts;
    private final Registers registers;
    private final IoExits ioExits = new IoExits();
    private final Exit exit = ioExits.exit;
    /** Pending events (stop, interrupt, code written); read by translated blocks' loops too. */
    volatile int async;
    private final PendingInterrupts pendingIrq = new PendingInterrupts();
    private final ConcurrentLinkedQueue<Long> writtenPages = new ConcurrentLinkedQueue<>();
    private boolean closed;

    /** The host supplied data for an IN or MMIO read: complete that instruction first on the next run. */
    private boolean completionPending;
    private boolean stringBatching;
    private boolean translate = Translations.ENABLED;

    private final long[] recent = new long[RECENT];
    private int recentPos;
    private boolean shadowPending;
    private boolean shadowActive;
    private InstructionTrace trace;

    public InterpreterVcpu(GuestMemory memory, CpuidModel cpuid) {
        this.memory = memory;
        this.m = new Mmu(c, memory, this);
        this.cache = new CodeCache(c, m, memory);
        this.interrupts = new Interrupts(c, m, this);
        this.registers = new Registers(this, c);
        SystemOps sys = new SystemOps(this, c, m, cpuid, interrupts);
        this.x = new Executor(c, m, new ColdOps(sys, new StringOps(sys)));
        x.vcpu = this;
        memory.addListener(this);
        LOG.debug("interpreter vCPU created on {} RAM region(s)", memory.regions().size());
    }

    // ---- the dispatcher ---------------------------------------------------------------------------------------

    @Override
    public Exit run(long maxInstructions) {
        if (closed) {
            throw new IllegalStateException("vCPU is closed");
        }
        if (maxInstructions < 0) {
            throw new IllegalArgumentException("negative instruction budget: " + maxInstructions);
        }
        try {
            return dispatch(maxInstructions);
        } catch (GuestFault | ExitSignal e) {
            LOG.error("guest event escaped the dispatcher at rip 0x{}", Long.toHexString(c.rip), e);
            return exit.simple(ExitReason.INTERNAL_ERROR).withDetail("interpreter bug: guest event escaped at 0x"
                    + Long.toHexString(c.rip));
        } catch (RuntimeException e) {
            // an interpreter bug must end this guest, never the host
            LOG.error("interpreter error at rip 0x{}", Long.toHexString(c.rip), e);
            return exit.simple(ExitReason.INTERNAL_ERROR).withDetail("interpreter bug: " + e);
        }
    }

    /** At most this many instructions per call into a translated block that loops in place. */
    private static final long LOOP_QUANTUM = 1 << 16;

    private Exit dispatch(long maxInstructions) {
        long end = maxInstructions > Long.MAX_VALUE - x.retired ? Long.MAX_VALUE : x.retired + maxInstructions;
        if (completionPending) {
            completionPending = false;
            if (end - x.retired <= 0) {
                return exit.simple(ExitReason.INSTRUCTION_LIMIT);
            }
            Exit e = runOne(null, 1);
            if (e != null) {
                return e;
            }
        }
        Block prev = null;
        while (true) {
            if (async != 0) {
                Exit e = handleEvents();
                if (e != null) {
                    return e;
                }
                prev = null;
            }
            long left = end - x.retired;
            if (left <= 0) {
                return exit.simple(ExitReason.INSTRUCTION_LIMIT);
            }
            Block b;
            try {
                b = cache.lookup(c.rip, prev);
            } catch (GuestFault f) {
                Exit e = raise(f.vector, f.errorCode, f.hasErrorCode);
                if (e != null) {
                    return e;
                }
                prev = null;
                continue;
            }
            if (shadowActive || trace != null || (c.rflagsOther & Flags.TF) != 0) {
                Exit e = runOne(b, left);
                if (e != null) {
                    return e;
                }
                prev = null;
                continue;
            }
            // the fast path: whole blocks, chained through their cached successors
            recent[recentPos++ & (RECENT - 1)] = b.rip;
            int status;
            Translation t = b.translation;
            if (t == null && translate && ++b.heat == Translations.THRESHOLD) {
                t = b.translation = Translations.of(cache.region(b, Translations.REGION_BLOCKS));
            }
            if (t != null && translate && left >= b.count) {
                // a block looping in place counts what it retired only when it returns: a bounded quantum keeps the
                // retired-instruction count (read by other threads, metered) moving
                status = t.run(x, b, Math.min(left, LOOP_QUANTUM));
                if (status < 0) {
                    status = x.runBlock(b, ~status, b.count);
                }
            } else {
                status = x.runBlock(b, 0, left < b.count ? (int) left : b.count);
            }
            if (status == Executor.OK && !x.exitPending && !shadowPending) {
                prev = b;
                continue;
            }
            Exit e = afterBlock(status, false);
            if (e != null) {
                return e;
            }
            prev = status == Executor.OK ? b : null;
        }
    }

    /** Runs one instruction (interrupt shadow, single-step trap, trace, completing an IN or MMIO read). */
    private Exit runOne(Block b, long left) {
        boolean trap = (c.rflagsOther & Flags.TF) != 0;
        if (b == null) {
            try {
                b = cache.lookup(c.rip, null);
            } catch (GuestFault f) {
                return raise(f.vector, f.errorCode, f.hasErrorCode);
            }
        }
        if (trace != null) {
            trace.before(this, b.code[0]);
        }
        boolean shadowWas = shadowActive;
        int status = x.runBlock(b, 0, 1);
        if (shadowWas) {
            shadowActive = false;
        }
        return afterBlock(status, trap);
    }

    /** Everything after a block that is not the plain "continue": faults, exits, shadows, traps. */
    private Exit afterBlock(int status, boolean trap) {
        if (shadowPending) {
            shadowPending = false;
            shadowActive = true;
        }
        Exit result = null;
        if (status == Executor.FAULT) {
            result = raise(x.faultVector, x.faultError, x.faultHasError);
        } else if (status == Executor.EXIT) {
            return exit;
        } else if (trap) {
            c.dr[6] |= 1L << 14;
            result = raise(Vectors.DB, 0, false);
        }
        if (x.exitPending) {
            x.exitPending = false;
            return exit;
        }
        return result;
    }

    /** Delivers an exception at the current RIP, with the double- and triple-fault rules. */
    private Exit raise(int vector, int errorCode, boolean hasError) {
        int v = vector;
        int err = errorCode;
        boolean hasErr = hasError;
        while (true) {
            try {
                interrupts.deliver(v, err, hasErr, c.rip, Interrupts.EXCEPTION);
                return null;
            } catch (GuestFault f) {
                int second = f.vector;
                if (v == Vectors.DF) {
                    LOG.debug("triple fault at rip 0x{}: {} while delivering #DF", Long.toHexString(c.rip),
                            Vectors.name(second));
                    return exit.shutdown(second, f.errorCode, "triple fault: " + Vectors.name(second)
                            + " while delivering #DF");
                }
                boolean dbl = (Vectors.contributory(v) && Vectors.contributory(second))
                        || (v == Vectors.PF && (second == Vectors.PF || Vectors.contributory(second)));
                if (dbl) {
                    v = Vectors.DF;
                    err = 0;
                    hasErr = true;
                } else {
                    v = second;
                    err = f.errorCode;
                    hasErr = f.hasErrorCode;
                }
            }
        }
    }

    private Exit handleEvents() {
        int a = async;
        if ((a & ASYNC_STOP) != 0) {
            ASYNC.getAndBitwiseAnd(this, ~ASYNC_STOP);
            return exit.simple(ExitReason.STOP_REQUESTED);
        }
        if ((a & ASYNC_CODE) != 0) {
            ASYNC.getAndBitwiseAnd(this, ~ASYNC_CODE);
            Long p;
            boolean remapped = false;
            while ((p = writtenPages.poll()) != null) {
                remapped |= p < 0;
                cache.invalidatePage(p < 0 ? ~p : p);
            }
            if (remapped) {
                flushTranslations();
            }
        }
        if ((a & ASYNC_IRQ) != 0 && c.interruptsEnabled() && !shadowActive) {
            int vector = takeDeliverableIrq();
            if (vector >= 0) {
                try {
                    interrupts.deliver(vector, 0, false, c.rip, Interrupts.EXTERNAL);
                } catch (GuestFault f) {
                    return raise(f.vector, f.errorCode, f.hasErrorCode);
                }
            }
        }
        return null;
    }

    private int takeDeliverableIrq() {
        ASYNC.getAndBitwiseAnd(this, ~ASYNC_IRQ);
        int v = pendingIrq.highest();
        if (v < 0) {
            return -1;
        }
        ASYNC.getAndBitwiseOr(this, ASYNC_IRQ); // more may remain; re-checked next boundary
        if (!PendingInterrupts.beatsTpr(v, c.cr8)) {
            return -1;
        }
        pendingIrq.remove(v);
        return v;
    }

    // ---- callbacks from the instruction handlers ---------------------------------------------------------------

    void setCpl(int cpl) {
        if (c.cpl != cpl) {
            c.cpl = cpl;
            flushTranslations();
        }
    }

    void flushTranslations() {
        m.flush();
        cache.epoch++;
    }

    void endBlockForEvents(Executor ex) {
        ex.abort = true;
    }

    void startInterruptShadow() {
        shadowPending = true;
    }

    void halt(Executor ex) {
        ex.abort = true;
        if (c.interruptsEnabled() && PendingInterrupts.beatsTpr(pendingIrq.highest(), c.cr8)) {
            return; // wakes at once: the interrupt is delivered at the next boundary
        }
        exit.simple(ExitReason.HLT);
        ex.exitPending = true;
    }

    long tsc() {
        return System.nanoTime() + c.tscOffset;
    }

    long portIn(int port, int size) {
        return ioExits.portIn(port, size);
    }

    void portOut(Executor ex, int port, int size, long value) {
        ioExits.portOut(ex, port, size, value);
    }

    boolean stringBatching() {
        return stringBatching;
    }

    byte[] stringBuffer() {
        return exit.stringBuffer();
    }

    /** Returns once {@link #stringBuffer()} holds the {@code count} elements the host supplied (exits before that). */
    void portInString(int port, int size, int count) {
        ioExits.portInString(port, size, count);
    }

    void portOutString(Executor ex, int port, int size, int count) {
        exit.stringOut(port, size, count);
        ex.exitPending = true;
        ex.abort = true;
    }

    /**
     * Whether hot blocks run as JVM bytecode (on unless the system property {@code splitvisor.x86.jit} is
     * {@code off}); off, every instruction is interpreted.
     */
    public void setTranslation(boolean on) {
        this.translate = on;
    }

    /**
     * With batching on, REP OUTS and REP INS report up to a page of elements per exit ({@link Exit#count()},
     * {@link Exit#stringData()} and {@link Exit#stringBuffer()}), as KVM does; off (the default), every element is
     * its own exit.
     */
    public void setStringIoBatching(boolean on) {
        this.stringBatching = on;
    }

    @Override
    public long mmioRead(long physical, int size) {
        return ioExits.mmioRead(physical, size);
    }

    @Override
    public void mmioWrite(long physical, int size, long value) {
        ioExits.mmioWrite(x, physical, size, value);
    }

    @Override
    public void codePageWritten(long physicalPage) {
        cache.invalidatePage(physicalPage);
        x.abort = true;
    }

    // ---- GuestMemoryListener (any thread) ------------------------------------------------------------------

    @Override
    public void codeWritten(long firstPage, long lastPage) {
        for (long p = firstPage; p <= lastPage; p += GuestMemory.PAGE_SIZE) {
            writtenPages.add(p);
        }
        ASYNC.getAndBitwiseOr(this, ASYNC_CODE);
    }

    @Override
    public void mappingChanged(long page) {
        writtenPages.add(~page);
        ASYNC.getAndBitwiseOr(this, ASYNC_CODE);
    }

    // ---- Vcpu API -------------------------------------------------------------------------------------------

    @Override
    public void completeIn(long data) {
        ioExits.completeIn(data);
        completionPending = true;
    }

    @Override
    public void completeMmioRead(long data) {
        ioExits.completeMmioRead(data);
        completionPending = true;
    }

    @Override
    public void injectInterrupt(int vector) {
        if (vector < 32 || vector > 255) {
            throw new IllegalArgumentException("external interrupt vector must be 32..255: " + vector);
        }
        pendingIrq.add(vector);
        ASYNC.getAndBitwiseOr(this, ASYNC_IRQ);
    }

    @Override
    public void requestStop() {
        ASYNC.getAndBitwiseOr(this, ASYNC_STOP);
    }

    @Override
    public long retiredInstructions() {
        return x.retired;
    }

    /** Prints every instruction before it runs (slow: one instruction per block). Null turns it off. */
    public void setTrace(InstructionTrace t) {
        this.trace = t;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            memory.removeListener(this);
        }
    }

    @Override
    public long gpr(Gpr r) {
        return c.regs[r.ordinal()];
    }

    @Override
    public void setGpr(Gpr r, long value) {
        c.regs[r.ordinal()] = value;
    }

    @Override
    public long rip() {
        return c.rip;
    }

    @Override
    public void setRip(long rip) {
        c.rip = rip;
    }

    @Override
    public long rflags() {
        return c.rflags();
    }

    @Override
    public void setRflags(long rflags) {
        c.setRflags(rflags);
    }

    @Override
    public long cr(int n) {
        return registers.readCr(n);
    }

    @Override
    public void setCr(int n, long value) {
        registers.setCrFromHost(n, value);
    }

    @Override
    public long efer() {
        return c.efer;
    }

    @Override
    public void setEfer(long efer) {
        registers.writeMsrFromHost(SystemOps.MSR_EFER, efer);
    }

    @Override
    public Segment segment(SegmentRegister s) {
        return registers.segment(s);
    }

    @Override
    public void setSegment(SegmentRegister s, Segment value) {
        registers.setSegment(s, value);
    }

    @Override
    public DescriptorTable gdt() {
        return c.gdt;
    }

    @Override
    public void setGdt(DescriptorTable t) {
        c.gdt = t;
    }

    @Override
    public DescriptorTable idt() {
        return c.idt;
    }

    @Override
    public void setIdt(DescriptorTable t) {
        c.idt = t;
    }

    @Override
    public long readMsr(int msr) {
        return registers.readMsrFromHost(msr);
    }

    @Override
    public void writeMsr(int msr, long value) {
        registers.writeMsrFromHost(msr, value);
    }

    @Override
    public RegisterState state() {
        return registers.state();
    }

    @Override
    public void setState(RegisterState s) {
        registers.setState(s);
    }

    long readCr(int n) {
        return registers.readCr(n);
    }

    void writeCrChecked(int n, long v) {
        registers.writeCr(n, v);
    }

    long readMsrChecked(int msr) {
        return registers.readMsr(msr);
    }

    void writeMsrChecked(int msr, long v) {
        registers.writeMsr(msr, v);
    }

    /**
     * A crash report: the last exit, the registers, and the instructions of the most recently entered blocks
     * (oldest first) up to the current RIP, disassembled.
     */
    public String crashReport() {
        StringBuilder b = new StringBuilder();
        b.append("exit: ").append(exit).append('\n');
        b.append(state()).append('\n');
        b.append(String.format("cr0=%x cr2=%x cr3=%x cr4=%x efer=%x cpl=%d%n", c.cr0, c.cr2, c.cr3, c.cr4, c.efer,
                c.cpl));
        b.append("recent blocks:\n");
        for (int i = 0; i < RECENT; i++) {
            long rip = recent[(recentPos + i) & (RECENT - 1)];
            if (rip != 0) {
                b.append(String.format("  %016x: %s%n", rip, disassembleAt(rip)));
            }
        }
        b.append(String.format("at %016x: %s%n", c.rip, disassembleAt(c.rip)));
        return b.toString();
    }

    /** Intel-syntax disassembly of the instruction at a virtual address, or a note why it cannot be read. */
    public String disassembleAt(long va) {
        try {
            Insn in = new Decoder().decode(a -> (int) m.read8(a), va);
            return Disassembler.format(in);
        } catch (GuestFault | ExitSignal e) {
            return "(not readable)";
        }
    }

}
