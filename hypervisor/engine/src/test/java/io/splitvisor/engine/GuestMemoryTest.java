package io.splitvisor.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GuestMemoryTest {
    @Test
    void refusesOverlappingAndMisalignedRegions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuestMemory.allocate(new MemoryRegion(0, 0x200000), new MemoryRegion(0x100000, 0x1000)));
        assertEquals("memory regions 0x0-0x200000 and 0x100000-0x101000 overlap", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(0x10, 0x1000));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(0, 0));
    }

    @Test
    void pagesAreAlignedAndOutsideRegionsIsMmio() {
        GuestMemory m = GuestMemory.allocate(new MemoryRegion(0, 0x10000), new MemoryRegion(0x100000, 0x2000));
        assertEquals(0, m.hostPageAddress(0x1234) & 0xFFF);
        assertEquals(-1, m.hostPageAddress(0x20000));
        assertTrue(m.isRam(0x101FFF));
        assertFalse(m.isRam(0x102000));
        for (GuestMemory.Chunk c : m.chunks()) {
            assertEquals(0, c.hostAddress() & 0xFFF);
        }
    }

    @Test
    void hostAccessorsAreLittleEndianAndBoundsChecked() {
        GuestMemory m = GuestMemory.allocate(new MemoryRegion(0, 0x2000));
        m.writeU64(0xFFC, 0x1122334455667788L); // crosses a page boundary
        assertEquals(0x1122334455667788L, m.readU64(0xFFC));
        assertEquals(0x88, m.readU8(0xFFC));
        assertEquals(0x55667788L, m.readU32(0xFFC));
        GuestMemoryException e = assertThrows(GuestMemoryException.class, () -> m.readU32(0x1FFE));
        assertTrue(e.getMessage().contains("0x1ffe"), e.getMessage());
        assertThrows(GuestMemoryException.class, () -> m.write(0x1FF0, new byte[32]));
        byte[] data = {1, 2, 3};
        m.write(0x10, data);
        assertArrayEquals(data, m.read(0x10, 3));
    }

    @Test
    void foreignPagesMapAndUnmapAndListenersHearOfIt() {
        GuestMemory a = GuestMemory.allocate(new MemoryRegion(0, 0x4000));
        GuestMemory b = GuestMemory.allocate(new MemoryRegion(0, 0x4000));
        b.writeU32(0x2000, 0xCAFEBABEL);
        List<String> events = new ArrayList<>();
        a.addListener(new GuestMemoryListener() {
            @Override
            public void codeWritten(long first, long last) {
                events.add("code " + Long.toHexString(first));
            }

            @Override
            public void mappingChanged(long page) {
                events.add("map " + Long.toHexString(page));
            }
        });
        a.mapForeignPage(0x1000, b, 0x2000);
        assertEquals(0xCAFEBABEL, a.readU32(0x1000));
        a.writeU32(0x1004, 7);
        assertEquals(7, b.readU32(0x2004));
        a.unmapForeignPage(0x1000);
        assertEquals(0, a.readU32(0x1000));
        a.markCodePage(0x3000);
        a.writeU8(0x3010, 1);
        a.writeU8(0x2010, 1); // not a code page: no event
        assertEquals(List.of("map 1000", "map 1000", "code 3000"), events);
    }

    // ---- native memory and references ----------------------------------------------------------------------

    private static boolean linux() {
        return System.getProperty("os.name").toLowerCase().contains("linux");
    }

    /** Whether {@code address} lies in one of this process's mappings (/proc/self/maps). */
    private static boolean mapped(long address) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] range = line.substring(0, line.indexOf(' ')).split("-");
            if (Long.compareUnsigned(address, Long.parseUnsignedLong(range[0], 16)) >= 0
                    && Long.compareUnsigned(address, Long.parseUnsignedLong(range[1], 16)) < 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void ramIsAnonymousMemoryZeroedLazily() throws IOException {
        if (!linux()) {
            return;
        }
        assertTrue(GuestMemory.usesAnonymousMappings(), "mmap through JNA works here");
        // 4 GiB of RAM costs nothing until it is touched
        GuestMemory m = GuestMemory.allocate(new MemoryRegion(0, 4L << 30));
        try {
            assertEquals(0, m.readU64(0));
            assertEquals(0, m.readU64((4L << 30) - 8));
            m.writeU64(3L << 30, 0x1234);
            assertEquals(0x1234, m.readU64(3L << 30));
            assertEquals(4, m.chunks().size(), "1 GiB chunks");
            for (int i = 1; i < 4; i++) {
                GuestMemory.Chunk c = m.chunks().get(i);
                assertEquals(m.chunks().get(i - 1).hostAddress() + (1L << 30), c.hostAddress(), "one mapping");
                assertEquals(1L << 30, c.buffer().capacity());
            }
            assertEquals(0x34, m.chunks().get(3).buffer().get(0));
            assertTrue(mapped(m.hostPageAddress(0)));
        } finally {
            m.release();
        }
    }

    @Test
    void releaseUnmapsAndEveryLaterAccessThrows() throws IOException {
        GuestMemory m = GuestMemory.allocate(new MemoryRegion(0, 0x10000), new MemoryRegion(0x100000, 0x4000));
        m.writeU32(0x100, 0xDEADBEEFL);
        long host = m.hostPageAddress(0);
        long high = m.hostPageAddress(0x101000);
        assertEquals(1, m.references());
        m.retain();
        m.release();
        assertFalse(m.isReleased(), "the owner's reference is still held");
        assertEquals(0xDEADBEEFL, m.readU32(0x100));
        m.release();
        assertTrue(m.isReleased());
        assertEquals(0, m.references());
        assertEquals(-1, m.hostPageAddress(0), "page addresses are invalidated");
        assertEquals(-1, m.hostPageAddress(0x101000));
        assertTrue(m.chunks().isEmpty());
        if (linux() && GuestMemory.usesAnonymousMappings()) {
            assertFalse(mapped(host), "the RAM was unmapped");
            assertFalse(mapped(high));
        }
        assertThrows(GuestMemoryException.class, () -> m.readU32(0x100));
        assertThrows(GuestMemoryException.class, () -> m.readU8(0x101000));
        assertThrows(GuestMemoryException.class, () -> m.writeU64(0x100, 1));
        assertThrows(GuestMemoryException.class, () -> m.read(0, 16));
        assertThrows(GuestMemoryException.class, () -> m.write(0x100, new byte[3]));
        assertThrows(GuestMemoryException.class, () -> m.fill(0, 0x1000, (byte) 1));
        assertThrows(GuestMemoryException.class, m::retain);
        assertFalse(m.tryRetain());
        assertThrows(IllegalStateException.class, m::release);
        GuestMemory other = GuestMemory.allocate(new MemoryRegion(0, 0x4000));
        assertThrows(GuestMemoryException.class, () -> other.mapForeignPage(0x1000, m, 0));
        assertThrows(GuestMemoryException.class, () -> m.mapForeignPage(0x1000, other, 0));
        assertEquals(1, other.references(), "a failed mapping keeps no reference");
        other.release();
    }

    @Test
    void foreignMappingsKeepTheirSourceAliveUntilUnmapped() throws IOException {
        GuestMemory mapper = GuestMemory.allocate(new MemoryRegion(0, 0x4000));
        GuestMemory source = GuestMemory.allocate(new MemoryRegion(0, 0x4000));
        source.writeU32(0x2000, 0xCAFEBABEL);
        long sourcePage = source.hostPageAddress(0x2000);
        mapper.mapForeignPage(0x1000, source, 0x2000);
        mapper.mapForeignPage(0x3000, source, 0x2000);
        assertEquals(3, source.references(), "the owner's and one per mapping");
        source.release(); // the source's owner is done with it (its domain was destroyed)
        assertFalse(source.isReleased());
        assertEquals(0xCAFEBABEL, mapper.readU32(0x1000), "still readable through the mapping");
        mapper.writeU32(0x3004, 5);
        assertEquals(5, mapper.readU32(0x1004));
        assertEquals(sourcePage, mapper.hostPageAddress(0x1000));
        mapper.unmapForeignPage(0x1000);
        assertFalse(source.isReleased());
        assertEquals(0, mapper.readU32(0x1000), "the mapper's own page again");
        mapper.unmapForeignPage(0x3000);
        assertTrue(source.isReleased(), "the last mapping was its last reference");
        if (linux() && GuestMemory.usesAnonymousMappings()) {
            assertFalse(mapped(sourcePage));
        }
        mapper.unmapForeignPage(0x3000); // unmapping an own page again changes nothing
        mapper.release();
    }

    @Test
    void releasingTheMapperDropsItsMappingsAndRemappingDropsTheOldSource() {
        GuestMemory mapper = GuestMemory.allocate(new MemoryRegion(0, 0x4000));
        GuestMemory a = GuestMemory.allocate(new MemoryRegion(0, 0x4000));
        GuestMemory b = GuestMemory.allocate(new MemoryRegion(0, 0x4000));
        mapper.mapForeignPage(0x1000, a, 0);
        mapper.mapForeignPage(0x1000, b, 0);
        assertEquals(1, a.references(), "replaced mapping released its source");
        assertEquals(2, b.references());
        a.release();
        assertTrue(a.isReleased());
        b.release();
        assertFalse(b.isReleased());
        mapper.release();
        assertTrue(mapper.isReleased());
        assertTrue(b.isReleased(), "the mapper's release dropped its mapping's reference");
        mapper.unmapForeignPage(0x1000); // teardown after the release is harmless
    }

    @Test
    void concurrentReleaseDuringHostAccessesNeverReachesFreedMemory() throws Exception {
        int rounds = 150;
        int threads = 3;
        AtomicLong accesses = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        for (int round = 0; round < rounds; round++) {
            GuestMemory m = GuestMemory.allocate(new MemoryRegion(0, 0x40000));
            GuestMemory source = GuestMemory.allocate(new MemoryRegion(0, 0x4000));
            m.mapForeignPage(0x3F000, source, 0x1000);
            source.release(); // only the mapping keeps the source now
            CountDownLatch started = new CountDownLatch(threads);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int kind = t;
                Thread w = new Thread(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    byte[] buf = new byte[0x2000];
                    started.countDown();
                    try {
                        while (true) {
                            long gpa = rnd.nextLong(0x40000 - 0x2000);
                            switch ((kind + rnd.nextInt(4)) & 3) {
                                case 0 -> m.writeU64(gpa & ~7, gpa);
                                case 1 -> m.readU32(0x3F000 + (gpa & 0xFFC));
                                case 2 -> m.read(0x3E800, buf, 0, 0x1800); // spans an own and the foreign page
                                default -> m.fill(gpa, 0x1000, (byte) 1);
                            }
                            accesses.incrementAndGet();
                        }
                    } catch (GuestMemoryException e) {
                        refused.incrementAndGet(); // released under us: the only allowed way out
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                w.start();
                workers.add(w);
            }
            started.await();
            Thread.sleep(round % 3);
            m.release();
            for (Thread w : workers) {
                w.join(10_000);
                assertFalse(w.isAlive(), "a worker kept running after the release");
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertTrue(m.isReleased());
            assertTrue(source.isReleased(), "the mapper's release dropped the last reference to the source");
            assertEquals(-1, m.hostPageAddress(0x3F000));
        }
        assertEquals(rounds * threads, refused.get(), "every worker ended by a GuestMemoryException");
        assertTrue(accesses.get() > 0);
    }

    @Test
    void manyLargeMemoriesComeAndGoWithoutGrowingTheProcess() throws IOException {
        if (!linux() || !GuestMemory.usesAnonymousMappings()) {
            return;
        }
        long rss = status("VmRSS:");
        long size = status("VmSize:");
        for (int i = 0; i < 60; i++) {
            GuestMemory m = GuestMemory.allocate(new MemoryRegion(0, 64L << 20));
            for (long p = 0; p < (64L << 20); p += 8 * GuestMemory.PAGE_SIZE) {
                m.writeU8(p, 1); // 8 MiB resident
            }
            m.release();
        }
        long rssGrowth = status("VmRSS:") - rss;
        long sizeGrowth = status("VmSize:") - size;
        // kept, they would be 480 MiB resident and 3.75 GiB of address space
        assertTrue(rssGrowth < 256 * 1024, "RSS grew by " + rssGrowth + " KiB");
        assertTrue(sizeGrowth < 1024 * 1024, "the address space grew by " + sizeGrowth + " KiB");
    }

    /** A value in KiB from /proc/self/status. */
    static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }
}
