package io.splitvisor.frontend.net;

import io.splitvisor.abi.layout.NetifLayout;
import io.splitvisor.abi.layout.SharedRing;
import io.splitvisor.backend.net.MacAddress;
import io.splitvisor.backend.net.PortStats;
import io.splitvisor.backend.net.SwitchPort;
import io.splitvisor.backend.xenbus.DevicePaths;
import io.splitvisor.backend.xenbus.XenbusState;
import io.splitvisor.frontend.FrontendDomain;
import io.splitvisor.frontend.TestPlatform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A hostile netfront: bad slots are answered with errors and counted; a broken ring closes that vif only. */
class NetHostileFrontendTest {
    private static final long MA = 0x00163E00AA01L;
    private static final long MB = 0x00163E00AA02L;
    private TestPlatform platform;

    @BeforeEach
    void setUp() {
        platform = new TestPlatform();
    }

    @AfterEach
    void tearDown() {
        platform.close();
    }

    private record Nic(FrontendDomain guest, NetFrontend fe, DevicePaths paths) {
    }

    private Nic nic(String name, long mac, int rxPosted) {
        FrontendDomain g = platform.guest(name);
        DevicePaths p = platform.backends.attachNic(g.domid(), 0, mac);
        return new Nic(g, NetFrontend.connect(g, "0", TestPlatform.TIMEOUT, rxPosted), p);
    }

    private static byte[] frame(long dst, long src, int length) {
        byte[] f = new byte[length];
        MacAddress.write(f, 0, dst);
        MacAddress.write(f, 6, src);
        return f;
    }

    private PortStats stats(long mac) {
        return platform.backends.bridge().lookup(mac).map(SwitchPort::stats).orElseThrow();
    }

    @Test
    void malformedTransmitSlotsAreErrorsAndReachNoOne() {
        Nic a = nic("a", MA, NetFrontend.RX_BUFFERS);
        Nic b = nic("b", MB, NetFrontend.RX_BUFFERS);
        int ref = a.fe.txPageRef(0);
        a.fe.sendRaw(NetFrontend.txRequest(ref, 4000, 0, 60000, 200));                 // crosses the page
        a.fe.sendRaw(NetFrontend.txRequest(ref, 0, 0, 60001, 1515));                   // over 1514
        a.fe.sendRaw(NetFrontend.txRequest(ref, 0, 0, 60002, 13));                     // runt
        a.fe.sendRaw(NetFrontend.txRequest(ref, 0, NetifLayout.TXF_MORE_DATA, 60003, 60)); // needs feature-sg
        a.fe.sendRaw(NetFrontend.txRequest(4000, 0, 0, 60004, 60));                    // never granted
        TestPlatform.await("five errors", () -> a.fe.txErrors() == 5);
        assertEquals(5, stats(MA).txDrops());
        assertEquals(0, stats(MA).txFrames());
        assertNull(b.fe.receive(Duration.ofMillis(200)), "nothing reached the other guest");

        byte[] good = frame(MB, MA, 60);
        a.fe.send(good);
        assertArrayEquals(good, b.fe.receive(TestPlatform.TIMEOUT), "the vif still works");
    }

    @Test
    void framesWaitForReceiveBuffersThenDropWithoutBlockingTheSender() {
        Nic a = nic("a", MA, NetFrontend.RX_BUFFERS);
        Nic b = nic("b", MB, 0);   // posts no receive buffer
        int n = 300;
        for (int i = 0; i < n; i++) {
            a.fe.send(frame(MB, MA, 100));
        }
        TestPlatform.await("every frame left a", () -> stats(MA).txFrames() == n);
        TestPlatform.await("the overflow is counted", () -> stats(MB).rxDrops() == n - 256);
        assertEquals(0, stats(MB).rxFrames());
        assertNull(b.fe.receive(Duration.ofMillis(100)));
    }

    @Test
    void aReceiveBufferTheBackendCannotWriteIsAnErrorAndADrop() {
        Nic a = nic("a", MA, NetFrontend.RX_BUFFERS);
        Nic b = nic("b", MB, 0);
        long page = b.guest.allocPage();
        int readOnly = b.guest.grant(0, page, true);
        ByteBuffer req = ByteBuffer.allocate(NetifLayout.RX_REQUEST.size()).order(ByteOrder.LITTLE_ENDIAN);
        req.putShort(NetifLayout.RX_REQ_ID, (short) 3);
        req.putInt(NetifLayout.RX_REQ_GREF, readOnly);
        synchronized (b.fe.rxRing()) {
            b.fe.rxRing().putRequest(req.array());
            b.fe.rxRing().pushRequests();
        }
        b.guest.notify(b.fe.port());
        a.fe.send(frame(MB, MA, 100));
        TestPlatform.await("the frame is dropped", () -> stats(MB).rxDrops() == 1);
        TestPlatform.await("the frontend sees an error response", () -> b.fe.rxErrors() == 1);
        assertArrayEquals(new byte[100], b.guest.memory().read(page, 100), "the read-only page was not written");
    }

    @Test
    void aTransmitProducerFarAheadClosesThatVifOnly() {
        Nic a = nic("a", MA, NetFrontend.RX_BUFFERS);
        Nic b = nic("b", MB, NetFrontend.RX_BUFFERS);
        Nic c = nic("c", 0x00163E00AA03L, NetFrontend.RX_BUFFERS);
        a.guest.memory().writeU32(a.fe.txRing().gpa() + SharedRing.REQ_PROD, 100_000);
        a.guest.notify(a.fe.port());
        TestPlatform.await("a's vif closes", () -> platform.backendState(a.paths) == XenbusState.CLOSING);
        assertTrue(platform.dom0Store.read(a.paths.backendDir() + "/error").orElse("").contains("protocol violation"));
        TestPlatform.await("a's port leaves the switch", () -> platform.backends.bridge().lookup(MA).isEmpty());
        byte[] f = frame(0x00163E00AA03L, MB, 80);
        b.fe.send(f);
        assertArrayEquals(f, c.fe.receive(TestPlatform.TIMEOUT));
    }
}
