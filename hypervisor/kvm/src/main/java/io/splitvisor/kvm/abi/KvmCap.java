package io.splitvisor.kvm.abi;

/** KVM_CAP_* numbers for KVM_CHECK_EXTENSION (checked against the header by {@code KvmAbiProbeTest}). */
public final class KvmCap {
    public static final int KVM_CAP_IRQCHIP = 0;
    public static final int KVM_CAP_HLT = 1;
    public static final int KVM_CAP_USER_MEMORY = 3;
    public static final int KVM_CAP_SET_TSS_ADDR = 4;
    public static final int KVM_CAP_EXT_CPUID = 7;
    public static final int KVM_CAP_NR_MEMSLOTS = 10;
    public static final int KVM_CAP_SET_IDENTITY_MAP_ADDR = 37;
    public static final int KVM_CAP_TSC_CONTROL = 60;
    public static final int KVM_CAP_GET_TSC_KHZ = 61;

    private KvmCap() {
    }
}
