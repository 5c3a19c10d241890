package io.splitvisor.engine;

/** A RAM region of guest-physical address space: 4 KiB-aligned base and size. */
public record MemoryRegion(long base, long size) {
    public MemoryRegion {
        if (size <= 0) {
            throw new IllegalArgumentException("memory region at 0x" + Long.toHexString(base) + " has no size");
        }
        if (((base | size) & (GuestMemory.PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "memory region 0x%x+0x%x is not 4 KiB-aligned", base, size));
        }
        if (base < 0 || base + size < 0 || base + size > (1L << CpuidModel.PHYSICAL_ADDRESS_BITS)) {
            throw new IllegalArgumentException(String.format(
                    "memory region 0x%x+0x%x lies beyond the %d-bit physical address space", base, size,
                    CpuidModel.PHYSICAL_ADDRESS_BITS));
        }
    }

    public long end() {
        return base + size;
    }

    public boolean contains(long gpa) {
        return gpa >= base && gpa < base + size;
    }

    public boolean overlaps(MemoryRegion o) {
        return base < o.end() && o.base < end();
    }

    @Override
    public String toString() {
        return String.format("0x%x-0x%x", base, end());
    }
}
