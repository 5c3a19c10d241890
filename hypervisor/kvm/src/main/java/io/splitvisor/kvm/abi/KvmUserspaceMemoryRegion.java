package io.splitvisor.kvm.abi;

/**
 * {@code struct kvm_userspace_memory_region} (KVM_SET_USER_MEMORY_REGION): one memory slot.
 * <pre>
 *  0        4        8                 16            24                32
 * +--------+--------+-----------------+-------------+-----------------+
 * | slot   | flags  | guest_phys_addr | memory_size | userspace_addr  |
 * |  u32   |  u32   |      u64        |    u64      |     u64         |
 * +--------+--------+-----------------+-------------+-----------------+
 *   memory_size 0 deletes the slot
 * </pre>
 */
public final class KvmUserspaceMemoryRegion {
    public static final int SIZE = 32;
    public static final int SLOT = 0;
    public static final int FLAGS = 4;
    public static final int GUEST_PHYS_ADDR = 8;
    public static final int MEMORY_SIZE = 16;
    public static final int USERSPACE_ADDR = 24;

    private KvmUserspaceMemoryRegion() {
    }
}
