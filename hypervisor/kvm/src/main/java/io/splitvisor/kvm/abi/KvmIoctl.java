package io.splitvisor.kvm.abi;

/**
 * The ioctl request numbers of {@code linux/kvm.h} this engine issues. An ioctl number is
 * <pre>
 *  31  30 29             16 15          8 7           0
 * +------+-----------------+-------------+-------------+
 * | dir  |  argument size  | type 0xAE   |   number    |
 * +------+-----------------+-------------+-------------+
 *   dir: 0 none, 1 write (_IOW), 2 read (_IOR), 3 both (_IOWR)
 * </pre>
 * Kept as zero-extended {@code long}s (the kernel truncates the request to 32 bits either way).
 * {@code KvmAbiProbeTest} checks every value against the system's header.
 */
public final class KvmIoctl {
    // on /dev/kvm
    public static final long KVM_GET_API_VERSION = 0xAE00L;
    public static final long KVM_CREATE_VM = 0xAE01L;
    public static final long KVM_CHECK_EXTENSION = 0xAE03L;
    public static final long KVM_GET_VCPU_MMAP_SIZE = 0xAE04L;
    public static final long KVM_GET_SUPPORTED_CPUID = 0xC008AE05L;
    // on a VM
    public static final long KVM_CREATE_VCPU = 0xAE41L;
    public static final long KVM_SET_USER_MEMORY_REGION = 0x4020AE46L;
    public static final long KVM_SET_TSS_ADDR = 0xAE47L;
    public static final long KVM_SET_IDENTITY_MAP_ADDR = 0x4008AE48L;
    public static final long KVM_CREATE_IRQCHIP = 0xAE60L;
    // on a vCPU
    public static final long KVM_RUN = 0xAE80L;
    public static final long KVM_GET_REGS = 0x8090AE81L;
    public static final long KVM_SET_REGS = 0x4090AE82L;
    public static final long KVM_GET_SREGS = 0x8138AE83L;
    public static final long KVM_SET_SREGS = 0x4138AE84L;
    public static final long KVM_INTERRUPT = 0x4004AE86L;
    public static final long KVM_GET_MSRS = 0xC008AE88L;
    public static final long KVM_SET_MSRS = 0x4008AE89L;
    public static final long KVM_SET_SIGNAL_MASK = 0x4004AE8BL;
    public static final long KVM_SET_CPUID2 = 0x4008AE90L;
    public static final long KVM_SET_TSC_KHZ = 0xAEA2L;
    public static final long KVM_GET_TSC_KHZ = 0xAEA3L;

    /** The API version this binding speaks (KVM_GET_API_VERSION must return it). */
    public static final int KVM_API_VERSION = 12;

    private KvmIoctl() {
    }

    /** The macro name of a request number, for error messages. */
    public static String name(long request) {
        for (java.lang.reflect.Field f : KvmIoctl.class.getFields()) {
            try {
                if (f.getType() == long.class && f.getLong(null) == request) {
                    return f.getName();
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.format("ioctl 0x%x", request);
    }
}
