package io.splitvisor.toolstack.images;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an SVCATFS1 disk image, the trivial file system the catfile example guest reads
 * (frontend-drivers/examples/catfile/main.c).
 *
 * <pre>
 *  sector 0   0   magic "SVCATFS1"            (8 bytes)
 *             8   u32 version = 1
 *             12  u32 entry count, 0..7
 *             64 + 64*i: entry i
 *                 0  name[48], NUL-padded (at most 47 bytes)
 *                 48 u64 first sector of the data
 *                 56 u64 size in bytes
 *  sector 1.. the files, each starting on a 512-byte sector; the image is padded to 4 KiB
 * </pre>
 */
public final class CatFsImage {
    public static final int SECTOR = 512;
    public static final int MAX_FILES = 7;
    public static final int MAX_NAME = 47;

    /** One file to store. */
    public record File(String name, byte[] data) {
    }

    private CatFsImage() {
    }

    /** The image bytes; IllegalArgumentException with one line for too many files or a long name. */
    public static byte[] build(List<File> files) {
        if (files.size() > MAX_FILES) {
            throw new IllegalArgumentException("an SVCATFS1 image holds at most " + MAX_FILES + " files, not " + files.size());
        }
        ByteBuffer header = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        header.put("SVCATFS1".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(files.size());
        List<byte[]> bodies = new ArrayList<>();
        long sector = 1;
        for (int i = 0; i < files.size(); i++) {
            File f = files.get(i);
            byte[] name = f.name().getBytes(StandardCharsets.UTF_8);
            if (name.length == 0 || name.length > MAX_NAME) {
                throw new IllegalArgumentException("file name '" + f.name() + "' must be 1 to " + MAX_NAME + " bytes");
            }
            header.position(64 + 64 * i);
            header.put(name).position(64 + 64 * i + 48);
            header.putLong(sector).putLong(f.data().length);
            int padded = (f.data().length + SECTOR - 1) / SECTOR * SECTOR;
            bodies.add(java.util.Arrays.copyOf(f.data(), padded));
            sector += padded / SECTOR;
        }
        int length = (int) (sector * SECTOR);
        ByteBuffer image = ByteBuffer.allocate((length + 4095) / 4096 * 4096);
        image.put(header.array());
        bodies.forEach(image::put);
        return image.array();
    }

    /** Writes {@code files} (named as on disk) into {@code image}. */
    public static void write(Path image, List<Path> files) throws IOException {
        List<File> entries = new ArrayList<>();
        for (Path p : files) {
            entries.add(new File(p.getFileName().toString(), Files.readAllBytes(p)));
        }
        Files.write(image, build(entries));
    }
}
