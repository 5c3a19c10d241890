package io.splitvisor.core.domain;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.layout.ConsoleRingLayout;
import io.splitvisor.core.console.ConsoleLog;
import io.splitvisor.core.console.ConsoleRingBackend;
import io.splitvisor.core.grant.GrantedPage;
import io.splitvisor.core.memory.GuestPhysicalMap;
import io.splitvisor.core.store.RingError;
import io.splitvisor.core.store.Store;
import io.splitvisor.core.store.StoreRingConnection;
import io.splitvisor.core.testing.TestGuests;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.GuestMemoryException;
import io.splitvisor.engine.MemoryRegion;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Destroying a domain returns its memory at once, unless another domain still pins it; nothing touches it after. */
class MemoryReleaseTest {
    private static boolean linux() {
        return System.getProperty("os.name").toLowerCase().contains("linux");
    }

    /** A value in KiB from /proc/self/status. */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + field);
    }

    @Test
    void destroyReleasesTheMemoryOfARunGuest() throws Exception {
        try (Hypervisor hv = new Hypervisor(new Engines())) {
            Domain d = hv.createGuest(DomainConfig.guest("hello", TestGuests.build("hello")));
            hv.start(d);
            assertEquals(7, d.ended().get(30, TimeUnit.SECONDS).exitCode(), d.console().text());
            GuestMemory memory = d.memory();
            assertFalse(memory.isReleased(), "an ended domain keeps its memory until it is destroyed");
            hv.destroy(d);
            assertTrue(memory.isReleased());
            assertThrows(GuestMemoryException.class, () -> memory.readU64(GuestPhysicalMap.SHARED_INFO));
            hv.destroy(d); // a second destroy changes nothing
            assertTrue(memory.isReleased());
        }
    }

    @Test
    void twoHundredDomainsOf64MiBComeAndGoWithoutGrowingTheProcess() throws Exception {
        try (Hypervisor hv = new Hypervisor(new Engines())) {
            DomainConfig config = DomainConfig.guest("hello", TestGuests.build("hello"));
            assertEquals(64L << 20, config.memoryBytes());
            // warm up, so the JVM's own growth (code, heap) is not counted
            for (int i = 0; i < 5; i++) {
                Domain d = hv.createGuest(config);
                hv.start(d);
                d.ended().get(30, TimeUnit.SECONDS);
                hv.destroy(d);
            }
            long rss = linux() ? status("VmRSS:") : 0;
            long size = linux() ? status("VmSize:") : 0;
            for (int i = 0; i < 200; i++) {
                Domain d = hv.createGuest(config);
                if (i % 4 == 0) {
                    hv.start(d);
                    assertEquals(7, d.ended().get(30, TimeUnit.SECONDS).exitCode(), d.console().text());
                }
                GuestMemory m = d.memory();
                for (long p = 32 << 20; p < (34 << 20); p += GuestMemory.PAGE_SIZE) {
                    m.writeU8(p, 1); // 2 MiB more resident per domain
                }
                hv.destroy(d);
                assertTrue(m.isReleased());
            }
            if (linux()) {
                long rssGrowth = status("VmRSS:") - rss;
                long sizeGrowth = status("VmSize:") - size;
                // kept, the 200 domains would hold 12.5 GiB of address space and over 400 MiB resident
                assertTrue(sizeGrowth < 2L * 1024 * 1024, "the address space grew by " + sizeGrowth + " KiB");
                assertTrue(rssGrowth < 300 * 1024, "RSS grew by " + rssGrowth + " KiB");
            }
        }
    }

    /** Writes grant entry {@code ref} of {@code granter} for {@code grantee}. */
    private static void grant(Domain granter, int ref, int grantee, long page) {
        long entry = GuestPhysicalMap.GRANT_TABLE + ref * 8L;
        granter.memory().writeU16(entry + 2, grantee);
        granter.memory().writeU32(entry + 4, page >>> 12);
        granter.memory().writeU16(entry, AbiConstants.GTF_PERMIT_ACCESS);
    }

    @Test
    void aMappedGrantKeepsTheGrantersMemoryAfterItIsDestroyed() {
        try (Hypervisor hv = new Hypervisor(new Engines())) {
            Domain granter = hv.createHostDomain("granter", 1 << 20);
            Domain backend = hv.createHostDomain("backend", 1 << 20);
            granter.memory().write(0x40000, "still here".getBytes(StandardCharsets.US_ASCII));
            grant(granter, 8, backend.domid(), 0x40000);
            GrantedPage page = hv.grants().mapForHost(backend, granter.domid(), 8, false);
            GuestMemory memory = granter.memory();
            assertEquals(2, memory.references(), "the owner's and the pin's");
            hv.destroy(granter);
            assertFalse(memory.isReleased(), "the backend's mapping pins it");
            byte[] b = new byte[10];
            page.read(0, b, 0, 10);
            assertArrayEquals("still here".getBytes(StandardCharsets.US_ASCII), b);
            page.writeU32(64, 5);
            hv.grants().unmap(backend, page.handle());
            assertTrue(memory.isReleased(), "the last pin took the memory with it");
            assertThrows(GuestMemoryException.class, () -> page.readU8(0));
        }
    }

    @Test
    void copiesInFlightAndNewPinsOfADestroyedGranter() {
        try (Hypervisor hv = new Hypervisor(new Engines())) {
            Domain granter = hv.createHostDomain("granter", 1 << 20);
            Domain backend = hv.createHostDomain("backend", 1 << 20);
            grant(granter, 9, backend.domid(), 0x41000);
            byte[] data = new byte[16];
            hv.grants().copyFromGrant(backend, granter.domid(), 9, 0, data, 0, 16);
            assertEquals(1, granter.memory().references(), "a copy's pin is gone with the copy");
            GuestMemory memory = granter.memory();
            hv.destroy(granter);
            assertTrue(memory.isReleased());
            assertThrows(RuntimeException.class,
                    () -> hv.grants().copyFromGrant(backend, granter.domid(), 9, 0, data, 0, 16));
            assertThrows(RuntimeException.class, () -> granter.grantTable().pin(backend.domid(), 9, false),
                    "a pin of released memory is refused");
        }
    }

    @Test
    void consoleAndStoreServersLeaveReleasedMemoryAlone() {
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
        ConsoleLog log = new ConsoleLog("test");
        AtomicInteger notified = new AtomicInteger();
        ConsoleRingBackend console = new ConsoleRingBackend(memory, GuestPhysicalMap.CONSOLE_RING, log, notified::incrementAndGet);
        memory.writeU8(GuestPhysicalMap.CONSOLE_RING + ConsoleRingLayout.OUT, 'x');
        memory.writeU32(GuestPhysicalMap.CONSOLE_RING + ConsoleRingLayout.OUT_PROD, 1);
        console.service();
        assertEquals("x", log.text());
        Store store = new Store(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        store.introduceDomain(5);
        StoreRingConnection ring = new StoreRingConnection(store, 5, memory, GuestPhysicalMap.STORE_RING, notified::incrementAndGet);
        ring.process();
        memory.writeU8(GuestPhysicalMap.CONSOLE_RING + ConsoleRingLayout.OUT + 1, 'y');
        memory.writeU32(GuestPhysicalMap.CONSOLE_RING + ConsoleRingLayout.OUT_PROD, 2);
        int before = notified.get();

        memory.release();
        assertTrue(memory.isReleased());
        // notifications that were queued on dom0's executor before the domain went
        console.service();
        log.sendInput("abc".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), console.readInput(10), "queued input only");
        ring.process();
        assertEquals("x", log.text(), "nothing more was read from the ring");
        assertEquals(before, notified.get());
        assertEquals(RingError.NONE, ring.error(), "a released page is no protocol violation");
        assertFalse(console.broken());
    }
}
