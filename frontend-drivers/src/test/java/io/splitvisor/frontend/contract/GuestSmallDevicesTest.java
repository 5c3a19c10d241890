package io.splitvisor.frontend.contract;

import io.splitvisor.frontend.FrontendException;
import io.splitvisor.frontend.FrontendUnderTestGuest;
import io.splitvisor.frontend.TestPlatform;
import org.junit.jupiter.api.BeforeEach;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The small devices' contract against the C frontends (frontend-under-test guests). */
class GuestSmallDevicesTest extends SmallDevicesContract {
    @BeforeEach
    void needsTheGuest() {
        assumeTrue(FrontendUnderTestGuest.elf() != null, "frontend-drivers/target/guests/frontend-under-test.elf is not built");
    }

    private static FrontendUnderTestGuest.Result check(FrontendUnderTestGuest.Result r) {
        if (!r.ok()) {
            throw new FrontendException(r.op() + " failed: " + r.error());
        }
        return r;
    }

    @Override
    protected SmallDevicesUnderTest.Rng openRng(TestPlatform platform) {
        FrontendUnderTestGuest guest = FrontendUnderTestGuest.start(platform, "fut-rng", d -> platform.backends.attachRng(d.domid(), 0));
        check(guest.op("rng-open"));
        return new SmallDevicesUnderTest.Rng() {
            @Override
            public long readCrc32(int n) {
                return Long.decode(check(guest.op("rng-read:" + n)).field("crc32"));
            }

            @Override
            public void close() {
                try {
                    check(guest.op("rng-close"));
                } finally {
                    guest.close();
                }
            }
        };
    }

    @Override
    protected SmallDevicesUnderTest.Console openConsole(TestPlatform platform, String name) {
        FrontendUnderTestGuest guest = FrontendUnderTestGuest.start(platform, "fut-cons",
                d -> platform.backends.attachConsole(d.domid(), 1, name));
        check(guest.op("cons-open"));
        return new SmallDevicesUnderTest.Console() {
            @Override
            public void write(String text) {
                StringBuilder esc = new StringBuilder();
                for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                    if (Character.isLetterOrDigit(b)) {
                        esc.append((char) b);
                    } else {
                        esc.append(String.format("%%%02X", b & 0xFF));
                    }
                }
                check(guest.op("cons-write:" + esc));
            }

            @Override
            public String readLine(Duration wait) {
                FrontendUnderTestGuest.Result r = guest.op("cons-read:" + wait.toMillis());
                if (!r.ok() && r.error().equals("ETIMEDOUT")) {
                    return null;
                }
                return URLDecoder.decode(check(r).field("line").replace("+", "%2B"), StandardCharsets.UTF_8);
            }

            @Override
            public void close() {
                try {
                    check(guest.op("cons-close"));
                } finally {
                    guest.close();
                }
            }
        };
    }
}
