package io.splitvisor.x86.loader;

import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Segment;
import io.splitvisor.engine.SegmentRegister;

/**
 * Builds the start state of a guest that begins in 64-bit long mode, as a direct-boot loader does: identity page
 * tables for the low 512 GiB (1 GiB pages, the first GiB in 2 MiB pages, the first 2 MiB in 4 KiB pages with page 0
 * left unmapped so NULL dereferences fault), a flat GDT, and CR0/CR4/EFER for paging with NX and write protect.
 */
public final class LongModeSetup {
    /** Pages used from {@code base}: PML4, PDPT, PD, PT, GDT. */
    public static final int PAGES = 5;
    public static final int KERNEL_CS = 0x08;
    public static final int KERNEL_DS = 0x10;
    public static final int USER_CS = 0x1B;
    public static final int USER_DS = 0x23;

    private static final long P = 1;
    private static final long RW = 2;
    private static final long US = 4;
    private static final long PS = 0x80;

    private LongModeSetup() {
    }

    /** Writes the tables at {@code base} (4 KiB-aligned, {@link #PAGES} pages of RAM) and returns the state. */
    public static RegisterState build(GuestMemory memory, long base, long entry, long stackTop) {
        if ((base & 0xFFF) != 0 || !memory.isRamRange(base, PAGES * 4096L)) {
            throw new IllegalArgumentException(String.format(
                    "page tables at 0x%x need %d pages of 4 KiB-aligned RAM", base, PAGES));
        }
        long pml4 = base;
        long pdpt = base + 0x1000;
        long pd = base + 0x2000;
        long pt = base + 0x3000;
        long gdt = base + 0x4000;
        memory.fill(base, PAGES * 4096L, (byte) 0);
        long flags = P | RW | US;
        memory.writeU64(pml4, pdpt | flags);
        memory.writeU64(pdpt, pd | flags);
        for (long i = 1; i < 512; i++) {
            memory.writeU64(pdpt + i * 8, (i << 30) | flags | PS);
        }
        memory.writeU64(pd, pt | flags);
        for (long i = 1; i < 512; i++) {
            memory.writeU64(pd + i * 8, (i << 21) | flags | PS);
        }
        for (long i = 1; i < 512; i++) {
            memory.writeU64(pt + i * 8, (i << 12) | flags);
        }
        memory.writeU64(gdt + 0x08, 0x00AF9B000000FFFFL); // 64-bit code, DPL 0
        memory.writeU64(gdt + 0x10, 0x00CF93000000FFFFL); // data, DPL 0
        memory.writeU64(gdt + 0x18, 0x00AFFB000000FFFFL); // 64-bit code, DPL 3
        memory.writeU64(gdt + 0x20, 0x00CFF3000000FFFFL); // data, DPL 3

        RegisterState s = new RegisterState();
        s.rip = entry;
        s.set(Gpr.RSP, stackTop);
        s.rflags = 0x2;
        s.cr0 = 0x80010033L; // PG, WP, NE, ET, MP, PE
        s.cr4 = 0x20; // PAE
        s.cr3 = pml4;
        s.efer = 0xD00; // NXE, LMA, LME
        s.gdt = new DescriptorTable(gdt, 0x27);
        s.setSegment(SegmentRegister.CS, Segment.code64(KERNEL_CS, 0));
        for (SegmentRegister r : new SegmentRegister[] {SegmentRegister.SS, SegmentRegister.DS,
            SegmentRegister.ES}) {
            s.setSegment(r, Segment.flatData(KERNEL_DS, 0));
        }
        return s;
    }
}
