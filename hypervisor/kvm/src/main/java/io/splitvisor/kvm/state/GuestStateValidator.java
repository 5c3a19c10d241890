package io.splitvisor.kvm.state;

import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Segment;
import io.splitvisor.engine.SegmentRegister;
import java.util.ArrayList;
import java.util.List;

/**
 * Rejects a register state that KVM would refuse (KVM_SET_SREGS returning EINVAL) or that the processor would fail
 * to enter (KVM_EXIT_FAIL_ENTRY), with one line per problem, before anything reaches the kernel. It follows KVM's
 * {@code kvm_is_valid_sregs}, {@code kvm_is_valid_cr0/cr4}, {@code __kvm_valid_efer} (reserved bits gated by the
 * guest's CPUID) and the Intel SDM's guest-state checks on VM entry (vol. 3C 27.3.1) for a guest entering 64-bit
 * mode. The state checked is the one sent to KVM (after {@link SregsCodec}'s TR substitution).
 */
public final class GuestStateValidator {
    private static final long CR0_PE = 1, CR0_MP = 1 << 1, CR0_EM = 1 << 2, CR0_TS = 1 << 3, CR0_ET = 1 << 4,
            CR0_NE = 1 << 5, CR0_WP = 1 << 16, CR0_AM = 1 << 18, CR0_NW = 1 << 29, CR0_CD = 1 << 30, CR0_PG = 1L << 31;
    private static final long CR0_DEFINED = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM
            | CR0_NW | CR0_CD | CR0_PG;
    // CR4: VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT need no CPUID feature here
    private static final long CR4_ALWAYS = 0x7FF;
    private static final long CR4_PAE = 1 << 5;
    private static final long CR4_UMIP = 1 << 11, CR4_LA57 = 1 << 12, CR4_VMXE = 1 << 13, CR4_FSGSBASE = 1 << 16,
            CR4_PCIDE = 1 << 17, CR4_OSXSAVE = 1 << 18, CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21, CR4_PKE = 1 << 22;
    private static final long EFER_SCE = 1, EFER_LME = 1 << 8, EFER_LMA = 1 << 10, EFER_NXE = 1 << 11;
    private static final long RFLAGS_FIXED1 = 1 << 1;
    private static final long RFLAGS_RESERVED = (1L << 3) | (1L << 5) | (1L << 15) | ~((1L << 22) - 1);
    private static final long RFLAGS_VM = 1 << 17;

    private final CpuidTable cpuid;

    public GuestStateValidator(CpuidTable cpuid) {
        this.cpuid = cpuid;
    }

    /** Throws IllegalArgumentException listing every problem, one per line. */
    public void require(RegisterState s) {
        List<String> p = problems(s);
        if (!p.isEmpty()) {
            throw new IllegalArgumentException("KVM would refuse this vCPU state: " + String.join("; ", p));
        }
    }

    /** Every reason KVM or the processor would refuse the state (empty when it is acceptable). */
    public List<String> problems(RegisterState s) {
        List<String> p = new ArrayList<>();
        checkControl(s, p);
        boolean longMode = (s.efer & EFER_LMA) != 0;
        checkRflagsAndRip(s, longMode, p);
        checkSegments(s, longMode, p);
        return p;
    }

    private void checkControl(RegisterState s, List<String> p) {
        if ((s.cr0 & ~CR0_DEFINED) != 0) {
            p.add(String.format("CR0 sets reserved bits 0x%x", s.cr0 & ~CR0_DEFINED));
        }
        if ((s.cr0 & CR0_PG) != 0 && (s.cr0 & CR0_PE) == 0) {
            p.add("CR0.PG is set without CR0.PE");
        }
        if ((s.cr0 & CR0_NW) != 0 && (s.cr0 & CR0_CD) == 0) {
            p.add("CR0.NW is set without CR0.CD");
        }
        long cr4Allowed = allowedCr4();
        if ((s.cr4 & ~cr4Allowed) != 0) {
            p.add(String.format("CR4 sets bits 0x%x that are reserved for this guest CPUID", s.cr4 & ~cr4Allowed));
        }
        long eferAllowed = allowedEfer();
        if ((s.efer & ~eferAllowed) != 0) {
            p.add(String.format("EFER sets bits 0x%x that are reserved for this guest CPUID", s.efer & ~eferAllowed));
        }
        boolean paging = (s.cr0 & CR0_PG) != 0;
        if ((s.efer & EFER_LME) != 0 && paging) {
            if ((s.cr4 & CR4_PAE) == 0) {
                p.add("EFER.LME with paging needs CR4.PAE");
            }
            if ((s.efer & EFER_LMA) == 0) {
                p.add("EFER.LME with paging needs EFER.LMA");
            }
        } else if ((s.efer & EFER_LMA) != 0) {
            p.add("EFER.LMA is set without EFER.LME and CR0.PG (long mode needs paging)");
        }
        int maxPhys = cpuid.physicalAddressBits();
        if ((s.efer & EFER_LMA) != 0 && (s.cr3 >>> maxPhys) != 0) {
            p.add(String.format("CR3 0x%x lies beyond the guest's %d-bit physical address space", s.cr3, maxPhys));
        }
        if ((s.cr8 & ~0xFL) != 0) {
            p.add(String.format("CR8 0x%x sets reserved bits", s.cr8));
        }
    }

    private long allowedCr4() {
        long allowed = CR4_ALWAYS;
        allowed |= cpuid.has(7, 1, 1) ? CR4_FSGSBASE : 0;
        allowed |= cpuid.has(7, 1, 1 << 7) ? CR4_SMEP : 0;
        allowed |= cpuid.has(7, 1, 1 << 20) ? CR4_SMAP : 0;
        allowed |= cpuid.has(7, 2, 1 << 2) ? CR4_UMIP : 0;
        allowed |= cpuid.has(7, 2, 1 << 3) ? CR4_PKE : 0;
        allowed |= cpuid.has(7, 2, 1 << 16) ? CR4_LA57 : 0;
        allowed |= cpuid.has(1, 2, 1 << 17) ? CR4_PCIDE : 0;
        allowed |= cpuid.has(1, 2, 1 << 26) ? CR4_OSXSAVE : 0;
        allowed |= cpuid.has(1, 2, 1 << 5) ? CR4_VMXE : 0;
        return allowed;
    }

    private long allowedEfer() {
        long allowed = 0;
        allowed |= cpuid.has(0x80000001, 3, 1 << 11) ? EFER_SCE : 0;
        allowed |= cpuid.has(0x80000001, 3, 1 << 29) ? EFER_LME | EFER_LMA : 0;
        allowed |= cpuid.has(0x80000001, 3, 1 << 20) ? EFER_NXE : 0;
        return allowed;
    }

    private static void checkRflagsAndRip(RegisterState s, boolean longMode, List<String> p) {
        if ((s.rflags & RFLAGS_FIXED1) == 0) {
            p.add("RFLAGS bit 1 must be set");
        }
        if ((s.rflags & RFLAGS_RESERVED) != 0) {
            p.add(String.format("RFLAGS sets reserved bits 0x%x", s.rflags & RFLAGS_RESERVED));
        }
        if (longMode && (s.rflags & RFLAGS_VM) != 0) {
            p.add("RFLAGS.VM is set in long mode");
        }
        if (longMode && s.segment(SegmentRegister.CS).isLongCode() && !canonical(s.rip)) {
            p.add(String.format("RIP 0x%x is not canonical", s.rip));
        }
        if (!(longMode && s.segment(SegmentRegister.CS).isLongCode()) && (s.rip >>> 32) != 0) {
            p.add(String.format("RIP 0x%x does not fit in 32 bits outside 64-bit mode", s.rip));
        }
    }

    private static void checkSegments(RegisterState s, boolean longMode, List<String> p) {
        Segment cs = s.segment(SegmentRegister.CS);
        if (cs.unusable() || !cs.present()) {
            p.add("CS is not a usable, present segment");
        } else {
            if ((cs.attributes() & Segment.S) == 0 || (cs.type() & 0x8) == 0) {
                p.add(String.format("CS type 0x%x is not a code segment", cs.type()));
            }
            if ((cs.type() & 1) == 0) {
                p.add("CS is not marked accessed");
            }
            if (cs.isLongCode() && (cs.attributes() & Segment.DB) != 0) {
                p.add("CS.L and CS.D are both set");
            }
            if (cs.isLongCode() && !longMode) {
                p.add("CS.L is set outside long mode (EFER.LMA clear)");
            }
        }
        int cpl = cs.dpl();
        Segment ss = s.segment(SegmentRegister.SS);
        if (!ss.unusable()) {
            if (ss.type() != 3 && ss.type() != 7) {
                p.add(String.format("SS type 0x%x is not a writable, accessed data segment", ss.type()));
            }
            if (ss.dpl() != cpl) {
                p.add("SS.DPL " + ss.dpl() + " differs from CS.DPL " + cpl + " (the CPL)");
            }
            if ((ss.selector() & 3) != (cs.selector() & 3)) {
                p.add("SS.RPL differs from CS.RPL");
            }
        } else if (!longMode || cpl == 3) {
            p.add("SS is unusable (allowed only in 64-bit mode at CPL 0-2)");
        }
        for (SegmentRegister r : SegmentRegister.values()) {
            Segment seg = s.segment(r);
            if (seg.unusable()) {
                continue;
            }
            checkCache(r.name(), seg, p);
            if (r != SegmentRegister.CS && r != SegmentRegister.SS) {
                if ((seg.type() & 1) == 0) {
                    p.add(r + " is not marked accessed");
                }
                if ((seg.attributes() & Segment.S) == 0) {
                    p.add(r + " is a system segment");
                } else if ((seg.type() & 0x8) != 0 && (seg.type() & 0x2) == 0) {
                    p.add(r + " is an execute-only code segment");
                }
            }
            boolean baseIsLinear = r == SegmentRegister.FS || r == SegmentRegister.GS;
            if (baseIsLinear && longMode && !canonical(seg.base())) {
                p.add(String.format("%s base 0x%x is not canonical", r, seg.base()));
            } else if (!baseIsLinear && (seg.base() >>> 32) != 0) {
                p.add(String.format("%s base 0x%x does not fit in 32 bits", r, seg.base()));
            }
        }
        Segment tr = s.tr;
        if (tr.unusable() || !tr.present()) {
            p.add("TR is not a usable, present segment");
        } else {
            if ((tr.attributes() & Segment.S) != 0 || (longMode ? tr.type() != 0xB : tr.type() != 0xB && tr.type() != 3)) {
                p.add(String.format("TR type 0x%x is not a busy %s TSS", tr.type(), longMode ? "64-bit" : "TSS"));
            }
            if ((tr.selector() & 4) != 0) {
                p.add("TR selector points into the LDT");
            }
            checkCache("TR", tr, p);
            if (longMode && !canonical(tr.base())) {
                p.add(String.format("TR base 0x%x is not canonical", tr.base()));
            }
        }
        Segment ldtr = s.ldtr;
        if (!ldtr.unusable()) {
            if ((ldtr.attributes() & Segment.S) != 0 || ldtr.type() != 2 || !ldtr.present()) {
                p.add("LDTR is usable but not a present LDT descriptor");
            }
            if ((ldtr.selector() & 4) != 0) {
                p.add("LDTR selector points into the LDT");
            }
            checkCache("LDTR", ldtr, p);
            if (longMode && !canonical(ldtr.base())) {
                p.add(String.format("LDTR base 0x%x is not canonical", ldtr.base()));
            }
        }
        checkTable("GDTR", s.gdt, longMode, p);
        checkTable("IDTR", s.idt, longMode, p);
    }

    /** Present, and a limit that the granularity bit can express. */
    private static void checkCache(String name, Segment seg, List<String> p) {
        if (!seg.present()) {
            p.add(name + " is usable but not present");
        }
        boolean g = (seg.attributes() & Segment.GRANULARITY) != 0;
        int limit = seg.limit();
        if ((limit & 0xFFF) != 0xFFF && g) {
            p.add(String.format("%s limit 0x%x is not a multiple of 4 KiB minus one, but G is set", name, limit));
        }
        if ((limit & 0xFFF00000) != 0 && !g) {
            p.add(String.format("%s limit 0x%x is above 1 MiB, but G is clear", name, limit));
        }
    }

    private static void checkTable(String name, DescriptorTable t, boolean longMode, List<String> p) {
        if (longMode ? !canonical(t.base()) : (t.base() >>> 32) != 0) {
            p.add(String.format("%s base 0x%x is not %s", name, t.base(), longMode ? "canonical" : "32-bit"));
        }
    }

    private static boolean canonical(long address) {
        return (address << 16 >> 16) == address;
    }
}
