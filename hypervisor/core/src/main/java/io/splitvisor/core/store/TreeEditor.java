package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Applies the store's operations to one view of the tree (the committed tree, or a transaction's private one),
 * enforcing permissions and node/byte quotas and recording what changed. The view is immutable underneath: the
 * editor only moves its own root, so an operation that fails half-way leaves nothing behind once the caller
 * discards the editor. Dom0 (domid 0) bypasses permission checks and quotas. Not thread-safe (used under the
 * store lock).
 */
final class TreeEditor {
    /** Largest value of a node, the ABI's bound on {@code StoreWrite.value}. */
    static final int MAX_VALUE_BYTES = 2048;

    private StoreNode root;
    private final LongSupplier generations;
    private final UsageLedger usage;
    private final IntFunction<StoreQuota> quotas;
    private final AccessLog accessLog;
    private final List<Change> changes = new ArrayList<>();

    TreeEditor(StoreNode root, LongSupplier generations, UsageLedger usage, IntFunction<StoreQuota> quotas,
               AccessLog accessLog) {
        this.root = root;
        this.generations = generations;
        this.usage = usage;
        this.quotas = quotas;
        this.accessLog = accessLog;
    }

    StoreNode root() {
        return root;
    }

    UsageLedger usage() {
        return usage;
    }

    List<Change> changes() {
        return changes;
    }

    // ---- queries -------------------------------------------------------------------------------------------

    byte[] read(int caller, String path) {
        return readable(caller, path).value().clone();
    }

    NodePermissions getPerms(int caller, String path) {
        return readable(caller, path).perms();
    }

    /** All children names, sorted. */
    List<String> children(int caller, String path) {
        return List.copyOf(readable(caller, path).children().keySet());
    }

    // ---- changes -------------------------------------------------------------------------------------------

    /** Sets a node's value, creating it and any missing parent. */
    void write(int caller, String path, byte[] value) {
        if (value.length > MAX_VALUE_BYTES) {
            throw new StoreException(Status.STATUS_E2BIG, "value of " + value.length + " bytes for " + path);
        }
        StoreNode node = observe(path);
        if (node == null) {
            node = createPath(caller, path);
        } else {
            checkWrite(caller, node, path);
        }
        charge(caller, node.perms().owner(), 0, value.length - node.value().length);
        long gen = generations.getAsLong();
        StoreNode updated = node.withValue(value, gen);
        root = NodeTree.replace(root, path, updated, gen);
        changes.add(Change.of(path, updated.perms()));
    }

    /** Creates a node and any missing parent; an existing node is left alone (as Xen does). */
    void mkdir(int caller, String path) {
        StoreNode node = observe(path);
        if (node != null) {
            checkWrite(caller, node, path);
            return;
        }
        node = createPath(caller, path);
        changes.add(Change.of(path, node.perms()));
    }

    /** Removes a node and everything below it; a missing node under an existing parent is not an error. */
    void remove(int caller, String path) {
        if (path.equals(StorePaths.ROOT)) {
            throw new StoreException(Status.STATUS_EINVAL, "the root cannot be removed");
        }
        StoreNode node = observe(path);
        String parentPath = StorePaths.parent(path);
        StoreNode parent = observe(parentPath);
        if (node == null) {
            if (parent == null) {
                throw notFound(caller, parentPath);
            }
            checkWrite(caller, parent, parentPath);
            return;
        }
        checkWrite(caller, node, path);
        usage.addSubtree(node, -1);
        root = NodeTree.replace(root, path, null, generations.getAsLong());
        changes.add(new Change(path, node.perms(), node));
    }

    /** Replaces a node's permissions: the owner or dom0 only, and only dom0 may give a node to another owner. */
    void setPerms(int caller, String path, NodePermissions perms) {
        StoreNode node = observe(path);
        if (node == null) {
            throw notFound(caller, path);
        }
        int owner = node.perms().owner();
        if (caller != 0 && caller != owner) {
            throw new StoreException(Status.STATUS_EACCES, "domain " + caller + " does not own " + path);
        }
        if (caller != 0 && perms.owner() != owner) {
            throw new StoreException(Status.STATUS_EPERM, "only dom0 may change the owner of " + path);
        }
        if (perms.owner() != owner) {
            usage.add(owner, -1, -node.value().length);
            usage.add(perms.owner(), 1, node.value().length);
        }
        long gen = generations.getAsLong();
        root = NodeTree.replace(root, path, node.withPerms(perms, gen), gen);
        changes.add(Change.of(path, perms));
    }

    /** Strips a released domain from every permission list, giving its nodes to dom0; fires no watch. */
    void revokeDomain(int domid) {
        root = revoke(root, domid, generations.getAsLong());
    }

    private StoreNode revoke(StoreNode node, int domid, long gen) {
        NodePermissions perms = node.perms().revoke(domid);
        StoreNode result = node;
        if (perms != node.perms()) {
            if (node.perms().owner() != perms.owner()) {
                usage.add(node.perms().owner(), -1, -node.value().length);
                usage.add(perms.owner(), 1, node.value().length);
            }
            result = node.withPerms(perms, gen);
        }
        for (var e : node.children().entrySet()) {
            StoreNode child = revoke(e.getValue(), domid, gen);
            if (child != e.getValue()) {
                result = result.withChild(e.getKey(), child, gen);
            }
        }
        return result;
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private StoreNode observe(String path) {
        StoreNode node = NodeTree.lookup(root, path);
        accessLog.observe(path, node);
        return node;
    }

    private StoreNode readable(int caller, String path) {
        StoreNode node = observe(path);
        if (node == null) {
            throw notFound(caller, path);
        }
        if (caller != 0 && !node.perms().canRead(caller)) {
            throw new StoreException(Status.STATUS_EACCES, "domain " + caller + " may not read " + path);
        }
        return node;
    }

    private static void checkWrite(int caller, StoreNode node, String path) {
        if (caller != 0 && !node.perms().canWrite(caller)) {
            throw new StoreException(Status.STATUS_EACCES, "domain " + caller + " may not write " + path);
        }
    }

    /**
     * The error for a missing node: ENOENT, unless the caller may not read the nearest existing ancestor, in
     * which case EACCES, so that a guest cannot probe what exists under a directory it may not read.
     */
    private StoreException notFound(int caller, String path) {
        String p = path;
        StoreNode ancestor = null;
        while (ancestor == null && !p.equals(StorePaths.ROOT)) {
            p = StorePaths.parent(p);
            ancestor = observe(p);
        }
        if (caller != 0 && ancestor != null && !ancestor.perms().canRead(caller)) {
            return new StoreException(Status.STATUS_EACCES, "domain " + caller + " may not read " + p);
        }
        return new StoreException(Status.STATUS_ENOENT, path);
    }

    /**
     * Creates the missing nodes down to {@code path}: the caller needs write access to the nearest existing
     * ancestor; each new node inherits that ancestor's permissions, a guest becoming the owner of what it creates.
     */
    private StoreNode createPath(int caller, String path) {
        List<String> missing = new ArrayList<>();
        String p = path;
        StoreNode ancestor = null;
        while (ancestor == null) {
            missing.add(p);
            p = StorePaths.parent(p);
            ancestor = observe(p);
        }
        checkWrite(caller, ancestor, p);
        NodePermissions perms = caller == 0 ? ancestor.perms() : ancestor.perms().withOwner(caller);
        for (int i = missing.size() - 1; i >= 0; i--) {
            charge(caller, perms.owner(), 1, 0);
            long gen = generations.getAsLong();
            root = NodeTree.replace(root, missing.get(i), StoreNode.create(perms, gen), gen);
        }
        return NodeTree.lookup(root, path);
    }

    /** Charges nodes and bytes to their owner; a guest's change that puts a guest owner over quota fails. */
    private void charge(int caller, int owner, long nodes, long bytes) {
        usage.add(owner, nodes, bytes);
        if (caller == 0 || owner == 0 || (nodes <= 0 && bytes <= 0)) {
            return;
        }
        StoreQuota quota = quotas.apply(owner);
        if (usage.nodes(owner) > quota.maxNodes()) {
            throw new StoreException(Status.STATUS_EQUOTA,
                    "domain " + owner + " would own more than " + quota.maxNodes() + " nodes");
        }
        if (usage.bytes(owner) > quota.maxValueBytes()) {
            throw new StoreException(Status.STATUS_EQUOTA,
                    "domain " + owner + " would own more than " + quota.maxValueBytes() + " value bytes");
        }
    }
}
