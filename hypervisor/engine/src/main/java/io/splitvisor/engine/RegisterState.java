package io.splitvisor.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * A complete, engine-neutral snapshot of a vCPU's architectural register state: what a crash report prints,
 * what the raw runner reads and writes as JSON, and what the KVM engine maps to kvm_regs/kvm_sregs.
 * Mutable on purpose (fill it field by field); {@link #copy()} makes an independent snapshot.
 */
public final class RegisterState {
    public final long[] gpr = new long[16];
    public long rip;
    public long rflags = 0x2;
    public long cr0;
    public long cr2;
    public long cr3;
    public long cr4;
    public long cr8;
    public long efer;
    public final Segment[] segments = new Segment[SegmentRegister.values().length];
    public Segment tr = Segment.NULL;
    public Segment ldtr = Segment.NULL;
    public DescriptorTable gdt = DescriptorTable.EMPTY;
    public DescriptorTable idt = DescriptorTable.EMPTY;
    public long kernelGsBase;

    public RegisterState() {
        Arrays.fill(segments, Segment.NULL);
    }

    public long get(Gpr r) {
        return gpr[r.ordinal()];
    }

    public RegisterState set(Gpr r, long value) {
        gpr[r.ordinal()] = value;
        return this;
    }

    public Segment segment(SegmentRegister s) {
        return segments[s.ordinal()];
    }

    public RegisterState setSegment(SegmentRegister s, Segment value) {
        segments[s.ordinal()] = Objects.requireNonNull(value);
        return this;
    }

    public RegisterState copy() {
        RegisterState c = new RegisterState();
        System.arraycopy(gpr, 0, c.gpr, 0, gpr.length);
        System.arraycopy(segments, 0, c.segments, 0, segments.length);
        c.rip = rip;
        c.rflags = rflags;
        c.cr0 = cr0;
        c.cr2 = cr2;
        c.cr3 = cr3;
        c.cr4 = cr4;
        c.cr8 = cr8;
        c.efer = efer;
        c.tr = tr;
        c.ldtr = ldtr;
        c.gdt = gdt;
        c.idt = idt;
        c.kernelGsBase = kernelGsBase;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RegisterState s)) {
            return false;
        }
        return Arrays.equals(gpr, s.gpr) && rip == s.rip && rflags == s.rflags && cr0 == s.cr0 && cr2 == s.cr2
                && cr3 == s.cr3 && cr4 == s.cr4 && cr8 == s.cr8 && efer == s.efer
                && Arrays.equals(segments, s.segments) && tr.equals(s.tr) && ldtr.equals(s.ldtr)
                && gdt.equals(s.gdt) && idt.equals(s.idt) && kernelGsBase == s.kernelGsBase;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(gpr), rip, rflags, cr3, Arrays.hashCode(segments));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Gpr r : Gpr.values()) {
            b.append(r.asmName()).append('=').append(Long.toHexString(gpr[r.ordinal()])).append(' ');
        }
        return b.append("rip=").append(Long.toHexString(rip)).append(" rflags=").append(Long.toHexString(rflags))
                .toString();
    }
}
