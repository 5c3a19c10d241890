package io.splitvisor.frontend.blk;

import io.splitvisor.abi.layout.BlkifLayout;
import io.splitvisor.frontend.FrontendException;
import io.splitvisor.frontend.FrontendUnderTestGuest;
import io.splitvisor.frontend.TestPlatform;
import org.junit.jupiter.api.BeforeEach;

import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The block contract against the C blkfront: the {@code frontend-under-test} guest on a CPU
 * engine, driven over its console. Skipped when the C frontends are not built.
 */
class GuestBlockDeviceTest extends BlockDeviceContract {
    /** Bytes of data per *-hex operation: the guest takes at most 32 KiB of data per line, and a line (hex) below 64 KiB. */
    private static final int CHUNK = 16 * 1024;

    @BeforeEach
    void needsTheGuest() {
        assumeTrue(FrontendUnderTestGuest.elf() != null, "frontend-drivers/target/guests/frontend-under-test.elf is not built");
    }

    @Override
    protected BlockFrontendUnderTest open(TestPlatform platform, Path image, boolean readOnly) {
        FrontendUnderTestGuest guest = FrontendUnderTestGuest.start(platform, "fut-blk",
                d -> platform.backends.attachDisk(d.domid(), 0, image, readOnly));
        FrontendUnderTestGuest.Result info = check(guest.op("blk-open"));
        return new BlockFrontendUnderTest() {
            @Override
            public long sectors() {
                return Long.parseLong(info.field("sectors"));
            }

            @Override
            public boolean readOnly() {
                return info.field("readonly").equals("1");
            }

            @Override
            public boolean flushSupported() {
                return info.field("flush").equals("1");
            }

            @Override
            public boolean discardSupported() {
                return info.field("discard").equals("1");
            }

            @Override
            public void read(long sector, byte[] dst) {
                for (int at = 0; at < dst.length; at += CHUNK) {
                    int n = Math.min(CHUNK, dst.length - at);
                    byte[] got = check(guest.op("blk-read-hex:" + (sector + at / SECTOR) + ":" + n / SECTOR)).data();
                    if (got.length != n) {
                        throw new AssertionError("blk-read-hex returned " + got.length + " bytes, not " + n);
                    }
                    System.arraycopy(got, 0, dst, at, n);
                }
            }

            @Override
            public void write(long sector, byte[] src) {
                for (int at = 0; at < src.length; at += CHUNK) {
                    int n = Math.min(CHUNK, src.length - at);
                    check(guest.op("blk-write-hex:" + (sector + at / SECTOR) + ":" + HexFormat.of().formatHex(src, at, at + n)));
                }
            }

            @Override
            public void flush() {
                check(guest.op("blk-flush"));
            }

            @Override
            public void discard(long sector, long count) {
                check(guest.op("blk-discard:" + sector + ":" + count));
            }

            @Override
            public void close() {
                try {
                    check(guest.op("blk-close"));
                } finally {
                    guest.close();
                }
            }
        };
    }

    /**
     * An ERR result as the contract expects it: the C frontend's names for a refused request
     * (EIO for BLKIF_RSP_ERROR, ENOSYS for EOPNOTSUPP, EROFS for a write it refuses itself on a
     * read-only disk, EINVAL for a range it refuses itself) become {@link BlockIoException}s;
     * anything else (a timeout, a protocol error) fails the test.
     */
    private static FrontendUnderTestGuest.Result check(FrontendUnderTestGuest.Result r) {
        if (r.ok()) {
            return r;
        }
        switch (r.error()) {
            case "EIO", "EROFS", "EINVAL", "ERANGE" -> throw new BlockIoException(r.op() + ": " + r.error(), BlkifLayout.STATUS_ERROR);
            case "ENOSYS", "EOPNOTSUPP" -> throw new BlockIoException(r.op() + ": " + r.error(), BlkifLayout.STATUS_EOPNOTSUPP);
            default -> throw new FrontendException(r.op() + " failed: " + r.error());
        }
    }
}
