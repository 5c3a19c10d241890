package io.splitvisor.kvm.sys;

/** A KVM system call failed; the message is one line naming the call and the errno. */
public final class KvmException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public KvmException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The errno of the failed call, or 0 when the failure was not a system call error. */
    public int errno() {
        return errno;
    }

    /** "KVM_SET_SREGS failed: EINVAL (errno 22)" for a negated errno returned by a call. */
    public static KvmException of(String call, long negatedErrno) {
        int e = (int) -negatedErrno;
        return new KvmException(call + " failed: " + Errno.describe(e), e);
    }
}
