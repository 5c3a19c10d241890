package io.splitvisor.backend.net;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.core.devices.PortDevice;
import io.splitvisor.core.devices.emulated.EthernetSegment;
import io.splitvisor.core.devices.emulated.Ne2000;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** An emulated NE2000 and a vif's switch port exchange frames through one {@link VirtualSwitch}. */
class SwitchSegmentTest {
    private static final long NIC_MAC = 0x0016_3E00_0101L;
    private static final long VIF_MAC = 0x0016_3E00_0200L;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final VirtualSwitch bridge = new VirtualSwitch("svbr0", meters);
    private final SwitchPort vif = bridge.attach("vif2.0", () -> { });
    private final EthernetSegment.Link link = new SwitchSegment(bridge).connect("ne2000-1", NIC_MAC);
    private final PortDevice nic = new Ne2000("ne2000", NIC_MAC, link);

    private void out(int reg, int v) {
        nic.out(Ne2000.BASE + reg, 1, v);
    }

    private int in(int reg) {
        return (int) nic.in(Ne2000.BASE + reg, 1);
    }

    private void remote(int command, int address, int count) {
        out(0x0A, count & 0xFF);
        out(0x0B, count >>> 8);
        out(0x08, address & 0xFF);
        out(0x09, address >>> 8);
        out(0x00, command);
    }

    private void start() {
        out(0x00, 0x21);
        out(0x0E, 0x49);
        out(0x01, 0x46);
        out(0x03, 0x46);
        out(0x02, 0x80);
        out(0x00, 0x61);
        for (int i = 0; i < 6; i++) {
            out(1 + i, (int) (NIC_MAC >>> (8 * (5 - i))) & 0xFF);
        }
        out(0x07, 0x47);
        out(0x00, 0x22);
        out(0x0C, 0x04);
    }

    private static byte[] frame(long dst, long src, int length) {
        byte[] f = new byte[length];
        MacAddress.write(f, 0, dst);
        MacAddress.write(f, 6, src);
        for (int i = 12; i < length; i++) {
            f[i] = (byte) i;
        }
        return f;
    }

    @Test
    void aFrameFromTheNicReachesTheVifAndTheVifsReplyReachesTheRing() {
        bridge.learn(vif, VIF_MAC);
        start();
        byte[] out = frame(VIF_MAC, NIC_MAC, 100);
        remote(0x12, 0x4000, out.length);
        nic.outString(Ne2000.BASE + 0x10, 2, out.length / 2, java.nio.ByteBuffer.wrap(out));
        out(0x04, 0x40);
        out(0x05, out.length);
        out(0x06, 0);
        out(0x00, 0x26);
        assertArrayEquals(out, vif.poll(), "unicast to the vif's learnt address");

        byte[] reply = frame(NIC_MAC, VIF_MAC, 80);
        bridge.transmit(vif, reply);
        assertEquals(0x01, in(0x07) & 0x01, "PRX: the switch knew the NIC's address from connect");
        byte[] entry = new byte[84];
        remote(0x0A, 0x4700, entry.length);
        nic.inString(Ne2000.BASE + 0x10, 2, entry.length / 2, entry);
        assertEquals(84, (entry[2] & 0xFF) | (entry[3] & 0xFF) << 8);
        assertArrayEquals(reply, Arrays.copyOfRange(entry, 4, 84));
        assertEquals(1, bridge.lookup(NIC_MAC).orElseThrow().stats().rxFrames());
    }

    @Test
    void closingTheLinkLeavesTheSwitch() {
        link.close();
        assertEquals(1, bridge.ports().size());
        bridge.transmit(vif, frame(NIC_MAC, VIF_MAC, 60));
        assertNull(link.receive());
    }
}
