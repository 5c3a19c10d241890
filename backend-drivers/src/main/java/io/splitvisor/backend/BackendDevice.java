package io.splitvisor.backend;

import java.util.Map;

/** One opened device of a {@link BackendDriver}, from probe until it is unplugged. */
public interface BackendDevice {
    /** Keys published in the backend directory before InitWait: features and limits. */
    Map<String, String> features();

    /** Keys published in the backend directory before Connected: device properties. */
    default Map<String, String> properties() {
        return Map.of();
    }

    /**
     * The frontend's pages are mapped and its event channel bound: start serving.
     *
     * @throws DeviceException when the frontend's choices cannot be served
     */
    DeviceSession connect(Connection connection);

    /** The device goes away: release what probe opened. */
    default void close() {
    }
}
