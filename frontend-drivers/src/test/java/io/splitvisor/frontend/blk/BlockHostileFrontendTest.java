package io.splitvisor.frontend.blk;

import io.splitvisor.abi.layout.BlkifLayout;
import io.splitvisor.abi.layout.SharedRing;
import io.splitvisor.backend.xenbus.DevicePaths;
import io.splitvisor.backend.xenbus.XenbusState;
import io.splitvisor.frontend.FrontendDomain;
import io.splitvisor.frontend.TestPlatform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile frontend against the block backend: every malformed request is answered with an
 * error and changes nothing on the image; a broken ring closes that device only; dom0 keeps
 * serving the other guests.
 */
class BlockHostileFrontendTest {
    private static final int SECTOR = 512;
    private static final int IMAGE_SECTORS = 256;
    private TestPlatform platform;
    @TempDir
    Path dir;
    private byte[] original;

    @BeforeEach
    void setUp() {
        platform = new TestPlatform();
        original = new byte[IMAGE_SECTORS * SECTOR];
        new Random(11).nextBytes(original);
    }

    @AfterEach
    void tearDown() {
        platform.close();
    }

    private Path image(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, original);
        return p;
    }

    private record Disk(FrontendDomain guest, BlockFrontend fe, DevicePaths paths, Path image) {
    }

    private Disk disk(String name) throws IOException {
        Path img = image(name + ".img");
        FrontendDomain guest = platform.guest(name);
        DevicePaths p = platform.backends.attachDisk(guest.domid(), 0, img, false);
        return new Disk(guest, BlockFrontend.connect(guest, p.id(), TestPlatform.TIMEOUT), p, img);
    }

    /** Sends {@code request} (its id field is set here) and returns the response's status. */
    private static int send(BlockFrontend fe, byte[] request) throws Exception {
        int id = fe.client().acquireId(TestPlatform.TIMEOUT);
        try {
            ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN).putLong(BlkifLayout.REQ_ID, id);
            ByteBuffer rsp = fe.client().submit(id, request).get(10, TimeUnit.SECONDS);
            assertEquals(id, rsp.getLong(BlkifLayout.RSP_ID));
            return rsp.getShort(BlkifLayout.RSP_STATUS);
        } finally {
            fe.client().releaseId(id);
        }
    }

    private static byte[] request(int op, long sector, int sectors, int... grefs) {
        return BlockFrontend.request(op, 0, sector, sectors, grefs);
    }

    private static void segment(byte[] request, int index, int gref, int first, int last) {
        ByteBuffer b = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
        int at = BlkifLayout.REQ_SEGMENTS + index * BlkifLayout.SEGMENT_SIZE;
        b.putInt(at + BlkifLayout.SEG_GREF, gref);
        b.put(at + BlkifLayout.SEG_FIRST_SECT, (byte) first);
        b.put(at + BlkifLayout.SEG_LAST_SECT, (byte) last);
    }

    private void assertImageUnchanged(Disk d) throws IOException {
        assertArrayEquals(original, Files.readAllBytes(d.image), "the image file is unchanged");
    }

    @Test
    void badAndForeignGrantReferencesAreErrorsAndWriteNothing() throws Exception {
        Disk d = disk("badref");
        int good = d.fe.pageRef(0, 0);
        assertEquals(BlkifLayout.STATUS_ERROR, send(d.fe, request(BlkifLayout.OP_WRITE, 0, 16, good, 4000)),
                "a never-granted ref in the second segment");
        assertEquals(BlkifLayout.STATUS_ERROR, send(d.fe, request(BlkifLayout.OP_WRITE, 0, 8, -1)), "a ref out of range");
        long page = d.guest.allocPage();
        int foreign = d.guest.grant(d.guest.domid() + 50, page, false);
        assertEquals(BlkifLayout.STATUS_ERROR, send(d.fe, request(BlkifLayout.OP_WRITE, 8, 8, foreign)),
                "a grant made out to another domain");
        assertEquals(BlkifLayout.STATUS_ERROR, send(d.fe, request(BlkifLayout.OP_READ, 8, 16, good, 4001)));
        assertImageUnchanged(d);
        byte[] back = new byte[SECTOR];
        d.fe.read(3, back, 0, SECTOR);
        assertArrayEquals(Arrays.copyOfRange(original, 3 * SECTOR, 4 * SECTOR), back, "the device still serves");
    }

    @Test
    void aReadIntoAReadOnlyGrantIsAnErrorButAWriteFromOneWorks() throws Exception {
        Disk d = disk("rogrant");
        long page = d.guest.allocPage();
        byte[] data = new byte[4096];
        new Random(3).nextBytes(data);
        d.guest.memory().write(page, data);
        int ro = d.guest.grant(0, page, true);
        assertEquals(BlkifLayout.STATUS_ERROR, send(d.fe, request(BlkifLayout.OP_READ, 0, 8, ro)));
        assertArrayEquals(data, d.guest.memory().read(page, 4096), "the read-only page was not written");
        assertEquals(BlkifLayout.STATUS_OKAY, send(d.fe, request(BlkifLayout.OP_WRITE, 16, 8, ro)));
        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(d.image), 16 * SECTOR, 24 * SECTOR));
    }

    @Test
    void malformedSegmentsAreErrors() throws Exception {
        Disk d = disk("segs");
        int ref = d.fe.pageRef(0, 0);
        byte[] firstAfterLast = request(BlkifLayout.OP_WRITE, 0, 8, ref);
        segment(firstAfterLast, 0, ref, 5, 4);
        byte[] pastThePage = request(BlkifLayout.OP_WRITE, 0, 8, ref);
        segment(pastThePage, 0, ref, 0, 8);
        byte[] wayPast = request(BlkifLayout.OP_WRITE, 0, 8, ref);
        segment(wayPast, 0, ref, 200, 255);
        byte[] noSegments = request(BlkifLayout.OP_WRITE, 0, 8, ref);
        noSegments[BlkifLayout.REQ_NR_SEGMENTS] = 0;
        byte[] twelve = request(BlkifLayout.OP_WRITE, 0, 8, ref);
        twelve[BlkifLayout.REQ_NR_SEGMENTS] = 12;
        byte[] readNone = request(BlkifLayout.OP_READ, 0, 8, ref);
        readNone[BlkifLayout.REQ_NR_SEGMENTS] = 0;
        for (byte[] r : new byte[][] {firstAfterLast, pastThePage, wayPast, noSegments, twelve, readNone}) {
            assertEquals(BlkifLayout.STATUS_ERROR, send(d.fe, r));
        }
        assertImageUnchanged(d);
    }

    @Test
    void sectorsPastTheEndAreErrorsWhateverTheArithmetic() throws Exception {
        Disk d = disk("end");
        int[] refs = new int[11];
        for (int i = 0; i < 11; i++) {
            refs[i] = d.fe.pageRef(0, i);
        }
        assertEquals(BlkifLayout.STATUS_ERROR, send(d.fe, request(BlkifLayout.OP_WRITE, IMAGE_SECTORS - 1, 2, refs)));
        assertEquals(BlkifLayout.STATUS_ERROR, send(d.fe, request(BlkifLayout.OP_WRITE, -1L, 8, refs)), "sector 2^64-1");
        assertEquals(BlkifLayout.STATUS_ERROR, send(d.fe, request(BlkifLayout.OP_WRITE, Long.MIN_VALUE, 88, refs)));
        assertEquals(BlkifLayout.STATUS_ERROR, send(d.fe, request(BlkifLayout.OP_WRITE, -88L, 88, refs)),
                "a range that wraps around 2^64");
        assertEquals(BlkifLayout.STATUS_OKAY, send(d.fe, request(BlkifLayout.OP_READ, IMAGE_SECTORS - 88, 88, refs)));
        assertImageUnchanged(d);
    }

    @Test
    void unknownOperationsAreNotSupported() throws Exception {
        Disk d = disk("ops");
        int ref = d.fe.pageRef(0, 0);
        for (int op : new int[] {BlkifLayout.OP_INDIRECT, 2, 4, 7, 255}) {
            assertEquals(BlkifLayout.STATUS_EOPNOTSUPP, send(d.fe, request(op, 0, 8, ref)), "op " + op);
        }
        assertImageUnchanged(d);
    }

    @Test
    void theBackendActsOnItsCopyWhenTheSlotIsRewrittenUnderIt() throws Exception {
        FrontendDomain guest = platform.guest("dbl");
        Path img = image("dbl.img");
        long[] ringGpa = new long[1];
        platform.backends.manager().setTracer((device, ring, index, copy) -> {
            if (!device.startsWith("vbd/" + guest.domid() + "/")) {
                return;
            }
            // The frontend rewrites the slot right after the backend copied it: a write of 88
            // sectors at sector 0, then a sector number far past the end.
            long slot = ringGpa[0] + BlkifLayout.RING.slotOffset(index);
            guest.memory().writeU8(slot + BlkifLayout.REQ_OPERATION, BlkifLayout.OP_WRITE);
            guest.memory().writeU8(slot + BlkifLayout.REQ_NR_SEGMENTS, 11);
            guest.memory().writeU64(slot + BlkifLayout.REQ_SECTOR_NUMBER, 0);
        });
        DevicePaths p = platform.backends.attachDisk(guest.domid(), 0, img, false);
        BlockFrontend fe = BlockFrontend.connect(guest, p.id(), TestPlatform.TIMEOUT);
        ringGpa[0] = fe.client().ring().gpa();
        guest.memory().fill(fe.page(0, 0), 4096, (byte) 0x5A);
        assertEquals(BlkifLayout.STATUS_OKAY, send(fe, request(BlkifLayout.OP_READ, 5, 1, fe.pageRef(0, 0))));
        assertArrayEquals(Arrays.copyOfRange(original, 5 * SECTOR, 6 * SECTOR), guest.memory().read(fe.page(0, 0), SECTOR),
                "the backend read sector 5, as the copy said");
        assertArrayEquals(original, Files.readAllBytes(img), "and wrote nothing");
    }

    @Test
    void aProducerIndexFarAheadClosesThatDeviceOnlyAndItCanReconnect() throws Exception {
        Disk bad = disk("bad");
        Disk good = disk("good");
        // The frontend claims 1000 requests on a ring of 32.
        bad.guest.memory().writeU32(bad.fe.client().ring().gpa() + SharedRing.REQ_PROD, 1000);
        bad.guest.notify(bad.fe.port());
        TestPlatform.await("the backend closes the broken device", () -> platform.backendState(bad.paths) == XenbusState.CLOSING);
        String error = platform.dom0Store.read(bad.paths.backendDir() + "/error").orElse("");
        assertTrue(error.contains("protocol violation") && error.contains("1000"), error);
        assertImageUnchanged(bad);

        byte[] back = new byte[8 * SECTOR];
        good.fe.read(100, back, 0, back.length);
        assertArrayEquals(Arrays.copyOfRange(original, 100 * SECTOR, 108 * SECTOR), back, "the other guest is still served");

        // The frontend acknowledges (Closed), re-initialises (Initialising) and connects afresh.
        bad.fe.xenbus().switchState(XenbusState.CLOSED);
        TestPlatform.await("Closed", () -> platform.backendState(bad.paths) == XenbusState.CLOSED);
        bad.fe.xenbus().switchState(XenbusState.INITIALISING);
        BlockFrontend again = BlockFrontend.connect(bad.guest, bad.paths.id(), TestPlatform.TIMEOUT);
        again.read(100, back, 0, back.length);
        assertArrayEquals(Arrays.copyOfRange(original, 100 * SECTOR, 108 * SECTOR), back);
    }

    @Test
    void anEventStormCostsTheSenderAndTheDevicesKeepServing() throws Exception {
        Disk storm = disk("storm");
        Disk quiet = disk("quiet");
        int sends = 200_000;
        Thread stormer = new Thread(() -> {
            for (int i = 0; i < sends; i++) {
                storm.guest.notify(storm.fe.port());
            }
        });
        stormer.start();
        byte[] back = new byte[44 * SECTOR];
        for (int i = 0; i < 20; i++) {
            quiet.fe.read(i, back, 0, back.length);
            assertArrayEquals(Arrays.copyOfRange(original, i * SECTOR, (i + 44) * SECTOR), back);
        }
        stormer.join();
        storm.fe.read(0, back, 0, back.length);
        assertArrayEquals(Arrays.copyOf(original, 44 * SECTOR), back);
        double wakeups = platform.backends.manager().device(storm.paths).orElseThrow().context().metrics().wakeups();
        assertTrue(wakeups <= sends + 2, "events coalesce: " + wakeups + " wakeups for " + sends + " sends");
        assertEquals(XenbusState.CONNECTED, platform.backendState(storm.paths));
    }

    @Test
    void anUnmappableRingOrAPortNotOfferedToDom0ClosesTheDeviceWithAReason() throws Exception {
        for (String broken : new String[] {"ring-ref", "event-channel"}) {
            FrontendDomain guest = platform.guest("bad-" + broken);
            DevicePaths p = platform.backends.attachDisk(guest.domid(), 0, image(broken + ".img"), false);
            TestPlatform.await("InitWait", () -> platform.backendState(p) == XenbusState.INIT_WAIT);
            long ring = guest.allocPage();
            int ref = guest.grant(0, ring, false);
            int port = guest.allocUnbound(0);
            Map<String, String> keys = broken.equals("ring-ref")
                    ? Map.of("ring-ref", "4000", "event-channel", Integer.toString(port))
                    : Map.of("ring-ref", Integer.toString(ref), "event-channel", Integer.toString(guest.allocUnbound(guest.domid())));
            guest.store().transaction(tx -> {
                keys.forEach((k, v) -> guest.store().store().write(guest.domid(), tx, p.frontendDir() + "/" + k, v));
                guest.store().store().write(guest.domid(), tx, p.frontendDir() + "/state", "3");
            });
            TestPlatform.await("Closing", () -> platform.backendState(p) == XenbusState.CLOSING);
            assertTrue(platform.dom0Store.read(p.backendDir() + "/error").orElse("").startsWith("cannot connect"));
            assertEquals(0, guest.grantFlags(ref) & (8 | 16), "nothing stays mapped");
        }
    }

    @Test
    void aGuestThatDiesLosesItsDevicesAndTheOthersKeepTheirs() throws Exception {
        Disk doomed = disk("doomed");
        Disk other = disk("other");
        platform.hv.destroy(doomed.guest.domain());
        TestPlatform.await("the backend directory is gone", () -> !platform.dom0Store.exists(doomed.paths.backendDir()));
        TestPlatform.await("the device is gone", () -> platform.backends.manager().device(doomed.paths).isEmpty());
        byte[] back = new byte[SECTOR];
        other.fe.read(1, back, 0, SECTOR);
        assertArrayEquals(Arrays.copyOfRange(original, SECTOR, 2 * SECTOR), back);
    }
}
