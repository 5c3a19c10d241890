package io.splitvisor.x86.cpu;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.NativeAccess;

/**
 * The 4-level long-mode page walk (4 KiB, 2 MiB and 1 GiB pages) with present, writable, user and NX checks,
 * CR0.WP, reserved-bit checks, accessed and dirty bits, and #PF error codes and CR2.
 */
public final class PageWalker {
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int FETCH = 2;

    static final long P = 1;
    static final long RW = 1 << 1;
    static final long US = 1 << 2;
    static final long A = 1 << 5;
    static final long D = 1 << 6;
    static final long PS = 1 << 7;
    static final long NX = 1L << 63;
    static final long ADDR = ((1L << CpuidModel.PHYSICAL_ADDRESS_BITS) - 1) & ~0xFFFL;
    /** Physical-address bits above MAXPHYADDR (bits 51..40): reserved in every entry. */
    static final long RSVD_HIGH = ((1L << 52) - 1) & ~((1L << CpuidModel.PHYSICAL_ADDRESS_BITS) - 1);

    static final int PF_P = 1;
    static final int PF_W = 2;
    static final int PF_U = 4;
    static final int PF_RSVD = 8;
    static final int PF_I = 16;

    /** Result flags in the low bits of {@link #walk}'s return value. */
    public static final long RESULT_WRITABLE = 1;
    public static final long RESULT_USER = 2;
    public static final long RESULT_EXEC = 4;

    private static final sun.misc.Unsafe U = NativeAccess.UNSAFE;
    private final Cpu cpu;
    private final GuestMemory memory;

    public PageWalker(Cpu cpu, GuestMemory memory) {
        this.cpu = cpu;
        this.memory = memory;
    }

    /**
     * Translates a canonical virtual address for an access as a user (CPL 3) or supervisor access. Returns the physical address of
     * the 4 KiB page | RESULT_* permission bits that hold for the whole page. Raises #PF (setting CR2) on failure.
     */
    public long walk(long va, int access, boolean user) {
        boolean nxe = (cpu.efer & Cpu.EFER_NXE) != 0;
        long table = cpu.cr3 & ADDR;
        boolean writable = true;
        boolean userOk = true;
        boolean exec = true;
        long entryHost = 0;
        long entry = 0;
        int level = 4;
        long pageMask = 0;
        for (; level >= 1; level--) {
            int shift = 12 + 9 * (level - 1);
            long slot = table + (((va >>> shift) & 511) << 3);
            long host = memory.hostPageAddress(slot);
            if (host < 0) {
                throw pageFault(va, access, user, false, 0); // page table outside RAM reads as not present
            }
            entryHost = host + (slot & 0xFFF);
            entry = U.getLong(entryHost);
            if ((entry & P) == 0) {
                throw pageFault(va, access, user, false, 0);
            }
            long rsvd = entry & RSVD_HIGH;
            if (!nxe && (entry & NX) != 0) {
                rsvd = 1;
            }
            boolean leaf = level == 1 || ((level == 2 || level == 3) && (entry & PS) != 0);
            if (level == 4 && (entry & PS) != 0) {
                rsvd = 1;
            }
            if (leaf && level == 3 && (entry & 0x3FFFE000L) != 0) {
                rsvd = 1;
            }
            if (leaf && level == 2 && (entry & 0x1FE000L) != 0) {
                rsvd = 1;
            }
            if (rsvd != 0) {
                throw pageFault(va, access, user, true, PF_RSVD);
            }
            writable &= (entry & RW) != 0;
            userOk &= (entry & US) != 0;
            exec &= !(nxe && (entry & NX) != 0);
            if ((entry & A) == 0) {
                entry |= A;
                U.putLong(entryHost, entry);
            }
            if (leaf) {
                pageMask = (1L << shift) - 1;
                break;
            }
            table = entry & ADDR;
        }
        boolean wpOrUser = user || (cpu.cr0 & Cpu.CR0_WP) != 0;
        boolean ok = switch (access) {
            case WRITE -> (writable || !wpOrUser) && (userOk || !user);
            case FETCH -> exec && (userOk || !user);
            default -> userOk || !user;
        };
        if (!ok) {
            throw pageFault(va, access, user, true, 0);
        }
        if (access == WRITE && (entry & D) == 0) {
            U.putLong(entryHost, entry | D);
        }
        long frame = (entry & ADDR & ~pageMask) | (va & pageMask & ~0xFFFL);
        long result = frame;
        if (writable || !wpOrUser) {
            result |= RESULT_WRITABLE;
        }
        if (userOk) {
            result |= RESULT_USER;
        }
        if (exec) {
            result |= RESULT_EXEC;
        }
        return result;
    }

    private GuestFault pageFault(long va, int access, boolean user, boolean present, int extra) {
        int code = extra | (present ? PF_P : 0) | (access == WRITE ? PF_W : 0) | (user ? PF_U : 0);
        if (access == FETCH && (cpu.efer & Cpu.EFER_NXE) != 0) {
            code |= PF_I;
        }
        cpu.cr2 = va;
        return cpu.fault(Vectors.PF, code);
    }
}
