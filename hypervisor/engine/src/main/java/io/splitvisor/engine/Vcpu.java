package io.splitvisor.engine;

/**
 * One virtual CPU of an engine. All methods except {@link #requestStop()} and {@link #injectInterrupt(int)} must be
 * called from the thread that runs the vCPU.
 */
public interface Vcpu extends AutoCloseable {
    long gpr(Gpr r);

    void setGpr(Gpr r, long value);

    long rip();

    void setRip(long rip);

    long rflags();

    void setRflags(long rflags);

    /** Control register 0, 2, 3, 4 or 8. */
    long cr(int n);

    /** Writes a control register with the architectural checks of MOV to CRn (IllegalArgumentException if bad). */
    void setCr(int n, long value);

    long efer();

    void setEfer(long efer);

    Segment segment(SegmentRegister s);

    void setSegment(SegmentRegister s, Segment value);

    DescriptorTable gdt();

    void setGdt(DescriptorTable t);

    DescriptorTable idt();

    void setIdt(DescriptorTable t);

    /** Reads a model-specific register; IllegalArgumentException if the engine does not implement it. */
    long readMsr(int msr);

    void writeMsr(int msr, long value);

    /** The whole register state at once. */
    RegisterState state();

    void setState(RegisterState s);

    /** Runs until an exit. Same as {@code run(Long.MAX_VALUE)}. */
    default Exit run() {
        return run(Long.MAX_VALUE);
    }

    /** Runs at most {@code maxInstructions} instructions, then exits with INSTRUCTION_LIMIT. */
    Exit run(long maxInstructions);

    /**
     * With batching on, REP OUTS and REP INS report up to a page of elements per exit ({@link Exit#count()}, with
     * the data in {@link Exit#stringData()} or, for INS, filled by the host into {@link Exit#stringBuffer()});
     * off (the default), every element is its own exit.
     */
    void setStringIoBatching(boolean on);

    /** The data an IO_IN exit asked for; the IN completes on the next run. */
    void completeIn(long data);

    /** The data an MMIO_READ exit asked for; the read completes on the next run. */
    void completeMmioRead(long data);

    /**
     * Makes an external interrupt with this vector pending. It is delivered through the guest IDT as soon as
     * RFLAGS.IF is set and no interrupt shadow is active. Callable from any thread.
     */
    void injectInterrupt(int vector);

    /** Asks the running vCPU to exit with STOP_REQUESTED soon (checked at block boundaries). Any thread. */
    void requestStop();

    /** How many times a second the guest's TSC counts (the core publishes the matching scale in the time info). */
    default long tscHz() {
        return 1_000_000_000L;
    }

    /** Guest instructions retired so far (a counter the core may publish as a meter). */
    long retiredInstructions();

    @Override
    void close();
}
