package io.splitvisor.core.store;

/**
 * One change to the tree, as watches see it: the absolute path that changed and the permissions that decide who
 * may hear of it. For a removal, {@code removed} is the subtree that went away (watches below it fire too).
 */
record Change(String path, NodePermissions perms, StoreNode removed) {
    static Change of(String path, NodePermissions perms) {
        return new Change(path, perms, null);
    }
}
