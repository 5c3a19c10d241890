package io.splitvisor.core.devices;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw disk image file (sparse files welcome) in 512-byte sectors: the one image class of the
 * platform, used by dom0's PV block backend ({@code io.splitvisor.backend.blk.BlockImage} wraps it)
 * and by the emulated ATA disk. Positional I/O only, so nothing outside a request's range is ever
 * touched; {@link #flush()} is {@code fsync} ({@link FileChannel#force(boolean) force(true)}), after
 * which every completed write survives a crash of this process or the host. Safe for concurrent
 * use (positional {@link FileChannel} I/O).
 */
public final class RawImage implements AutoCloseable {
    public static final int SECTOR = 512;

    private final Path path;
    private final FileChannel channel;
    private final boolean readOnly;
    private final long sectors;

    private RawImage(Path path, FileChannel channel, boolean readOnly, long sectors) {
        this.path = path;
        this.channel = channel;
        this.readOnly = readOnly;
        this.sectors = sectors;
    }

    /**
     * Opens an image; its size in sectors is the file size / 512, rounded down.
     *
     * @throws IOException with a one-line message ("PATH: no such file", "PATH: not a regular file",
     *                     "PATH: cannot open for ...: why") when the file cannot be used
     */
    public static RawImage open(Path path, boolean readOnly) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": " + (Files.exists(path) ? "not a regular file" : "no such file"));
        }
        try {
            FileChannel ch = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new RawImage(path, ch, readOnly, ch.size() / SECTOR);
        } catch (NoSuchFileException e) {
            throw new IOException(path + ": no such file");
        } catch (IOException | SecurityException e) {
            throw new IOException(path + ": cannot open " + (readOnly ? "for reading" : "for reading and writing")
                    + ": " + e.getMessage());
        }
    }

    public Path path() {
        return path;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Size in 512-byte sectors. */
    public long sectors() {
        return sectors;
    }

    /** True when {@code count} sectors from {@code sector} lie inside the image (unsigned, overflow-safe). */
    public boolean contains(long sector, long count) {
        return Long.compareUnsigned(sector, sectors) <= 0 && Long.compareUnsigned(count, sectors - sector) <= 0;
    }

    /** Fills {@code dst} (position to limit) from sector {@code sector}; bytes past the end of the file read as zero. */
    public void read(long sector, ByteBuffer dst) throws IOException {
        long pos = sector * SECTOR;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                return;
            }
            pos += n;
        }
    }

    /** Writes {@code src} (position to limit) at sector {@code sector}. The caller checked the range. */
    public void write(long sector, ByteBuffer src) throws IOException {
        if (readOnly) {
            throw new IOException(path + " is read-only");
        }
        long pos = sector * SECTOR;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    /** fsync: data and metadata of every completed write reach the disk before this returns. */
    public void flush() throws IOException {
        channel.force(true);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public String toString() {
        return path + (readOnly ? " (read-only)" : "");
    }
}
