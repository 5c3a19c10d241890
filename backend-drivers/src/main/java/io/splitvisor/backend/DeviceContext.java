package io.splitvisor.backend;

import io.splitvisor.backend.xenbus.DevicePaths;
import io.splitvisor.backend.xenbus.StoreIO;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.Hypervisor;

import java.util.Optional;

/** What a driver sees of its device: where it lives in the store, its frontend's grants, its meters. */
public final class DeviceContext {
    private final DevicePaths paths;
    private final Hypervisor hypervisor;
    private final StoreIO store;
    private final GrantAccess grants;
    private final DeviceMetrics metrics;
    private final RingTracer tracer;
    private final Runnable wake;

    /** Made by the framework ({@link io.splitvisor.backend.xenbus.DeviceLifecycle}) for each device. */
    public DeviceContext(DevicePaths paths, Hypervisor hypervisor, StoreIO store, DeviceMetrics metrics, RingTracer tracer,
                  Runnable wake) {
        this.paths = paths;
        this.hypervisor = hypervisor;
        this.store = store;
        this.grants = new GrantAccess(hypervisor, paths.frontend());
        this.metrics = metrics;
        this.tracer = tracer;
        this.wake = wake;
    }

    public DevicePaths paths() {
        return paths;
    }

    /** "vbd/5/51712". */
    public String name() {
        return paths.name();
    }

    public int frontendDomid() {
        return paths.frontend();
    }

    public String deviceId() {
        return paths.id();
    }

    /** The frontend domain's name, or its id when it is gone. */
    public String frontendName() {
        Domain d = hypervisor.domain(paths.frontend());
        return d != null ? d.name() : Integer.toString(paths.frontend());
    }

    /** A key of the backend directory (written by the toolstack or this backend). */
    public Optional<String> backendKey(String key) {
        return store.read(paths.backendDir() + "/" + key);
    }

    /** A key of the frontend directory (written by the toolstack or the guest: untrusted). */
    public Optional<String> frontendKey(String key) {
        return store.read(paths.frontendDir() + "/" + key);
    }

    public GrantAccess grants() {
        return grants;
    }

    public DeviceMetrics metrics() {
        return metrics;
    }

    public RingTracer tracer() {
        return tracer;
    }

    /** Schedules {@link DeviceSession#onNotify()} on the device worker (coalesced), from any thread. */
    public void wake() {
        wake.run();
    }
}
