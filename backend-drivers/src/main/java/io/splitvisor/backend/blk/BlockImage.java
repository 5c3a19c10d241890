package io.splitvisor.backend.blk;

import io.splitvisor.abi.layout.BlkifLayout;
import io.splitvisor.backend.DeviceException;
import io.splitvisor.core.devices.RawImage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A raw disk image file (sparse files welcome) in 512-byte sectors, as the block backend sees it:
 * the core's {@link RawImage} (which the emulated ATA disk uses too, so both paths serve the same
 * images the same way) with the backend's one-line {@link DeviceException} when it cannot be opened.
 * Positional I/O only, so nothing outside a request's range is ever touched; {@link #flush()} is
 * {@code fsync}, after which every completed write survives a crash of this process or the host.
 */
public final class BlockImage implements AutoCloseable {
    public static final int SECTOR = BlkifLayout.SECTOR_SIZE;

    private final RawImage raw;

    private BlockImage(RawImage raw) {
        this.raw = raw;
    }

    /**
     * Opens an image; its size in sectors is the file size / 512, rounded down.
     *
     * @throws DeviceException with a one-line reason when the file cannot be used
     */
    public static BlockImage open(Path path, boolean readOnly) {
        try {
            return new BlockImage(RawImage.open(path, readOnly));
        } catch (IOException e) {
            throw new DeviceException(e.getMessage());
        }
    }

    /** The shared image underneath. */
    public RawImage raw() {
        return raw;
    }

    public Path path() {
        return raw.path();
    }

    public boolean readOnly() {
        return raw.readOnly();
    }

    /** Size in 512-byte sectors. */
    public long sectors() {
        return raw.sectors();
    }

    /** True when {@code count} sectors from {@code sector} lie inside the image (unsigned, overflow-safe). */
    public boolean contains(long sector, long count) {
        return raw.contains(sector, count);
    }

    /** Fills {@code dst} (position to limit) from sector {@code sector}; bytes past the end of the file read as zero. */
    public void read(long sector, ByteBuffer dst) throws IOException {
        raw.read(sector, dst);
    }

    /** Writes {@code src} (position to limit) at sector {@code sector}. The caller checked the range. */
    public void write(long sector, ByteBuffer src) throws IOException {
        raw.write(sector, src);
    }

    /** fsync: data and metadata of every completed write reach the disk before this returns. */
    public void flush() throws IOException {
        raw.flush();
    }

    @Override
    public void close() {
        raw.close();
    }
}
