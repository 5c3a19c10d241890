package io.splitvisor.core.evtchn;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.EvtchnStatusResponse;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.abi.proto.Virq;
import io.splitvisor.core.StatusException;

import java.util.function.IntFunction;

/**
 * The event-channel operations across domains (ABI.md section 6, "Event channels"). Bindings
 * that involve two domains lock both port tables, lower domain id first, so concurrent binds and
 * closes never deadlock and never leave half a channel.
 */
public final class EventChannels {
    private final IntFunction<EventDomain> domains;

    /** {@code domains} finds a live domain by id, or returns null. */
    public EventChannels(IntFunction<EventDomain> domains) {
        this.domains = domains;
    }

    private EventDomain resolve(EventDomain caller, int domid) {
        if (domid == AbiConstants.DOMID_SELF || domid == caller.domid()) {
            return caller;
        }
        EventDomain d = domains.apply(domid);
        if (d == null || !d.alive()) {
            throw new StatusException(Status.STATUS_ESRCH, "no domain " + domid);
        }
        return d;
    }

    /** A port of {@code caller} that {@code remoteDomid} may bind to. */
    public int allocUnbound(EventDomain caller, int remoteDomid) {
        EventDomain remote = resolve(caller, remoteDomid);
        int port = caller.ports().allocate(PortBinding.unbound(remote.domid()));
        caller.sink().reset(port);
        return port;
    }

    /** Connects a new port of {@code caller} to the unbound {@code remotePort} of {@code remoteDomid}. */
    public int bindInterdomain(EventDomain caller, int remoteDomid, int remotePort) {
        EventDomain remote = resolve(caller, remoteDomid);
        PortTable.check(remotePort);
        int local;
        PortTable first = caller.domid() <= remote.domid() ? caller.ports() : remote.ports();
        PortTable second = first == caller.ports() ? remote.ports() : caller.ports();
        synchronized (first) {
            synchronized (second) {
                PortBinding target = remote.ports().binding(remotePort);
                if (target.state() != PortState.UNBOUND) {
                    throw new StatusException(Status.STATUS_EINVAL, "port " + remotePort + " of domain "
                            + remote.domid() + " is not unbound (" + target.state() + ")");
                }
                if (target.remoteDomain() != caller.domid()) {
                    throw new StatusException(Status.STATUS_EACCES, "port " + remotePort + " of domain "
                            + remote.domid() + " is offered to domain " + target.remoteDomain());
                }
                local = caller.ports().allocate(PortBinding.interdomain(remote.domid(), remotePort));
                remote.ports().rebind(remotePort, PortBinding.interdomain(caller.domid(), local));
            }
        }
        caller.sink().reset(local);
        caller.sink().raise(local);   // in case the peer signalled before the bind
        return local;
    }

    /** Notifies the other end of {@code port}. The hot path: no locks, no allocation. */
    public void send(EventDomain caller, int port) {
        PortBinding b = caller.ports().binding(port);
        switch (b.state()) {
            case INTERDOMAIN -> {
                EventDomain remote = b.remoteDomain() == caller.domid() ? caller : domains.apply(b.remoteDomain());
                if (remote != null && remote.alive()) {
                    remote.sink().raise(b.remotePort());
                }
            }
            case VIRQ -> caller.sink().raise(port);
            case UNBOUND -> throw new StatusException(Status.STATUS_ENOTCONN, "port " + port + " is not connected yet");
            default -> throw new StatusException(Status.STATUS_EBADF, "port " + port + " is not in use");
        }
    }

    /** Closes {@code port}; an interdomain peer's port becomes unbound, offered to this domain again. */
    public void close(EventDomain caller, int port) {
        PortBinding b = caller.ports().binding(port);
        if (b.state() == PortState.FREE) {
            throw new StatusException(Status.STATUS_EBADF, "port " + port + " is not in use");
        }
        EventDomain remote = null;
        if (b.state() == PortState.INTERDOMAIN) {
            remote = b.remoteDomain() == caller.domid() ? caller : domains.apply(b.remoteDomain());
        }
        if (remote == null) {
            caller.ports().free(port);
        } else {
            PortTable first = caller.domid() <= remote.domid() ? caller.ports() : remote.ports();
            PortTable second = first == caller.ports() ? remote.ports() : caller.ports();
            synchronized (first) {
                synchronized (second) {
                    caller.ports().free(port);
                    PortBinding peer = remote.ports().binding(b.remotePort());
                    if (peer.state() == PortState.INTERDOMAIN && peer.remoteDomain() == caller.domid()
                            && peer.remotePort() == port) {
                        remote.ports().rebind(b.remotePort(), PortBinding.unbound(caller.domid()));
                    }
                }
            }
        }
        caller.sink().reset(port);
    }

    public void unmask(EventDomain caller, int port) {
        if (caller.ports().binding(port).state() == PortState.FREE) {
            throw new StatusException(Status.STATUS_EBADF, "port " + port + " is not in use");
        }
        caller.sink().unmask(port);
    }

    /** The binding of a port of {@code domid} (another domain's only for dom0). */
    public EvtchnStatusResponse status(EventDomain caller, int domid, int port) {
        EventDomain target = resolve(caller, domid);
        if (target != caller && !caller.privileged()) {
            throw new StatusException(Status.STATUS_EPERM, "only dom0 may ask about another domain's ports");
        }
        PortBinding b = target.ports().binding(port);
        EvtchnStatusResponse.Builder r = EvtchnStatusResponse.newBuilder().setState(b.state().abi());
        switch (b.state()) {
            case UNBOUND -> r.setUnbound(EvtchnStatusResponse.Unbound.newBuilder().setRemoteDomid(b.remoteDomain()));
            case INTERDOMAIN -> r.setInterdomain(EvtchnStatusResponse.Interdomain.newBuilder()
                    .setRemoteDomid(b.remoteDomain()).setRemotePort(b.remotePort()));
            case VIRQ -> r.setVirqValue(b.virq());
            default -> { }
        }
        return r.build();
    }

    /** Binds virtual interrupt {@code virq} of vCPU {@code vcpu} to a new port. */
    public int bindVirq(EventDomain caller, int virq, int vcpu) {
        if (vcpu != 0) {
            throw new StatusException(Status.STATUS_EINVAL, "vCPU " + vcpu + " does not exist (domains have one vCPU)");
        }
        boolean known = virq == Virq.VIRQ_TIMER_VALUE || virq == Virq.VIRQ_CONSOLE_VALUE
                || (virq == Virq.VIRQ_DOM_EXC_VALUE && caller.privileged());
        if (!known) {
            throw new StatusException(Status.STATUS_EINVAL, "virq " + virq + " is not available to this domain");
        }
        synchronized (caller.ports()) {
            if (caller.ports().portOfVirq(virq) != 0) {
                throw new StatusException(Status.STATUS_EEXIST, "virq " + virq + " is already bound");
            }
            int port = caller.ports().allocate(PortBinding.virq(virq));
            caller.sink().reset(port);
            return port;
        }
    }

    /** Raises {@code virq} in {@code domain} if it is bound; returns whether it was. */
    public boolean raiseVirq(EventDomain domain, int virq) {
        int port = domain.ports().portOfVirq(virq);
        if (port != 0) {
            domain.sink().raise(port);
            return true;
        }
        return false;
    }

    /** Closes every port of a dying domain; its peers' ports become unbound. */
    public void closeAll(EventDomain domain) {
        for (int port : domain.ports().usedPorts()) {
            try {
                close(domain, port);
            } catch (StatusException e) {
                // closed concurrently by a peer's close: nothing left to do
            }
        }
    }
}
