package io.splitvisor.core.store;

/** What a domain holds in the store now: nodes it owns, bytes of their values, watches, open transactions. */
public record StoreUsage(long nodes, long valueBytes, int watches, int transactions) {
}
