package io.splitvisor.abi.layout;

/**
 * The shared info page: per-vCPU event state and time, then the 2-level event bitmaps and the
 * wall clock, in Xen's x86-64 layout.
 *
 * <pre>
 *  0                                  2048                 2560                 3072
 *  +----------------------------------+--------------------+--------------------+------------+--------+---------+-----------+
 *  | vcpu_info[32], 64 bytes each     | evtchn_pending[64] | evtchn_mask[64]    | wc_version | wc_sec | wc_nsec | wc_sec_hi |
 *  |                                  | u64, bit = port    | u64, bit = port    | u32        | u32    | u32     | u32       |
 *  +----------------------------------+--------------------+--------------------+------------+--------+---------+-----------+
 *
 * vcpu_info (64 bytes)
 *  0                1               2       8                   16          32
 *  +----------------+---------------+-------+-------------------+-----------+----------------------+
 *  | upcall_pending | upcall_mask   | (pad) | evtchn_pending_sel| arch (16) | time (vcpu_time_info)|
 *  +----------------+---------------+-------+-------------------+-----------+----------------------+
 *
 * vcpu_time_info (32 bytes)
 *  0         4       8               16             24                 28         29      30
 *  +---------+-------+---------------+--------------+------------------+----------+-------+------+
 *  | version | (pad) | tsc_timestamp | system_time  | tsc_to_system_mul| tsc_shift| flags | (pad)|
 *  +---------+-------+---------------+--------------+------------------+----------+-------+------+
 * </pre>
 *
 * <p>Raising port P: set bit P of {@code evtchn_pending}; if it was clear and bit P of
 * {@code evtchn_mask} is clear, set bit P/64 of the vCPU's {@code evtchn_pending_sel}, set
 * {@code upcall_pending}, and deliver the upcall unless {@code upcall_mask} is set. The guest
 * clears {@code upcall_pending}, exchanges the selector with 0, and handles every pending,
 * unmasked port of each selected word. Time: {@code system_time} is monotonic nanoseconds at TSC
 * value {@code tsc_timestamp}; now = system_time + (((rdtsc - tsc_timestamp) shifted left by
 * tsc_shift, or right when negative) * tsc_to_system_mul) >> 32. A writer makes
 * {@code version} odd while it updates the fields; a reader retries while it is odd or changed.
 */
public final class SharedInfoLayout {
    private SharedInfoLayout() {
    }

    public static final int MAX_VCPUS = 32;

    public static final int TIME_VERSION = 0;
    public static final int TIME_TSC_TIMESTAMP = 8;
    public static final int TIME_SYSTEM_TIME = 16;
    public static final int TIME_TSC_TO_SYSTEM_MUL = 24;
    public static final int TIME_TSC_SHIFT = 28;
    public static final int TIME_FLAGS = 29;

    public static final Layout VCPU_TIME_INFO = Layout.struct("sv_vcpu_time_info", 32,
                    "Monotonic time as a TSC-scaled linear function.")
            .u32("version", TIME_VERSION, "odd while being updated")
            .u32("pad0", 4, "zero")
            .u64("tsc_timestamp", TIME_TSC_TIMESTAMP, "TSC when system_time was sampled")
            .u64("system_time", TIME_SYSTEM_TIME, "monotonic ns since domain creation at tsc_timestamp")
            .u32("tsc_to_system_mul", TIME_TSC_TO_SYSTEM_MUL, "ns per TSC tick as a 32.32 fixed-point fraction")
            .i8("tsc_shift", TIME_TSC_SHIFT, "shift the TSC delta by this before multiplying")
            .u8("flags", TIME_FLAGS, "zero")
            .array("pad1", 30, ScalarType.U8, 2, "zero")
            .build();

    public static final int VCPU_UPCALL_PENDING = 0;
    public static final int VCPU_UPCALL_MASK = 1;
    public static final int VCPU_PENDING_SEL = 8;
    public static final int VCPU_ARCH = 16;
    public static final int VCPU_TIME = 32;
    public static final int VCPU_INFO_SIZE = 64;

    public static final Layout VCPU_INFO_LAYOUT = Layout.struct("sv_vcpu_info", VCPU_INFO_SIZE,
                    "Per-vCPU event delivery state and time.")
            .u8("evtchn_upcall_pending", VCPU_UPCALL_PENDING, "an upcall is due")
            .u8("evtchn_upcall_mask", VCPU_UPCALL_MASK, "upcalls are held back while set")
            .array("pad0", 2, ScalarType.U8, 6, "zero")
            .u64("evtchn_pending_sel", VCPU_PENDING_SEL, "bit w: word w of evtchn_pending has work")
            .u64("cr2", VCPU_ARCH, "reserved (Xen's arch.cr2)")
            .u64("arch_pad", VCPU_ARCH + 8, "zero")
            .nested("time", VCPU_TIME, VCPU_TIME_INFO, "this vCPU's time")
            .build();

    public static final int VCPU_INFO_ARRAY = 0;
    public static final int EVTCHN_PENDING = 2048;
    public static final int EVTCHN_MASK = 2560;
    public static final int EVTCHN_WORDS = 64;
    public static final int WC_VERSION = 3072;
    public static final int WC_SEC = 3076;
    public static final int WC_NSEC = 3080;
    public static final int WC_SEC_HI = 3084;

    public static final Layout LAYOUT = Layout.struct("sv_shared_info", 4096,
                    "The shared info page.")
            .nestedArray("vcpu_info", VCPU_INFO_ARRAY, VCPU_INFO_LAYOUT, MAX_VCPUS, "one per vCPU")
            .array("evtchn_pending", EVTCHN_PENDING, ScalarType.U64, EVTCHN_WORDS, "bit P: port P is pending")
            .array("evtchn_mask", EVTCHN_MASK, ScalarType.U64, EVTCHN_WORDS, "bit P: port P is masked")
            .u32("wc_version", WC_VERSION, "odd while the wall clock is being updated")
            .u32("wc_sec", WC_SEC, "wall clock at system time 0: seconds, low 32 bits")
            .u32("wc_nsec", WC_NSEC, "wall clock at system time 0: nanoseconds")
            .u32("wc_sec_hi", WC_SEC_HI, "wall clock at system time 0: seconds, high 32 bits")
            .build();

    /** Offset of vCPU {@code vcpu}'s info block. */
    public static int vcpuInfo(int vcpu) {
        return VCPU_INFO_ARRAY + vcpu * VCPU_INFO_SIZE;
    }
}
