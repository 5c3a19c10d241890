package io.splitvisor.frontend.net;

import io.splitvisor.backend.net.MacAddress;
import io.splitvisor.frontend.FrontendException;
import io.splitvisor.frontend.FrontendUnderTestGuest;
import io.splitvisor.frontend.TestPlatform;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The net contract against the C netfront: each interface is a {@code frontend-under-test} guest
 * on a CPU engine, driven over its console. Skipped when the C frontends are not built.
 */
class GuestNetDeviceTest extends NetDeviceContract {
    @BeforeEach
    void needsTheGuest() {
        assumeTrue(FrontendUnderTestGuest.elf() != null, "frontend-drivers/target/guests/frontend-under-test.elf is not built");
    }

    @Override
    protected NetFrontendUnderTest open(TestPlatform platform, String name, long mac) {
        FrontendUnderTestGuest guest = FrontendUnderTestGuest.start(platform, "fut-" + name,
                d -> platform.backends.attachNic(d.domid(), 0, mac));
        FrontendUnderTestGuest.Result opened = check(guest.op("net-open"));
        long actual = MacAddress.parse(opened.field("mac"));
        return new NetFrontendUnderTest() {
            @Override
            public long mac() {
                return actual;
            }

            @Override
            public void send(byte[] frame) {
                check(guest.op("net-send-hex:" + HexFormat.of().formatHex(frame)));
            }

            @Override
            public byte[] receive(Duration wait) {
                FrontendUnderTestGuest.Result r = guest.op("net-recv-hex:" + wait.toMillis());
                if (!r.ok() && r.error().equals("ETIMEDOUT")) {
                    return null;
                }
                return check(r).data();
            }

            @Override
            public void close() {
                try {
                    check(guest.op("net-close"));
                } finally {
                    guest.close();
                }
            }
        };
    }

    private static FrontendUnderTestGuest.Result check(FrontendUnderTestGuest.Result r) {
        if (!r.ok()) {
            throw new FrontendException(r.op().length() > 60 ? r.op().substring(0, 60) + "..." : r.op() + " failed: " + r.error());
        }
        return r;
    }
}
