package io.splitvisor.x86.exec;

import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Segment;
import io.splitvisor.engine.SegmentRegister;
import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.GuestFault;

/**
 * Control registers, EFER and the model-specific registers the interpreter implements, with the checks of MOV to
 * CRn and WRMSR (#GP on reserved bits), and conversion to and from the engine-neutral {@link RegisterState}.
 */
final class Registers {
    private static final long CR4_ALLOWED = Cpu.CR4_TSD | Cpu.CR4_DE | Cpu.CR4_PSE | Cpu.CR4_PAE | Cpu.CR4_MCE
            | Cpu.CR4_PGE | Cpu.CR4_PCE;
    private static final long EFER_ALLOWED = Cpu.EFER_LME | Cpu.EFER_LMA | Cpu.EFER_NXE;
    private static final long CR3_RESERVED = ~((1L << io.splitvisor.engine.CpuidModel.PHYSICAL_ADDRESS_BITS) - 1);

    private final InterpreterVcpu vcpu;
    private final Cpu c;

    Registers(InterpreterVcpu vcpu, Cpu c) {
        this.vcpu = vcpu;
        this.c = c;
    }

    long readCr(int n) {
        return switch (n) {
            case 0 -> c.cr0;
            case 2 -> c.cr2;
            case 3 -> c.cr3;
            case 4 -> c.cr4;
            case 8 -> c.cr8;
            default -> throw new IllegalArgumentException("no control register CR" + n);
        };
    }

    /** MOV to CRn as the guest does it: #GP(0) on an invalid value. */
    void writeCr(int n, long v) {
        switch (n) {
            case 0 -> {
                if ((v >>> 32) != 0 || ((v & Cpu.CR0_PG) != 0 && (v & Cpu.CR0_PE) == 0)
                        || ((v & Cpu.CR0_NW) != 0 && (v & Cpu.CR0_CD) == 0) || (v & Cpu.CR0_PG) == 0) {
                    throw c.gp0(); // leaving long mode is not supported
                }
                long changed = c.cr0 ^ v;
                c.cr0 = v | Cpu.CR0_ET;
                if ((changed & (Cpu.CR0_PG | Cpu.CR0_WP | Cpu.CR0_PE)) != 0) {
                    vcpu.flushTranslations();
                }
            }
            case 2 -> c.cr2 = v;
            case 3 -> {
                if ((v & CR3_RESERVED) != 0) {
                    throw c.gp0();
                }
                c.cr3 = v;
                vcpu.flushTranslations();
            }
            case 4 -> {
                if ((v & ~CR4_ALLOWED) != 0 || (v & Cpu.CR4_PAE) == 0) {
                    throw c.gp0();
                }
                c.cr4 = v;
                vcpu.flushTranslations();
            }
            case 8 -> {
                if ((v & ~0xFL) != 0) {
                    throw c.gp0();
                }
                c.cr8 = v;
            }
            default -> throw c.ud();
        }
    }

    /** Host-side CR write: the same checks, except that CR0.PG = 0 is allowed (flat physical addressing). */
    void setCrFromHost(int n, long v) {
        if (n == 0 && (v & Cpu.CR0_PG) == 0 && (v >>> 32) == 0) {
            c.cr0 = v | Cpu.CR0_ET;
            vcpu.flushTranslations();
            return;
        }
        try {
            writeCr(n, v);
        } catch (GuestFault f) {
            throw new IllegalArgumentException(String.format("invalid value 0x%x for CR%d", v, n));
        }
    }

    long readMsr(int msr) {
        return switch (msr) {
            case SystemOps.MSR_TSC -> vcpu.tsc();
            case SystemOps.MSR_EFER -> c.efer;
            case SystemOps.MSR_FS_BASE -> c.fsBase;
            case SystemOps.MSR_GS_BASE -> c.gsBase;
            case SystemOps.MSR_KERNEL_GS_BASE -> c.kernelGsBase;
            case SystemOps.MSR_TSC_AUX -> c.tscAux;
            default -> throw c.gp0();
        };
    }

    void writeMsr(int msr, long v) {
        switch (msr) {
            case SystemOps.MSR_TSC -> c.tscOffset = v - System.nanoTime();
            case SystemOps.MSR_EFER -> {
                if ((v & ~EFER_ALLOWED) != 0 || ((v ^ c.efer) & Cpu.EFER_LME) != 0 && c.pagingEnabled()) {
                    throw c.gp0();
                }
                long lma = (v & Cpu.EFER_LME) != 0 && c.pagingEnabled() ? Cpu.EFER_LMA : 0;
                long changed = c.efer ^ v;
                c.efer = (v & ~Cpu.EFER_LMA) | lma;
                if ((changed & Cpu.EFER_NXE) != 0) {
                    vcpu.flushTranslations();
                }
            }
            case SystemOps.MSR_FS_BASE -> c.fsBase = canonical(v);
            case SystemOps.MSR_GS_BASE -> c.gsBase = canonical(v);
            case SystemOps.MSR_KERNEL_GS_BASE -> c.kernelGsBase = canonical(v);
            case SystemOps.MSR_TSC_AUX -> {
                if ((v >>> 32) != 0) {
                    throw c.gp0();
                }
                c.tscAux = v;
            }
            default -> throw c.gp0();
        }
    }

    private long canonical(long v) {
        if (!Cpu.canonical(v)) {
            throw c.gp0();
        }
        return v;
    }

    long readMsrFromHost(int msr) {
        try {
            return readMsr(msr);
        } catch (GuestFault f) {
            throw new IllegalArgumentException(String.format("MSR 0x%x is not implemented", msr));
        }
    }

    void writeMsrFromHost(int msr, long v) {
        try {
            writeMsr(msr, v);
        } catch (GuestFault f) {
            throw new IllegalArgumentException(String.format("invalid write of 0x%x to MSR 0x%x", v, msr));
        }
    }

    Segment segment(SegmentRegister s) {
        Segment seg = c.segs[s.ordinal()];
        return switch (s) {
            case FS -> seg.withBase(c.fsBase);
            case GS -> seg.withBase(c.gsBase);
            default -> seg;
        };
    }

    void setSegment(SegmentRegister s, Segment value) {
        if (s == SegmentRegister.CS && !value.isLongCode()) {
            throw new IllegalArgumentException("CS must be a 64-bit code segment (compatibility mode is not"
                    + " supported)");
        }
        c.segs[s.ordinal()] = value;
        switch (s) {
            case FS -> c.fsBase = value.base();
            case GS -> c.gsBase = value.base();
            case CS -> vcpu.setCpl(value.selector() & 3);
            default -> {
            }
        }
    }

    RegisterState state() {
        RegisterState s = new RegisterState();
        System.arraycopy(c.regs, 0, s.gpr, 0, 16);
        s.rip = c.rip;
        s.rflags = c.rflags();
        s.cr0 = c.cr0;
        s.cr2 = c.cr2;
        s.cr3 = c.cr3;
        s.cr4 = c.cr4;
        s.cr8 = c.cr8;
        s.efer = c.efer;
        for (SegmentRegister r : SegmentRegister.values()) {
            s.segments[r.ordinal()] = segment(r);
        }
        s.tr = c.tr;
        s.ldtr = c.ldtr;
        s.gdt = c.gdt;
        s.idt = c.idt;
        s.kernelGsBase = c.kernelGsBase;
        return s;
    }

    void setState(RegisterState s) {
        System.arraycopy(s.gpr, 0, c.regs, 0, 16);
        c.rip = s.rip;
        c.setRflags(s.rflags);
        writeMsrFromHost(SystemOps.MSR_EFER, s.efer);
        setCrFromHost(4, s.cr4);
        setCrFromHost(0, s.cr0);
        setCrFromHost(3, s.cr3);
        c.cr2 = s.cr2;
        setCrFromHost(8, s.cr8);
        writeMsrFromHost(SystemOps.MSR_EFER, s.efer);
        for (SegmentRegister r : SegmentRegister.values()) {
            setSegment(r, s.segments[r.ordinal()]);
        }
        c.tr = s.tr;
        c.ldtr = s.ldtr;
        c.gdt = s.gdt;
        c.idt = s.idt;
        c.kernelGsBase = s.kernelGsBase;
    }
}
