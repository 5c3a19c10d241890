package io.splitvisor.core.store;

import java.util.HashMap;
import java.util.Map;

/**
 * Nodes and value bytes owned per domain. A ledger is either the store's committed one or a pending delta over
 * another ledger: an operation charges a delta and the delta is applied only when the operation succeeds, so a
 * refused operation leaves no trace. Not thread-safe (used under the store lock).
 */
final class UsageLedger {
    private final UsageLedger base;
    private final Map<Integer, long[]> byDomain = new HashMap<>();
    private long totalNodes;

    UsageLedger() {
        this(null);
    }

    private UsageLedger(UsageLedger base) {
        this.base = base;
    }

    /** A pending delta over this ledger. */
    UsageLedger delta() {
        return new UsageLedger(this);
    }

    long nodes(int domid) {
        long[] own = byDomain.get(domid);
        return (own == null ? 0 : own[0]) + (base == null ? 0 : base.nodes(domid));
    }

    long bytes(int domid) {
        long[] own = byDomain.get(domid);
        return (own == null ? 0 : own[1]) + (base == null ? 0 : base.bytes(domid));
    }

    void add(int domid, long nodes, long bytes) {
        if (nodes == 0 && bytes == 0) {
            return;
        }
        totalNodes += nodes;
        long[] own = byDomain.computeIfAbsent(domid, d -> new long[2]);
        own[0] += nodes;
        own[1] += bytes;
        if (base == null && own[0] == 0 && own[1] == 0) {
            byDomain.remove(domid);
        }
    }

    /** Nodes in the tree (on the committed ledger), or the change in that number (on a delta). */
    long totalNodes() {
        return totalNodes;
    }

    /** Adds this delta to the ledger it was made from. */
    void applyToBase() {
        for (Map.Entry<Integer, long[]> e : byDomain.entrySet()) {
            base.add(e.getKey(), e.getValue()[0], e.getValue()[1]);
        }
        byDomain.clear();
        totalNodes = 0;
    }

    /** Charges (or refunds, with {@code sign} -1) every node of a subtree to its owner. */
    void addSubtree(StoreNode node, int sign) {
        add(node.perms().owner(), sign, (long) sign * node.value().length);
        for (StoreNode child : node.children().values()) {
            addSubtree(child, sign);
        }
    }
}
