package io.splitvisor.backend.blk;

import io.splitvisor.backend.DeviceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockImageTest {
    @TempDir
    Path dir;

    @Test
    void rangesAreCheckedWithoutOverflow() throws Exception {
        Path p = dir.resolve("a.img");
        Files.write(p, new byte[10 * 512 + 17]);
        try (BlockImage img = BlockImage.open(p, true)) {
            assertEquals(10, img.sectors());
            assertTrue(img.contains(0, 10));
            assertTrue(img.contains(9, 1));
            assertTrue(img.contains(10, 0));
            assertFalse(img.contains(9, 2));
            assertFalse(img.contains(10, 1));
            assertFalse(img.contains(-1L, 1));
            assertFalse(img.contains(1, -1L));
            assertFalse(img.contains(Long.MAX_VALUE, Long.MAX_VALUE));
            assertFalse(img.contains(5, Long.MIN_VALUE + 2));
        }
    }

    @Test
    void unusableImagesAreOneLineErrors() throws Exception {
        DeviceException missing = assertThrows(DeviceException.class, () -> BlockImage.open(dir.resolve("none.img"), false));
        assertEquals(dir.resolve("none.img") + ": no such file", missing.getMessage());
        DeviceException directory = assertThrows(DeviceException.class, () -> BlockImage.open(dir, false));
        assertTrue(directory.getMessage().endsWith("not a regular file"));
    }

    @Test
    void aReadOnlyImageRefusesWrites() throws Exception {
        Path p = dir.resolve("ro.img");
        Files.write(p, new byte[1024]);
        try (BlockImage img = BlockImage.open(p, true)) {
            assertThrows(java.io.IOException.class, () -> img.write(0, java.nio.ByteBuffer.allocate(512)));
        }
    }
}
