package io.splitvisor.kvm.sys;

/**
 * Kicking a vCPU thread out of KVM_RUN (the KVM_SET_SIGNAL_MASK scheme). One real-time signal is blocked on every
 * vCPU thread, so it can never be delivered to Java code; KVM_SET_SIGNAL_MASK unblocks it only while the thread is
 * inside KVM_RUN. A kick sent while the thread runs the guest makes KVM_RUN return EINTR at once; a kick sent
 * while it is outside stays pending (blocked) and makes the next KVM_RUN return EINTR before entering the guest,
 * so no kick is ever lost. The thread then takes the pending signal off with {@link #drain()}.
 */
public interface KickSignal {
    /** The signal number used. */
    int signal();

    /**
     * Blocks the kick signal on the calling thread (idempotent) and returns the 8-byte kernel signal set to run the
     * guest with: the thread's mask without the kick signal (bit n-1 stands for signal n).
     */
    long prepareThread();

    /** The calling thread's kernel thread id. */
    int currentThreadId();

    /** Sends the kick signal to thread {@code tid} of this process; false if that thread no longer exists. */
    boolean kick(int tid);

    /** Takes a pending kick signal off the calling thread, if there is one. */
    void drain();
}
