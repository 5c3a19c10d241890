package io.splitvisor.core.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands watch events to their sinks outside the store lock, in the order they were queued. Events are queued
 * under the lock; after unlocking, the thread calls {@link #drain()}: if another thread is already delivering,
 * it returns at once and that thread delivers its events too, so no caller ever waits for another's sinks.
 */
final class EventDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    private final ConcurrentLinkedQueue<WatchEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();
    private final StoreMetrics metrics;

    EventDispatcher(StoreMetrics metrics) {
        this.metrics = metrics;
    }

    void enqueue(WatchEvent event) {
        queue.add(event);
    }

    /** Delivers queued events unless another thread is delivering (which then delivers them). */
    void drain() {
        while (!queue.isEmpty() && delivering.compareAndSet(false, true)) {
            try {
                WatchEvent e;
                while ((e = queue.poll()) != null) {
                    metrics.watchEventFired();
                    try {
                        e.sink().fire(e.path(), e.token());
                    } catch (RuntimeException ex) {
                        LOG.error("watch sink failed for {} {}", e.path(), e.token(), ex);
                    }
                }
            } finally {
                delivering.set(false);
            }
        }
    }
}
