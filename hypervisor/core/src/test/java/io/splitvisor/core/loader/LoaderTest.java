package io.splitvisor.core.loader;

import io.splitvisor.core.memory.GuestPhysicalMap;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.image.ElfFormatException;
import io.splitvisor.engine.image.ElfImage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ELF validation, placement and page permissions. */
class LoaderTest {
    /** A minimal ELF with the given PT_LOAD segments {vaddr, filesz, memsz, flags} and entry. */
    private static byte[] elf(long entry, long[]... segments) {
        int headers = 64 + 56 * segments.length;
        ByteBuffer b = ByteBuffer.allocate(headers + 4096).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}).putLong(0);
        b.putShort((short) 2).putShort((short) 62).putInt(1).putLong(entry).putLong(64).putLong(0);
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) segments.length);
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        for (long[] s : segments) {
            b.putInt(1).putInt((int) s[3]).putLong(headers).putLong(s[0]).putLong(s[0]).putLong(s[1]).putLong(s[2]).putLong(4096);
        }
        return b.array();
    }

    private static String refusal(byte[] file) {
        return assertThrows(ElfFormatException.class, () -> ElfImage.parse("g.elf", file)).getMessage();
    }

    @Test
    void malformedFilesAreRefusedWithOneLine() {
        assertEquals("g.elf is not an ELF file", refusal(new byte[] {1, 2, 3}));
        byte[] good = elf(0x100000, new long[] {0x100000, 16, 16, 5});
        byte[] b32 = good.clone();
        b32[4] = 1;
        assertTrue(refusal(b32).contains("not a 64-bit ELF"));
        byte[] arm = good.clone();
        arm[18] = (byte) 183;
        assertTrue(refusal(arm).contains("not x86-64"));
        byte[] dyn = good.clone();
        dyn[16] = 3;
        assertTrue(refusal(dyn).contains("not a static executable"));
        byte[] truncated = java.util.Arrays.copyOf(good, 100);
        assertTrue(refusal(truncated).contains("program headers lie outside the file"));
        assertTrue(refusal(elf(0x100000)).contains("has 0 program headers"));
        assertTrue(refusal(elf(0x200000, new long[] {0x100000, 16, 16, 5})).contains("entry point 0x200000 is not inside an executable segment"));
        assertTrue(refusal(elf(0x100000, new long[] {0x100000, 16, 16, 6})).contains("not inside an executable segment"), "entry in data");
        assertTrue(refusal(elf(0x100000, new long[] {0x100000, 64, 16, 5})).contains("file size 64 larger than its memory size 16"));
        assertTrue(refusal(elf(0x100000, new long[] {0x100000, 8000, 8000, 5})).contains("lies outside the file"));
        assertTrue(refusal(elf(0x100000, new long[] {0x100000, 16, 0x2000, 5}, new long[] {0x101000, 16, 16, 6})).contains("overlap"));
    }

    @Test
    void segmentsMustFitBetweenOneMebibyteAndTheEndOfMemory() throws Exception {
        ElfImage low = ElfImage.parse("low.elf", elf(0x80000, new long[] {0x80000, 16, 16, 5}));
        GuestMemory memory = GuestMemory.allocate(GuestLoader.regions(4 << 20));
        String msg = assertThrows(GuestImageException.class, () -> GuestLoader.load(memory, 4 << 20, low, "low.elf")).getMessage();
        assertTrue(msg.contains("lies in the platform area below 0x100000"), msg);
        ElfImage big = ElfImage.parse("big.elf", elf(0x100000, new long[] {0x100000, 16, 8 << 20, 7}));
        msg = assertThrows(GuestImageException.class, () -> GuestLoader.load(memory, 4 << 20, big, "big.elf")).getMessage();
        assertTrue(msg.contains("past the domain's 4 MiB of memory"), msg);
        assertTrue(assertThrows(GuestImageException.class, () -> GuestLoader.checkMemorySize(1 << 20)).getMessage().contains("too little"));
        assertTrue(assertThrows(GuestImageException.class, () -> GuestLoader.checkMemorySize(64L << 30)).getMessage().contains("more than"));
    }

    /** The leaf entry mapping {@code va}, walking the tables the loader built. */
    private static long leaf(GuestMemory m, long cr3, long va) {
        long e = m.readU64(cr3 + ((va >>> 39) & 511) * 8);
        e = m.readU64((e & 0xFFFFFFFFF000L) + ((va >>> 30) & 511) * 8);
        long pde = m.readU64((e & 0xFFFFFFFFF000L) + ((va >>> 21) & 511) * 8);
        if ((pde & PageTableBuilder.LARGE) != 0 || (pde & PageTableBuilder.PRESENT) == 0) {
            return pde;
        }
        return m.readU64((pde & 0xFFFFFFFFF000L) + ((va >>> 12) & 511) * 8);
    }

    @Test
    void pagesGetTheirSegmentsPermissionsAndPageZeroIsAbsent() throws Exception {
        ElfImage image = ElfImage.parse("g.elf", elf(0x100000,
                new long[] {0x100000, 16, 0x1000, ElfImage.PF_R | ElfImage.PF_X},
                new long[] {0x101000, 16, 0x1000, ElfImage.PF_R},
                new long[] {0x102000, 16, 0x3000, ElfImage.PF_R | ElfImage.PF_W}));
        long size = 8 << 20;
        GuestMemory m = GuestMemory.allocate(GuestLoader.regions(size));
        GuestLoader.Layout layout = GuestLoader.load(m, size, image, "g.elf");
        long cr3 = layout.cr3();
        long text = leaf(m, cr3, 0x100000);
        long rodata = leaf(m, cr3, 0x101000);
        long data = leaf(m, cr3, 0x103000);
        long free = leaf(m, cr3, 0x600000);
        assertEquals(0, leaf(m, cr3, 0) & PageTableBuilder.PRESENT, "page 0 is not mapped");
        assertEquals(0, text & (PageTableBuilder.WRITABLE | PageTableBuilder.NO_EXECUTE), "text: read-only, executable");
        assertEquals(PageTableBuilder.NO_EXECUTE, rodata & (PageTableBuilder.WRITABLE | PageTableBuilder.NO_EXECUTE), "rodata: read-only, not executable");
        assertEquals(PageTableBuilder.WRITABLE | PageTableBuilder.NO_EXECUTE, data & (PageTableBuilder.WRITABLE | PageTableBuilder.NO_EXECUTE));
        assertTrue((free & PageTableBuilder.LARGE) != 0, "RAM beyond the image uses 2 MiB pages");
        assertEquals(PageTableBuilder.WRITABLE | PageTableBuilder.NO_EXECUTE, free & (PageTableBuilder.WRITABLE | PageTableBuilder.NO_EXECUTE));
        long window = leaf(m, cr3, GuestPhysicalMap.GRANT_MAP_WINDOW + 0x3000);
        assertEquals(GuestPhysicalMap.GRANT_MAP_WINDOW + 0x3000, window & 0xFFFFFFFFF000L, "the grant window is identity-mapped");
        assertEquals(0x105000, layout.firstFree());
        assertEquals(0, m.readU8(0x100000 + 16), "memory beyond a segment's file bytes is zero");
    }

    @Test
    void theStartStateIsLongModeWithTheBootStackAndStartInfo() {
        var s = GuestLoader.initialState(0x100123, 0x30000);
        assertEquals(0x100123, s.rip);
        assertEquals(GuestPhysicalMap.START_INFO, s.get(io.splitvisor.engine.Gpr.RDI));
        assertEquals(GuestPhysicalMap.BOOT_STACK_TOP, s.get(io.splitvisor.engine.Gpr.RSP));
        assertEquals(0x30000, s.cr3);
        assertTrue((s.efer & GuestLoader.EFER_LMA) != 0 && (s.cr0 & GuestLoader.CR0_PG) != 0);
        assertEquals(0, s.rflags & (1 << 9), "interrupts start disabled");
        assertTrue(s.segment(io.splitvisor.engine.SegmentRegister.CS).isLongCode());
        assertEquals(GuestPhysicalMap.SELECTOR_TSS, s.tr.selector());
    }
    /**
     * Every start state the loader builds is one KVM accepts (the KVM engine's validator, with the CPUID a domain
     * gets), and every segment cache agrees with its descriptor in the GDT the loader wrote, so a guest that reloads
     * a segment register sees the same segment on both engines.
     */
    @Test
    void startStatesAreAcceptableToKvmAndMatchTheGdt() throws Exception {
        io.splitvisor.kvm.state.GuestStateValidator validator = new io.splitvisor.kvm.state.GuestStateValidator(
                io.splitvisor.kvm.state.CpuidTable.of(io.splitvisor.engine.CpuidModel.standard(
                        new io.splitvisor.core.domain.SplitvisorCpuid(GuestPhysicalMap.START_INFO))));
        long[][] layouts = {{0x100000, 0x100000, 16, 0x2000, 5}, {0x200000, 0x200000, 0x1000, 0x9000, 7},
            {0x101000, 0x100000, 0x800, 0x3000, 5}};
        for (long memSize : new long[] {4L << 20, 64L << 20, 1L << 30}) {
            for (long[] l : layouts) {
                ElfImage image = ElfImage.parse("g.elf", elf(l[0], new long[] {l[1], l[2], l[3], l[4]}));
                GuestMemory memory = GuestMemory.allocate(GuestLoader.regions(memSize));
                try {
                    GuestLoader.Layout layout = GuestLoader.load(memory, memSize, image, "g.elf");
                    io.splitvisor.engine.RegisterState s = GuestLoader.initialState(image.entry(), layout.cr3());
                    assertEquals(java.util.List.of(), validator.problems(s), "memory " + memSize + ", entry " + l[0]);
                    for (io.splitvisor.engine.SegmentRegister r : io.splitvisor.engine.SegmentRegister.values()) {
                        assertCacheMatchesGdt(memory, s, r.name(), s.segment(r));
                    }
                    assertCacheMatchesGdt(memory, s, "TR", s.tr);
                } finally {
                    memory.release();
                }
            }
        }
    }

    private static void assertCacheMatchesGdt(GuestMemory m, io.splitvisor.engine.RegisterState s, String name,
                                              io.splitvisor.engine.Segment cache) {
        if (cache.unusable()) {
            return;
        }
        long d = m.readU64(s.gdt.base() + (cache.selector() & ~7));
        long base = (d >>> 16 & 0xFFFFFF) | (d >>> 56 & 0xFF) << 24;
        if ((d >>> 44 & 1) == 0) {   // system descriptor: 16 bytes, the upper base in the next quadword
            base |= (m.readU64(s.gdt.base() + (cache.selector() & ~7) + 8) & 0xFFFFFFFFL) << 32;
        }
        long rawLimit = (d & 0xFFFF) | (d >>> 48 & 0xF) << 16;
        long limit = (d >>> 55 & 1) != 0 ? rawLimit << 12 | 0xFFF : rawLimit;
        int access = (int) (d >>> 40 & 0xFF);
        int flags = (int) (d >>> 52 & 0xF);
        int attributes = access | flags << 12;
        assertEquals(base, cache.base(), name + " base");
        assertEquals(limit, cache.limit() & 0xFFFFFFFFL, name + " limit");
        // the cache may have the accessed / busy bit set where the GDT does not yet (the CPU sets it on load)
        int set = name.equals("TR") ? 2 : 1;   // busy TSS / accessed segment
        assertEquals(attributes | set, (cache.attributes() & 0xF0FF) | set, name + " attributes");
    }
}
