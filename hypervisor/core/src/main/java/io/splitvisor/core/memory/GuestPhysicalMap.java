package io.splitvisor.core.memory;

import io.splitvisor.abi.AbiConstants;

/**
 * Where the loader puts the platform pages in a domain's guest-physical memory. Everything below
 * 1 MiB except page 0 belongs to the platform; the guest image starts at 1 MiB; RAM ends at the
 * domain's memory size. The grant-map window is a separate small RAM region far above RAM, so
 * that it never collides with memory the guest allocates.
 *
 * <pre>
 *  0x00000  page 0, never mapped (NULL dereferences fault)
 *  0x01000  GDT (null, code64, data) and, at +0x800, the 64-bit TSS
 *  0x02000  start-info page
 *  0x03000  shared info
 *  0x04000  console ring
 *  0x05000  store ring
 *  0x08000  grant table, GRANT_FRAMES pages
 *  0x10000  hypercall frame of vCPU 0, 64 KiB (the largest frame)
 *  0x20000  boot stack, 48 KiB (RSP at 0x2C000); 0x2C000 emergency (IST1) stack, 16 KiB
 *  0x30000  page tables, up to 0xA0000
 *  0x100000 the guest image (ELF segments), then free memory up to the memory size
 *  0x8000000000  the grant-map window, GRANT_MAP_PAGES pages
 * </pre>
 */
public final class GuestPhysicalMap {
    private GuestPhysicalMap() {
    }

    public static final long PAGE = AbiConstants.PAGE_SIZE;
    public static final long GDT = 0x1000;
    public static final long TSS = GDT + 0x800;
    public static final int TSS_SIZE = 104;
    public static final long START_INFO = 0x2000;
    public static final long SHARED_INFO = 0x3000;
    public static final long CONSOLE_RING = 0x4000;
    public static final long STORE_RING = 0x5000;
    public static final long GRANT_TABLE = 0x8000;
    public static final int GRANT_FRAMES = 8;
    public static final long HYPERCALL_FRAME = 0x10000;
    public static final int HYPERCALL_FRAME_SIZE = 0x10000;
    public static final long BOOT_STACK_BOTTOM = 0x20000;
    public static final long BOOT_STACK_TOP = 0x2C000;
    public static final long IST_STACK_TOP = 0x30000;
    public static final long PAGE_TABLES = 0x30000;
    public static final long PAGE_TABLES_END = 0xA0000;
    /** Guest images must lie at or above this address. */
    public static final long IMAGE_FLOOR = AbiConstants.GUEST_LINK_ADDRESS;
    public static final long GRANT_MAP_WINDOW = 0x80_0000_0000L;
    public static final int GRANT_MAP_PAGES = 64;

    /** The smallest memory a domain may have: the platform area, 1 MiB of image and some room. */
    public static final long MIN_MEMORY = 2L << 20;
    /** The largest: what the page-table area can map. */
    public static final long MAX_MEMORY = 16L << 30;

    /** The GDT selectors the loader uses. */
    public static final int SELECTOR_CODE = 0x08;
    public static final int SELECTOR_DATA = 0x10;
    public static final int SELECTOR_TSS = 0x18;
}
