package io.splitvisor.core.devices.emulated;

/**
 * A network an emulated NIC plugs into: dom0's virtual switch (adapted in backend-drivers by
 * {@code io.splitvisor.backend.net.SwitchSegment}, so emulated and PV guests share one switch), or a
 * test's own wiring. Frames are whole Ethernet frames without FCS.
 */
public interface EthernetSegment {
    /** A new link for a NIC with address {@code mac} (the segment may learn it at once). */
    Link connect(String name, long mac);

    /** One NIC's connection. Never blocks; used from the vCPU thread of the NIC's domain. */
    interface Link extends AutoCloseable {
        /** Puts a frame on the segment (the array is handed over). */
        void transmit(byte[] frame);

        /** The next frame that arrived for this link, or null. */
        byte[] receive();

        /** What became of a frame taken with {@link #receive()}: stored for the guest, or dropped (filtered, full ring, too long). */
        void received(byte[] frame, boolean stored);

        /** Leaves the segment. */
        @Override
        void close();
    }
}
