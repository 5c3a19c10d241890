package io.splitvisor.core.store;

import java.util.List;

/**
 * The children of a node as one protocol answer can carry them: at most {@link Store#MAX_LISTING_CHILDREN}
 * names, sorted, and no more than fit one store message; {@code truncated} says that more exist.
 */
public record DirectoryListing(List<String> children, boolean truncated) {
    public DirectoryListing {
        children = List.copyOf(children);
    }
}
