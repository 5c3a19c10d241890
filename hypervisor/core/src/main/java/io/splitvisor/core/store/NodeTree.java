package io.splitvisor.core.store;

/** Lookups and path-copying updates on an immutable tree of {@link StoreNode}s addressed by absolute paths. */
final class NodeTree {
    private NodeTree() {
    }

    /** The node at {@code path} under {@code root}, or {@code null}. */
    static StoreNode lookup(StoreNode root, String path) {
        if (path.equals(StorePaths.ROOT)) {
            return root;
        }
        StoreNode node = root;
        int start = 1;
        while (node != null) {
            int slash = path.indexOf('/', start);
            String name = slash < 0 ? path.substring(start) : path.substring(start, slash);
            node = node.child(name);
            if (slash < 0) {
                return node;
            }
            start = slash + 1;
        }
        return null;
    }

    /**
     * A new root in which {@code path} holds {@code node} ({@code null} removes the subtree at {@code path}).
     * Every ancestor of {@code path} must exist. {@code gen} stamps the parent when its listing changes.
     */
    static StoreNode replace(StoreNode root, String path, StoreNode node, long gen) {
        if (path.equals(StorePaths.ROOT)) {
            if (node == null) {
                throw new IllegalArgumentException("the root cannot be removed");
            }
            return node;
        }
        return replaceBelow(root, path, 1, node, gen);
    }

    private static StoreNode replaceBelow(StoreNode parent, String path, int start, StoreNode node, long gen) {
        int slash = path.indexOf('/', start);
        if (slash < 0) {
            return parent.withChild(path.substring(start), node, gen);
        }
        String name = path.substring(start, slash);
        StoreNode child = parent.child(name);
        if (child == null) {
            throw new IllegalStateException("missing ancestor " + path.substring(0, slash));
        }
        return parent.withChild(name, replaceBelow(child, path, slash + 1, node, gen), gen);
    }
}
