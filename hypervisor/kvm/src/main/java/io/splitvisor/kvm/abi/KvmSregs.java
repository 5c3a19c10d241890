package io.splitvisor.kvm.abi;

/**
 * {@code struct kvm_sregs} (KVM_GET_SREGS / KVM_SET_SREGS), with its {@code kvm_segment} and {@code kvm_dtable}:
 * <pre>
 * kvm_sregs (312 B)
 *    0 cs | 24 ds | 48 es | 72 fs | 96 gs | 120 ss | 144 tr | 168 ldt      (kvm_segment, 24 B each)
 *  192 gdt | 208 idt                                                       (kvm_dtable, 16 B each)
 *  224 cr0 | 232 cr2 | 240 cr3 | 248 cr4 | 256 cr8 | 264 efer | 272 apic_base   (u64)
 *  280 interrupt_bitmap[4] (u64; a pending external interrupt as a bit, KVM_INTERRUPT's state)
 *
 * kvm_segment (24 B)
 *  0        8        12         14     15      16    17   18  19  20  21    22        23
 * +--------+--------+----------+------+-------+-----+----+---+---+---+-----+---------+-----+
 * | base   | limit  | selector | type |present| dpl | db | s | l | g | avl |unusable | pad |
 * | u64    | u32    |  u16     |  u8  |  u8   | u8  | u8 |u8 |u8 |u8 | u8  |   u8    | u8  |
 * +--------+--------+----------+------+-------+-----+----+---+---+---+-----+---------+-----+
 *   limit is in bytes (the expanded value, 0xffffffff for a flat 4 GiB segment)
 *
 * kvm_dtable (16 B):  0 base u64 | 8 limit u16 | 10 padding u16[3]
 * </pre>
 */
public final class KvmSregs {
    public static final int SIZE = 312;
    public static final int CS = 0;
    public static final int DS = 24;
    public static final int ES = 48;
    public static final int FS = 72;
    public static final int GS = 96;
    public static final int SS = 120;
    public static final int TR = 144;
    public static final int LDT = 168;
    public static final int GDT = 192;
    public static final int IDT = 208;
    public static final int CR0 = 224;
    public static final int CR2 = 232;
    public static final int CR3 = 240;
    public static final int CR4 = 248;
    public static final int CR8 = 256;
    public static final int EFER = 264;
    public static final int APIC_BASE = 272;
    public static final int INTERRUPT_BITMAP = 280;

    public static final int SEGMENT_SIZE = 24;
    public static final int SEGMENT_BASE = 0;
    public static final int SEGMENT_LIMIT = 8;
    public static final int SEGMENT_SELECTOR = 12;
    public static final int SEGMENT_TYPE = 14;
    public static final int SEGMENT_PRESENT = 15;
    public static final int SEGMENT_DPL = 16;
    public static final int SEGMENT_DB = 17;
    public static final int SEGMENT_S = 18;
    public static final int SEGMENT_L = 19;
    public static final int SEGMENT_G = 20;
    public static final int SEGMENT_AVL = 21;
    public static final int SEGMENT_UNUSABLE = 22;

    public static final int DTABLE_SIZE = 16;
    public static final int DTABLE_BASE = 0;
    public static final int DTABLE_LIMIT = 8;

    private KvmSregs() {
    }
}
