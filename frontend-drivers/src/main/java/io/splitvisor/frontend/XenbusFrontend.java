package io.splitvisor.frontend;

import io.splitvisor.abi.proto.Status;
import io.splitvisor.backend.xenbus.StoreIO;
import io.splitvisor.backend.xenbus.XenbusState;
import io.splitvisor.core.store.StoreException;
import io.splitvisor.core.store.WatchSink;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The frontend half of the xenbus handshake for one device, as the guest sees it: its directory
 * {@code device/<type>/<id>}, the backend's directory named by its {@code backend} key, and waiting
 * for the backend's state through a store watch (as {@code sv_xenbus_wait_peer} does in C).
 */
public final class XenbusFrontend {
    private final FrontendDomain domain;
    private final StoreIO store;
    private final String type;
    private final String id;
    private final String dir;
    private final String backendDir;
    private final int backendId;
    private XenbusState localState = XenbusState.INITIALISING;

    public XenbusFrontend(FrontendDomain domain, String type, String id) {
        this.domain = domain;
        this.store = domain.store();
        this.type = type;
        this.id = id;
        this.dir = "/local/domain/" + domain.domid() + "/device/" + type + "/" + id;
        this.backendDir = store.read(dir + "/backend")
                .orElseThrow(() -> new FrontendException(name() + ": no such device (" + dir + "/backend is missing)"));
        String be = store.read(dir + "/backend-id").orElseThrow(() -> new FrontendException(name() + ": backend-id is missing"));
        try {
            this.backendId = Integer.parseInt(be);
        } catch (NumberFormatException e) {
            throw new FrontendException(name() + ": backend-id " + be + " is not a number");
        }
    }

    /** "vbd/51712". */
    public String name() {
        return type + "/" + id;
    }

    public String dir() {
        return dir;
    }

    public String backendDir() {
        return backendDir;
    }

    public int backendId() {
        return backendId;
    }

    public FrontendDomain domain() {
        return domain;
    }

    public XenbusState localState() {
        return localState;
    }

    public Optional<String> frontendKey(String key) {
        return store.read(dir + "/" + key);
    }

    /**
     * A key of the backend directory. Once dom0 removed the directory, the guest may no longer
     * even learn whether a node there exists (EACCES, not ENOENT): that reads as absent too.
     */
    public Optional<String> backendKey(String key) {
        try {
            return store.read(backendDir + "/" + key);
        } catch (StoreException e) {
            if (e.status() == Status.STATUS_EACCES) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A backend key that is "1". */
    public boolean backendFeature(String key) {
        return backendKey(key).map("1"::equals).orElse(false);
    }

    public long backendNumber(String key) {
        String v = backendKey(key).orElseThrow(() -> new FrontendException(name() + ": backend key " + key + " is missing"));
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new FrontendException(name() + ": backend key " + key + " is not a number: " + v);
        }
    }

    public XenbusState backendState() {
        return XenbusState.parse(backendKey("state").orElse(null));
    }

    public void switchState(XenbusState state) {
        store.write(dir + "/state", state.text());
        localState = state;
    }

    /** Writes {@code keys} and then {@code state} in one transaction (retried on EAGAIN). */
    public void publish(Map<String, String> keys, XenbusState state) {
        store.transaction(tx -> {
            keys.forEach((k, v) -> store.store().write(domain.domid(), tx, dir + "/" + k, v));
            store.store().write(domain.domid(), tx, dir + "/state", state.text());
        });
        localState = state;
    }

    /**
     * Waits until the backend's state is one of {@code wanted}; returns it.
     *
     * @throws FrontendException on timeout: "vbd/51712: timed out waiting for backend: local state 3
     *                           (Initialised), remote state 2 (InitWait)"
     */
    public XenbusState waitForBackend(Set<XenbusState> wanted, Duration timeout) {
        Object signal = new Object();
        boolean[] changed = new boolean[1];
        WatchSink sink = (path, token) -> {
            synchronized (signal) {
                changed[0] = true;
                signal.notifyAll();
            }
        };
        String token = "fe-wait-" + System.identityHashCode(sink);
        String path = backendDir + "/state";
        store.store().watch(domain.domid(), path, token, sink);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                XenbusState now = backendState();
                if (wanted.contains(now)) {
                    return now;
                }
                synchronized (signal) {
                    long left = deadline - System.nanoTime();
                    if (!changed[0]) {
                        if (left <= 0) {
                            throw new FrontendException(String.format("%s: timed out waiting for backend: local state %d (%s), remote state %d (%s)",
                                    name(), localState.value(), pretty(localState), now.value(), pretty(now)));
                        }
                        signal.wait(Math.max(1, left / 1_000_000));
                    }
                    changed[0] = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrontendException(name() + ": interrupted while waiting for the backend");
        } finally {
            store.store().unwatch(domain.domid(), path, token, sink);
        }
    }

    public XenbusState waitForBackend(XenbusState wanted, Duration timeout) {
        return waitForBackend(EnumSet.of(wanted), timeout);
    }

    /**
     * Xen's (Mini-OS's) close: Closing, wait for the backend to reach Closing or Closed; Closed,
     * wait for Closed. Returns quietly if the backend is gone.
     */
    public void close(Duration timeout) {
        switchState(XenbusState.CLOSING);
        waitForBackend(EnumSet.of(XenbusState.CLOSING, XenbusState.CLOSED, XenbusState.UNKNOWN), timeout);
        switchState(XenbusState.CLOSED);
        waitForBackend(EnumSet.of(XenbusState.CLOSED, XenbusState.UNKNOWN), timeout);
    }

    /** "InitWait", "Connected", ... as Xen spells them. */
    public static String pretty(XenbusState s) {
        return switch (s) {
            case UNKNOWN -> "Unknown";
            case INITIALISING -> "Initialising";
            case INIT_WAIT -> "InitWait";
            case INITIALISED -> "Initialised";
            case CONNECTED -> "Connected";
            case CLOSING -> "Closing";
            case CLOSED -> "Closed";
        };
    }
}
