package io.splitvisor.kvm.abi;

/**
 * {@code struct kvm_run}: the first page of the vCPU mapping, shared with the kernel. The engine reads and writes it
 * through a little-endian direct ByteBuffer view of that mapping; the I/O data of a port exit lies at
 * {@link #IO_DATA_OFFSET io.data_offset} from the start of the mapping (the second page, in practice).
 * <pre>
 *  0      1      2            8             12     13     14       16        24          32
 * +------+------+------------+-------------+------+------+--------+---------+-----------+--------------------+
 * | req  | imm. | padding    | exit_reason | ready| if   | flags  | cr8     | apic_base | exit union (256 B) |
 * | irq  | exit |            |    u32      | irq  | flag |  u16   |  u64    |   u64     |  by exit_reason    |
 * | win  |      |            |             | inj  |      |        |         |           |                    |
 * +------+------+------------+-------------+------+------+--------+---------+-----------+--------------------+
 *  288: kvm_valid_regs u64, 296: kvm_dirty_regs u64, 304: sync regs (2048 B)     sizeof = 2352
 *
 * exit union at 32:
 *   io          32 direction u8 | 33 size u8 | 34 port u16 | 36 count u32 | 40 data_offset u64
 *   mmio        32 phys_addr u64 | 40 data[8] | 48 len u32 | 52 is_write u8
 *   fail_entry  32 hardware_entry_failure_reason u64 | 40 cpu u32
 *   internal    32 suberror u32 | 36 ndata u32 | 40 data[16] u64
 *   hw          32 hardware_exit_reason u64           (KVM_EXIT_UNKNOWN)
 *   ex          32 exception u32 | 36 error_code u32  (KVM_EXIT_EXCEPTION)
 *   system_event 32 type u32
 * </pre>
 */
public final class KvmRun {
    public static final int SIZE = 2352;
    public static final int REQUEST_INTERRUPT_WINDOW = 0;
    public static final int IMMEDIATE_EXIT = 1;
    public static final int EXIT_REASON = 8;
    public static final int READY_FOR_INTERRUPT_INJECTION = 12;
    public static final int IF_FLAG = 13;
    public static final int FLAGS = 14;
    public static final int CR8 = 16;
    public static final int APIC_BASE = 24;

    public static final int HW_HARDWARE_EXIT_REASON = 32;
    public static final int FAIL_ENTRY_HARDWARE_ENTRY_FAILURE_REASON = 32;
    public static final int FAIL_ENTRY_CPU = 40;
    public static final int EX_EXCEPTION = 32;
    public static final int EX_ERROR_CODE = 36;
    public static final int IO_DIRECTION = 32;
    public static final int IO_SIZE = 33;
    public static final int IO_PORT = 34;
    public static final int IO_COUNT = 36;
    public static final int IO_DATA_OFFSET = 40;
    public static final int MMIO_PHYS_ADDR = 32;
    public static final int MMIO_DATA = 40;
    public static final int MMIO_LEN = 48;
    public static final int MMIO_IS_WRITE = 52;
    public static final int INTERNAL_SUBERROR = 32;
    public static final int INTERNAL_NDATA = 36;
    public static final int INTERNAL_DATA = 40;
    /** Entries of internal.data[]. */
    public static final int INTERNAL_DATA_ENTRIES = 16;
    public static final int SYSTEM_EVENT_TYPE = 32;

    private KvmRun() {
    }
}
