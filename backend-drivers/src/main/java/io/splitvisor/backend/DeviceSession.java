package io.splitvisor.backend;

/** A connected device: it serves its rings when woken. */
public interface DeviceSession {
    /**
     * The frontend notified, or {@link DeviceContext#wake()} was called: serve what the rings
     * hold. Runs on the device worker. A {@link io.splitvisor.backend.ring.RingProtocolException}
     * (or any other exception) closes the device.
     */
    void onNotify();

    /** Stop serving; called on the worker before the pages are unmapped and the channel closed. */
    default void close() {
    }
}
