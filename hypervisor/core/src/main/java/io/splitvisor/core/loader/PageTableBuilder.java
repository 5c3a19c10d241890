package io.splitvisor.core.loader;

import io.splitvisor.core.memory.GuestPhysicalMap;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.image.ElfImage;

import java.util.List;

/**
 * Builds a domain's 4-level identity page tables in the page-table area of guest memory.
 *
 * <p>Page 0 is not present. Pages of the guest image get the permissions of their ELF segments
 * (writable only with PF_W, executable only with PF_X; a page shared by two segments gets both
 * sets). Every other RAM page is writable and not executable; 2 MiB chunks that hold no image page
 * use one large page. The grant-map window gets writable, non-executable 4 KiB pages. Entries are
 * created accessed and dirty so the engine need not write them back.
 */
public final class PageTableBuilder {
    static final long PRESENT = 1;
    static final long WRITABLE = 1 << 1;
    static final long ACCESSED = 1 << 5;
    static final long DIRTY = 1 << 6;
    static final long LARGE = 1 << 7;
    static final long NO_EXECUTE = 1L << 63;
    private static final long TABLE = PRESENT | WRITABLE | ACCESSED;
    private static final long TWO_MIB = 2L << 20;
    private static final long ONE_GIB = 1L << 30;

    private final GuestMemory memory;
    private long next = GuestPhysicalMap.PAGE_TABLES;

    private PageTableBuilder(GuestMemory memory) {
        this.memory = memory;
    }

    /** Builds the tables and returns the PML4 address (the value for CR3). */
    public static long build(GuestMemory memory, long memorySize, List<ElfImage.Segment> image) throws GuestImageException {
        return new PageTableBuilder(memory).buildTables(memorySize, image);
    }

    private long newTable() throws GuestImageException {
        if (next >= GuestPhysicalMap.PAGE_TABLES_END) {
            throw new GuestImageException("the page tables do not fit the platform area; use less memory or a smaller image");
        }
        long table = next;
        next += GuestPhysicalMap.PAGE;
        memory.fill(table, GuestPhysicalMap.PAGE, (byte) 0);
        return table;
    }

    private long buildTables(long memorySize, List<ElfImage.Segment> image) throws GuestImageException {
        long pml4 = newTable();
        long pdpt = newTable();
        memory.writeU64(pml4, pdpt | TABLE);
        long imageEnd = image.isEmpty() ? 0 : image.get(image.size() - 1).end();
        for (long gib = 0; gib < memorySize; gib += ONE_GIB) {
            long pd = newTable();
            memory.writeU64(pdpt + (gib / ONE_GIB) * 8, pd | TABLE);
            for (long chunk = gib; chunk < Math.min(memorySize, gib + ONE_GIB); chunk += TWO_MIB) {
                long pde = pd + ((chunk % ONE_GIB) / TWO_MIB) * 8;
                boolean whole = chunk + TWO_MIB <= memorySize;
                if (whole && chunk != 0 && chunk >= imageEnd) {
                    memory.writeU64(pde, chunk | PRESENT | WRITABLE | ACCESSED | DIRTY | LARGE | NO_EXECUTE);
                } else {
                    long pt = newTable();
                    memory.writeU64(pde, pt | TABLE);
                    for (long page = chunk; page < Math.min(memorySize, chunk + TWO_MIB); page += GuestPhysicalMap.PAGE) {
                        if (page != 0) {
                            memory.writeU64(pt + ((page % TWO_MIB) >>> 12) * 8, page | permissions(page, image));
                        }
                    }
                }
            }
        }
        mapGrantWindow(pml4);
        return pml4;
    }

    private void mapGrantWindow(long pml4) throws GuestImageException {
        long window = GuestPhysicalMap.GRANT_MAP_WINDOW;
        long pdpt = newTable();
        long pd = newTable();
        long pt = newTable();
        memory.writeU64(pml4 + ((window >>> 39) & 511) * 8, pdpt | TABLE);
        memory.writeU64(pdpt + ((window >>> 30) & 511) * 8, pd | TABLE);
        memory.writeU64(pd + ((window >>> 21) & 511) * 8, pt | TABLE);
        for (int i = 0; i < GuestPhysicalMap.GRANT_MAP_PAGES; i++) {
            long page = window + (long) i * GuestPhysicalMap.PAGE;
            memory.writeU64(pt + ((page >>> 12) & 511) * 8, page | PRESENT | WRITABLE | ACCESSED | DIRTY | NO_EXECUTE);
        }
    }

    /** Entry bits for a 4 KiB page: the union of the segments touching it, else data. */
    private static long permissions(long page, List<ElfImage.Segment> image) {
        boolean inImage = false;
        boolean writable = false;
        boolean executable = false;
        for (ElfImage.Segment s : image) {
            if (s.address() < page + GuestPhysicalMap.PAGE && s.end() > page) {
                inImage = true;
                writable |= s.writable();
                executable |= s.executable();
            }
        }
        if (!inImage) {
            return PRESENT | WRITABLE | ACCESSED | DIRTY | NO_EXECUTE;
        }
        return PRESENT | ACCESSED | DIRTY | (writable ? WRITABLE : 0) | (executable ? 0 : NO_EXECUTE);
    }
}
