package io.splitvisor.core.loader;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.layout.StartInfoPageLayout;
import io.splitvisor.abi.proto.StartInfo;
import io.splitvisor.core.memory.GuestPhysicalMap;
import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.image.ElfImage;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Segment;
import io.splitvisor.engine.SegmentRegister;

import java.util.List;

/**
 * Puts a guest image into fresh guest memory and computes the state of the first instruction
 * (ABI.md section 1): long mode, identity paging, flat GDT and a TSS, RDI = start-info page,
 * RSP = boot stack. Refuses images that do not fit with one-line messages.
 */
public final class GuestLoader {
    static final long CR0_PE = 1;
    static final long CR0_MP = 1 << 1;
    static final long CR0_ET = 1 << 4;
    static final long CR0_NE = 1 << 5;
    static final long CR0_WP = 1 << 16;
    static final long CR0_PG = 1L << 31;
    static final long CR4_PAE = 1 << 5;
    static final long EFER_LME = 1 << 8;
    static final long EFER_LMA = 1 << 10;
    static final long EFER_NXE = 1 << 11;

    /** Where things went; the caller completes the start info from it. */
    public record Layout(long memorySize, long cr3, long imageEnd, long firstFree) {
    }

    private GuestLoader() {
    }

    /** The RAM regions of a domain with {@code memorySize} bytes: its RAM and the grant-map window. */
    public static List<MemoryRegion> regions(long memorySize) {
        return List.of(new MemoryRegion(0, memorySize),
                new MemoryRegion(GuestPhysicalMap.GRANT_MAP_WINDOW, (long) GuestPhysicalMap.GRANT_MAP_PAGES * GuestPhysicalMap.PAGE));
    }

    /** Checks a memory size before anything is allocated. */
    public static void checkMemorySize(long memorySize) throws GuestImageException {
        if (memorySize < GuestPhysicalMap.MIN_MEMORY) {
            throw new GuestImageException(String.format("%d KiB of memory is too little; a domain needs at least %d MiB",
                    memorySize >> 10, GuestPhysicalMap.MIN_MEMORY >> 20));
        }
        if (memorySize > GuestPhysicalMap.MAX_MEMORY) {
            throw new GuestImageException(String.format("%d MiB of memory is more than the %d GiB a domain may have",
                    memorySize >> 20, GuestPhysicalMap.MAX_MEMORY >> 30));
        }
        if ((memorySize & (GuestPhysicalMap.PAGE - 1)) != 0) {
            throw new GuestImageException("the memory size must be a multiple of 4 KiB");
        }
    }

    /** Copies the image into memory and builds page tables and descriptor tables. */
    public static Layout load(GuestMemory memory, long memorySize, ElfImage image, String name) throws GuestImageException {
        for (ElfImage.Segment s : image.segments()) {
            if (s.address() < GuestPhysicalMap.IMAGE_FLOOR) {
                throw new GuestImageException(String.format("%s: segment at 0x%x lies in the platform area below 0x%x (link guests at 1 MiB)",
                        name, s.address(), GuestPhysicalMap.IMAGE_FLOOR));
            }
            if (s.end() > memorySize) {
                throw new GuestImageException(String.format("%s: segment at 0x%x ends at 0x%x, past the domain's %d MiB of memory",
                        name, s.address(), s.end(), memorySize >> 20));
            }
        }
        for (ElfImage.Segment s : image.segments()) {
            memory.write(s.address(), image.fileBytes(s));
            if (s.memSize() > s.fileSize()) {
                memory.fill(s.address() + s.fileSize(), s.memSize() - s.fileSize(), (byte) 0);
            }
        }
        DescriptorTables.write(memory);
        long cr3 = PageTableBuilder.build(memory, memorySize, image.segments());
        long imageEnd = image.highestAddress();
        long firstFree = (imageEnd + GuestPhysicalMap.PAGE - 1) & ~(GuestPhysicalMap.PAGE - 1);
        return new Layout(memorySize, cr3, imageEnd, firstFree);
    }

    /** Writes the start-info page: magic, length, then the encoded message. */
    public static void writeStartInfo(GuestMemory memory, StartInfo info) throws GuestImageException {
        byte[] encoded = info.toByteArray();
        if (encoded.length > StartInfoPageLayout.MAX_DATA) {
            throw new GuestImageException("the start info (" + encoded.length + " bytes) does not fit its page; shorten the command line");
        }
        long page = GuestPhysicalMap.START_INFO;
        memory.fill(page, GuestPhysicalMap.PAGE, (byte) 0);
        memory.writeU32(page + StartInfoPageLayout.MAGIC, AbiConstants.START_INFO_MAGIC);
        memory.writeU32(page + StartInfoPageLayout.LENGTH, encoded.length);
        memory.write(page + StartInfoPageLayout.DATA, encoded);
    }

    /** The register state at the first instruction. */
    public static RegisterState initialState(long entry, long cr3) {
        RegisterState s = new RegisterState();
        s.rip = entry;
        s.rflags = 0x2;
        s.set(Gpr.RSP, GuestPhysicalMap.BOOT_STACK_TOP);
        s.set(Gpr.RDI, GuestPhysicalMap.START_INFO);
        s.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
        s.cr3 = cr3;
        s.cr4 = CR4_PAE;
        s.efer = EFER_LME | EFER_LMA | EFER_NXE;
        Segment code = Segment.code64(GuestPhysicalMap.SELECTOR_CODE, 0);
        Segment data = Segment.flatData(GuestPhysicalMap.SELECTOR_DATA, 0);
        s.setSegment(SegmentRegister.CS, code);
        for (SegmentRegister r : new SegmentRegister[] {SegmentRegister.SS, SegmentRegister.DS, SegmentRegister.ES,
                SegmentRegister.FS, SegmentRegister.GS}) {
            s.setSegment(r, data);
        }
        s.tr = Segment.tss64(GuestPhysicalMap.SELECTOR_TSS, GuestPhysicalMap.TSS, GuestPhysicalMap.TSS_SIZE - 1);
        s.gdt = new DescriptorTable(GuestPhysicalMap.GDT, DescriptorTables.GDT_LIMIT);
        s.idt = DescriptorTable.EMPTY;
        return s;
    }
}
