package io.splitvisor.core.store;

/**
 * Per-domain limits of the store (dom0 has none). Exceeding one answers {@code EQUOTA}, except the two
 * connection limits, which are flow control: past {@code maxOutstandingRequests} unanswered-and-undelivered
 * responses the ring server stops reading requests until the guest drains its responses, and past
 * {@code maxQueuedEvents} undelivered watch events further events for that connection are dropped and counted.
 *
 * @param maxNodes               nodes the domain may own
 * @param maxValueBytes          total bytes of the values of the nodes it owns
 * @param maxWatches             watches it may have registered
 * @param maxTransactions        transactions it may have open
 * @param maxTransactionNodes    distinct nodes one transaction may touch, and changes it may make
 * @param maxOutstandingRequests responses a ring connection may hold back before it stops reading requests
 * @param maxQueuedEvents        watch events a ring connection may hold back before it drops them
 */
public record StoreQuota(int maxNodes, long maxValueBytes, int maxWatches, int maxTransactions,
                         int maxTransactionNodes, int maxOutstandingRequests, int maxQueuedEvents) {
    /** Xen-like defaults: 1000 nodes, 256 KiB of values, 128 watches, 10 transactions of 1024 nodes. */
    public static final StoreQuota DEFAULT = new StoreQuota(1000, 256 * 1024, 128, 10, 1024, 32, 256);

    public StoreQuota {
        if (maxNodes < 0 || maxValueBytes < 0 || maxWatches < 0 || maxTransactions < 0 || maxTransactionNodes < 1
                || maxOutstandingRequests < 1 || maxQueuedEvents < 0) {
            throw new IllegalArgumentException("invalid store quota " + maxNodes + "/" + maxValueBytes + "/"
                    + maxWatches + "/" + maxTransactions + "/" + maxTransactionNodes + "/"
                    + maxOutstandingRequests + "/" + maxQueuedEvents);
        }
    }

    public StoreQuota withMaxNodes(int n) {
        return new StoreQuota(n, maxValueBytes, maxWatches, maxTransactions, maxTransactionNodes,
                maxOutstandingRequests, maxQueuedEvents);
    }

    public StoreQuota withMaxValueBytes(long n) {
        return new StoreQuota(maxNodes, n, maxWatches, maxTransactions, maxTransactionNodes,
                maxOutstandingRequests, maxQueuedEvents);
    }

    public StoreQuota withMaxWatches(int n) {
        return new StoreQuota(maxNodes, maxValueBytes, n, maxTransactions, maxTransactionNodes,
                maxOutstandingRequests, maxQueuedEvents);
    }

    public StoreQuota withMaxTransactions(int n) {
        return new StoreQuota(maxNodes, maxValueBytes, maxWatches, n, maxTransactionNodes,
                maxOutstandingRequests, maxQueuedEvents);
    }

    public StoreQuota withMaxTransactionNodes(int n) {
        return new StoreQuota(maxNodes, maxValueBytes, maxWatches, maxTransactions, n,
                maxOutstandingRequests, maxQueuedEvents);
    }

    public StoreQuota withMaxOutstandingRequests(int n) {
        return new StoreQuota(maxNodes, maxValueBytes, maxWatches, maxTransactions, maxTransactionNodes,
                n, maxQueuedEvents);
    }

    public StoreQuota withMaxQueuedEvents(int n) {
        return new StoreQuota(maxNodes, maxValueBytes, maxWatches, maxTransactions, maxTransactionNodes,
                maxOutstandingRequests, n);
    }
}
