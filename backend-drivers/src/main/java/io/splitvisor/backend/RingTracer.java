package io.splitvisor.backend;

/**
 * Sees every request right after the framework copied it out of a ring and before the driver
 * looks at the copy: for tracing, and for tests that rewrite the shared slot at that moment to
 * show that the backend acts on its copy only. Runs on the device worker; must not keep {@code copy}.
 */
@FunctionalInterface
public interface RingTracer {
    RingTracer NONE = (device, ring, index, copy) -> { };

    /**
     * @param device the device ("vbd/5/51712")
     * @param ring   which ring of the device (0 for single-ring devices; vif: 0 tx, 1 rx)
     * @param index  the request's ring index
     * @param copy   the private copy the driver is about to read
     */
    void requestCopied(String device, int ring, int index, byte[] copy);
}
