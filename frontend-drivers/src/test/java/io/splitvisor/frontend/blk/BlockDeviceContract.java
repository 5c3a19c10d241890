package io.splitvisor.frontend.blk;

import io.splitvisor.frontend.TestPlatform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every block frontend must see from the vbd backend, whichever side implements the
 * frontend: subclasses say how to attach one ({@link #open}).
 */
public abstract class BlockDeviceContract {
    protected static final int SECTOR = 512;
    protected TestPlatform platform;
    @TempDir
    protected Path dir;

    /** Attaches {@code image} to a new guest and connects that guest's frontend to it. */
    protected abstract BlockFrontendUnderTest open(TestPlatform platform, Path image, boolean readOnly);

    @BeforeEach
    void startPlatform() {
        platform = new TestPlatform();
    }

    @AfterEach
    void stopPlatform() {
        platform.close();
    }

    protected Path image(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    protected static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void theDiskHasTheImagesSize() throws IOException {
        Path img = image("size.img", new byte[100 * SECTOR + 100]);
        try (BlockFrontendUnderTest disk = open(platform, img, false)) {
            assertEquals(100, disk.sectors(), "sectors = file size / 512, rounded down");
            assertFalse(disk.readOnly());
            assertTrue(disk.flushSupported());
            assertTrue(disk.discardSupported());
        }
    }

    @Test
    void readsTheImageAndWritesLandAtTheirSectorOnly() throws IOException {
        byte[] original = random(2 << 20, 1);
        Path img = image("rw.img", original);
        try (BlockFrontendUnderTest disk = open(platform, img, false)) {
            byte[] head = new byte[300 * SECTOR];   // several requests, not a multiple of 11 pages
            disk.read(7, head);
            assertArrayEquals(Arrays.copyOfRange(original, 7 * SECTOR, 307 * SECTOR), head);

            byte[] data = random(123 * SECTOR, 2);
            disk.write(1001, data);
            byte[] back = new byte[data.length];
            disk.read(1001, back);
            assertArrayEquals(data, back);
            disk.flush();
        }
        byte[] now = Files.readAllBytes(img);
        byte[] expected = original.clone();
        System.arraycopy(random(123 * SECTOR, 2), 0, expected, 1001 * SECTOR, 123 * SECTOR);
        assertArrayEquals(expected, now, "only sectors 1001-1123 changed");
    }

    @Test
    void aFlushedWriteIsInTheFileWhenTheFlushIsAnswered() throws IOException {
        Path img = image("flush.img", new byte[64 * SECTOR]);
        try (BlockFrontendUnderTest disk = open(platform, img, false)) {
            byte[] data = random(8 * SECTOR, 3);
            disk.write(16, data);
            disk.flush();
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "r")) {
                byte[] got = new byte[data.length];
                f.seek(16 * SECTOR);
                f.readFully(got);
                assertArrayEquals(data, got);
            }
        }
    }

    @Test
    void aReadOnlyDiskRefusesWritesAndDiscardsAndKeepsItsBytes() throws IOException {
        byte[] original = random(32 * SECTOR, 4);
        Path img = image("ro.img", original);
        try (BlockFrontendUnderTest disk = open(platform, img, true)) {
            assertTrue(disk.readOnly());
            // Refused by the backend (ERROR) or by a frontend that knows the disk is read-only.
            assertThrows(BlockIoException.class, () -> disk.write(0, new byte[SECTOR]));
            assertThrows(BlockIoException.class, () -> disk.discard(0, 8));
            byte[] back = new byte[32 * SECTOR];
            disk.read(0, back);
            assertArrayEquals(original, back);
            disk.flush();
        }
        assertArrayEquals(original, Files.readAllBytes(img));
    }

    @Test
    void sectorsPastTheEndAreErrorsAndChangeNothing() throws IOException {
        byte[] original = random(40 * SECTOR, 5);
        Path img = image("end.img", original);
        try (BlockFrontendUnderTest disk = open(platform, img, false)) {
            assertThrows(BlockIoException.class, () -> disk.write(36, new byte[8 * SECTOR]),
                    "a write that starts inside but ends outside");
            assertThrows(BlockIoException.class, () -> disk.read(40, new byte[SECTOR]));
            assertThrows(BlockIoException.class, () -> disk.discard(39, 2));
            byte[] last = new byte[4 * SECTOR];
            disk.read(36, last);   // the last sectors themselves are fine
            assertArrayEquals(Arrays.copyOfRange(original, 36 * SECTOR, 40 * SECTOR), last);
            disk.discard(0, 40);
        }
        assertArrayEquals(original, Files.readAllBytes(img), "nothing was written");
    }

    @Test
    void holesOfASparseImageReadAsZeros() throws IOException {
        Path img = dir.resolve("sparse.img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        try (BlockFrontendUnderTest disk = open(platform, img, false)) {
            assertEquals((1L << 30) / SECTOR, disk.sectors());
            byte[] data = random(SECTOR, 6);
            long far = disk.sectors() - 1;
            disk.write(far, data);
            byte[] back = new byte[2 * SECTOR];
            disk.read(far - 1, back);
            assertArrayEquals(new byte[SECTOR], Arrays.copyOf(back, SECTOR));
            assertArrayEquals(data, Arrays.copyOfRange(back, SECTOR, 2 * SECTOR));
        }
    }

    @Test
    void aDiskReconnectsAndKeepsItsData() throws IOException {
        Path img = image("again.img", new byte[64 * SECTOR]);
        byte[] data = random(4 * SECTOR, 7);
        try (BlockFrontendUnderTest disk = open(platform, img, false)) {
            disk.write(8, data);
        }
        try (BlockFrontendUnderTest disk = open(platform, img, false)) {
            byte[] back = new byte[data.length];
            disk.read(8, back);
            assertArrayEquals(data, back);
        }
    }
}
