package io.splitvisor.x86.cpu;

/**
 * A guest exception raised while executing an instruction (#PF, #GP, #UD ...). One preallocated instance per vCPU,
 * without a stack trace: raising it allocates nothing. Read its fields before raising another.
 */
public final class GuestFault extends RuntimeException {
    public int vector;
    public int errorCode;
    public boolean hasErrorCode;

    GuestFault() {
        super(null, null, false, false);
    }

    public GuestFault set(int vector, int errorCode, boolean hasErrorCode) {
        this.vector = vector;
        this.errorCode = errorCode;
        this.hasErrorCode = hasErrorCode;
        return this;
    }
}
