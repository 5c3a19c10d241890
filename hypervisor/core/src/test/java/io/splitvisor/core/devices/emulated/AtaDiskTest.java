package io.splitvisor.core.devices.emulated;

import io.splitvisor.core.devices.RawImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AtaDiskTest {
    private static final int DATA = 0x1F0, ERROR = 0x1F1, FEATURES = 0x1F1, COUNT = 0x1F2, LOW = 0x1F3, MID = 0x1F4,
            HIGH = 0x1F5, DEVICE = 0x1F6, STATUS = 0x1F7, COMMAND = 0x1F7, CONTROL = 0x3F6;
    private static final int SECTORS = 300;

    @TempDir
    Path dir;
    private RawImage image;
    private AtaDisk disk;

    /** An image whose sector n holds n in its first 8 bytes and the byte (n + i) at each offset i past them. */
    private void open(long sectors, boolean readOnly) throws Exception {
        Path p = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(sectors * 512);
            for (int n = 0; n < Math.min(sectors, SECTORS); n++) {
                f.seek(n * 512L);
                f.write(pattern(n));
            }
        }
        image = RawImage.open(p, readOnly);
        disk = new AtaDisk("ata0", image, "SV0001");
    }

    private static byte[] pattern(long n) {
        byte[] b = new byte[512];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(n);
        for (int i = 8; i < 512; i++) {
            b[i] = (byte) (n + i);
        }
        return b;
    }

    @AfterEach
    void close() {
        if (image != null) {
            image.close();
        }
    }

    private int in(int port) {
        return (int) disk.in(port, 1);
    }

    private void out(int port, int v) {
        disk.out(port, 1, v);
    }

    private byte[] readData(int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i += 2) {
            int w = (int) disk.in(DATA, 2);
            b[i] = (byte) w;
            b[i + 1] = (byte) (w >>> 8);
        }
        return b;
    }

    private void writeData(byte[] b) {
        for (int i = 0; i < b.length; i += 2) {
            disk.out(DATA, 2, (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8);
        }
    }

    private void lba28(long lba, int count, int command) {
        out(FEATURES, 0);
        out(COUNT, count);
        out(LOW, (int) lba & 0xFF);
        out(MID, (int) (lba >>> 8) & 0xFF);
        out(HIGH, (int) (lba >>> 16) & 0xFF);
        out(DEVICE, 0xE0 | (int) (lba >>> 24) & 0x0F);
        out(COMMAND, command);
    }

    private void lba48(long lba, int count, int command) {
        out(COUNT, count >>> 8);
        out(COUNT, count & 0xFF);
        out(LOW, (int) (lba >>> 24) & 0xFF);
        out(LOW, (int) lba & 0xFF);
        out(MID, (int) (lba >>> 32) & 0xFF);
        out(MID, (int) (lba >>> 8) & 0xFF);
        out(HIGH, (int) (lba >>> 40) & 0xFF);
        out(HIGH, (int) (lba >>> 16) & 0xFF);
        out(DEVICE, 0x40);
        out(COMMAND, command);
    }

    private byte[] sectors(long first, int count) {
        byte[] b = new byte[count * 512];
        for (int i = 0; i < count; i++) {
            System.arraycopy(pattern(first + i), 0, b, i * 512, 512);
        }
        return b;
    }

    private static int word(byte[] id, int w) {
        return (id[2 * w] & 0xFF) | (id[2 * w + 1] & 0xFF) << 8;
    }

    private static String string(byte[] id, int word, int words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            s.append((char) (word(id, word + i) >>> 8)).append((char) (word(id, word + i) & 0xFF));
        }
        return s.toString();
    }

    @Test
    void identifyDescribesTheImage() throws Exception {
        open(SECTORS, false);
        assertEquals(0x50, in(STATUS));
        out(DEVICE, 0xA0);
        out(COMMAND, 0xEC);
        assertEquals(0x58, in(STATUS));
        byte[] id = readData(512);
        assertEquals(0x50, in(STATUS), "DRQ clears after 256 words");
        assertEquals(0x0040, word(id, 0));
        assertEquals("Splitvisor ATA disk                     ", string(id, 27, 20));
        assertEquals("SV0001              ", string(id, 10, 10));
        assertEquals(0x8010, word(id, 47), "READ/WRITE MULTIPLE up to 16 sectors");
        assertEquals(0x0110, word(id, 59), "multiple setting 16, valid");
        assertEquals(0x0200, word(id, 49) & 0x0200, "LBA");
        assertEquals(SECTORS, word(id, 60) | word(id, 61) << 16);
        assertEquals(SECTORS, word(id, 100) | word(id, 101) << 16 | (long) word(id, 102) << 32 | (long) word(id, 103) << 48);
        assertEquals(0x2400, word(id, 83) & 0x2400, "48-bit and FLUSH CACHE EXT supported");
        assertEquals(0x4000, word(id, 83) & 0xC000);
        assertEquals(0x2400, word(id, 86) & 0x2400, "and enabled");
        assertEquals(0xA5, id[510] & 0xFF);
        int sum = 0;
        for (byte b : id) {
            sum += b & 0xFF;
        }
        assertEquals(0, sum & 0xFF, "integrity checksum");
        out(COUNT, 4);
        out(COMMAND, 0xC6);
        out(COMMAND, 0xEC);
        assertEquals(0x0104, word(readData(512), 59));
    }

    @Test
    void identifyCapsTheLba28CapacityOfABigSparseImage() throws Exception {
        long sectors = (1L << 28) + 100;   // a 128 GiB sparse file
        open(sectors, true);
        out(COMMAND, 0xEC);
        byte[] id = readData(512);
        assertEquals(0x0FFFFFFF, word(id, 60) | word(id, 61) << 16);
        assertEquals(sectors, word(id, 100) | (long) word(id, 101) << 16 | (long) word(id, 102) << 32);
        assertEquals(16383, word(id, 1));
        lba48(sectors - 2, 2, 0x24);
        assertEquals(0x58, in(STATUS), "LBA48 reaches sectors past 2^28");
        readData(1024);
        assertEquals(0x50, in(STATUS));
        lba48(sectors - 1, 2, 0x24);
        assertEquals(0x51, in(STATUS));
        assertEquals(0x10, in(ERROR), "IDNF");
    }

    @Test
    void readSectorsLba28MovesOneDrqBlockPerSectorAndAdvancesTheAddress() throws Exception {
        open(SECTORS, false);
        lba28(5, 3, 0x20);
        for (int i = 0; i < 3; i++) {
            assertEquals(0x58, in(STATUS));
            assertArrayEquals(pattern(5 + i), readData(512));
        }
        assertEquals(0x50, in(STATUS));
        assertEquals(8, in(LOW), "the address registers name the next sector, as QEMU leaves them");
        assertEquals(0, in(COUNT));
    }

    @Test
    void countZeroMeans256SectorsInLba28() throws Exception {
        open(SECTORS, false);
        lba28(10, 0, 0x20);
        assertArrayEquals(sectors(10, 256), readData(256 * 512));
        assertEquals(0x50, in(STATUS));
        lba28(SECTORS - 255, 0, 0x20);
        assertEquals(0x51, in(STATUS), "256 sectors from there run past the end");
        assertEquals(0x10, in(ERROR));
    }

    @Test
    void lba48UsesThePreviousContentOfEachRegister() throws Exception {
        open(SECTORS, false);
        lba48(0x10, 0x0102, 0x24);   // 258 sectors: the count's high byte matters
        assertArrayEquals(sectors(0x10, 258), readData(258 * 512));
        assertEquals(0x50, in(STATUS));
        lba48(1L << 40, 1, 0x24);
        assertEquals(0x51, in(STATUS));
        assertEquals(0x10, in(ERROR), "an LBA beyond the disk in the high bytes is IDNF");
    }

    @Test
    void hobSelectsThePreviousContentAndAnyRegisterWriteClearsIt() throws Exception {
        open(SECTORS, false);
        out(COUNT, 0x12);
        out(COUNT, 0x34);
        out(LOW, 0x56);
        out(LOW, 0x78);
        assertEquals(0x34, in(COUNT));
        out(CONTROL, 0x80);
        assertEquals(0x12, in(COUNT));
        assertEquals(0x56, in(LOW));
        out(MID, 0x9A);
        assertEquals(0x34, in(COUNT), "the write cleared HOB");
    }

    @Test
    void writeSectorsAndWriteMultipleReachTheImage() throws Exception {
        open(SECTORS, false);
        byte[] one = sectors(1000, 2);
        lba28(20, 2, 0x30);
        assertEquals(0x58, in(STATUS));
        writeData(one);
        assertEquals(0x50, in(STATUS));
        byte[] many = sectors(2000, 37);
        out(COUNT, 16);
        out(COMMAND, 0xC6);
        lba48(40, 37, 0x39);
        for (int block = 0; block < 3; block++) {
            assertEquals(0x58, in(STATUS), "block " + block);
            int len = block < 2 ? 16 * 512 : 5 * 512;
            byte[] part = new byte[len];
            System.arraycopy(many, block * 16 * 512, part, 0, len);
            writeData(part);
        }
        assertEquals(0x50, in(STATUS));
        byte[] file = Files.readAllBytes(dir.resolve("disk.img"));
        assertArrayEquals(one, java.util.Arrays.copyOfRange(file, 20 * 512, 22 * 512));
        assertArrayEquals(many, java.util.Arrays.copyOfRange(file, 40 * 512, 77 * 512));
        lba28(40, 37, 0xC4);
        assertArrayEquals(many, readData(37 * 512), "READ MULTIPLE gives them back");
        lba48(20, 2, 0x29);
        assertArrayEquals(one, readData(1024), "READ MULTIPLE EXT too");
    }

    @Test
    void setMultipleModeAcceptsPowersOfTwoUpTo16AndZeroTurnsItOff() throws Exception {
        open(SECTORS, false);
        out(COUNT, 3);
        out(COMMAND, 0xC6);
        assertEquals(0x51, in(STATUS));
        assertEquals(0x04, in(ERROR));
        out(COUNT, 32);
        out(COMMAND, 0xC6);
        assertEquals(0x04, in(ERROR));
        out(COUNT, 0);
        out(COMMAND, 0xC6);
        assertEquals(0x50, in(STATUS));
        lba28(0, 1, 0xC4);
        assertEquals(0x51, in(STATUS), "READ MULTIPLE with multiple mode off aborts");
        assertEquals(0x04, in(ERROR));
        out(COUNT, 2);
        out(COMMAND, 0xC6);
        lba28(0, 3, 0xC4);
        readData(1024);
        assertEquals(0x58, in(STATUS), "a block of 2, then the last sector");
        assertArrayEquals(pattern(2), readData(512));
        assertEquals(0x50, in(STATUS));
    }

    @Test
    void flushCacheSucceedsAndAFailedFsyncIsAnAbort() throws Exception {
        open(SECTORS, false);
        out(COMMAND, 0xE7);
        assertEquals(0x50, in(STATUS));
        out(COMMAND, 0xEA);
        assertEquals(0x50, in(STATUS));
        image.close();
        out(COMMAND, 0xEA);
        assertEquals(0x51, in(STATUS));
        assertEquals(0x04, in(ERROR));
        lba28(0, 1, 0x20);
        assertEquals(0x51, in(STATUS), "a failed host read is an abort too, never an exception");
    }

    @Test
    void aDataReadWithoutDrqReturnsAllOnesAndChangesNothing() throws Exception {
        open(SECTORS, false);
        assertEquals(0xFFFF, disk.in(DATA, 2));
        disk.out(DATA, 2, 0x1234);
        assertEquals(0x50, in(STATUS));
        lba28(3, 1, 0x20);
        assertArrayEquals(pattern(3), readData(512));
        assertEquals(0xFFFF, disk.in(DATA, 2));
        assertEquals(0x50, in(STATUS));
    }

    @Test
    void aCommandOrRegisterWriteDuringATransferIsIgnored() throws Exception {
        open(SECTORS, false);
        lba28(7, 1, 0x20);
        readData(10);
        out(COMMAND, 0xEC);
        out(LOW, 0x99);
        byte[] rest = readData(502);
        assertArrayEquals(java.util.Arrays.copyOfRange(pattern(7), 10, 512), rest);
        assertEquals(8, in(LOW));
    }

    @Test
    void softResetHoldsBsyIgnoresCommandsAndLeavesTheSignature() throws Exception {
        open(SECTORS, false);
        lba28(7, 1, 0x20);
        out(CONTROL, 0x04);
        assertEquals(0x90, in(CONTROL) & 0xFF, "BSY while SRST is held");
        out(COMMAND, 0xEC);
        out(CONTROL, 0x00);
        assertEquals(0x50, in(STATUS), "the transfer is gone and IDENTIFY was ignored");
        assertEquals(0xFFFF, disk.in(DATA, 2));
        assertEquals(1, in(COUNT));
        assertEquals(1, in(LOW));
        assertEquals(0, in(MID));
        assertEquals(0, in(HIGH));
        assertEquals(0x01, in(ERROR), "diagnostic: device 0 passed");
    }

    @Test
    void unknownCommandsAndDmaTransferModesAbort() throws Exception {
        open(SECTORS, false);
        for (int cmd : new int[] {0x00, 0xC8, 0xCA, 0xA0, 0xFF}) {
            out(COMMAND, cmd);
            assertEquals(0x51, in(STATUS), "command 0x" + Integer.toHexString(cmd));
            assertEquals(0x04, in(ERROR));
        }
        out(FEATURES, 0x03);
        out(COUNT, 0x0C);
        out(COMMAND, 0xEF);
        assertEquals(0x50, in(STATUS), "PIO mode 4");
        out(FEATURES, 0x03);
        out(COUNT, 0x45);
        out(COMMAND, 0xEF);
        assertEquals(0x51, in(STATUS), "UDMA mode 5");
    }

    @Test
    void writesToAReadOnlyImageAbortBeforeAnyData() throws Exception {
        open(SECTORS, true);
        for (int cmd : new int[] {0x30, 0xC5}) {
            lba28(1, 1, cmd);
            assertEquals(0x51, in(STATUS));
            assertEquals(0x04, in(ERROR));
        }
        lba48(1, 1, 0x34);
        assertEquals(0x51, in(STATUS));
        lba28(1, 1, 0x20);
        assertArrayEquals(pattern(1), readData(512), "reads still work");
    }

    @Test
    void theAbsentSlaveReadsZeroStatusAndIgnoresCommands() throws Exception {
        open(SECTORS, false);
        out(DEVICE, 0xB0);
        assertEquals(0x00, in(STATUS));
        assertEquals(0x00, in(CONTROL));
        out(COMMAND, 0xEC);
        assertEquals(0xFFFF, disk.in(DATA, 2));
        out(DEVICE, 0xA0);
        assertEquals(0x50, in(STATUS));
    }

    @Test
    void chsAddressesUseTheIdentifyGeometry() throws Exception {
        open(SECTORS, false);
        out(COUNT, 1);
        out(LOW, 2);        // sector 2 (1-based)
        out(MID, 0);
        out(HIGH, 0);
        out(DEVICE, 0xA1);  // head 1, CHS
        out(COMMAND, 0x20);
        assertArrayEquals(pattern(63 + 1), readData(512));
        out(LOW, 0);
        out(DEVICE, 0xA0);
        out(COMMAND, 0x20);
        assertEquals(0x10, in(ERROR), "sector 0 does not exist in CHS");
    }

    @Test
    void stringAndDoublewordAccessesMoveTheSameBytes() throws Exception {
        open(SECTORS, false);
        lba28(30, 3, 0x20);
        byte[] got = new byte[3 * 512 + 8];
        disk.inString(DATA, 2, 3 * 256 + 4, got);
        assertArrayEquals(sectors(30, 3), java.util.Arrays.copyOf(got, 3 * 512));
        assertEquals((byte) 0xFF, got[3 * 512 + 2], "words past the transfer read all ones");
        byte[] data = sectors(500, 2);
        lba28(60, 2, 0x30);
        disk.outString(DATA, 4, 256, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x50, in(STATUS));
        lba28(60, 2, 0x20);
        byte[] back = new byte[1024];
        for (int i = 0; i < 1024; i += 4) {
            long v = disk.in(DATA, 4);
            for (int k = 0; k < 4; k++) {
                back[i + k] = (byte) (v >>> (8 * k));
            }
        }
        assertArrayEquals(data, back);
        assertEquals(0x50, in(STATUS));
    }
}
