package io.splitvisor.backend.xenbus;

import io.splitvisor.backend.DeviceException;
import io.splitvisor.core.store.NodePermissions;
import io.splitvisor.core.store.Store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The toolstack's part of plugging a device (libxl's role): both device directories, written in
 * one transaction with Xen's keys and permissions.
 *
 * <pre>
 *  /local/domain/&lt;fe&gt;/device/&lt;type&gt;/&lt;id&gt;          owned by the guest, dom0 reads ("n&lt;fe&gt; r0")
 *      backend, backend-id = 0, state = 1, + frontend keys
 *  /local/domain/0/backend/&lt;type&gt;/&lt;fe&gt;/&lt;id&gt;    owned by dom0, the guest reads ("n0 r&lt;fe&gt;")
 *      frontend, frontend-id, online = 1, state = 1, + backend keys
 * </pre>
 *
 * The backend (a {@link BackendManager} watching the store) picks the device up from there.
 */
public final class DeviceAttacher {
    private final Store store;
    private final StoreIO io;

    public DeviceAttacher(Store store) {
        this.store = store;
        this.io = new StoreIO(store, 0);
    }

    /**
     * Creates the two directories of a new device.
     *
     * @throws DeviceException if either directory already exists
     */
    public DevicePaths attach(DevicePaths p, Map<String, String> frontendKeys, Map<String, String> backendKeys) {
        Map<String, String> fe = new LinkedHashMap<>();
        fe.put("backend", p.backendDir());
        fe.put("backend-id", Integer.toString(DevicePaths.BACKEND_DOMID));
        fe.put("state", XenbusState.INITIALISING.text());
        fe.putAll(frontendKeys);
        Map<String, String> be = new LinkedHashMap<>();
        be.put("frontend", p.frontendDir());
        be.put("frontend-id", Integer.toString(p.frontend()));
        be.put("online", "1");
        be.put("state", XenbusState.INITIALISING.text());
        be.putAll(backendKeys);
        NodePermissions fePerms = NodePermissions.parse("n" + p.frontend() + " r" + DevicePaths.BACKEND_DOMID);
        NodePermissions bePerms = NodePermissions.parse("n" + DevicePaths.BACKEND_DOMID + " r" + p.frontend());
        io.transaction(tx -> {
            if (io.read(tx, p.frontendDir() + "/backend").isPresent() || io.read(tx, p.backendDir() + "/frontend").isPresent()) {
                throw new DeviceException(p.type() + " " + p.id() + " is already attached to domain " + p.frontend());
            }
            // The directory first, with its permissions; keys dom0 writes below inherit them.
            store.mkdir(0, tx, p.frontendDir());
            store.setPerms(0, tx, p.frontendDir(), fePerms);
            fe.forEach((k, v) -> store.write(0, tx, p.frontendDir() + "/" + k, v));
            store.mkdir(0, tx, p.backendDir());
            store.setPerms(0, tx, p.backendDir(), bePerms);
            be.forEach((k, v) -> store.write(0, tx, p.backendDir() + "/" + k, v));
        });
        return p;
    }

    /**
     * Asks for a clean unplug: {@code online = 0}. The backend closes the device and, once the
     * frontend is Closed or gone, removes it and its backend directory.
     */
    public void unplug(DevicePaths p) {
        io.transaction(tx -> {
            if (io.read(tx, p.backendDir() + "/frontend").isPresent()) {
                store.write(0, tx, p.backendDir() + "/online", "0");
            }
        });
    }

    /** Forced removal: both directories go at once, whatever the frontend does. */
    public void remove(DevicePaths p) {
        io.transaction(tx -> {
            store.remove(0, tx, p.backendDir());
            store.remove(0, tx, p.frontendDir());
        });
    }
}
