package io.splitvisor.backend.xenbus;

import io.micrometer.core.instrument.MeterRegistry;
import io.splitvisor.backend.BackendDriver;
import io.splitvisor.backend.DeviceMetrics;
import io.splitvisor.backend.RingTracer;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.store.StorePaths;
import io.splitvisor.core.store.WatchSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * dom0's xenbus backend bus: watches {@code /local/domain/0/backend/<type>} for every registered
 * driver and starts a {@link DeviceLifecycle} for each device directory the toolstack creates.
 * When a guest ends ({@link Hypervisor#onDomainEnded}, and {@code @releaseDomain} when it is
 * destroyed) its devices stop and their backend directories are removed. Discovery runs on one
 * "xenbus" thread; each device then has its own worker.
 */
public final class BackendManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackendManager.class);

    private final Hypervisor hypervisor;
    private final MeterRegistry registry;
    private final StoreIO store;
    private final ExecutorService bus = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "backend-xenbus");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, BackendDriver> drivers = new ConcurrentHashMap<>();
    private final Map<DevicePaths, DeviceLifecycle> devices = new ConcurrentHashMap<>();
    private final Map<String, WatchSink> typeSinks = new ConcurrentHashMap<>();
    private final WatchSink releaseSink = (path, token) -> onBus(this::reapDead);
    private volatile RingTracer tracer = RingTracer.NONE;
    private volatile boolean closed;

    public BackendManager(Hypervisor hypervisor, MeterRegistry registry) {
        this.hypervisor = hypervisor;
        this.registry = registry;
        this.store = new StoreIO(hypervisor.store(), 0);
        hypervisor.onDomainEnded(this::domainEnded);
        hypervisor.store().watch(0, StorePaths.RELEASE_DOMAIN, "backend:release", releaseSink);
    }

    /** Serves devices of {@code driver}'s type from now on (including directories already there). */
    public void register(BackendDriver driver) {
        if (drivers.putIfAbsent(driver.type(), driver) != null) {
            throw new IllegalArgumentException("a driver for " + driver.type() + " is already registered");
        }
        WatchSink sink = (path, token) -> onBus(() -> changed(driver, path));
        typeSinks.put(driver.type(), sink);
        hypervisor.store().watch(0, DevicePaths.typeRoot(driver.type()), "backend:" + driver.type(), sink);
    }

    private void onBus(Runnable step) {
        if (!closed) {
            try {
                bus.execute(step);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("backend bus closed");
            }
        }
    }

    /** Sees every request right after it is copied out of a ring (tracing, tests); applies to devices started later. */
    public void setTracer(RingTracer tracer) {
        this.tracer = tracer == null ? RingTracer.NONE : tracer;
    }

    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** The running device at {@code paths}, if any. */
    public Optional<DeviceLifecycle> device(DevicePaths paths) {
        return Optional.ofNullable(devices.get(paths));
    }

    public List<DeviceLifecycle> devices() {
        return new ArrayList<>(devices.values());
    }

    // ---- on the bus thread ------------------------------------------------------------------------------

    private void changed(BackendDriver driver, String path) {
        if (closed) {
            return;
        }
        DevicePaths device = DevicePaths.fromBackendPath(driver.type(), path);
        if (device != null) {
            consider(driver, device);
            return;
        }
        // The type root itself (the first event, or a subtree change): look at every device below it.
        String root = DevicePaths.typeRoot(driver.type());
        for (String fe : children(root)) {
            for (String id : children(root + "/" + fe)) {
                DevicePaths p = DevicePaths.fromBackendPath(driver.type(), root + "/" + fe + "/" + id);
                if (p != null) {
                    consider(driver, p);
                }
            }
        }
    }

    private List<String> children(String path) {
        try {
            return hypervisor.store().children(0, 0, path);
        } catch (io.splitvisor.core.store.StoreException e) {
            return List.of();
        }
    }

    private void consider(BackendDriver driver, DevicePaths paths) {
        if (devices.containsKey(paths) || !store.exists(paths.backendDir() + "/frontend-id")) {
            return;
        }
        Domain fe = hypervisor.domain(paths.frontend());
        if (fe == null || fe.status().ended()) {
            LOG.warn("{}: no live domain {}; ignoring its backend directory", paths, paths.frontend());
            return;
        }
        String id = store.read(paths.backendDir() + "/frontend-id").orElse("");
        if (!id.equals(Integer.toString(paths.frontend()))) {
            LOG.warn("{}: frontend-id {} does not match the directory; ignoring it", paths, id);
            return;
        }
        DeviceMetrics metrics = new DeviceMetrics(registry, paths.type(), paths.name());
        DeviceLifecycle[] self = new DeviceLifecycle[1];
        self[0] = new DeviceLifecycle(driver, paths, hypervisor, metrics, tracer, () -> devices.remove(paths, self[0]));
        devices.put(paths, self[0]);
        LOG.debug("{}: new device", paths);
        self[0].start();
    }

    private void domainEnded(Domain d) {
        if (d.domid() == 0) {
            return;
        }
        onBus(() -> {
            for (DeviceLifecycle l : devices.values()) {
                if (l.paths().frontend() == d.domid()) {
                    l.frontendGone();
                }
            }
        });
    }

    private void reapDead() {
        for (DeviceLifecycle l : devices.values()) {
            Domain fe = hypervisor.domain(l.paths().frontend());
            if (fe == null || fe.status().ended()) {
                l.frontendGone();
            }
        }
    }

    /** Stops every device (leaving the store as it is) and the bus. */
    @Override
    public void close() {
        closed = true;
        unwatch(StorePaths.RELEASE_DOMAIN, "backend:release", releaseSink);
        typeSinks.forEach((type, sink) -> unwatch(DevicePaths.typeRoot(type), "backend:" + type, sink));
        List<DeviceLifecycle> all = devices();
        all.forEach(DeviceLifecycle::shutdown);
        for (DeviceLifecycle l : all) {
            try {
                l.gone().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("{}: did not stop in time", l);
            }
        }
        bus.shutdown();
    }

    private void unwatch(String path, String token, WatchSink sink) {
        try {
            hypervisor.store().unwatch(0, path, token, sink);
        } catch (io.splitvisor.core.store.StoreException e) {
            LOG.debug("unwatch {}: {}", path, e.getMessage());
        }
    }
}
