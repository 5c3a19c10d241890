package io.splitvisor.backend.net;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtualSwitchTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final VirtualSwitch sw = new VirtualSwitch("test", meters);

    private static byte[] frame(long dst, long src) {
        byte[] f = new byte[60];
        MacAddress.write(f, 0, dst);
        MacAddress.write(f, 6, src);
        return f;
    }

    private static List<byte[]> drain(SwitchPort p) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] f; (f = p.poll()) != null; ) {
            out.add(f);
        }
        return out;
    }

    @Test
    void learnsSourcesFloodsUnknownsAndForwardsKnownUnicast() {
        SwitchPort a = sw.attach("a", () -> { });
        SwitchPort b = sw.attach("b", () -> { });
        SwitchPort c = sw.attach("c", () -> { });
        sw.transmit(a, frame(0x0A, 0x01));   // unknown destination: flooded
        assertEquals(0, drain(a).size());
        assertEquals(1, drain(b).size());
        assertEquals(1, drain(c).size());
        assertSame(a, sw.lookup(0x01).orElseThrow(), "the source was learnt");

        sw.transmit(b, frame(0x01, 0x02));   // to a learnt address: a only
        assertEquals(1, drain(a).size());
        assertEquals(0, drain(c).size());

        sw.transmit(a, frame(0xFFFF_FFFF_FFFFL, 0x01));   // broadcast: everyone else
        assertEquals(0, drain(a).size());
        assertEquals(1, drain(b).size());
        assertEquals(1, drain(c).size());

        sw.transmit(c, frame(0x01_0000_0000_00L | 0x5E0001L, 0x03));   // multicast: flooded
        assertEquals(1, drain(a).size());
        assertEquals(1, drain(b).size());
    }

    @Test
    void aFrameForItsOwnSegmentIsFilteredAndAMovedAddressFollows() {
        SwitchPort a = sw.attach("a", () -> { });
        SwitchPort b = sw.attach("b", () -> { });
        sw.learn(a, 0x11);
        sw.transmit(a, frame(0x11, 0x12));
        assertEquals(0, drain(b).size());
        assertEquals(0, drain(a).size());
        sw.transmit(b, frame(0xFFFF_FFFF_FFFFL, 0x11));   // 0x11 now speaks from b
        assertSame(b, sw.lookup(0x11).orElseThrow());
    }

    @Test
    void aFullQueueDropsAndCountsAndNeverBlocks() {
        SwitchPort sender = sw.attach("sender", () -> { });
        int[] wakes = new int[1];
        SwitchPort slow = sw.attach("slow", () -> wakes[0]++);
        int n = VirtualSwitch.QUEUE_FRAMES + 44;
        for (int i = 0; i < n; i++) {
            sw.transmit(sender, frame(0xFFFF_FFFF_FFFFL, 0x21));
        }
        assertEquals(VirtualSwitch.QUEUE_FRAMES, slow.queued());
        assertEquals(44, slow.stats().rxDrops());
        assertEquals(n, sender.stats().txFrames());
        assertEquals(60L * n, sender.stats().txBytes());
        assertEquals(VirtualSwitch.QUEUE_FRAMES, wakes[0]);
    }

    @Test
    void runtFramesAreDroppedAtTheSender() {
        SwitchPort a = sw.attach("a", () -> { });
        SwitchPort b = sw.attach("b", () -> { });
        sw.transmit(a, new byte[13]);
        assertEquals(1, a.stats().txDrops());
        assertEquals(0, a.stats().txFrames());
        assertNull(b.poll());
    }

    @Test
    void anInventedSourceAddressFloodCannotGrowTheTable() {
        SwitchPort liar = sw.attach("liar", () -> { });
        SwitchPort other = sw.attach("other", () -> { });
        for (long src = 1; src <= 5000; src++) {
            sw.transmit(liar, frame(0xFFFF_FFFF_FFFFL, src << 1 & 0xFEFF_FFFF_FFFFL));
            other.poll();
        }
        int learnt = 0;
        for (long src = 1; src <= 5000; src++) {
            learnt += sw.lookup(src << 1 & 0xFEFF_FFFF_FFFFL).isPresent() ? 1 : 0;
        }
        assertEquals(VirtualSwitch.MAX_ADDRESSES_PER_PORT, learnt);
        sw.learn(other, 0x4242);
        assertTrue(sw.lookup(0x4242).isPresent(), "the other ports still learn");
    }

    @Test
    void detachingAPortForgetsItsAddressesAndMeters() {
        SwitchPort a = sw.attach("a", () -> { });
        sw.learn(a, 0x31);
        sw.detach(a);
        assertTrue(sw.lookup(0x31).isEmpty());
        assertTrue(sw.ports().isEmpty());
        assertTrue(meters.find("splitvisor.switch.frames").tag("port", "a").counters().isEmpty());
    }

    @Test
    void macAddressesParseAndFormat() {
        assertEquals(0x00163E0A0B0CL, MacAddress.parse("00:16:3e:0a:0b:0c"));
        assertEquals("00:16:3e:0a:0b:0c", MacAddress.format(0x00163E0A0B0CL));
        assertEquals("00:16:3e:00:05:01", MacAddress.format(MacAddress.generated(5, 1)));
        assertTrue(MacAddress.isMulticast(0xFFFF_FFFF_FFFFL));
        assertTrue(!MacAddress.isMulticast(0x00163E000001L));
        for (String bad : new String[] {"00:16:3e:0a:0b", "00:16:3e:0a:0b:0g", "0:16:3e:0a:0b:0c", ""}) {
            try {
                MacAddress.parse(bad);
                throw new AssertionError(bad + " parsed");
            } catch (IllegalArgumentException expected) {
                // refused
            }
        }
    }
}
