package io.splitvisor.kvm.abi;

/**
 * {@code struct kvm_cpuid2} and {@code struct kvm_cpuid_entry2} (KVM_GET_SUPPORTED_CPUID, KVM_SET_CPUID2).
 * <pre>
 * kvm_cpuid2:  0 nent u32 | 4 padding u32 | 8 entries[nent]
 *
 * kvm_cpuid_entry2 (40 B)
 *  0          4       8       12    16    20    24    28
 * +----------+-------+-------+-----+-----+-----+-----+--------------+
 * | function | index | flags | eax | ebx | ecx | edx | padding[3]   |
 * +----------+-------+-------+-----+-----+-----+-----+--------------+
 *   flags bit 0: KVM_CPUID_FLAG_SIGNIFCANT_INDEX (the header's spelling): index selects a subleaf
 * </pre>
 */
public final class KvmCpuid2 {
    public static final int HEADER_SIZE = 8;
    public static final int NENT = 0;
    public static final int ENTRIES = 8;

    public static final int ENTRY_SIZE = 40;
    public static final int ENTRY_FUNCTION = 0;
    public static final int ENTRY_INDEX = 4;
    public static final int ENTRY_FLAGS = 8;
    public static final int ENTRY_EAX = 12;
    public static final int ENTRY_EBX = 16;
    public static final int ENTRY_ECX = 20;
    public static final int ENTRY_EDX = 24;

    private KvmCpuid2() {
    }

    /** Bytes of a kvm_cpuid2 with room for {@code entries} entries. */
    public static int sizeFor(int entries) {
        return HEADER_SIZE + entries * ENTRY_SIZE;
    }

    /** Offset of entry {@code i}. */
    public static int entry(int i) {
        return ENTRIES + i * ENTRY_SIZE;
    }
}
