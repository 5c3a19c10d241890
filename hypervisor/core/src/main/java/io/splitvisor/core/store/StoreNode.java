package io.splitvisor.core.store;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One node of the tree, immutable: a change builds new nodes along the path from the root (path copying), so a
 * transaction's snapshot is just the root it started from. {@code generation} is the value of the store's global
 * counter when the node's value, permissions or set of children last changed; transactions compare it at commit
 * to find conflicts.
 */
final class StoreNode {
    private static final byte[] EMPTY = new byte[0];

    private final byte[] value;
    private final NodePermissions perms;
    private final NavigableMap<String, StoreNode> children;
    private final long generation;

    private StoreNode(byte[] value, NodePermissions perms, NavigableMap<String, StoreNode> children,
                      long generation) {
        this.value = value;
        this.perms = perms;
        this.children = children;
        this.generation = generation;
    }

    static StoreNode create(NodePermissions perms, long generation) {
        return new StoreNode(EMPTY, perms, Collections.emptyNavigableMap(), generation);
    }

    /** The value; callers must not modify it. */
    byte[] value() {
        return value;
    }

    NodePermissions perms() {
        return perms;
    }

    long generation() {
        return generation;
    }

    /** Children by name, sorted; unmodifiable. */
    NavigableMap<String, StoreNode> children() {
        return children;
    }

    StoreNode child(String name) {
        return children.get(name);
    }

    StoreNode withValue(byte[] newValue, long gen) {
        return new StoreNode(newValue.length == 0 ? EMPTY : newValue.clone(), perms, children, gen);
    }

    StoreNode withPerms(NodePermissions newPerms, long gen) {
        return new StoreNode(value, newPerms, children, gen);
    }

    /**
     * This node with child {@code name} replaced by {@code child} ({@code null} removes it). The node's own
     * generation moves to {@code gen} only when a child appears or disappears (its listing changed).
     */
    StoreNode withChild(String name, StoreNode child, long gen) {
        boolean existed = children.containsKey(name);
        if (child == null && !existed) {
            return this;
        }
        TreeMap<String, StoreNode> copy = new TreeMap<>(children);
        if (child == null) {
            copy.remove(name);
        } else {
            copy.put(name, child);
        }
        boolean listingChanged = existed != (child != null);
        return new StoreNode(value, perms, Collections.unmodifiableNavigableMap(copy),
                listingChanged ? gen : generation);
    }

    /** Number of nodes in this subtree, this one included. */
    int subtreeSize() {
        int n = 1;
        for (StoreNode c : children.values()) {
            n += c.subtreeSize();
        }
        return n;
    }
}
