package io.splitvisor.kvm.abi;

/**
 * {@code struct kvm_signal_mask} (KVM_SET_SIGNAL_MASK): the signal mask in force while the vCPU is inside
 * KVM_RUN.
 * <pre>
 *  0 len u32 | 4 sigset[len]     len must be the kernel's sigset size, 8 bytes on x86-64 (bit n-1 = signal n)
 * </pre>
 */
public final class KvmSignalMask {
    public static final int LEN = 0;
    public static final int SIGSET = 4;
    public static final int KERNEL_SIGSET_BYTES = 8;
    public static final int SIZE = SIGSET + KERNEL_SIGSET_BYTES;

    private KvmSignalMask() {
    }
}
