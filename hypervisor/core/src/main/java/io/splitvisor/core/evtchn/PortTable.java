package io.splitvisor.core.evtchn;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.core.StatusException;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.IntStream;

/**
 * One domain's event-channel ports. Changes happen under the table's monitor; reads of a single
 * binding need no lock (see {@link PortBinding}).
 */
public final class PortTable {
    private final int domid;
    private final int limit;
    private final AtomicReferenceArray<PortBinding> bindings = new AtomicReferenceArray<>(AbiConstants.EVTCHN_PORTS);
    private final int[] virqPorts = new int[8];
    private int used;

    public PortTable(int domid, int limit) {
        this.domid = domid;
        this.limit = Math.min(limit, AbiConstants.EVTCHN_PORTS - 1);
        for (int p = 0; p < AbiConstants.EVTCHN_PORTS; p++) {
            bindings.set(p, PortBinding.FREE);
        }
    }

    public int domid() {
        return domid;
    }

    public synchronized int used() {
        return used;
    }

    /** The binding of port {@code port}; EBADF outside 1..4095. */
    public PortBinding binding(int port) {
        check(port);
        return bindings.get(port);
    }

    /** Takes the lowest free port and gives it {@code binding}; ENOSPC at the per-domain limit. */
    synchronized int allocate(PortBinding binding) {
        if (used >= limit) {
            throw new StatusException(Status.STATUS_ENOSPC, "domain " + domid + " has all " + limit + " event channels in use");
        }
        for (int p = 1; p < AbiConstants.EVTCHN_PORTS; p++) {
            if (bindings.get(p).state() == PortState.FREE) {
                bindings.set(p, binding);
                used++;
                if (binding.state() == PortState.VIRQ) {
                    virqPorts[binding.virq()] = p;
                }
                return p;
            }
        }
        throw new StatusException(Status.STATUS_ENOSPC, "domain " + domid + " has no free event channel");
    }

    /** Replaces the binding of an allocated port. */
    synchronized void rebind(int port, PortBinding binding) {
        bindings.set(port, binding);
    }

    /** Frees {@code port}; returns its last binding. */
    synchronized PortBinding free(int port) {
        PortBinding old = bindings.getAndSet(port, PortBinding.FREE);
        if (old.state() != PortState.FREE) {
            used--;
        }
        if (old.state() == PortState.VIRQ) {
            virqPorts[old.virq()] = 0;
        }
        return old;
    }

    /** The port bound to virq {@code number} (0..7), or 0. */
    synchronized int portOfVirq(int number) {
        return virqPorts[number];
    }

    synchronized int[] usedPorts() {
        return IntStream.range(1, AbiConstants.EVTCHN_PORTS).filter(p -> bindings.get(p).state() != PortState.FREE).toArray();
    }

    static void check(int port) {
        if (port <= 0 || port >= AbiConstants.EVTCHN_PORTS) {
            throw new StatusException(Status.STATUS_EBADF, "port " + port + " is out of range 1-" + (AbiConstants.EVTCHN_PORTS - 1));
        }
    }
}
