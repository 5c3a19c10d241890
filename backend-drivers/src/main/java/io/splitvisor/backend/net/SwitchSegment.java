package io.splitvisor.backend.net;

import io.splitvisor.core.devices.emulated.EthernetSegment;

/**
 * The {@link VirtualSwitch} as the segment an emulated NIC (the core's NE2000) plugs into: each NIC
 * gets a switch port of its own beside the PV vifs, its address learnt at once, so emulated and PV
 * guests exchange frames through the same switch. The NIC pulls its frames from the port's queue
 * when its guest touches it, so the port's wakeup does nothing.
 */
public final class SwitchSegment implements EthernetSegment {
    private final VirtualSwitch bridge;

    public SwitchSegment(VirtualSwitch bridge) {
        this.bridge = bridge;
    }

    @Override
    public Link connect(String name, long mac) {
        SwitchPort port = bridge.attach(name, () -> { });
        bridge.learn(port, mac);
        return new Link() {
            @Override
            public void transmit(byte[] frame) {
                bridge.transmit(port, frame);
            }

            @Override
            public byte[] receive() {
                return port.poll();
            }

            @Override
            public void received(byte[] frame, boolean stored) {
                if (stored) {
                    port.delivered(frame.length);
                } else {
                    port.rxDropped();
                }
            }

            @Override
            public void close() {
                bridge.detach(port);
            }
        };
    }
}
