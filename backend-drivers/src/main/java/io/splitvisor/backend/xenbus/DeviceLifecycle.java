package io.splitvisor.backend.xenbus;

import io.splitvisor.backend.BackendDevice;
import io.splitvisor.backend.BackendDriver;
import io.splitvisor.backend.Connection;
import io.splitvisor.backend.DeviceContext;
import io.splitvisor.backend.DeviceException;
import io.splitvisor.backend.DeviceMetrics;
import io.splitvisor.backend.DeviceSession;
import io.splitvisor.backend.RingSpec;
import io.splitvisor.backend.RingTracer;
import io.splitvisor.backend.ring.RingProtocolException;
import io.splitvisor.core.StatusException;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.grant.GrantedPage;
import io.splitvisor.core.store.StoreException;
import io.splitvisor.core.store.WatchSink;
import io.splitvisor.engine.GuestMemoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The backend half of Xen's xenbus handshake for one device, driven by the store. Everything runs
 * on the device's worker thread; every store event just re-reads the current state and acts on
 * it ({@link #reconcile}), so spurious and coalesced watch events are harmless.
 *
 * <pre>
 *  probe: driver.probe, publish features -> InitWait (2)
 *  frontend 3 or 4, we are 2:  read ring refs + port, map, bind, device.connect, publish properties -> Connected (4)
 *  frontend 5: stop serving -> Closing (5)        frontend 6: stop serving -> Closed (6)
 *  frontend 1 while we are 4, 5 or 6: stop serving -> InitWait (2) (the frontend re-initialises)
 *  frontend directory gone: stop serving -> Closed (6)
 *  protocol violation, unmappable ring, unbindable port: error key, stop serving -> Closing (5)
 *  online = 0 (unplug): -> Closing until the frontend is Closed or gone, then the device and its backend directory go
 *  backend directory removed, or the guest ended: the device goes
 * </pre>
 */
public final class DeviceLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceLifecycle.class);
    /** The only frontend ABI these backends speak; a frontend may also leave {@code protocol} out. */
    public static final String PROTOCOL = "x86_64-abi";

    private final BackendDriver driver;
    private final DevicePaths paths;
    private final Hypervisor hypervisor;
    private final StoreIO store;
    private final DeviceWorker worker;
    private final DeviceMetrics metrics;
    private final DeviceContext context;
    private final Runnable onGone;
    private final String token;
    private final WatchSink sink;
    private final CompletableFuture<Void> gone = new CompletableFuture<>();

    // Confined to the worker thread.
    private XenbusState state = XenbusState.INITIALISING;
    private BackendDevice device;
    private Connection connection;
    private DeviceSession session;
    private boolean watching;
    private boolean removed;

    DeviceLifecycle(BackendDriver driver, DevicePaths paths, Hypervisor hypervisor, DeviceMetrics metrics,
                    RingTracer tracer, Runnable onGone) {
        this.driver = driver;
        this.paths = paths;
        this.hypervisor = hypervisor;
        this.store = new StoreIO(hypervisor.store(), 0);
        this.worker = new DeviceWorker(paths.name().replace('/', '-'));
        this.metrics = metrics;
        this.context = new DeviceContext(paths, hypervisor, store, metrics, tracer, this::wake);
        this.onGone = onGone;
        this.token = "backend:" + paths.name() + ":" + System.identityHashCode(this);
        this.sink = (path, tok) -> worker.execute(this::reconcile);
    }

    public DevicePaths paths() {
        return paths;
    }

    public DeviceContext context() {
        return context;
    }

    /** Completes once the device is gone (unplugged, its directory removed, or its guest ended). */
    public CompletableFuture<Void> gone() {
        return gone;
    }

    void start() {
        worker.execute(this::probe);
    }

    /** The guest ended: stop serving and remove the device and its backend directory. */
    void frontendGone() {
        worker.execute(() -> teardown(true));
    }

    /** dom0 shuts down: stop serving, leave the store alone. */
    void shutdown() {
        worker.execute(() -> teardown(false));
    }

    private void wake() {
        worker.wake(this::serve);
    }

    // ---- steps, on the worker ---------------------------------------------------------------------------

    private void probe() {
        try {
            device = driver.probe(context);
            Map<String, String> features = device.features();
            if (!writeKeys(features)) {
                teardown(false);
                return;
            }
        } catch (DeviceException | StatusException | StoreException e) {
            watch();
            fatal("cannot open " + paths.name() + ": " + e.getMessage());
            return;
        }
        watch();
        switchState(XenbusState.INIT_WAIT);
        LOG.debug("{}: probed, InitWait", paths);
    }

    private void watch() {
        hypervisor.store().watch(0, paths.frontendDir() + "/state", token, sink);
        hypervisor.store().watch(0, paths.backendDir() + "/online", token, sink);
        watching = true;
    }

    private void reconcile() {
        if (removed) {
            return;
        }
        if (!store.exists(paths.backendDir() + "/frontend-id")) {
            teardown(false);   // the toolstack removed the backend directory
            return;
        }
        boolean offline = store.read(paths.backendDir() + "/online").map(v -> v.equals("0")).orElse(false);
        XenbusState fe = XenbusState.parse(store.read(paths.frontendDir() + "/state").orElse(null));
        if (device == null) {
            if (offline) {
                teardown(true);
            }
            return;
        }
        switch (fe) {
            case INITIALISING -> {
                if (!offline && (state == XenbusState.CONNECTED || state == XenbusState.CLOSING
                        || state == XenbusState.CLOSED)) {
                    disconnect();
                    switchState(XenbusState.INIT_WAIT);
                    LOG.debug("{}: frontend re-initialises, InitWait", paths);
                }
            }
            case INITIALISED, CONNECTED -> {
                if (!offline && state == XenbusState.INIT_WAIT) {
                    connect();
                }
            }
            case CLOSING -> {
                disconnect();
                if (state != XenbusState.CLOSED) {
                    switchState(XenbusState.CLOSING);
                }
            }
            case CLOSED, UNKNOWN -> {
                disconnect();
                switchState(XenbusState.CLOSED);
                if (offline) {
                    teardown(true);
                    return;
                }
            }
            default -> { }
        }
        if (offline && state != XenbusState.CLOSING && state != XenbusState.CLOSED) {
            disconnect();
            switchState(XenbusState.CLOSING);
        }
    }

    private void connect() {
        List<RingSpec> specs = driver.rings();
        List<GrantedPage> pages = new ArrayList<>();
        int localPort = 0;
        try {
            Optional<String> protocol = context.frontendKey("protocol");
            if (protocol.isPresent() && !protocol.get().equals(PROTOCOL)) {
                throw new DeviceException("frontend protocol " + protocol.get() + " is not supported (only " + PROTOCOL + ")");
            }
            int[] refs = new int[specs.size()];
            for (int i = 0; i < refs.length; i++) {
                refs[i] = frontendNumber(specs.get(i).key());
            }
            int port = frontendNumber(driver.eventChannelKey());
            for (int ref : refs) {
                pages.add(context.grants().map(ref, false));
            }
            localPort = hypervisor.events().bindInterdomain(hypervisor.dom0(), paths.frontend(), port);
            // The handler goes in at once: an event that found no handler would be consumed and lost.
            // Its wakeups queue behind this step, so they serve once the session exists.
            hypervisor.dom0Events().setHandler(localPort, p -> {
                metrics.wakeup();
                wake();
            });
            connection = new Connection(context, hypervisor, specs, pages, localPort);
            pages.clear();
            session = device.connect(connection);
            if (!writeKeys(device.properties())) {
                return;
            }
            switchState(XenbusState.CONNECTED);
            wake();   // serve whatever the frontend queued before we were connected
            LOG.debug("{}: connected, dom0 port {}", paths, localPort);
        } catch (DeviceException | StatusException | StoreException | GuestMemoryException e) {
            for (GrantedPage p : pages) {
                context.grants().unmap(p);
            }
            if (connection == null && localPort != 0) {
                hypervisor.dom0Events().setHandler(localPort, null);
                hypervisor.events().close(hypervisor.dom0(), localPort);
            }
            fatal("cannot connect " + paths.name() + ": " + e.getMessage());
        }
    }

    private int frontendNumber(String key) {
        String text = context.frontendKey(key)
                .orElseThrow(() -> new DeviceException("frontend key " + key + " is missing"));
        try {
            long v = Long.parseLong(text.trim());
            if (v < 0 || v > 0xFFFFFFFFL) {
                throw new NumberFormatException();
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new DeviceException("frontend key " + key + " is not a number: " + abbreviate(text));
        }
    }

    private void serve() {
        DeviceSession s = session;
        if (s == null || removed) {
            return;
        }
        try {
            s.onNotify();
        } catch (RingProtocolException e) {
            fatal("protocol violation: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{}: serving failed", paths, e);
            fatal("backend failure: " + e);
        }
    }

    /** Xen's xenbus_dev_fatal: say why in the error key, stop serving, Closing. */
    private void fatal(String message) {
        LOG.warn("{}: {}", paths, message);
        writeKeys(Map.of("error", message));
        disconnect();
        switchState(XenbusState.CLOSING);
    }

    private void disconnect() {
        DeviceSession s = session;
        session = null;
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("{}: closing the session failed", paths, e);
            }
        }
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private void teardown(boolean removeDirectory) {
        if (removed) {
            return;
        }
        removed = true;
        disconnect();
        if (device != null) {
            try {
                device.close();
            } catch (RuntimeException e) {
                LOG.warn("{}: closing the device failed", paths, e);
            }
        }
        if (watching) {
            unwatch(paths.frontendDir() + "/state");
            unwatch(paths.backendDir() + "/online");
        }
        if (removeDirectory) {
            try {
                hypervisor.store().remove(0, 0, paths.backendDir());
            } catch (StoreException e) {
                LOG.debug("{}: removing the backend directory: {}", paths, e.getMessage());
            }
        }
        metrics.remove();
        LOG.debug("{}: removed", paths);
        onGone.run();
        worker.shutdown();
        gone.complete(null);
    }

    private void unwatch(String path) {
        try {
            hypervisor.store().unwatch(0, path, token, sink);
        } catch (StoreException e) {
            LOG.debug("{}: unwatch {}: {}", paths, path, e.getMessage());
        }
    }

    private void switchState(XenbusState next) {
        if (writeKeys(Map.of("state", next.text()))) {
            state = next;
        }
    }

    /** Writes keys into the backend directory in one transaction, unless the directory is gone; returns whether it wrote. */
    private boolean writeKeys(Map<String, String> keys) {
        if (keys.isEmpty()) {
            return true;
        }
        boolean[] present = new boolean[1];
        store.transaction(tx -> {
            present[0] = store.read(tx, paths.backendDir() + "/frontend-id").isPresent();
            if (present[0]) {
                keys.forEach((k, v) -> store.store().write(0, tx, paths.backendDir() + "/" + k, v));
            }
        });
        return present[0];
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }

    @Override
    public String toString() {
        return paths.name();
    }
}
