package io.splitvisor.frontend.vrng;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.backend.Dom0Backends;
import io.splitvisor.backend.vrng.VrngBackend;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.frontend.FrontendDomain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class VrngTest {
    private Hypervisor hv;
    private Dom0Backends backends;

    @BeforeEach
    void setUp() {
        hv = new Hypervisor(new Engines());
        backends = new Dom0Backends(hv, new SimpleMeterRegistry(), new VrngBackend(() -> new Random(42)));
    }

    @AfterEach
    void tearDown() {
        backends.close();
        hv.close();
    }

    @Test
    void readsTheBackendsBytes() {
        FrontendDomain fe = FrontendDomain.create(hv, "fe", 4 << 20);
        backends.attachRng(fe.domid(), 0);
        try (VrngFrontend rng = VrngFrontend.connect(fe, "0", Duration.ofSeconds(10))) {
            byte[] got = rng.read(10_000);
            Random expected = new Random(42);
            byte[] want = new byte[10_000];
            for (int i = 0; i < want.length; i += 4096) {
                int len = Math.min(4096, want.length - i);
                for (int j = 0; j < len; j += 8) {
                    long v = expected.nextLong();
                    for (int b = 0; b < 8 && j + b < len; b++) {
                        want[i + j + b] = (byte) (v >>> (8 * b));
                    }
                }
            }
            assertArrayEquals(want, got);
            assertEquals(10_000, got.length);
        }
    }
}
