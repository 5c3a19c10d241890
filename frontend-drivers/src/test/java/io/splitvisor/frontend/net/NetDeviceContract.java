package io.splitvisor.frontend.net;

import io.splitvisor.backend.net.MacAddress;
import io.splitvisor.backend.net.PortStats;
import io.splitvisor.backend.net.SwitchPort;
import io.splitvisor.frontend.TestPlatform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every network frontend must see from the vif backend and dom0's switch: subclasses say
 * how to make one ({@link #open}).
 */
public abstract class NetDeviceContract {
    protected static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    protected static final Duration WAIT = Duration.ofSeconds(5);
    protected static final Duration QUIET = Duration.ofMillis(200);
    protected TestPlatform platform;

    /** A new guest with one vif of address {@code mac}, connected. */
    protected abstract NetFrontendUnderTest open(TestPlatform platform, String name, long mac);

    @BeforeEach
    void startPlatform() {
        platform = new TestPlatform();
    }

    @AfterEach
    void stopPlatform() {
        platform.close();
    }

    protected static byte[] frame(long dst, long src, int length, int seed) {
        byte[] f = new byte[length];
        MacAddress.write(f, 0, dst);
        MacAddress.write(f, 6, src);
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xB5;   // local experimental ethertype
        for (int i = 14; i < length; i++) {
            f[i] = (byte) (seed * 31 + i);
        }
        return f;
    }

    private PortStats stats(long mac) {
        return platform.backends.bridge().lookup(mac).map(SwitchPort::stats).orElseThrow();
    }

    @Test
    void theInterfaceHasTheAddressTheToolstackGaveIt() {
        try (NetFrontendUnderTest a = open(platform, "a", 0x00163E000A01L)) {
            assertEquals(0x00163E000A01L, a.mac());
        }
    }

    @Test
    void broadcastsReachEveryoneAndUnicastOnlyItsDestination() {
        long ma = 0x00163E000001L;
        long mb = 0x00163E000002L;
        long mc = 0x00163E000003L;
        try (NetFrontendUnderTest a = open(platform, "a", ma);
             NetFrontendUnderTest b = open(platform, "b", mb);
             NetFrontendUnderTest c = open(platform, "c", mc)) {
            byte[] hello = frame(BROADCAST, ma, 60, 1);
            a.send(hello);
            assertArrayEquals(hello, b.receive(WAIT));
            assertArrayEquals(hello, c.receive(WAIT));
            assertNull(a.receive(QUIET), "a broadcast is not sent back to its sender");

            byte[] reply = frame(ma, mb, 100, 2);
            b.send(reply);
            assertArrayEquals(reply, a.receive(WAIT));
            assertNull(c.receive(QUIET), "a unicast frame goes to its destination's port only");
        }
    }

    @Test
    void unknownUnicastIsFlooded() {
        long ma = 0x00163E000011L;
        long mb = 0x00163E000012L;
        try (NetFrontendUnderTest a = open(platform, "a", ma);
             NetFrontendUnderTest b = open(platform, "b", mb)) {
            byte[] f = frame(0x00163E0000FFL, ma, 64, 3);
            a.send(f);
            assertArrayEquals(f, b.receive(WAIT));
        }
    }

    @Test
    void fullSizeFramesArriveIntactAndInOrder() {
        long ma = 0x00163E000021L;
        long mb = 0x00163E000022L;
        try (NetFrontendUnderTest a = open(platform, "a", ma);
             NetFrontendUnderTest b = open(platform, "b", mb)) {
            int n = 200;
            Thread sender = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    a.send(frame(mb, ma, 14 + (i * 7) % 1501, i));
                }
            });
            sender.start();
            for (int i = 0; i < n; i++) {
                byte[] got = b.receive(WAIT);
                assertNotNull(got, "frame " + i);
                assertArrayEquals(frame(mb, ma, 14 + (i * 7) % 1501, i), got, "frame " + i);
            }
            try {
                sender.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] max = frame(mb, ma, 1514, 99);
            a.send(max);
            assertArrayEquals(max, b.receive(WAIT));
        }
    }

    @Test
    void thePortsCountWhatPassed() {
        long ma = 0x00163E000031L;
        long mb = 0x00163E000032L;
        try (NetFrontendUnderTest a = open(platform, "a", ma);
             NetFrontendUnderTest b = open(platform, "b", mb)) {
            for (int i = 0; i < 10; i++) {
                a.send(frame(mb, ma, 100, i));
                assertNotNull(b.receive(WAIT));
            }
            PortStats sa = stats(ma);
            PortStats sb = stats(mb);
            assertEquals(10, sa.txFrames());
            assertEquals(1000, sa.txBytes());
            assertEquals(10, sb.rxFrames());
            assertEquals(1000, sb.rxBytes());
            assertEquals(0, sb.rxDrops());
            assertEquals(0, sa.rxFrames());
            assertEquals(0, sb.txFrames());
        }
    }

    @Test
    void aClosedInterfaceLeavesTheSwitchAndItsAddressIsForgotten() {
        long ma = 0x00163E000041L;
        long mb = 0x00163E000042L;
        try (NetFrontendUnderTest a = open(platform, "a", ma)) {
            NetFrontendUnderTest b = open(platform, "b", mb);
            assertEquals(2, platform.backends.bridge().ports().size());
            b.close();
            TestPlatform.await("b's port goes", () -> platform.backends.bridge().ports().size() == 1);
            assertTrue(platform.backends.bridge().lookup(mb).isEmpty());
            a.send(frame(mb, ma, 60, 1));
            TestPlatform.await("the frame to the gone address was taken", () -> stats(ma).txFrames() == 1);
        }
    }
}
