package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** The open transactions by id, with a count per domain. Not thread-safe (used under the store lock). */
final class TransactionTable {
    private final Map<Integer, Transaction> byId = new HashMap<>();
    private final Map<Integer, Integer> countByDomain = new HashMap<>();
    private int nextId = 1;

    int count(int domid) {
        return countByDomain.getOrDefault(domid, 0);
    }

    int size() {
        return byId.size();
    }

    /** Opens a transaction on a snapshot ({@code root}, {@code usage}); its id is nonzero and unused. */
    Transaction open(int domid, StoreNode root, UsageLedger usage, int maxNodes) {
        int id = nextId;
        while (id == 0 || byId.containsKey(id)) {
            id++;
        }
        nextId = id + 1;
        Transaction tx = new Transaction(id, domid, root, usage, maxNodes);
        byId.put(id, tx);
        countByDomain.merge(domid, 1, Integer::sum);
        return tx;
    }

    /** The caller's open transaction {@code id}; ENOENT for an unknown id or another domain's. */
    Transaction get(int domid, int id) {
        Transaction tx = byId.get(id);
        if (tx == null || tx.domid() != domid) {
            throw new StoreException(Status.STATUS_ENOENT, "no transaction " + Integer.toUnsignedString(id));
        }
        return tx;
    }

    void close(Transaction tx) {
        if (byId.remove(tx.id()) != null) {
            countByDomain.computeIfPresent(tx.domid(), (d, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Drops every transaction of a domain. */
    void closeDomain(int domid) {
        for (Iterator<Transaction> it = byId.values().iterator(); it.hasNext(); ) {
            if (it.next().domid() == domid) {
                it.remove();
            }
        }
        countByDomain.remove(domid);
    }

    /** Drops the listed transactions if they are the domain's. */
    void close(int domid, Set<Integer> ids) {
        for (int id : ids) {
            Transaction tx = byId.get(id);
            if (tx != null && tx.domid() == domid) {
                close(tx);
            }
        }
    }
}
