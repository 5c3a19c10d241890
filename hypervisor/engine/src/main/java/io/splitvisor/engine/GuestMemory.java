package io.splitvisor.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Guest-physical memory: a set of non-overlapping RAM regions backed by off-heap, 4 KiB-aligned native memory with
 * a stable address (so KVM can later use each chunk unchanged as a memory slot). Addresses outside every region
 * are MMIO. Each RAM page can be re-pointed at a page of another {@code GuestMemory} (grant mapping) and restored.
 * <p>
 * Host-side accessors are bounds-checked and throw {@link GuestMemoryException}. Pages that hold decoded guest code
 * are marked by the engines; host writes to such a page notify the {@link GuestMemoryListener}s so the engine drops
 * stale decoded code (call {@link #notifyWritten} after writing through {@link #chunks()} directly).
 */
public final class GuestMemory {
    public static final int PAGE_SIZE = 4096;
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_MASK = ~(long) (PAGE_SIZE - 1);
    private static final long CHUNK_SIZE = 1L << 30;
    private static final VarHandle CODE_BITS = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final sun.misc.Unsafe U = NativeAccess.UNSAFE;

    /** A contiguous native allocation backing part of a region (what KVM would register as one slot). */
    public record Chunk(long guestBase, long size, long hostAddress, ByteBuffer buffer) {
    }

    private final MemoryRegion[] regions;
    private final long[][] pageHost;
    private final long[][] ownPageHost;
    private final byte[][] codePages;
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<GuestMemory> mappedSources = new CopyOnWriteArrayList<>();
    private final List<GuestMemoryListener> listeners = new CopyOnWriteArrayList<>();

    private GuestMemory(MemoryRegion[] sorted) {
        this.regions = sorted;
        this.pageHost = new long[sorted.length][];
        this.ownPageHost = new long[sorted.length][];
        this.codePages = new byte[sorted.length][];
        for (int r = 0; r < sorted.length; r++) {
            MemoryRegion region = sorted[r];
            int pages = Math.toIntExact(region.size() >>> PAGE_SHIFT);
            long[] hosts = new long[pages];
            for (long off = 0; off < region.size(); off += CHUNK_SIZE) {
                long size = Math.min(CHUNK_SIZE, region.size() - off);
                ByteBuffer raw = ByteBuffer.allocateDirect(Math.toIntExact(size + PAGE_SIZE));
                long addr = NativeAccess.address(raw);
                int skip = (int) ((PAGE_SIZE - (addr & (PAGE_SIZE - 1))) & (PAGE_SIZE - 1));
                ByteBuffer aligned = raw.position(skip).limit(skip + (int) size).slice().order(ByteOrder.LITTLE_ENDIAN);
                long host = addr + skip;
                chunks.add(new Chunk(region.base() + off, size, host, aligned));
                for (long p = 0; p < size; p += PAGE_SIZE) {
                    hosts[(int) ((off + p) >>> PAGE_SHIFT)] = host + p;
                }
            }
            pageHost[r] = hosts;
            ownPageHost[r] = hosts.clone();
            codePages[r] = new byte[pages];
        }
    }

    /** Allocates zeroed RAM for the regions; refuses overlapping regions with a message naming both. */
    public static GuestMemory allocate(List<MemoryRegion> regions) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("no memory regions given");
        }
        MemoryRegion[] sorted = regions.toArray(new MemoryRegion[0]);
        Arrays.sort(sorted, Comparator.comparingLong(MemoryRegion::base));
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i - 1].overlaps(sorted[i])) {
                throw new IllegalArgumentException("memory regions " + sorted[i - 1] + " and " + sorted[i]
                        + " overlap");
            }
        }
        return new GuestMemory(sorted);
    }

    public static GuestMemory allocate(MemoryRegion... regions) {
        return allocate(List.of(regions));
    }

    public List<MemoryRegion> regions() {
        return List.of(regions);
    }

    /** The native allocations, in guest-physical order (for KVM memory slots). */
    public List<Chunk> chunks() {
        return List.copyOf(chunks);
    }

    public void addListener(GuestMemoryListener l) {
        listeners.add(l);
    }

    public void removeListener(GuestMemoryListener l) {
        listeners.remove(l);
    }

    private int regionOf(long gpa) {
        for (int r = 0; r < regions.length; r++) {
            if (regions[r].contains(gpa)) {
                return r;
            }
        }
        return -1;
    }

    public boolean isRam(long gpa) {
        return regionOf(gpa) >= 0;
    }

    /** Native address of the 4 KiB page holding {@code gpa}, or -1 if {@code gpa} is not RAM (MMIO). */
    public long hostPageAddress(long gpa) {
        int r = regionOf(gpa);
        if (r < 0) {
            return -1;
        }
        return pageHost[r][(int) ((gpa - regions[r].base()) >>> PAGE_SHIFT)];
    }

    // ---- decoded-code tracking ----------------------------------------------------------------------------

    /** An engine decoded code from this RAM page: host writes to it will be reported. */
    public void markCodePage(long gpa) {
        int r = regionOf(gpa);
        if (r >= 0) {
            CODE_BITS.setVolatile(codePages[r], (int) ((gpa - regions[r].base()) >>> PAGE_SHIFT), (byte) 1);
        }
    }

    public boolean isCodePage(long gpa) {
        int r = regionOf(gpa);
        return r >= 0 && (byte) CODE_BITS.getVolatile(codePages[r],
                (int) ((gpa - regions[r].base()) >>> PAGE_SHIFT)) != 0;
    }

    /** Clears the code mark of a page (the engine dropped all code decoded from it). */
    public void clearCodePage(long gpa) {
        int r = regionOf(gpa);
        if (r >= 0) {
            CODE_BITS.setVolatile(codePages[r], (int) ((gpa - regions[r].base()) >>> PAGE_SHIFT), (byte) 0);
        }
    }

    /** Tell the engines that the host wrote {@code [gpa, gpa+length)}; only pages holding code matter. */
    public void notifyWritten(long gpa, long length) {
        if (length <= 0 || listeners.isEmpty()) {
            return;
        }
        long first = gpa & PAGE_MASK;
        long last = (gpa + length - 1) & PAGE_MASK;
        for (long p = first; p <= last; p += PAGE_SIZE) {
            if (isCodePage(p)) {
                for (GuestMemoryListener l : listeners) {
                    l.codeWritten(p, p);
                }
            }
        }
    }

    // ---- grant-style page re-pointing ------------------------------------------------------------------------

    /** Makes guest-physical RAM page {@code gpa} show page {@code sourceGpa} of {@code source}. */
    public void mapForeignPage(long gpa, GuestMemory source, long sourceGpa) {
        int r = requireRamPage(gpa);
        long host = source.hostPageAddress(sourceGpa);
        if (host < 0) {
            throw new GuestMemoryException(String.format("source page 0x%x is not RAM", sourceGpa));
        }
        if (!mappedSources.contains(source)) {
            mappedSources.add(source); // keeps the source's native memory alive while engines may hold its address
        }
        pageHost[r][(int) ((gpa - regions[r].base()) >>> PAGE_SHIFT)] = host;
        changed(gpa & PAGE_MASK);
    }

    /** Restores guest-physical page {@code gpa} to its own memory. */
    public void unmapForeignPage(long gpa) {
        int r = requireRamPage(gpa);
        int page = (int) ((gpa - regions[r].base()) >>> PAGE_SHIFT);
        pageHost[r][page] = ownPageHost[r][page];
        changed(gpa & PAGE_MASK);
    }

    private void changed(long page) {
        for (GuestMemoryListener l : listeners) {
            l.mappingChanged(page);
        }
    }

    private int requireRamPage(long gpa) {
        int r = regionOf(gpa);
        if (r < 0 || (gpa & (PAGE_SIZE - 1)) != 0) {
            throw new GuestMemoryException(String.format("0x%x is not a RAM page address", gpa));
        }
        return r;
    }

    // ---- host-side accessors ----------------------------------------------------------------------------------

    private long hostAddress(long gpa, int size) {
        long page = hostPageAddress(gpa);
        if (page < 0 || ((gpa & (PAGE_SIZE - 1)) + size) > PAGE_SIZE) {
            return -1;
        }
        return page + (gpa & (PAGE_SIZE - 1));
    }

    private GuestMemoryException outside(long gpa, long len) {
        return new GuestMemoryException(String.format("guest-physical range 0x%x+%d is not RAM", gpa, len));
    }

    public int readU8(long gpa) {
        return (int) readUnaligned(gpa, 1);
    }

    public int readU16(long gpa) {
        return (int) readUnaligned(gpa, 2);
    }

    public long readU32(long gpa) {
        return readUnaligned(gpa, 4);
    }

    public long readU64(long gpa) {
        return readUnaligned(gpa, 8);
    }

    public void writeU8(long gpa, int v) {
        writeUnaligned(gpa, 1, v);
    }

    public void writeU16(long gpa, int v) {
        writeUnaligned(gpa, 2, v);
    }

    public void writeU32(long gpa, long v) {
        writeUnaligned(gpa, 4, v);
    }

    public void writeU64(long gpa, long v) {
        writeUnaligned(gpa, 8, v);
    }

    private long readUnaligned(long gpa, int size) {
        long a = hostAddress(gpa, size);
        if (a >= 0) {
            return switch (size) {
                case 1 -> U.getByte(a) & 0xFFL;
                case 2 -> U.getShort(a) & 0xFFFFL;
                case 4 -> U.getInt(a) & 0xFFFFFFFFL;
                default -> U.getLong(a);
            };
        }
        byte[] b = new byte[size];
        read(gpa, b, 0, size);
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xFF);
        }
        return v;
    }

    private void writeUnaligned(long gpa, int size, long v) {
        long a = hostAddress(gpa, size);
        if (a >= 0) {
            switch (size) {
                case 1 -> U.putByte(a, (byte) v);
                case 2 -> U.putShort(a, (short) v);
                case 4 -> U.putInt(a, (int) v);
                default -> U.putLong(a, v);
            }
            notifyWritten(gpa, size);
            return;
        }
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        write(gpa, b, 0, size);
    }

    /** Copies {@code len} bytes of guest memory at {@code gpa} into {@code dst}. */
    public void read(long gpa, byte[] dst, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        checkRange(gpa, len);
        long done = 0;
        while (done < len) {
            long a = gpa + done;
            int n = (int) Math.min(len - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
            U.copyMemory(null, hostPageAddress(a) + (a & (PAGE_SIZE - 1)), dst,
                    sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET + off + done, n);
            done += n;
        }
    }

    /** Copies {@code src} into guest memory at {@code gpa}. */
    public void write(long gpa, byte[] src, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        checkRange(gpa, len);
        long done = 0;
        while (done < len) {
            long a = gpa + done;
            int n = (int) Math.min(len - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
            U.copyMemory(src, sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET + off + done,
                    null, hostPageAddress(a) + (a & (PAGE_SIZE - 1)), n);
            done += n;
        }
        notifyWritten(gpa, len);
    }

    public byte[] read(long gpa, int len) {
        byte[] b = new byte[len];
        read(gpa, b, 0, len);
        return b;
    }

    public void write(long gpa, byte[] src) {
        write(gpa, src, 0, src.length);
    }

    /** Fills {@code [gpa, gpa+len)} with {@code value}. */
    public void fill(long gpa, long len, byte value) {
        checkRange(gpa, len);
        long done = 0;
        while (done < len) {
            long a = gpa + done;
            long n = Math.min(len - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
            U.setMemory(hostPageAddress(a) + (a & (PAGE_SIZE - 1)), n, value);
            done += n;
        }
        notifyWritten(gpa, len);
    }

    /** True if every byte of {@code [gpa, gpa+len)} is RAM. */
    public boolean isRamRange(long gpa, long len) {
        if (len < 0 || gpa < 0 || gpa + len < gpa) {
            return false;
        }
        for (MemoryRegion r : regions) {
            if (gpa >= r.base() && gpa + len <= r.end()) {
                return true;
            }
        }
        // a range may span adjacent regions
        long a = gpa;
        while (a < gpa + len) {
            int r = regionOf(a);
            if (r < 0) {
                return false;
            }
            a = regions[r].end();
        }
        return true;
    }

    private void checkRange(long gpa, long len) {
        if (!isRamRange(gpa, len)) {
            throw outside(gpa, len);
        }
    }
}
