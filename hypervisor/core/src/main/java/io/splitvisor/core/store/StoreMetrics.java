package io.splitvisor.core.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.splitvisor.abi.proto.Status;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store's meters:
 * <ul>
 *   <li>{@code splitvisor.store.operations} (counter; tags {@code op}, {@code domain}): every call, failed or not;</li>
 *   <li>{@code splitvisor.store.errors} (counter; tags {@code status}, {@code domain}): calls that failed;</li>
 *   <li>{@code splitvisor.store.watch.events} (counter; tag {@code outcome} = {@code fired} or {@code dropped}):
 *       events handed to a sink, and events a ring connection dropped because its guest did not drain them;</li>
 *   <li>{@code splitvisor.store.ring.violations} (counter; tag {@code error}): ring connections closed;</li>
 *   <li>{@code splitvisor.store.nodes}, {@code splitvisor.store.watches}, {@code splitvisor.store.transactions}
 *       (gauges): what the store holds now.</li>
 * </ul>
 */
final class StoreMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter eventsFired;
    private final Counter eventsDropped;
    final AtomicInteger nodes = new AtomicInteger();
    final AtomicInteger watches = new AtomicInteger();
    final AtomicInteger transactions = new AtomicInteger();

    StoreMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.eventsFired = registry.counter("splitvisor.store.watch.events", "outcome", "fired");
        this.eventsDropped = registry.counter("splitvisor.store.watch.events", "outcome", "dropped");
        Gauge.builder("splitvisor.store.nodes", nodes, AtomicInteger::get).register(registry);
        Gauge.builder("splitvisor.store.watches", watches, AtomicInteger::get).register(registry);
        Gauge.builder("splitvisor.store.transactions", transactions, AtomicInteger::get).register(registry);
    }

    void operation(String op, int domid) {
        counters.computeIfAbsent("op:" + op + ":" + domid, k -> registry.counter("splitvisor.store.operations",
                "op", op, "domain", Integer.toString(domid))).increment();
    }

    void error(Status status, int domid) {
        counters.computeIfAbsent("err:" + status.name() + ":" + domid, k -> registry.counter(
                "splitvisor.store.errors", "status", StoreException.shortName(status),
                "domain", Integer.toString(domid))).increment();
    }

    void watchEventFired() {
        eventsFired.increment();
    }

    void watchEventDropped() {
        eventsDropped.increment();
    }

    void ringViolation(String error) {
        counters.computeIfAbsent("ring:" + error,
                k -> registry.counter("splitvisor.store.ring.violations", "error", error)).increment();
    }
}
