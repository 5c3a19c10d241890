package io.splitvisor.x86.exec;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.engine.Segment;
import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.Flags;
import io.splitvisor.x86.cpu.Mmu;
import io.splitvisor.x86.cpu.PageWalker;
import io.splitvisor.x86.cpu.Vectors;
import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.decode.Op;

/** System instructions: control and model-specific registers, descriptor tables, port I/O, interrupts, CPUID. */
final class SystemOps {
    static final int MSR_TSC = 0x10;
    static final int MSR_EFER = 0xC0000080;
    static final int MSR_FS_BASE = 0xC0000100;
    static final int MSR_GS_BASE = 0xC0000101;
    static final int MSR_KERNEL_GS_BASE = 0xC0000102;
    static final int MSR_TSC_AUX = 0xC0000103;

    private final InterpreterVcpu vcpu;
    private final Cpu c;
    private final Mmu m;
    private final CpuidModel cpuid;
    private final Interrupts interrupts;
    private final int[] cpuidOut = new int[4];

    SystemOps(InterpreterVcpu vcpu, Cpu c, Mmu m, CpuidModel cpuid, Interrupts interrupts) {
        this.vcpu = vcpu;
        this.c = c;
        this.m = m;
        this.cpuid = cpuid;
        this.interrupts = interrupts;
    }

    private void requireCpl0() {
        if (c.cpl != 0) {
            throw c.gp0();
        }
    }

    private int iopl() {
        return (int) (c.rflagsOther & Flags.IOPL) >>> 12;
    }

    void exec(Executor x, Insn in) {
        long[] r = c.regs;
        switch (in.op) {
            case Op.FAULT -> throw in.sub == Vectors.GP ? c.gp0() : c.fault(in.sub);
            case Op.INT -> interrupts.deliver(in.sub, 0, false, in.nextRip,
                    in.variant ? Interrupts.EXCEPTION : Interrupts.SOFTWARE);
            case Op.IRET -> {
                interrupts.iret(in.size);
                vcpu.endBlockForEvents(x);
            }
            case Op.RETF -> interrupts.farReturn(in.size, in.imm);
            case Op.HLT -> {
                requireCpl0();
                c.rip = in.nextRip;
                vcpu.halt(x);
            }
            case Op.PAUSE -> Thread.onSpinWait();
            case Op.X87 -> {
                // no FPU: x87 instructions raise #NM if CR0.EM or CR0.TS is set, else #UD; WAIT only checks TS+MP
                if (in.variant) {
                    if ((c.cr0 & (Cpu.CR0_TS | Cpu.CR0_MP)) == (Cpu.CR0_TS | Cpu.CR0_MP)) {
                        throw c.fault(Vectors.NM);
                    }
                } else {
                    throw (c.cr0 & (Cpu.CR0_EM | Cpu.CR0_TS)) != 0 ? c.fault(Vectors.NM) : c.ud();
                }
            }
            case Op.IN -> c.set(in.size, 0, in(x, port(in), in.size));
            case Op.OUT -> out(x, port(in), in.size, c.get(in.size, 0));
            case Op.CPUID -> {
                cpuid.query((int) r[0], (int) r[1], cpuidOut);
                r[0] = cpuidOut[0] & 0xFFFFFFFFL;
                r[3] = cpuidOut[1] & 0xFFFFFFFFL;
                r[1] = cpuidOut[2] & 0xFFFFFFFFL;
                r[2] = cpuidOut[3] & 0xFFFFFFFFL;
            }
            case Op.RDTSC, Op.RDTSCP -> {
                if ((c.cr4 & Cpu.CR4_TSD) != 0 && c.cpl != 0) {
                    throw c.gp0();
                }
                long t = vcpu.tsc();
                r[0] = t & 0xFFFFFFFFL;
                r[2] = t >>> 32;
                if (in.op == Op.RDTSCP) {
                    r[1] = c.tscAux & 0xFFFFFFFFL;
                }
            }
            case Op.RDMSR -> {
                requireCpl0();
                long v = vcpu.readMsrChecked((int) r[1]);
                r[0] = v & 0xFFFFFFFFL;
                r[2] = v >>> 32;
            }
            case Op.WRMSR -> {
                requireCpl0();
                vcpu.writeMsrChecked((int) r[1], (r[2] << 32) | (r[0] & 0xFFFFFFFFL));
            }
            case Op.MOV_FROM_CR -> {
                requireCpl0();
                r[in.rm] = vcpu.readCr(in.sub);
            }
            case Op.MOV_TO_CR -> {
                requireCpl0();
                vcpu.writeCrChecked(in.sub, r[in.rm]);
            }
            case Op.MOV_FROM_DR -> {
                requireCpl0();
                r[in.rm] = c.dr[in.sub];
            }
            case Op.MOV_TO_DR -> {
                requireCpl0();
                c.dr[in.sub] = r[in.rm];
            }
            case Op.DESC_TABLE -> descriptorTable(x, in);
            case Op.SYS_SEG -> systemSegment(x, in);
            case Op.SMSW -> {
                if (in.mem) {
                    m.write16(x.ea(in), c.cr0);
                } else {
                    c.set(in.size, in.rm, c.cr0);
                }
            }
            case Op.LMSW -> {
                requireCpl0();
                long v = in.mem ? m.read16(x.ea(in)) : r[in.rm];
                vcpu.writeCrChecked(0, (c.cr0 & ~0xEL) | (v & 0xF) | (c.cr0 & 1));
            }
            case Op.INVLPG -> {
                requireCpl0();
                vcpu.flushTranslations();
            }
            case Op.SWAPGS -> {
                requireCpl0();
                long t = c.gsBase;
                c.gsBase = c.kernelGsBase;
                c.kernelGsBase = t;
            }
            case Op.CLTS -> {
                requireCpl0();
                if (in.sub == 0) {
                    c.cr0 &= ~Cpu.CR0_TS;
                }
            }
            case Op.CLFLUSH -> m.translate(x.ea(in), PageWalker.READ);
            case Op.MOV_FROM_SREG -> {
                int sel = c.segs[in.sub].selector();
                if (in.mem) {
                    m.write16(x.ea(in), sel);
                } else {
                    c.set(in.size, in.rm, sel);
                }
            }
            case Op.MOV_TO_SREG -> loadSegment(in.sub, (int) (in.mem ? m.read16(x.ea(in)) : r[in.rm]) & 0xFFFF);
            case Op.PUSH_SEG -> x.push(in.size, c.segs[in.sub].selector());
            case Op.POP_SEG -> {
                int sel = (int) m.read(in.size, r[4]) & 0xFFFF;
                loadSegment(in.sub, sel);
                r[4] += in.size;
            }
            default -> throw c.ud();
        }
    }

    private int port(Insn in) {
        return in.variant ? (int) c.regs[2] & 0xFFFF : (int) in.imm;
    }

    long in(Executor x, int port, int size) {
        if (c.cpl > iopl()) {
            throw c.gp0();
        }
        return vcpu.portIn(port, size);
    }

    /** REP INS/OUTS with batching: a page of elements per exit, in the exit's string buffer. */
    boolean batchStringIo() {
        return vcpu.stringBatching();
    }

    byte[] stringBuffer() {
        return vcpu.stringBuffer();
    }

    void checkIo() {
        if (c.cpl > iopl()) {
            throw c.gp0();
        }
    }

    /** The {@code count} elements of a batched REP INS, once the host supplied them (exits before that). */
    byte[] inString(int port, int size, int count) {
        vcpu.portInString(port, size, count);
        return vcpu.stringBuffer();
    }

    void outString(Executor x, int port, int size, int count) {
        vcpu.portOutString(x, port, size, count);
    }

    void out(Executor x, int port, int size, long value) {
        if (c.cpl > iopl()) {
            throw c.gp0();
        }
        vcpu.portOut(x, port, size, value);
    }

    void popf(Executor x, Insn in) {
        int s = in.size;
        long v = m.read(s, c.regs[4]);
        long mask = Flags.WRITABLE & ~Flags.RF;
        if (c.cpl > 0) {
            mask &= ~Flags.IOPL;
        }
        if (c.cpl > iopl()) {
            mask &= ~Flags.IF;
        }
        if (s == 2) {
            mask &= 0xFFFF;
        }
        boolean ifWas = c.interruptsEnabled();
        c.setRflags((c.rflags() & ~mask) | (v & mask));
        c.regs[4] += s;
        if (!ifWas && c.interruptsEnabled()) {
            vcpu.endBlockForEvents(x);
        }
    }

    void cliSti(Executor x, boolean sti) {
        if (c.cpl > iopl()) {
            throw c.gp0();
        }
        if (!sti) {
            c.rflagsOther &= ~Flags.IF;
        } else if (!c.interruptsEnabled()) {
            c.rflagsOther |= Flags.IF;
            vcpu.startInterruptShadow();
        }
    }

    private void descriptorTable(Executor x, Insn in) {
        long a = x.ea(in);
        if (in.sub <= 1) {
            DescriptorTable t = in.sub == 0 ? c.gdt : c.idt;
            m.probeWrite(a, 10);
            m.write16(a, t.limit());
            m.write64(a + 2, t.base());
            return;
        }
        requireCpl0();
        int limit = (int) m.read16(a);
        long base = m.read64(a + 2);
        if (!Cpu.canonical(base)) {
            throw c.gp0();
        }
        if (in.sub == 2) {
            c.gdt = new DescriptorTable(base, limit);
        } else {
            c.idt = new DescriptorTable(base, limit);
        }
    }

    private void systemSegment(Executor x, Insn in) {
        if (in.sub <= 1) {
            int sel = (in.sub == 0 ? c.ldtr : c.tr).selector();
            if (in.mem) {
                m.write16(x.ea(in), sel);
            } else {
                c.set(in.size, in.rm, sel);
            }
            return;
        }
        requireCpl0();
        int sel = (int) (in.mem ? m.read16(x.ea(in)) : c.regs[in.rm]) & 0xFFFF;
        if (in.sub == 2) { // LLDT: only the null selector (no LDT support)
            if ((sel & 0xFFFC) != 0) {
                throw c.fault(Vectors.GP, sel & 0xFFFC);
            }
            c.ldtr = Segment.NULL;
            return;
        }
        if ((sel & 0xFFFC) == 0) {
            throw c.gp0();
        }
        long lo = Descriptors.read(c, m, sel);
        if ((sel & 0xFFF8) + 15 > c.gdt.limit()) {
            throw c.fault(Vectors.GP, sel & 0xFFFC);
        }
        long hi = m.readSupervisor(8, c.gdt.base() + (sel & 0xFFF8) + 8);
        Segment s = Descriptors.toSegment(sel, lo);
        if ((s.attributes() & Segment.S) != 0 || s.type() != 9) {
            throw c.fault(Vectors.GP, sel & 0xFFFC);
        }
        if (!s.present()) {
            throw c.fault(Vectors.NP, sel & 0xFFFC);
        }
        m.writeSupervisor8(c.gdt.base() + (sel & 0xFFF8) + 5, (int) ((lo >>> 40) & 0xFF) | 2);
        c.tr = Segment.tss64(sel, s.base() | (hi << 32), s.limit());
    }

    private void loadSegment(int reg, int selector) {
        Segment s = Descriptors.loadData(c, m, selector, reg == 2, c.cpl);
        c.segs[reg] = s;
        if (reg == 4) {
            c.fsBase = s.base();
        } else if (reg == 5) {
            c.gsBase = s.base();
        } else if (reg == 2) {
            vcpu.startInterruptShadow();
        }
    }
}
