package io.splitvisor.engine;

/** Why {@link Vcpu#run} returned. */
public enum ExitReason {
    /** An IN or INS: the hypervisor supplies the data with {@link Vcpu#completeIn(long)}. */
    IO_IN,
    /** An OUT or OUTS: the data is in the exit; the instruction has completed. */
    IO_OUT,
    /** A read of guest-physical memory outside every RAM region: supply data with {@link Vcpu#completeMmioRead}. */
    MMIO_READ,
    /** A write to guest-physical memory outside every RAM region; the instruction has completed. */
    MMIO_WRITE,
    /** HLT with no deliverable interrupt pending; RIP is past the HLT. */
    HLT,
    /** Triple fault (or an engine-detected state the CPU cannot continue from): the guest is dead. */
    SHUTDOWN,
    /** The instruction budget given to {@link Vcpu#run(long)} is used up. */
    INSTRUCTION_LIMIT,
    /** {@link Vcpu#requestStop()} was called. */
    STOP_REQUESTED,
    /** KVM could not enter the guest (KVM engine only). */
    FAIL_ENTRY,
    /** The engine hit an internal error (KVM engine only). */
    INTERNAL_ERROR
}
