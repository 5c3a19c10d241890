package io.splitvisor.frontend;

import io.micrometer.core.instrument.Counter;
import io.splitvisor.abi.layout.BlkifLayout;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.backend.xenbus.DevicePaths;
import io.splitvisor.backend.xenbus.XenbusState;
import io.splitvisor.core.store.NodePermissions;
import io.splitvisor.core.store.StoreException;
import io.splitvisor.frontend.blk.BlockFrontend;
import io.splitvisor.frontend.vrng.VrngFrontend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store side of split drivers: Xen's directories, keys and permissions, and the handshake's paths. */
class XenbusLifecycleTest {
    private TestPlatform platform;
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        platform = new TestPlatform();
    }

    @AfterEach
    void tearDown() {
        platform.close();
    }

    private String read(String path) {
        return platform.dom0Store.read(path).orElse(null);
    }

    @Test
    void theToolstackWritesXensKeysAndPermissions() throws Exception {
        FrontendDomain guest = platform.guest("g");
        FrontendDomain other = platform.guest("other");
        Path img = dir.resolve("d.img");
        Files.write(img, new byte[8 * 512]);
        DevicePaths p = platform.backends.attachDisk(guest.domid(), 0, img, true);
        int fe = guest.domid();
        assertEquals("/local/domain/" + fe + "/device/vbd/51712", p.frontendDir());
        assertEquals(p.backendDir(), read(p.frontendDir() + "/backend"));
        assertEquals("0", read(p.frontendDir() + "/backend-id"));
        assertEquals("51712", read(p.frontendDir() + "/virtual-device"));
        assertEquals("disk", read(p.frontendDir() + "/device-type"));
        assertEquals(p.frontendDir(), read(p.backendDir() + "/frontend"));
        assertEquals(Integer.toString(fe), read(p.backendDir() + "/frontend-id"));
        assertEquals("1", read(p.backendDir() + "/online"));
        assertEquals(img.toAbsolutePath().toString(), read(p.backendDir() + "/params"));
        assertEquals("r", read(p.backendDir() + "/mode"));
        assertEquals(NodePermissions.parse("n" + fe + " r0"), platform.hv.store().getPerms(0, 0, p.frontendDir()));
        assertEquals(NodePermissions.parse("n0 r" + fe), platform.hv.store().getPerms(0, 0, p.backendDir()));
        assertEquals(NodePermissions.parse("n0 r" + fe), platform.hv.store().getPerms(0, 0, p.backendDir() + "/params"));

        TestPlatform.await("InitWait", () -> platform.backendState(p) == XenbusState.INIT_WAIT);
        assertEquals("8", read(p.backendDir() + "/sectors"));
        assertEquals("4", read(p.backendDir() + "/info"), "VDISK_READONLY");
        assertEquals("1", read(p.backendDir() + "/feature-flush-cache"));
        assertEquals("2", guest.store().read(p.backendDir() + "/state").orElseThrow(), "the guest reads its backend");
        guest.store().write(p.frontendDir() + "/ring-ref", "8");   // and writes its own directory
        StoreException denied = assertThrows(StoreException.class, () -> guest.store().write(p.backendDir() + "/state", "4"));
        assertEquals(Status.STATUS_EACCES, denied.status());
        assertEquals(Status.STATUS_EACCES,
                assertThrows(StoreException.class, () -> other.store().read(p.frontendDir() + "/backend")).status());
        assertEquals(Status.STATUS_EACCES,
                assertThrows(StoreException.class, () -> other.store().read(p.backendDir() + "/params")).status());
    }

    @Test
    void aFrontendThatPublishesConnectedInOneTransactionIsServed() throws Exception {
        // Mini-OS's blkfront: ring-ref, event-channel, protocol and state 4 at once.
        FrontendDomain guest = platform.guest("minios");
        Path img = dir.resolve("m.img");
        byte[] data = new byte[16 * 512];
        data[512] = 42;
        Files.write(img, data);
        DevicePaths p = platform.backends.attachDisk(guest.domid(), 0, img, false);
        TestPlatform.await("InitWait", () -> platform.backendState(p) == XenbusState.INIT_WAIT);
        long ringPage = guest.allocPage();
        FrontRing ring = new FrontRing(guest.memory(), ringPage, BlkifLayout.RING);
        ring.init();
        int ref = guest.grant(0, ringPage, false);
        int port = guest.allocUnbound(0);
        long dataPage = guest.allocPage();
        int dataRef = guest.grant(0, dataPage, false);
        RingClient client = new RingClient(guest, ring, port, 4, rsp -> rsp.getLong(BlkifLayout.RSP_ID));
        guest.store().transaction(tx -> Map.of("ring-ref", Integer.toString(ref), "event-channel", Integer.toString(port),
                "protocol", "x86_64-abi", "state", "4").forEach((k, v) ->
                guest.store().store().write(guest.domid(), tx, p.frontendDir() + "/" + k, v)));
        TestPlatform.await("Connected", () -> platform.backendState(p) == XenbusState.CONNECTED);
        ByteBuffer rsp = client.submit(0, BlockFrontend.request(BlkifLayout.OP_READ, 0, 1, 1, new int[] {dataRef}))
                .get(10, TimeUnit.SECONDS);
        assertEquals(BlkifLayout.STATUS_OKAY, rsp.getShort(BlkifLayout.RSP_STATUS));
        assertEquals(42, guest.memory().readU8(dataPage));
    }

    @Test
    void aCleanUnplugClosesTheDeviceThenRemovesIt() {
        FrontendDomain guest = platform.guest("g");
        DevicePaths p = platform.backends.attachRng(guest.domid(), 0);
        VrngFrontend rng = VrngFrontend.connect(guest, "0", TestPlatform.TIMEOUT);
        assertEquals(16, rng.read(16).length);
        platform.backends.attacher().unplug(p);
        TestPlatform.await("the backend asks the frontend to close", () -> platform.backendState(p) == XenbusState.CLOSING);
        rng.close();   // Closing, Closed: the backend may now let go
        TestPlatform.await("the backend directory goes", () -> !platform.dom0Store.exists(p.backendDir()));
        TestPlatform.await("the device goes", () -> platform.backends.manager().device(p).isEmpty());
    }

    @Test
    void aFrontendThatReinitialisesGetsAFreshInitWaitAndConnectsAgain() {
        FrontendDomain guest = platform.guest("g");
        DevicePaths p = platform.backends.attachRng(guest.domid(), 0);
        VrngFrontend first = VrngFrontend.connect(guest, "0", TestPlatform.TIMEOUT);
        first.read(8);
        first.xenbus().switchState(XenbusState.INITIALISING);   // e.g. its driver restarted, without closing
        TestPlatform.await("InitWait", () -> platform.backendState(p) == XenbusState.INIT_WAIT);
        VrngFrontend second = VrngFrontend.connect(guest, "0", TestPlatform.TIMEOUT);
        assertEquals(4096, second.read(4096).length);
        second.close();
        first.client().shutdown("replaced");
    }

    @Test
    void aMissingImageOrAnUnknownProtocolClosesTheDeviceWithTheReason() {
        FrontendDomain guest = platform.guest("g");
        DevicePaths p = platform.backends.attachDisk(guest.domid(), 0, dir.resolve("missing.img"), false);
        TestPlatform.await("Closing", () -> platform.backendState(p) == XenbusState.CLOSING);
        assertEquals("cannot open vbd/" + guest.domid() + "/51712: " + dir.resolve("missing.img").toAbsolutePath() + ": no such file",
                read(p.backendDir() + "/error"));

        DevicePaths rng = platform.backends.attachRng(guest.domid(), 0);
        TestPlatform.await("InitWait", () -> platform.backendState(rng) == XenbusState.INIT_WAIT);
        long ringPage = guest.allocPage();
        int ref = guest.grant(0, ringPage, false);
        int port = guest.allocUnbound(0);
        guest.store().transaction(tx -> Map.of("ring-ref", Integer.toString(ref), "event-channel", Integer.toString(port),
                "protocol", "x86_32-abi", "state", "3").forEach((k, v) ->
                guest.store().store().write(guest.domid(), tx, rng.frontendDir() + "/" + k, v)));
        TestPlatform.await("Closing", () -> platform.backendState(rng) == XenbusState.CLOSING);
        assertTrue(read(rng.backendDir() + "/error").contains("protocol x86_32-abi is not supported"));
    }

    @Test
    void eachDeviceHasItsMetersUntilItGoes() {
        FrontendDomain guest = platform.guest("g");
        DevicePaths p = platform.backends.attachRng(guest.domid(), 0);
        try (VrngFrontend rng = VrngFrontend.connect(guest, "0", TestPlatform.TIMEOUT)) {
            rng.read(10_000);
            Counter requests = platform.meters.get("splitvisor.ring.requests").tag("device", p.name()).counter();
            Counter bytes = platform.meters.get("splitvisor.ring.bytes").tag("device", p.name()).counter();
            assertEquals(3, requests.count());
            assertEquals(10_000, bytes.count());
        }
        platform.hv.destroy(guest.domain());
        TestPlatform.await("the meters go with the device",
                () -> platform.meters.find("splitvisor.ring.requests").tag("device", p.name()).counters().isEmpty());
    }
}
