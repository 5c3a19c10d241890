package io.splitvisor.core.domain;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.core.StatusException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntPredicate;

/**
 * Domain ids and the domains behind them. Ids count up and are reused only after wrapping
 * around, and then only when no live domain still refers to the old one (an event channel bound
 * to it, a grant of it mapped), so a stale reference can never reach a new domain.
 */
public final class DomainRegistry {
    private final AtomicReferenceArray<Domain> byId = new AtomicReferenceArray<>(AbiConstants.DOMID_FIRST_RESERVED);
    private int next = 1;

    /** The domain with {@code id}, dying ones included, or null. */
    public Domain get(int id) {
        return id >= 0 && id < byId.length() ? byId.get(id) : null;
    }

    /** Registers dom0 under id 0. */
    synchronized void putDom0(Domain dom0) {
        byId.set(0, dom0);
    }

    /** A fresh id for which {@code referenced} is false; ENOSPC when every id is taken. */
    synchronized int allocate(IntPredicate referenced) {
        for (int tries = 0; tries < byId.length(); tries++) {
            int id = next;
            next = next + 1 >= byId.length() ? 1 : next + 1;
            if (byId.get(id) == null && !referenced.test(id)) {
                return id;
            }
        }
        throw new StatusException(Status.STATUS_ENOSPC, "no free domain id");
    }

    synchronized void put(Domain d) {
        byId.set(d.domid(), d);
    }

    /** Forgets a destroyed domain; its id may be reused after the next wrap-around. */
    synchronized void remove(Domain d) {
        byId.compareAndSet(d.domid(), d, null);
    }

    /** Every registered domain in id order. */
    public List<Domain> all() {
        List<Domain> out = new ArrayList<>();
        for (int i = 0; i < byId.length(); i++) {
            Domain d = byId.get(i);
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }
}
