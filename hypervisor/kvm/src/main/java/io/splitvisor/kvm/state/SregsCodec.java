package io.splitvisor.kvm.state;

import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Segment;
import io.splitvisor.engine.SegmentRegister;
import io.splitvisor.kvm.abi.KvmRegs;
import io.splitvisor.kvm.abi.KvmSregs;
import java.nio.ByteBuffer;

/**
 * Maps the engine-neutral register state onto {@code kvm_regs} and {@code kvm_sregs} images and back. Segment
 * attributes use the VMX access-rights layout in {@link Segment}; KVM keeps each attribute in its own byte.
 * <p>
 * One substitution: a start state without a task register (TR unusable, as the raw loader builds it) gets a
 * placeholder 64-bit busy TSS (base 0, limit 0x67), because VMX refuses to enter long mode without a usable TR. A
 * guest that never changes privilege level or uses an IST stack never reads it; reading the state back reports the
 * placeholder as the null TR it stands for.
 */
public final class SregsCodec {
    /** The placeholder TR: selector 0, base 0, limit 0x67, type 11 (64-bit busy TSS), present. */
    public static final Segment PLACEHOLDER_TR = new Segment(0, 0, 0x67, 0xB | Segment.PRESENT);

    private static final int[] SEGMENT_OFFSETS = new int[SegmentRegister.values().length];

    static {
        SEGMENT_OFFSETS[SegmentRegister.ES.ordinal()] = KvmSregs.ES;
        SEGMENT_OFFSETS[SegmentRegister.CS.ordinal()] = KvmSregs.CS;
        SEGMENT_OFFSETS[SegmentRegister.SS.ordinal()] = KvmSregs.SS;
        SEGMENT_OFFSETS[SegmentRegister.DS.ordinal()] = KvmSregs.DS;
        SEGMENT_OFFSETS[SegmentRegister.FS.ordinal()] = KvmSregs.FS;
        SEGMENT_OFFSETS[SegmentRegister.GS.ordinal()] = KvmSregs.GS;
    }

    private SregsCodec() {
    }

    /** Offset of a segment register's kvm_segment inside kvm_sregs. */
    public static int offsetOf(SegmentRegister s) {
        return SEGMENT_OFFSETS[s.ordinal()];
    }

    /** Writes the general registers, RIP and RFLAGS of {@code s} into a kvm_regs image. */
    public static void writeRegs(RegisterState s, ByteBuffer regs) {
        for (int i = 0; i < 16; i++) {
            regs.putLong(KvmRegs.offsetOf(i), s.gpr[i]);
        }
        regs.putLong(KvmRegs.RIP, s.rip);
        regs.putLong(KvmRegs.RFLAGS, s.rflags);
    }

    public static void readRegs(ByteBuffer regs, RegisterState s) {
        for (int i = 0; i < 16; i++) {
            s.gpr[i] = regs.getLong(KvmRegs.offsetOf(i));
        }
        s.rip = regs.getLong(KvmRegs.RIP);
        s.rflags = regs.getLong(KvmRegs.RFLAGS);
    }

    /**
     * Writes the system state of {@code s} into a kvm_sregs image, keeping what the state does not describe
     * (apic_base, the interrupt bitmap) as KVM_GET_SREGS left it.
     */
    public static void writeSregs(RegisterState s, ByteBuffer sregs) {
        for (SegmentRegister r : SegmentRegister.values()) {
            writeSegment(sregs, offsetOf(r), s.segment(r));
        }
        writeSegment(sregs, KvmSregs.TR, s.tr.unusable() ? PLACEHOLDER_TR : s.tr);
        writeSegment(sregs, KvmSregs.LDT, s.ldtr);
        writeTable(sregs, KvmSregs.GDT, s.gdt);
        writeTable(sregs, KvmSregs.IDT, s.idt);
        sregs.putLong(KvmSregs.CR0, s.cr0);
        sregs.putLong(KvmSregs.CR2, s.cr2);
        sregs.putLong(KvmSregs.CR3, s.cr3);
        sregs.putLong(KvmSregs.CR4, s.cr4);
        sregs.putLong(KvmSregs.CR8, s.cr8);
        sregs.putLong(KvmSregs.EFER, s.efer);
    }

    public static void readSregs(ByteBuffer sregs, RegisterState s) {
        for (SegmentRegister r : SegmentRegister.values()) {
            s.setSegment(r, readSegment(sregs, offsetOf(r)));
        }
        Segment tr = readSegment(sregs, KvmSregs.TR);
        s.tr = tr.equals(PLACEHOLDER_TR) ? Segment.NULL : tr;
        s.ldtr = readSegment(sregs, KvmSregs.LDT);
        s.gdt = readTable(sregs, KvmSregs.GDT);
        s.idt = readTable(sregs, KvmSregs.IDT);
        s.cr0 = sregs.getLong(KvmSregs.CR0);
        s.cr2 = sregs.getLong(KvmSregs.CR2);
        s.cr3 = sregs.getLong(KvmSregs.CR3);
        s.cr4 = sregs.getLong(KvmSregs.CR4);
        s.cr8 = sregs.getLong(KvmSregs.CR8);
        s.efer = sregs.getLong(KvmSregs.EFER);
    }

    public static void writeSegment(ByteBuffer b, int at, Segment s) {
        int a = s.attributes();
        b.putLong(at + KvmSregs.SEGMENT_BASE, s.base());
        b.putInt(at + KvmSregs.SEGMENT_LIMIT, s.limit());
        b.putShort(at + KvmSregs.SEGMENT_SELECTOR, (short) s.selector());
        b.put(at + KvmSregs.SEGMENT_TYPE, (byte) (a & Segment.TYPE_MASK));
        b.put(at + KvmSregs.SEGMENT_PRESENT, bit(a, Segment.PRESENT));
        b.put(at + KvmSregs.SEGMENT_DPL, (byte) ((a >> 5) & 3));
        b.put(at + KvmSregs.SEGMENT_DB, bit(a, Segment.DB));
        b.put(at + KvmSregs.SEGMENT_S, bit(a, Segment.S));
        b.put(at + KvmSregs.SEGMENT_L, bit(a, Segment.LONG));
        b.put(at + KvmSregs.SEGMENT_G, bit(a, Segment.GRANULARITY));
        b.put(at + KvmSregs.SEGMENT_AVL, bit(a, Segment.AVL));
        b.put(at + KvmSregs.SEGMENT_UNUSABLE, bit(a, Segment.UNUSABLE));
        b.put(at + KvmSregs.SEGMENT_UNUSABLE + 1, (byte) 0);
    }

    public static Segment readSegment(ByteBuffer b, int at) {
        int a = b.get(at + KvmSregs.SEGMENT_TYPE) & Segment.TYPE_MASK;
        a |= flag(b, at + KvmSregs.SEGMENT_PRESENT, Segment.PRESENT);
        a |= (b.get(at + KvmSregs.SEGMENT_DPL) & 3) << 5;
        a |= flag(b, at + KvmSregs.SEGMENT_DB, Segment.DB);
        a |= flag(b, at + KvmSregs.SEGMENT_S, Segment.S);
        a |= flag(b, at + KvmSregs.SEGMENT_L, Segment.LONG);
        a |= flag(b, at + KvmSregs.SEGMENT_G, Segment.GRANULARITY);
        a |= flag(b, at + KvmSregs.SEGMENT_AVL, Segment.AVL);
        a |= flag(b, at + KvmSregs.SEGMENT_UNUSABLE, Segment.UNUSABLE);
        return new Segment(b.getShort(at + KvmSregs.SEGMENT_SELECTOR) & 0xFFFF, b.getLong(at + KvmSregs.SEGMENT_BASE),
                b.getInt(at + KvmSregs.SEGMENT_LIMIT), a);
    }

    public static void writeTable(ByteBuffer b, int at, DescriptorTable t) {
        b.putLong(at + KvmSregs.DTABLE_BASE, t.base());
        b.putShort(at + KvmSregs.DTABLE_LIMIT, (short) t.limit());
        for (int i = KvmSregs.DTABLE_LIMIT + 2; i < KvmSregs.DTABLE_SIZE; i++) {
            b.put(at + i, (byte) 0);
        }
    }

    public static DescriptorTable readTable(ByteBuffer b, int at) {
        return new DescriptorTable(b.getLong(at + KvmSregs.DTABLE_BASE), b.getShort(at + KvmSregs.DTABLE_LIMIT) & 0xFFFF);
    }

    private static byte bit(int attributes, int mask) {
        return (byte) ((attributes & mask) != 0 ? 1 : 0);
    }

    private static int flag(ByteBuffer b, int at, int mask) {
        return b.get(at) != 0 ? mask : 0;
    }
}
