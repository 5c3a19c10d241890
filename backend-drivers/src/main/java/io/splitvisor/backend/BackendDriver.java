package io.splitvisor.backend;

import java.util.List;

/**
 * A kind of split-driver backend: what a new driver implements. It declares its device type, the
 * pages its frontends publish, and how to open a device; the framework does the rest (watching
 * the store, the xenbus handshake, mapping rings, binding the event channel, notifications,
 * metrics, teardown).
 *
 * <pre>
 *   probe(context)          the toolstack created the backend directory: check and open the device;
 *                           its features() are published, then state InitWait
 *   device.connect(conn)    the frontend is Initialised or Connected: its pages are mapped and its
 *                           event channel bound; properties() are published, then state Connected
 *   session.onNotify()      the frontend notified (or something kicked the device): serve the rings
 *   session.close()         the frontend closes, re-initialises, breaks the protocol or dies
 *   device.close()          the device is unplugged or its guest is gone
 * </pre>
 *
 * Every call runs on the device's own worker thread, one at a time.
 */
public interface BackendDriver {
    /** The store's device type: "vbd", "vif", "console", "vrng". */
    String type();

    /** The pages the frontend publishes, in the order {@link Connection#page(int)} gives them. */
    List<RingSpec> rings();

    /** The frontend key holding its event-channel port. */
    default String eventChannelKey() {
        return "event-channel";
    }

    /**
     * Opens the device the backend directory describes ({@link DeviceContext#backendKey}).
     *
     * @throws DeviceException (one-line message) when it cannot be served; the device goes to Closing
     */
    BackendDevice probe(DeviceContext context);
}
