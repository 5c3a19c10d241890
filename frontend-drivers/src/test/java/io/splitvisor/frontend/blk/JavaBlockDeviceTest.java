package io.splitvisor.frontend.blk;

import io.splitvisor.frontend.FrontendDomain;
import io.splitvisor.frontend.TestPlatform;

import java.nio.file.Path;

/** The block contract against the Java frontend in a host domain. */
class JavaBlockDeviceTest extends BlockDeviceContract {
    @Override
    protected BlockFrontendUnderTest open(TestPlatform platform, Path image, boolean readOnly) {
        FrontendDomain guest = platform.guest("blk");
        platform.backends.attachDisk(guest.domid(), 0, image, readOnly);
        BlockFrontend fe = BlockFrontend.connect(guest, "51712", TestPlatform.TIMEOUT);
        return new BlockFrontendUnderTest() {
            @Override
            public long sectors() {
                return fe.sectors();
            }

            @Override
            public boolean readOnly() {
                return fe.readOnly();
            }

            @Override
            public boolean flushSupported() {
                return fe.flushSupported();
            }

            @Override
            public boolean discardSupported() {
                return fe.discardSupported();
            }

            @Override
            public void read(long sector, byte[] dst) {
                fe.read(sector, dst, 0, dst.length);
            }

            @Override
            public void write(long sector, byte[] src) {
                fe.write(sector, src, 0, src.length);
            }

            @Override
            public void flush() {
                fe.flush();
            }

            @Override
            public void discard(long sector, long count) {
                fe.discard(sector, count);
            }

            @Override
            public void close() {
                fe.close();
            }
        };
    }
}
