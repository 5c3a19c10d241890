package io.splitvisor.frontend.vrng;

import io.splitvisor.abi.layout.VrngLayout;
import io.splitvisor.frontend.FrontendDomain;
import io.splitvisor.frontend.TestPlatform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Requests the entropy backend must refuse without writing anything. */
class VrngHostileFrontendTest {
    private TestPlatform platform;

    @BeforeEach
    void setUp() {
        platform = new TestPlatform();
    }

    @AfterEach
    void tearDown() {
        platform.close();
    }

    private static int send(VrngFrontend rng, int gref, int offset, int length) throws Exception {
        int id = rng.client().acquireId(TestPlatform.TIMEOUT);
        try {
            ByteBuffer rsp = rng.client().submit(id, VrngFrontend.request(id, gref, offset, length)).get(10, TimeUnit.SECONDS);
            assertEquals(id, rsp.getInt(VrngLayout.RSP_ID));
            return rsp.getInt(VrngLayout.RSP_STATUS);
        } finally {
            rng.client().releaseId(id);
        }
    }

    @Test
    void badRangesAndGrantsAreErrorsAndWriteNothing() throws Exception {
        FrontendDomain guest = platform.guest("g");
        platform.backends.attachRng(guest.domid(), 0);
        try (VrngFrontend rng = VrngFrontend.connect(guest, "0", TestPlatform.TIMEOUT)) {
            int ref = rng.pageRef(0);
            assertEquals(VrngLayout.STATUS_ERROR, send(rng, ref, 0, 0), "zero length");
            assertEquals(VrngLayout.STATUS_ERROR, send(rng, ref, 4000, 97), "past the page");
            assertEquals(VrngLayout.STATUS_ERROR, send(rng, ref, 65535, 65535), "wildly past the page");
            assertEquals(VrngLayout.STATUS_ERROR, send(rng, 4000, 0, 16), "a ref never granted");
            long page = guest.allocPage();
            int readOnly = guest.grant(0, page, true);
            assertEquals(VrngLayout.STATUS_ERROR, send(rng, readOnly, 0, 16), "a read-only grant");
            assertArrayEquals(new byte[4096], guest.memory().read(page, 4096));
            assertArrayEquals(new byte[4096], guest.memory().read(rng.page(0), 4096));
            assertEquals(100, send(rng, ref, 3996, 100), "the last bytes of the page are fine");
        }
    }
}
