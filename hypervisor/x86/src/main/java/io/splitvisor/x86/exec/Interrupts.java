package io.splitvisor.x86.exec;

import io.splitvisor.engine.Segment;
import io.splitvisor.engine.SegmentRegister;
import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.Flags;
import io.splitvisor.x86.cpu.Mmu;
import io.splitvisor.x86.cpu.Vectors;

/** Delivery of exceptions and interrupts through 64-bit IDT gates (with IST and RSP0 stacks), and IRET. */
final class Interrupts {
    static final int EXCEPTION = 0;
    static final int EXTERNAL = 1;
    /** INT n, INT3, INTO: the gate's DPL is checked against the CPL. */
    static final int SOFTWARE = 2;

    private static final int CS = SegmentRegister.CS.ordinal();
    private static final int SS = SegmentRegister.SS.ordinal();
    private final Cpu c;
    private final Mmu m;
    private final InterpreterVcpu vcpu;
    private final long[] frame = new long[6];

    Interrupts(Cpu c, Mmu m, InterpreterVcpu vcpu) {
        this.c = c;
        this.m = m;
        this.vcpu = vcpu;
    }

    /** Delivers {@code vector}; the pushed return address is {@code returnRip}. Raises a GuestFault on failure. */
    void deliver(int vector, int errorCode, boolean hasError, long returnRip, int kind) {
        long off = (long) vector << 4;
        int idtErr = (vector << 3) | 2 | (kind == EXTERNAL ? 1 : 0);
        if (off + 15 > c.idt.limit()) {
            throw c.fault(Vectors.GP, idtErr);
        }
        long lo = m.readSupervisor(8, c.idt.base() + off);
        long hi = m.readSupervisor(8, c.idt.base() + off + 8);
        int type = (int) (lo >>> 40) & 0x1F;
        if (type != 0xE && type != 0xF) {
            throw c.fault(Vectors.GP, idtErr);
        }
        if (kind == SOFTWARE && ((lo >>> 45) & 3) < c.cpl) {
            throw c.fault(Vectors.GP, idtErr);
        }
        if ((lo & (1L << 47)) == 0) {
            throw c.fault(Vectors.NP, idtErr);
        }
        int selector = (int) (lo >>> 16) & 0xFFFF;
        long target = (lo & 0xFFFF) | ((lo >>> 32) & 0xFFFF0000L) | (hi << 32);
        int ist = (int) (lo >>> 32) & 7;
        Segment cs = Descriptors.loadCode(c, m, selector);
        int newCpl = (cs.type() & 4) != 0 ? c.cpl : cs.dpl();
        if (newCpl > c.cpl) {
            throw c.fault(Vectors.GP, selector & 0xFFFC);
        }
        if (!Cpu.canonical(target)) {
            throw c.fault(Vectors.GP, 0);
        }
        int oldCpl = c.cpl;
        long oldRsp = c.regs[4];
        long sp;
        if (ist != 0) {
            sp = tssRead(0x24 + 8 * (ist - 1));
        } else if (newCpl < oldCpl) {
            sp = tssRead(4 + 8 * newCpl);
        } else {
            sp = oldRsp;
        }
        sp &= ~0xFL;
        long[] frame = this.frame;
        frame[0] = c.segs[SS].selector();
        frame[1] = oldRsp;
        frame[2] = c.rflags();
        frame[3] = c.segs[CS].selector();
        frame[4] = returnRip;
        frame[5] = errorCode;
        int words = hasError ? 6 : 5;
        vcpu.setCpl(newCpl);
        try {
            for (int i = 0; i < words; i++) {
                sp -= 8;
                m.write64(sp, frame[i]);
            }
        } catch (RuntimeException e) {
            vcpu.setCpl(oldCpl);
            throw e;
        }
        c.regs[4] = sp;
        c.segs[CS] = new Segment((selector & 0xFFFC) | newCpl, cs.base(), cs.limit(), cs.attributes());
        if (newCpl != oldCpl) {
            c.segs[SS] = new Segment(newCpl, 0, 0, Segment.UNUSABLE);
        }
        c.rflagsOther &= ~(Flags.TF | Flags.NT | Flags.RF | Flags.VM);
        if (type == 0xE) {
            c.rflagsOther &= ~Flags.IF;
        }
        c.rip = target;
    }

    private long tssRead(int offset) {
        if (c.tr.unusable() || c.tr.limit() < offset + 7) {
            throw c.fault(Vectors.TS, c.tr.selector() & 0xFFFC);
        }
        return m.readSupervisor(8, c.tr.base() + offset);
    }

    /** IRET with operand size 8 (IRETQ), 4 or 2: always pops RIP, CS, RFLAGS, RSP and SS in 64-bit mode. */
    void iret(int size) {
        long sp = c.regs[4];
        long rip = m.read(size, sp);
        int cs = (int) m.read(size, sp + size) & 0xFFFF;
        long flags = m.read(size, sp + 2L * size);
        long rsp = m.read(size, sp + 3L * size);
        int ss = (int) m.read(size, sp + 4L * size) & 0xFFFF;
        int newCpl = cs & 3;
        if (newCpl < c.cpl) {
            throw c.fault(Vectors.GP, cs & 0xFFFC);
        }
        Segment code = Descriptors.loadCode(c, m, cs);
        if (!Cpu.canonical(rip)) {
            throw c.fault(Vectors.GP, 0);
        }
        Segment stack = Descriptors.loadData(c, m, ss, true, newCpl);
        long mask = Flags.WRITABLE;
        if (c.cpl > 0) {
            mask &= ~Flags.IOPL;
        }
        if (c.cpl > ((c.rflagsOther & Flags.IOPL) >>> 12)) {
            mask &= ~Flags.IF;
        }
        if (size == 2) {
            mask &= 0xFFFF;
        }
        long old = c.rflags();
        c.setRflags((old & ~mask) | (flags & mask));
        c.regs[4] = rsp;
        c.segs[CS] = code;
        c.segs[SS] = stack;
        vcpu.setCpl(newCpl);
        c.rip = rip;
    }

    /** Far return (RETF): same privilege, or to an outer one (then RSP and SS are popped too). */
    void farReturn(int size, long extra) {
        long sp = c.regs[4];
        long rip = m.read(size, sp);
        int cs = (int) m.read(size, sp + size) & 0xFFFF;
        int newCpl = cs & 3;
        if (newCpl < c.cpl) {
            throw c.fault(Vectors.GP, cs & 0xFFFC);
        }
        Segment code = Descriptors.loadCode(c, m, cs);
        if (!Cpu.canonical(rip)) {
            throw c.fault(Vectors.GP, 0);
        }
        sp += 2L * size + extra;
        if (newCpl != c.cpl) {
            long rsp = m.read(size, sp);
            int ss = (int) m.read(size, sp + size) & 0xFFFF;
            c.segs[SS] = Descriptors.loadData(c, m, ss, true, newCpl);
            sp = rsp + extra;
        }
        c.regs[4] = sp;
        c.segs[CS] = code;
        vcpu.setCpl(newCpl);
        c.rip = rip;
    }
}
