package io.splitvisor.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
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
 * The RAM is a private anonymous mapping ({@link AnonymousMemory}): allocating it touches nothing, the kernel zeroes
 * each page when it is first used, and it is returned to the system as soon as the last reference is released.
 * <p>
 * <b>References.</b> A new memory holds one reference, its owner's. {@link #retain()} / {@link #tryRetain()} take
 * more, {@link #release()} drops one; when the count reaches zero the memory is unmapped: every page address is
 * invalidated first ({@link #hostPageAddress} then answers -1), and from then on every host accessor and
 * {@link #retain()} throw {@link GuestMemoryException}. {@link #mapForeignPage} holds a reference to the source for
 * as long as the page is mapped. The host accessors of this class announce each access (and the source of a foreign
 * page they touch) in a per-thread slot that the release waits for, so a release racing with them never lets them
 * reach freed memory, and they share no counter with each other. Raw addresses ({@link #hostPageAddress}, {@link #chunks()}) are valid only while the caller holds a
 * reference of its own: engines are closed before their memory is released. A memory that becomes unreachable
 * without being released is unmapped by a {@link Cleaner}, as a safety net.
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
    private static final VarHandle FOREIGN = MethodHandles.arrayElementVarHandle(Foreign[].class);
    private static final VarHandle FOREIGN_REGIONS = MethodHandles.arrayElementVarHandle(Foreign[][].class);
    private static final VarHandle PAGE_HOSTS = MethodHandles.arrayElementVarHandle(long[][].class);
    private static final VarHandle REFS;
    private static final VarHandle SLOT_MEMORY;
    private static final VarHandle SLOT_SOURCE;
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "guest-memory-cleaner");
        t.setDaemon(true);
        return t;
    });
    private static final sun.misc.Unsafe U = NativeAccess.UNSAFE;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(GuestMemory.class, "refs", int.class);
            SLOT_MEMORY = MethodHandles.lookup().findVarHandle(AccessSlot.class, "memory", GuestMemory.class);
            SLOT_SOURCE = MethodHandles.lookup().findVarHandle(AccessSlot.class, "source", GuestMemory.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A contiguous native allocation backing part of a region (what KVM would register as one slot). */
    public record Chunk(long guestBase, long size, long hostAddress, ByteBuffer buffer) {
    }

    /** A page showing a page of another memory: the source (kept alive by the mapping) and its native page. */
    private record Foreign(GuestMemory source, long host) {
    }

    /** The native allocations; unmapped once, by {@link #release()} or by the cleaner. Never refers to the memory. */
    private static final class Backing implements Runnable {
        final AnonymousMemory.Block[] blocks;

        Backing(int regions) {
            blocks = new AnonymousMemory.Block[regions];
        }

        @Override
        public void run() {
            for (AnonymousMemory.Block b : blocks) {
                if (b != null) {
                    AnonymousMemory.free(b);
                }
            }
        }
    }

    private final MemoryRegion[] regions;
    /** Native address of each region's own RAM. */
    private final long[] regionHost;
    /**
     * Per region, null until one of its pages is first re-pointed (so a domain that maps no grants costs no per-page
     * arrays), then the native page every page shows now.
     */
    private final long[][] pageHost;
    /** Per region, null until one of its pages is first re-pointed, then the foreign mapping of each page or null. */
    private final Foreign[][] foreign;
    private final byte[][] codePages;
    private volatile List<Chunk> chunks;
    private final List<GuestMemoryListener> listeners = new CopyOnWriteArrayList<>();
    private final Cleaner.Cleanable cleanable;
    @SuppressWarnings("unused") // through REFS
    private volatile int refs = 1;

    private GuestMemory(MemoryRegion[] sorted) {
        this.regions = sorted;
        this.regionHost = new long[sorted.length];
        this.pageHost = new long[sorted.length][];
        this.foreign = new Foreign[sorted.length][];
        this.codePages = new byte[sorted.length][];
        Backing backing = new Backing(sorted.length);
        List<Chunk> list = new ArrayList<>();
        try {
            for (int r = 0; r < sorted.length; r++) {
                MemoryRegion region = sorted[r];
                int pages = Math.toIntExact(region.size() >>> PAGE_SHIFT);
                AnonymousMemory.Block block = AnonymousMemory.allocate(region.size());
                backing.blocks[r] = block;
                long host = block.address();
                for (long off = 0; off < region.size(); off += CHUNK_SIZE) {
                    long size = Math.min(CHUNK_SIZE, region.size() - off);
                    list.add(new Chunk(region.base() + off, size, host + off, block.view(off, (int) size)));
                }
                regionHost[r] = host;
                codePages[r] = new byte[pages];
            }
        } catch (RuntimeException | Error e) {
            backing.run();
            throw e;
        }
        this.chunks = List.copyOf(list);
        this.cleanable = CLEANER.register(this, backing);
    }

    /**
     * Maps zero-filled RAM for the regions (the kernel zeroes each page on first use; nothing is touched now) and
     * holds the owner's reference; refuses overlapping regions with a message naming both.
     */
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

    /**
     * The native allocations, in guest-physical order (for KVM memory slots). Their addresses and buffers are valid
     * only while the caller holds a reference ({@link #retain()}): they point at unmapped memory after the release.
     */
    public List<Chunk> chunks() {
        return chunks;
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

    /**
     * Native address of the 4 KiB page holding {@code gpa}, or -1 if {@code gpa} is not RAM (MMIO) or the memory was
     * released. The address stays valid only while the caller holds a reference (engines: until they are closed).
     */
    public long hostPageAddress(long gpa) {
        int r = regionOf(gpa);
        if (r < 0) {
            return -1;
        }
        if (isReleased()) {
            return -1;
        }
        int page = pageIndex(r, gpa);
        long[] hosts = (long[]) PAGE_HOSTS.getAcquire(pageHost, r);
        return hosts != null ? hosts[page] : ownPage(r, page);
    }

    // ---- references -----------------------------------------------------------------------------------------

    /** Takes a reference; throws {@link GuestMemoryException} if the memory was already released. */
    public void retain() {
        if (!tryRetain()) {
            throw released();
        }
    }

    /** Takes a reference unless the memory was already released; returns whether it did. */
    public boolean tryRetain() {
        while (true) {
            int r = (int) REFS.getVolatile(this);
            if (r <= 0) {
                return false;
            }
            if (REFS.compareAndSet(this, r, r + 1)) {
                return true;
            }
        }
    }

    /**
     * Drops a reference. The last one unmaps the memory: page addresses are invalidated first, then the references
     * that foreign mappings hold on their sources are dropped, then the native memory is returned.
     *
     * @throws IllegalStateException if every reference was already released
     */
    public void release() {
        int r = (int) REFS.getAndAdd(this, -1); // wait-free: host accessors may be taking references meanwhile
        if (r == 1) {
            free();
        } else if (r <= 0) {
            REFS.getAndAdd(this, 1);
            throw new IllegalStateException("guest memory released more often than retained");
        }
    }

    /** True once the last reference was released (the native memory is gone). */
    public boolean isReleased() {
        return (int) REFS.getVolatile(this) <= 0;
    }

    /** References held now (for tests and diagnostics). */
    public int references() {
        return Math.max(0, (int) REFS.getVolatile(this));
    }

    /** True when RAM is private anonymous memory from mmap, false for the direct-buffer fallback. */
    public static boolean usesAnonymousMappings() {
        return AnonymousMemory.mapped();
    }

    private void free() {
        awaitAccessors(this);
        List<GuestMemory> sources = new ArrayList<>();
        synchronized (this) {
            for (int r = 0; r < regions.length; r++) {
                if (pageHost[r] != null) {
                    Arrays.fill(pageHost[r], -1L);
                }
                Foreign[] f = foreign[r];
                for (int p = 0; f != null && p < f.length; p++) {
                    Foreign m = (Foreign) FOREIGN.getAndSet(f, p, (Foreign) null);
                    if (m != null) {
                        sources.add(m.source());
                    }
                }
            }
        }
        chunks = List.of();
        for (GuestMemory s : sources) {
            s.release();
        }
        cleanable.clean();
    }

    private GuestMemoryException released() {
        return new GuestMemoryException("guest memory was released");
    }

    // ---- host accesses racing with the release ------------------------------------------------------------
    //
    // A host accessor publishes the memory it is about to touch in its thread's slot (a volatile store), then checks
    // that the memory is not released; free() marks it released (refs reached 0), then waits until no slot names it.
    // Both sides store, then load the other's variable, all volatile: either the accessor sees the release and
    // throws, or free() sees the accessor and waits for it. A foreign page's source is published the same way and
    // checked against the page's mapping, which holds a reference to that source until it is replaced. No shared
    // counter is touched per access, so accessors on different threads do not contend.

    /**
     * One per thread that uses the host accessors: what it is touching now. Padded so that two threads' slots never
     * share a cache line (HotSpot places the longs before the references).
     */
    @SuppressWarnings("unused")
    private static final class AccessSlot {
        long p0, p1, p2, p3, p4, p5, p6, p7;
        final WeakReference<Thread> thread = new WeakReference<>(Thread.currentThread());
        @SuppressWarnings("unused") // through SLOT_MEMORY
        volatile GuestMemory memory;
        @SuppressWarnings("unused") // through SLOT_SOURCE
        volatile GuestMemory source;
    }

    private static final List<AccessSlot> SLOTS = new ArrayList<>();
    private static final ThreadLocal<AccessSlot> SLOT = ThreadLocal.withInitial(GuestMemory::newSlot);

    private static AccessSlot newSlot() {
        AccessSlot s = new AccessSlot();
        synchronized (SLOTS) {
            SLOTS.removeIf(x -> {
                Thread t = x.thread.get();
                return t == null || !t.isAlive();
            });
            SLOTS.add(s);
        }
        return s;
    }

    /** Waits until no other thread's accessor is inside {@code m}; {@code m} is already marked released. */
    private static void awaitAccessors(GuestMemory m) {
        VarHandle.fullFence();
        AccessSlot own = SLOT.get();
        AccessSlot[] all;
        synchronized (SLOTS) {
            all = SLOTS.toArray(new AccessSlot[0]);
        }
        for (AccessSlot s : all) {
            if (s == own) {
                continue; // this thread is releasing, so it is not inside an access
            }
            for (int spins = 0; SLOT_MEMORY.getVolatile(s) == m || SLOT_SOURCE.getVolatile(s) == m; spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    /**
     * Starts a host access: returns this thread's slot with this memory published in it, or null if the slot was
     * busy (an access inside an access, which this class never makes), in which case a reference was taken instead.
     */
    private AccessSlot enter() {
        AccessSlot s = SLOT.get();
        if (SLOT_MEMORY.get(s) != null) {
            if (!tryRetain()) {
                throw released();
            }
            return null;
        }
        SLOT_MEMORY.setVolatile(s, this);
        if ((int) REFS.getVolatile(this) <= 0) {
            SLOT_MEMORY.setRelease(s, (GuestMemory) null);
            throw released();
        }
        return s;
    }

    private void exit(AccessSlot s) {
        if (s == null) {
            release();
        } else {
            SLOT_MEMORY.setRelease(s, (GuestMemory) null);
        }
    }

    /**
     * The foreign mapping of page {@code page} of region {@code r}, its source protected for the access (published
     * in the slot, or retained without one), or null for an own page (which the access to this memory covers).
     */
    private Foreign enterPage(AccessSlot s, int r, int page) {
        while (true) {
            Foreign[] mapped = (Foreign[]) FOREIGN_REGIONS.getAcquire(foreign, r);
            Foreign f = mapped == null ? null : (Foreign) FOREIGN.getVolatile(mapped, page);
            if (f == null) {
                return null;
            }
            if (s == null) {
                if (f.source().tryRetain()) {
                    return f;
                }
            } else {
                SLOT_SOURCE.setVolatile(s, f.source());
                if (FOREIGN.getVolatile(mapped, page) == f) {
                    return f; // still mapped after we published it: the source stays until we leave
                }
                SLOT_SOURCE.setRelease(s, (GuestMemory) null);
                continue;
            }
            // a mapping holds a reference, so its source is released only after the mapping was replaced
            if (FOREIGN.getVolatile(mapped, page) == f) {
                throw new GuestMemoryException("the memory mapped at a page was released");
            }
        }
    }

    private static void exitPage(AccessSlot s, Foreign f) {
        if (f == null) {
            return;
        }
        if (s == null) {
            f.source().release();
        } else {
            SLOT_SOURCE.setRelease(s, (GuestMemory) null);
        }
    }

    /** Native address of {@code gpa} for an access that {@link #enterPage} prepared. */
    private long hostOf(Foreign f, int r, int page, long gpa) {
        return (f == null ? ownPage(r, page) : f.host()) + (gpa & (PAGE_SIZE - 1));
    }

    private long ownPage(int r, int page) {
        return regionHost[r] + ((long) page << PAGE_SHIFT);
    }

    /** The per-page arrays of region {@code r}, made on its first re-pointed page (called under the lock). */
    private void perPageArrays(int r) {
        if (pageHost[r] == null) {
            int pages = (int) (regions[r].size() >>> PAGE_SHIFT);
            long[] hosts = new long[pages];
            for (int p = 0; p < pages; p++) {
                hosts[p] = ownPage(r, p);
            }
            PAGE_HOSTS.setRelease(pageHost, r, hosts);
            FOREIGN_REGIONS.setRelease(foreign, r, new Foreign[pages]);
        }
    }

    private int pageIndex(int r, long gpa) {
        return (int) ((gpa - regions[r].base()) >>> PAGE_SHIFT);
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

    /**
     * Makes guest-physical RAM page {@code gpa} show page {@code sourceGpa} of {@code source}'s own RAM (not a page
     * the source itself shows from elsewhere). The mapping holds a reference to {@code source} until it is unmapped
     * or replaced, or this memory is released. Throws {@link GuestMemoryException} if either memory was released.
     */
    public void mapForeignPage(long gpa, GuestMemory source, long sourceGpa) {
        int r = requireRamPage(gpa);
        int page = pageIndex(r, gpa);
        source.retain();
        Foreign previous;
        try {
            long host = source.ownHostPageAddress(sourceGpa);
            if (host < 0) {
                throw new GuestMemoryException(String.format("source page 0x%x is not RAM", sourceGpa));
            }
            synchronized (this) {
                if (isReleased()) {
                    throw released();
                }
                perPageArrays(r);
                previous = (Foreign) FOREIGN.getAndSet(foreign[r], page, new Foreign(source, host));
                pageHost[r][page] = host;
            }
        } catch (RuntimeException e) {
            source.release();
            throw e;
        }
        if (previous != null) {
            previous.source().release();
        }
        changed(gpa & PAGE_MASK);
    }

    /**
     * Restores guest-physical page {@code gpa} to its own memory and drops the mapping's reference to its source.
     * An engine running on this memory may still use its translation of the page until its next block boundary, so
     * this is called from that vCPU's own thread between runs (the grant hypercalls) or once it is stopped.
     */
    public void unmapForeignPage(long gpa) {
        int r = requireRamPage(gpa);
        int page = pageIndex(r, gpa);
        Foreign previous;
        synchronized (this) {
            previous = foreign[r] == null ? null : (Foreign) FOREIGN.getAndSet(foreign[r], page, (Foreign) null);
            if (!isReleased() && pageHost[r] != null) {
                pageHost[r][page] = ownPage(r, page);
            }
        }
        if (previous != null) {
            previous.source().release();
        }
        changed(gpa & PAGE_MASK);
    }

    /** Native address of this memory's own page holding {@code gpa}, or -1 (not RAM, or released). */
    private long ownHostPageAddress(long gpa) {
        int r = regionOf(gpa);
        if (r < 0 || isReleased()) {
            return -1;
        }
        return ownPage(r, pageIndex(r, gpa));
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

    private GuestMemoryException outside(long gpa, long len) {
        return new GuestMemoryException(String.format("guest-physical range 0x%x+%d is not RAM", gpa, len));
    }

    public int readU8(long gpa) {
        return (int) readSmall(gpa, 1);
    }

    public int readU16(long gpa) {
        return (int) readSmall(gpa, 2);
    }

    public long readU32(long gpa) {
        return readSmall(gpa, 4);
    }

    public long readU64(long gpa) {
        return readSmall(gpa, 8);
    }

    public void writeU8(long gpa, int v) {
        writeSmall(gpa, 1, v);
    }

    public void writeU16(long gpa, int v) {
        writeSmall(gpa, 2, v);
    }

    public void writeU32(long gpa, long v) {
        writeSmall(gpa, 4, v);
    }

    public void writeU64(long gpa, long v) {
        writeSmall(gpa, 8, v);
    }

    private long readSmall(long gpa, int size) {
        int r = regionOf(gpa);
        if (r < 0 || (gpa & (PAGE_SIZE - 1)) + size > PAGE_SIZE) {
            byte[] b = new byte[size];
            read(gpa, b, 0, size);
            long v = 0;
            for (int i = size - 1; i >= 0; i--) {
                v = v << 8 | (b[i] & 0xFF);
            }
            return v;
        }
        AccessSlot slot = enter();
        try {
            int page = pageIndex(r, gpa);
            Foreign f = enterPage(slot, r, page);
            try {
                long a = hostOf(f, r, page, gpa);
                return switch (size) {
                    case 1 -> U.getByte(a) & 0xFFL;
                    case 2 -> U.getShort(a) & 0xFFFFL;
                    case 4 -> U.getInt(a) & 0xFFFFFFFFL;
                    default -> U.getLong(a);
                };
            } finally {
                exitPage(slot, f);
            }
        } finally {
            exit(slot);
        }
    }

    private void writeSmall(long gpa, int size, long v) {
        int r = regionOf(gpa);
        if (r < 0 || (gpa & (PAGE_SIZE - 1)) + size > PAGE_SIZE) {
            byte[] b = new byte[size];
            for (int i = 0; i < size; i++) {
                b[i] = (byte) (v >>> (8 * i));
            }
            write(gpa, b, 0, size);
            return;
        }
        AccessSlot slot = enter();
        try {
            int page = pageIndex(r, gpa);
            Foreign f = enterPage(slot, r, page);
            try {
                long a = hostOf(f, r, page, gpa);
                switch (size) {
                    case 1 -> U.putByte(a, (byte) v);
                    case 2 -> U.putShort(a, (short) v);
                    case 4 -> U.putInt(a, (int) v);
                    default -> U.putLong(a, v);
                }
            } finally {
                exitPage(slot, f);
            }
        } finally {
            exit(slot);
        }
        notifyWritten(gpa, size);
    }

    /** Copies {@code len} bytes of guest memory at {@code gpa} into {@code dst}. */
    public void read(long gpa, byte[] dst, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        AccessSlot slot = enter();
        try {
            checkRange(gpa, len);
            long done = 0;
            while (done < len) {
                long a = gpa + done;
                int n = (int) Math.min(len - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
                int r = regionOf(a);
                int page = pageIndex(r, a);
                Foreign f = enterPage(slot, r, page);
                try {
                    U.copyMemory(null, hostOf(f, r, page, a), dst, sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET + off + done, n);
                } finally {
                    exitPage(slot, f);
                }
                done += n;
            }
        } finally {
            exit(slot);
        }
    }

    /** Copies {@code src} into guest memory at {@code gpa}. */
    public void write(long gpa, byte[] src, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        AccessSlot slot = enter();
        try {
            checkRange(gpa, len);
            long done = 0;
            while (done < len) {
                long a = gpa + done;
                int n = (int) Math.min(len - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
                int r = regionOf(a);
                int page = pageIndex(r, a);
                Foreign f = enterPage(slot, r, page);
                try {
                    U.copyMemory(src, sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET + off + done, null, hostOf(f, r, page, a), n);
                } finally {
                    exitPage(slot, f);
                }
                done += n;
            }
        } finally {
            exit(slot);
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
        AccessSlot slot = enter();
        try {
            checkRange(gpa, len);
            long done = 0;
            while (done < len) {
                long a = gpa + done;
                long n = Math.min(len - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
                int r = regionOf(a);
                int page = pageIndex(r, a);
                Foreign f = enterPage(slot, r, page);
                try {
                    U.setMemory(hostOf(f, r, page, a), n, value);
                } finally {
                    exitPage(slot, f);
                }
                done += n;
            }
        } finally {
            exit(slot);
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
