package io.splitvisor.core.evtchn;

import io.splitvisor.abi.AbiConstants;

/**
 * What one port is bound to. Immutable: a port's binding changes by replacing the object, so the
 * send path reads a consistent binding with a single volatile load.
 *
 * @param state        free, unbound, interdomain or virq
 * @param remoteDomain UNBOUND: the domain allowed to bind; INTERDOMAIN: the peer; else DOMID_INVALID
 * @param remotePort   INTERDOMAIN: the peer's port
 * @param virq         VIRQ: the virtual interrupt number
 */
public record PortBinding(PortState state, int remoteDomain, int remotePort, int virq) {
    public static final PortBinding FREE = new PortBinding(PortState.FREE, AbiConstants.DOMID_INVALID, 0, -1);

    static PortBinding unbound(int remoteDomain) {
        return new PortBinding(PortState.UNBOUND, remoteDomain, 0, -1);
    }

    static PortBinding interdomain(int remoteDomain, int remotePort) {
        return new PortBinding(PortState.INTERDOMAIN, remoteDomain, remotePort, -1);
    }

    static PortBinding virq(int number) {
        return new PortBinding(PortState.VIRQ, AbiConstants.DOMID_INVALID, 0, number);
    }
}
