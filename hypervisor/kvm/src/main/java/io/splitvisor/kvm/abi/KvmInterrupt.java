package io.splitvisor.kvm.abi;

/**
 * {@code struct kvm_interrupt} (KVM_INTERRUPT without an in-kernel irqchip): {@code 0 irq u32}, the IDT vector
 * to deliver (sizeof = 4).
 */
public final class KvmInterrupt {
    public static final int SIZE = 4;
    public static final int IRQ = 0;

    private KvmInterrupt() {
    }
}
