package io.splitvisor.frontend;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.backend.Dom0Backends;
import io.splitvisor.backend.vrng.VrngBackend;
import io.splitvisor.backend.xenbus.DevicePaths;
import io.splitvisor.backend.xenbus.StoreIO;
import io.splitvisor.backend.xenbus.XenbusState;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;

import java.time.Duration;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** A hypervisor with dom0's backends, and host domains to play guests: what every test here starts from. */
public final class TestPlatform implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final Hypervisor hv = new Hypervisor(new Engines(), meters, io.splitvisor.core.domain.CrashReporter.REGISTERS_ONLY);
    public final Dom0Backends backends = new Dom0Backends(hv, meters, new VrngBackend(() -> new Random(42)));
    public final StoreIO dom0Store = new StoreIO(hv.store(), 0);

    /** A host domain with 8 MiB of memory, enough for every Java frontend at once. */
    public FrontendDomain guest(String name) {
        return FrontendDomain.create(hv, name, 8 << 20);
    }

    public XenbusState backendState(DevicePaths p) {
        return XenbusState.parse(dom0Store.read(p.backendDir() + "/state").orElse(null));
    }

    /** Waits (polling the store, at most {@link #TIMEOUT}) until {@code condition} holds; fails with {@code what} otherwise. */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    @Override
    public void close() {
        backends.close();
        hv.close();
    }
}
