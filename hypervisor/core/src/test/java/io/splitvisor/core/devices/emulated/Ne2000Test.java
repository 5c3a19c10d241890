package io.splitvisor.core.devices.emulated;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class Ne2000Test {
    private static final int CR = 0x300, PSTART = 0x301, PSTOP = 0x302, BNRY = 0x303, TPSR = 0x304, TSR = 0x304,
            TBCR0 = 0x305, TBCR1 = 0x306, ISR = 0x307, RSAR0 = 0x308, RSAR1 = 0x309, RBCR0 = 0x30A, RBCR1 = 0x30B,
            RCR = 0x30C, TCR = 0x30D, DCR = 0x30E, IMR = 0x30F, CURR = 0x307, DATA = 0x310, RESET = 0x31F;
    private static final long MAC = 0x0016_3E01_0203L;
    private static final byte[] OWN = {0x00, 0x16, 0x3E, 0x01, 0x02, 0x03};

    /** A segment of one: what the card sends, and frames queued for it. */
    static final class TestLink implements EthernetSegment.Link {
        final List<byte[]> sent = new ArrayList<>();
        final ArrayDeque<byte[]> incoming = new ArrayDeque<>();
        int stored;
        int dropped;

        @Override
        public void transmit(byte[] frame) {
            sent.add(frame);
        }

        @Override
        public byte[] receive() {
            return incoming.poll();
        }

        @Override
        public void received(byte[] frame, boolean kept) {
            if (kept) {
                stored++;
            } else {
                dropped++;
            }
        }

        @Override
        public void close() {
        }
    }

    private final TestLink link = new TestLink();
    private final Ne2000 nic = new Ne2000("ne2000", MAC, link);

    private int in(int port) {
        return (int) nic.in(port, 1);
    }

    private void out(int port, int v) {
        nic.out(port, 1, v);
    }

    private void remote(int command, int address, int count) {
        out(RBCR0, count & 0xFF);
        out(RBCR1, count >>> 8);
        out(RSAR0, address & 0xFF);
        out(RSAR1, address >>> 8);
        out(CR, command);
    }

    private byte[] readMemory(int address, int count) {
        remote(0x0A, address, count);
        byte[] b = new byte[count + 1];
        nic.inString(DATA, 2, (count + 1) / 2, b);
        return Arrays.copyOf(b, count);
    }

    private void writeMemory(int address, byte[] data) {
        remote(0x12, address, data.length);
        nic.outString(DATA, 2, data.length / 2, ByteBuffer.wrap(data));
    }

    /** The Linux ne driver's start sequence, word mode, ring 0x46-0x80, TX buffer at 0x40. */
    private void start(int rcr, int pstart, int pstop) {
        out(CR, 0x21);
        out(DCR, 0x49);
        out(RBCR0, 0);
        out(RBCR1, 0);
        out(RCR, 0x20);
        out(TCR, 0x02);
        out(TPSR, 0x40);
        out(PSTART, pstart);
        out(BNRY, pstart);
        out(PSTOP, pstop);
        out(ISR, 0xFF);
        out(IMR, 0);
        out(CR, 0x61);
        for (int i = 0; i < 6; i++) {
            out(0x301 + i, OWN[i] & 0xFF);
        }
        out(CURR, pstart + 1);
        out(CR, 0x22);
        out(TCR, 0);
        out(RCR, rcr);
    }

    private static byte[] frame(byte[] dst, int length, int seed) {
        byte[] f = new byte[length];
        System.arraycopy(dst, 0, f, 0, 6);
        byte[] src = {0x02, 0, 0, 0, 0, (byte) seed};
        System.arraycopy(src, 0, f, 6, 6);
        for (int i = 12; i < length; i++) {
            f[i] = (byte) (seed + i);
        }
        return f;
    }

    @Test
    void resetStateAndTheResetPort() {
        assertEquals(0x21, in(CR));
        assertEquals(0x80, in(ISR));
        start(0x04, 0x46, 0x80);
        assertEquals(0x22, in(CR));
        assertEquals(0x00, in(ISR), "starting cleared RST");
        in(RESET);
        assertEquals(0x21, in(CR));
        assertEquals(0x80, in(ISR));
    }

    @Test
    void promHoldsTheDoubledMacAndTheSignatureInByteMode() {
        out(DCR, 0x48);   // byte mode, as drivers probe it
        remote(0x0A, 0, 32);
        byte[] prom = new byte[32];
        for (int i = 0; i < 32; i++) {
            prom[i] = (byte) in(DATA);
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(OWN[i], prom[2 * i]);
            assertEquals(OWN[i], prom[2 * i + 1]);
        }
        assertEquals(0x57, prom[28]);
        assertEquals(0x57, prom[30], "word 14 and 15 after un-doubling: 'W' 'W'");
        assertEquals(0x40, in(ISR) & 0x40, "RDC after the last byte");
        assertEquals(0xFF, in(DATA), "no remote DMA left: all ones");
        assertEquals(32, in(RSAR0), "and the address did not move (CRDA)");
    }

    @Test
    void remoteDmaWritesAndReadsWordsAndRejectsAccessesWithoutOne() {
        start(0x04, 0x46, 0x80);
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        writeMemory(0x4000, data);
        assertEquals(0x40, in(ISR) & 0x40);
        out(ISR, 0x40);
        assertEquals(0, in(ISR) & 0x40, "write 1 to clear");
        assertArrayEquals(data, readMemory(0x4000, 300));
        nic.out(DATA, 2, 0xBEEF);   // no remote write active: ignored
        assertArrayEquals(Arrays.copyOf(data, 4), readMemory(0x4000, 4));
        out(CR, 0x12);
        nic.out(DATA, 4, 0x0A0B0C0DL);   // remote write of 0 bytes left: ignored
        assertEquals(0xFFFF, nic.in(DATA, 2));
    }

    @Test
    void transmitSendsTbcrBytesFromTpsrPaddedTo60() {
        start(0x04, 0x46, 0x80);
        byte[] f = frame(new byte[] {-1, -1, -1, -1, -1, -1}, 42, 1);
        writeMemory(0x4000, f);
        out(TPSR, 0x40);
        out(TBCR0, 42);
        out(TBCR1, 0);
        out(CR, 0x26);
        assertEquals(1, link.sent.size());
        assertArrayEquals(Arrays.copyOf(f, 60), link.sent.get(0));
        assertEquals(0x02, in(ISR) & 0x0A, "PTX");
        assertEquals(0x01, in(TSR));
        assertEquals(0, in(CR) & 0x04, "TXP clears when the frame is gone");
    }

    @Test
    void anOversizedTransmitIsRefused() {
        start(0x04, 0x46, 0x80);
        out(TPSR, 0x40);
        out(TBCR0, 1600 & 0xFF);
        out(TBCR1, 1600 >>> 8);
        out(CR, 0x26);
        assertEquals(0, link.sent.size());
        assertEquals(0x08, in(ISR) & 0x0A, "TXE");
        assertEquals(0x08, in(TSR) & 0x08, "ABT");
    }

    @Test
    void receiveWritesTheHeaderAndFrameAtCurrAndAdvancesIt() {
        start(0x04, 0x46, 0x80);
        byte[] f = frame(OWN, 100, 3);
        link.incoming.add(f);
        assertEquals(0x01, in(ISR) & 0x01, "PRX");
        out(CR, 0x62);
        assertEquals(0x48, in(CURR), "100 + 4 bytes: one page");
        out(CR, 0x22);
        byte[] entry = readMemory(0x4700, 104);
        assertEquals(0x01, entry[0], "status: received intact");
        assertEquals(0x48, entry[1], "next page");
        assertEquals(104, (entry[2] & 0xFF) | (entry[3] & 0xFF) << 8);
        assertArrayEquals(f, Arrays.copyOfRange(entry, 4, 104));
        link.incoming.add(frame(OWN, 20, 4));
        in(ISR);
        assertEquals(64, (readMemory(0x4800, 4)[2] & 0xFF), "a runt is padded to 60 bytes");
        assertEquals(2, link.stored);
    }

    @Test
    void theAddressFilterFollowsRcr() {
        start(0x00, 0x46, 0x80);
        byte[] multicast = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x01};
        link.incoming.add(frame(new byte[] {-1, -1, -1, -1, -1, -1}, 60, 1));
        link.incoming.add(frame(new byte[] {0x00, 0x16, 0x3E, 0x09, 0x09, 0x09}, 60, 2));
        link.incoming.add(frame(multicast, 60, 3));
        link.incoming.add(frame(OWN, 60, 4));
        in(ISR);
        assertEquals(1, link.stored, "only the frame to its own address");
        assertEquals(3, link.dropped);
        out(RCR, 0x04 | 0x08);
        CRC32 crc = new CRC32();
        crc.update(multicast);
        int bit = Integer.reverse(~(int) crc.getValue()) >>> 26;   // the top 6 bits of the big-endian CRC
        out(CR, 0x62);
        out(0x308 + (bit >>> 3), 1 << (bit & 7));
        out(CR, 0x22);
        link.incoming.add(frame(new byte[] {-1, -1, -1, -1, -1, -1}, 60, 5));
        link.incoming.add(frame(multicast, 60, 6));
        byte[] otherGroup = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x02};
        crc.reset();
        crc.update(otherGroup);
        boolean sameBit = (Integer.reverse(~(int) crc.getValue()) >>> 26) == bit;
        link.incoming.add(frame(otherGroup, 60, 7));
        in(ISR);
        assertEquals(3 + (sameBit ? 1 : 0), link.stored, "broadcast and the hashed multicast");
        out(RCR, 0x10);
        link.incoming.add(frame(new byte[] {0x00, 0x16, 0x3E, 0x09, 0x09, 0x09}, 60, 8));
        in(ISR);
        assertEquals(4 + (sameBit ? 1 : 0), link.stored, "promiscuous takes anything");
    }

    @Test
    void theRingWrapsAtPstopAndRemoteDmaFollows() {
        start(0x04, 0x46, 0x4C);   // six pages: 0x46-0x4B
        byte[] big = frame(OWN, 700, 9);   // 704 bytes: 3 pages
        link.incoming.add(big);
        in(ISR);
        out(CR, 0x62);
        assertEquals(0x4A, in(CURR));
        out(CR, 0x22);
        out(BNRY, 0x49);   // the driver consumed it
        link.incoming.add(big);
        in(ISR);
        out(CR, 0x62);
        assertEquals(0x47, in(CURR), "0x4A + 3 pages wraps past 0x4C to 0x47");
        out(CR, 0x22);
        byte[] entry = readMemory(0x4A00, 704);
        assertEquals(0x47, entry[1] & 0xFF);
        assertArrayEquals(big, Arrays.copyOfRange(entry, 4, 704), "read across PSTOP wraps to PSTART");
    }

    @Test
    void aFullRingSetsOverwriteWarningAndDropsTheFrame() {
        start(0x04, 0x46, 0x4C);
        byte[] big = frame(OWN, 700, 9);
        link.incoming.add(big);
        link.incoming.add(big);
        in(ISR);
        assertEquals(0x10, in(ISR) & 0x10, "OVW: 3 more pages would reach BNRY");
        assertEquals(1, link.stored);
        assertEquals(1, link.dropped);
        out(CR, 0x62);
        assertEquals(0x4A, in(CURR), "the dropped frame left no trace");
        out(CR, 0x22);
        assertEquals(1, in(0x30F), "CNTR2 counted one missed frame");
        assertEquals(0, in(0x30F), "and cleared when read");
    }

    @Test
    void anOversizedFrameIsNotReceived() {
        start(0x14, 0x46, 0x80);
        link.incoming.add(frame(OWN, 2000, 1));
        in(ISR);
        assertEquals(0, in(ISR) & 0x01);
        assertEquals(1, link.dropped);
    }

    @Test
    void aStoppedCardReceivesNothingAndLoopbackStaysOnTheCard() {
        link.incoming.add(frame(OWN, 60, 1));
        in(ISR);
        assertEquals(1, link.dropped);
        start(0x04, 0x46, 0x80);
        out(TCR, 0x02);
        byte[] f = frame(OWN, 60, 2);
        writeMemory(0x4000, f);
        out(TBCR0, 60);
        out(TBCR1, 0);
        out(CR, 0x26);
        assertEquals(0, link.sent.size());
        assertEquals(0x03, in(ISR) & 0x03, "sent and received by itself");
        assertArrayEquals(f, Arrays.copyOfRange(readMemory(0x4700, 64), 4, 64));
    }

    @Test
    void registerPagesReadBack() {
        start(0x04, 0x46, 0x80);
        out(IMR, 0x11);
        out(CR, 0x62);
        for (int i = 0; i < 6; i++) {
            assertEquals(OWN[i] & 0xFF, in(0x301 + i));
        }
        out(0x30C, 0xA5);
        assertEquals(0xA5, in(0x30C), "MAR4");
        out(CR, 0xA2);
        assertEquals(0x46, in(PSTART));
        assertEquals(0x80, in(PSTOP));
        assertEquals(0x40, in(TPSR));
        assertEquals(0x04, in(RCR));
        assertEquals(0x00, in(TCR));
        assertEquals(0x49, in(DCR));
        assertEquals(0x11, in(IMR));
        out(PSTART, 0x10);
        assertEquals(0x46, in(PSTART), "page 2 is read-only");
        assertNull(link.incoming.peek());
    }
}
