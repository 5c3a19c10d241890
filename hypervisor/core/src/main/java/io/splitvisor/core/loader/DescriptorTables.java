package io.splitvisor.core.loader;

import io.splitvisor.core.memory.GuestPhysicalMap;
import io.splitvisor.engine.GuestMemory;

/**
 * Writes the boot GDT and the 64-bit TSS.
 *
 * <pre>
 *  GDT @0x1000:  0x00 null | 0x08 code64 (L=1, DPL 0) | 0x10 data (flat, writable) | 0x18 TSS (16 bytes)
 *  TSS @0x1800:  RSP0 = boot stack top, IST1 = emergency stack top, no I/O bitmap
 * </pre>
 */
public final class DescriptorTables {
    /** GDT limit: four 8-byte slots plus the second half of the TSS descriptor. */
    public static final int GDT_LIMIT = 5 * 8 - 1;
    static final long CODE64 = 0x00AF9B000000FFFFL;
    static final long DATA = 0x00CF93000000FFFFL;
    private static final int TSS_RSP0 = 4;
    private static final int TSS_IST1 = 36;
    private static final int TSS_IOPB = 102;

    private DescriptorTables() {
    }

    public static void write(GuestMemory memory) {
        long gdt = GuestPhysicalMap.GDT;
        memory.fill(gdt, GuestPhysicalMap.PAGE, (byte) 0);
        memory.writeU64(gdt + GuestPhysicalMap.SELECTOR_CODE, CODE64);
        memory.writeU64(gdt + GuestPhysicalMap.SELECTOR_DATA, DATA);
        long base = GuestPhysicalMap.TSS;
        long limit = GuestPhysicalMap.TSS_SIZE - 1;
        // A 16-byte system descriptor: type 0xB (busy 64-bit TSS, as after LTR), present.
        long low = (limit & 0xFFFF) | (base & 0xFFFFFFL) << 16 | 0xBL << 40 | 1L << 47
                | ((limit >>> 16) & 0xF) << 48 | ((base >>> 24) & 0xFF) << 56;
        memory.writeU64(gdt + GuestPhysicalMap.SELECTOR_TSS, low);
        memory.writeU64(gdt + GuestPhysicalMap.SELECTOR_TSS + 8, base >>> 32);
        memory.writeU64(base + TSS_RSP0, GuestPhysicalMap.BOOT_STACK_TOP);
        memory.writeU64(base + TSS_IST1, GuestPhysicalMap.IST_STACK_TOP);
        memory.writeU16(base + TSS_IOPB, GuestPhysicalMap.TSS_SIZE);
    }
}
