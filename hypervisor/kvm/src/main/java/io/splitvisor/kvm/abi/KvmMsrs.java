package io.splitvisor.kvm.abi;

/**
 * {@code struct kvm_msrs} and {@code struct kvm_msr_entry} (KVM_GET_MSRS / KVM_SET_MSRS; both return how many
 * entries they processed).
 * <pre>
 * kvm_msrs:       0 nmsrs u32 | 4 pad u32 | 8 entries[nmsrs]
 * kvm_msr_entry:  0 index u32 | 4 reserved u32 | 8 data u64          (16 B)
 * </pre>
 */
public final class KvmMsrs {
    public static final int HEADER_SIZE = 8;
    public static final int NMSRS = 0;
    public static final int ENTRIES = 8;
    public static final int ENTRY_SIZE = 16;
    public static final int ENTRY_INDEX = 0;
    public static final int ENTRY_DATA = 8;

    private KvmMsrs() {
    }
}
