package io.splitvisor.x86.cpu;

import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.NativeAccess;
import java.util.Arrays;

/**
 * Guest virtual memory access through a direct-mapped software TLB. Each entry stores the virtual page number as
 * tag and an addend that turns the virtual address into a native address; the native address was validated against
 * the guest's RAM when the entry was filled, so the fast path cannot reach outside guest memory. MMIO pages and
 * pages holding decoded code are never entered in the write TLB, so stores to them take the slow path.
 */
public final class Mmu {
    public static final int TLB_BITS = 10;
    public static final int TLB_SIZE = 1 << TLB_BITS;
    static final int TLB_MASK = TLB_SIZE - 1;
    private static final sun.misc.Unsafe U = NativeAccess.UNSAFE;

    private final long[] rTag = new long[TLB_SIZE];
    private final long[] rAdd = new long[TLB_SIZE];
    private final long[] wTag = new long[TLB_SIZE];
    private final long[] wAdd = new long[TLB_SIZE];
    private final long[] xTag = new long[TLB_SIZE];
    private final long[] xPhys = new long[TLB_SIZE];

    private final Cpu cpu;
    private final GuestMemory memory;
    private final PageWalker walker;
    private final MemoryPort port;

    public Mmu(Cpu cpu, GuestMemory memory, MemoryPort port) {
        this.cpu = cpu;
        this.memory = memory;
        this.port = port;
        this.walker = new PageWalker(cpu, memory);
        flush();
    }

    public GuestMemory memory() {
        return memory;
    }

    /** Drops every translation (CR3 write, INVLPG, paging-mode or CPL change, remapped memory). */
    public void flush() {
        Arrays.fill(rTag, -1);
        Arrays.fill(wTag, -1);
        Arrays.fill(xTag, -1);
    }

    /** Drops the write translations only (a page just became a code page). */
    public void flushWrites() {
        Arrays.fill(wTag, -1);
    }

    // ---- fast paths -------------------------------------------------------------------------------------------

    public long read8(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (rTag[i] == vpn) {
            return U.getByte(rAdd[i] + va) & 0xFFL;
        }
        return readSlow(va, 1);
    }

    public long read16(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (rTag[i] == vpn && (va & 0xFFF) <= 0xFFE) {
            return U.getShort(rAdd[i] + va) & 0xFFFFL;
        }
        return readSlow(va, 2);
    }

    public long read32(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (rTag[i] == vpn && (va & 0xFFF) <= 0xFFC) {
            return U.getInt(rAdd[i] + va) & 0xFFFFFFFFL;
        }
        return readSlow(va, 4);
    }

    public long read64(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (rTag[i] == vpn && (va & 0xFFF) <= 0xFF8) {
            return U.getLong(rAdd[i] + va);
        }
        return readSlow(va, 8);
    }

    public void write8(long va, long v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (wTag[i] == vpn) {
            U.putByte(wAdd[i] + va, (byte) v);
            return;
        }
        writeSlow(va, 1, v);
    }

    public void write16(long va, long v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (wTag[i] == vpn && (va & 0xFFF) <= 0xFFE) {
            U.putShort(wAdd[i] + va, (short) v);
            return;
        }
        writeSlow(va, 2, v);
    }

    public void write32(long va, long v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (wTag[i] == vpn && (va & 0xFFF) <= 0xFFC) {
            U.putInt(wAdd[i] + va, (int) v);
            return;
        }
        writeSlow(va, 4, v);
    }

    public void write64(long va, long v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (wTag[i] == vpn && (va & 0xFFF) <= 0xFF8) {
            U.putLong(wAdd[i] + va, v);
            return;
        }
        writeSlow(va, 8, v);
    }

    /** Reads {@code size} bytes (1, 2, 4, 8), zero-extended. */
    public long read(int size, long va) {
        switch (size) {
            case 8: return read64(va);
            case 4: return read32(va);
            case 2: return read16(va);
            default: return read8(va);
        }
    }

    public void write(int size, long va, long v) {
        switch (size) {
            case 8: write64(va, v); break;
            case 4: write32(va, v); break;
            case 2: write16(va, v); break;
            default: write8(va, v); break;
        }
    }

    /**
     * Reads the destination of a read-modify-write instruction, checking write permission first so the instruction
     * faults before it changes anything (the #PF error code says "write", as for the hardware's locked reads).
     */
    public long readRmw(int size, long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (wTag[i] == vpn && (va & 0xFFF) <= 0x1000 - size) {
            long a = wAdd[i] + va;
            switch (size) {
                case 8: return U.getLong(a);
                case 4: return U.getInt(a) & 0xFFFFFFFFL;
                case 2: return U.getShort(a) & 0xFFFFL;
                default: return U.getByte(a) & 0xFFL;
            }
        }
        if (((va ^ (va + size - 1)) & ~0xFFFL) != 0) {
            probeWrite(va, size);
            return readSlow(va, size);
        }
        long pa = translate(va, PageWalker.WRITE);
        long host = memory.hostPageAddress(pa);
        if (host < 0) {
            return port.mmioRead(pa, size);
        }
        if (memory.isCodePage(pa)) {
            port.codePageWritten(pa & ~0xFFFL);
        }
        wTag[i] = vpn;
        wAdd[i] = host - (vpn << 12);
        rTag[i] = vpn;
        rAdd[i] = host - (vpn << 12);
        return read(size, va);
    }

    /** {@link #lockedAddress}: the locked access is MMIO. */
    public static final long LOCKED_MMIO = -1;
    /** {@link #lockedAddress}: the locked access crosses a page boundary (a split lock). */
    public static final long LOCKED_SPLIT = -2;

    /**
     * The native address for a locked read-modify-write of {@code size} bytes at {@code va}, translated for writing
     * (so a #PF carries the write error code and comes before anything changes, as for {@link #readRmw}), or
     * {@link #LOCKED_MMIO} / {@link #LOCKED_SPLIT} when the access must take the non-atomic path. A page holding
     * decoded code has its code dropped first (the store would do that anyway) and is then written atomically too.
     */
    public long lockedAddress(long va, int size) {
        if (((va ^ (va + size - 1)) & ~0xFFFL) != 0) {
            return LOCKED_SPLIT;
        }
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (wTag[i] == vpn) {
            return wAdd[i] + va;
        }
        long pa = translate(va, PageWalker.WRITE);
        long host = memory.hostPageAddress(pa);
        if (host < 0) {
            return LOCKED_MMIO;
        }
        if (memory.isCodePage(pa)) {
            port.codePageWritten(pa & ~0xFFFL);
        }
        wTag[i] = vpn;
        wAdd[i] = host - (vpn << 12);
        rTag[i] = vpn;
        rAdd[i] = host - (vpn << 12);
        return host + (va & 0xFFF);
    }

    /** Checks that {@code [va, va+size)} may be written, without writing (for instructions that must not half-fail). */
    public void probeWrite(long va, int size) {
        translate(va, PageWalker.WRITE);
        if (((va ^ (va + size - 1)) & ~0xFFFL) != 0) {
            translate((va + size - 1) & ~0xFFFL, PageWalker.WRITE);
        }
    }

    // ---- slow paths -------------------------------------------------------------------------------------------

    /** Virtual to physical for an access, raising #GP (non-canonical) or #PF. */
    public long translate(long va, int access) {
        if (!Cpu.canonical(va)) {
            throw cpu.gp0();
        }
        if (!cpu.pagingEnabled()) {
            return va;
        }
        return (walker.walk(va, access, cpu.cpl == 3) & ~0xFFFL) | (va & 0xFFF);
    }

    /**
     * Reads with supervisor privilege whatever the CPL (descriptor tables, TSS), without touching the TLB.
     * Descriptor tables must lie in RAM: a table in MMIO space reads as zero.
     */
    public long readSupervisor(int size, long va) {
        long v = 0;
        for (int k = 0; k < size; k++) {
            long pa = supervisorPhysical(va + k, PageWalker.READ);
            long host = memory.hostPageAddress(pa);
            v |= (host < 0 ? 0L : U.getByte(host + (pa & 0xFFF)) & 0xFFL) << (8 * k);
        }
        return v;
    }

    /** Writes with supervisor privilege (the busy bit of a TSS descriptor). */
    public void writeSupervisor8(long va, int value) {
        long pa = supervisorPhysical(va, PageWalker.WRITE);
        long host = memory.hostPageAddress(pa);
        if (host >= 0) {
            U.putByte(host + (pa & 0xFFF), (byte) value);
        }
    }

    private long supervisorPhysical(long va, int access) {
        if (!Cpu.canonical(va)) {
            throw cpu.gp0();
        }
        if (!cpu.pagingEnabled()) {
            return va;
        }
        return (walker.walk(va, access, false) & ~0xFFFL) | (va & 0xFFF);
    }

    private long readSlow(long va, int size) {
        if (((va ^ (va + size - 1)) & ~0xFFFL) != 0) {
            long v = 0;
            for (int k = 0; k < size; k++) {
                v |= read8(va + k) << (8 * k);
            }
            return v;
        }
        long pa = translate(va, PageWalker.READ);
        long host = memory.hostPageAddress(pa);
        if (host < 0) {
            return port.mmioRead(pa, size);
        }
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        rTag[i] = vpn;
        rAdd[i] = host - (vpn << 12);
        long a = host + (va & 0xFFF);
        switch (size) {
            case 8: return U.getLong(a);
            case 4: return U.getInt(a) & 0xFFFFFFFFL;
            case 2: return U.getShort(a) & 0xFFFFL;
            default: return U.getByte(a) & 0xFFL;
        }
    }

    private void writeSlow(long va, int size, long v) {
        if (((va ^ (va + size - 1)) & ~0xFFFL) != 0) {
            probeWrite(va, size);
            for (int k = 0; k < size; k++) {
                write8(va + k, v >>> (8 * k));
            }
            return;
        }
        long pa = translate(va, PageWalker.WRITE);
        long host = memory.hostPageAddress(pa);
        if (host < 0) {
            port.mmioWrite(pa, size, v);
            return;
        }
        if (memory.isCodePage(pa)) {
            port.codePageWritten(pa & ~0xFFFL);
        }
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        wTag[i] = vpn;
        wAdd[i] = host - (vpn << 12);
        long a = host + (va & 0xFFF);
        switch (size) {
            case 8: U.putLong(a, v); break;
            case 4: U.putInt(a, (int) v); break;
            case 2: U.putShort(a, (short) v); break;
            default: U.putByte(a, (byte) v); break;
        }
    }

    /** Physical address of an instruction fetch at {@code va} (execute permission checked). */
    public long fetchPhysical(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (xTag[i] == vpn) {
            return xPhys[i] | (va & 0xFFF);
        }
        long pa = translate(va, PageWalker.FETCH);
        xTag[i] = vpn;
        xPhys[i] = pa & ~0xFFFL;
        return pa;
    }
}
