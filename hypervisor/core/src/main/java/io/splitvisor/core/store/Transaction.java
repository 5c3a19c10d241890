package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An open transaction: a private view of the tree (the committed root when it started, plus its own changes),
 * for every path it looked at the generation that path had in the tree it started from, and the changes to
 * replay at commit. The commit fails with EAGAIN when any of those paths has changed (or appeared, or gone) in
 * the committed tree since the transaction started; its own changes never count as conflicts.
 * Not thread-safe (used under the store lock).
 */
final class Transaction implements AccessLog {
    private static final long ABSENT = -1;

    private final int id;
    private final int domid;
    private final int maxNodes;
    private final StoreNode startRoot;
    private StoreNode root;
    private final UsageLedger usage;
    private final Map<String, Long> observed = new HashMap<>();
    private final List<Mutation> mutations = new ArrayList<>();

    Transaction(int id, int domid, StoreNode root, UsageLedger usage, int maxNodes) {
        this.id = id;
        this.domid = domid;
        this.startRoot = root;
        this.root = root;
        this.usage = usage;
        this.maxNodes = maxNodes;
    }

    int id() {
        return id;
    }

    int domid() {
        return domid;
    }

    StoreNode root() {
        return root;
    }

    /** Usage as this transaction sees it: a delta over the committed ledger. */
    UsageLedger usage() {
        return usage;
    }

    /** Records {@code path} as it was when the transaction started (what the view holds now does not matter). */
    @Override
    public void observe(String path, StoreNode nodeInView) {
        if (observed.containsKey(path)) {
            return;
        }
        if (observed.size() >= maxNodes) {
            throw new StoreException(Status.STATUS_EQUOTA,
                    "transaction " + id + " touches more than " + maxNodes + " nodes");
        }
        StoreNode atStart = NodeTree.lookup(startRoot, path);
        observed.put(path, atStart == null ? ABSENT : atStart.generation());
    }

    /** Room for one more change, or EQUOTA. */
    void checkRoom() {
        if (mutations.size() >= maxNodes) {
            throw new StoreException(Status.STATUS_EQUOTA,
                    "transaction " + id + " makes more than " + maxNodes + " changes");
        }
    }

    /** Keeps the result of a change made on the private view (its editor's root and usage). */
    void applied(Mutation mutation, TreeEditor editor) {
        root = editor.root();
        editor.usage().applyToBase();
        mutations.add(mutation);
    }

    List<Mutation> mutations() {
        return mutations;
    }

    /** A path this transaction saw that the committed tree has changed since, or {@code null}. */
    String conflictWith(StoreNode committedRoot) {
        for (Map.Entry<String, Long> e : observed.entrySet()) {
            StoreNode now = NodeTree.lookup(committedRoot, e.getKey());
            long gen = now == null ? ABSENT : now.generation();
            if (gen != e.getValue()) {
                return e.getKey();
            }
        }
        return null;
    }
}
