package io.splitvisor.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The hypervisor core's meters, named as in PLATFORM.md section 9. Counters are created once per
 * tag combination and cached, so the hot paths (a hypercall, an exit, an event) only increment.
 */
public final class CoreMeters {
    public static final String HYPERCALLS = "splitvisor.hypercalls";
    public static final String HYPERCALL_ERRORS = "splitvisor.hypercall.errors";
    public static final String EXITS = "splitvisor.exits";
    public static final String EVENTS = "splitvisor.events";
    /** Port-I/O exits by device (a batched string I/O exit counts once), for exits per MiB of emulated I/O. */
    public static final String DEVICE_EXITS = "splitvisor.device.exits";
    public static final String GRANT_OPERATIONS = "splitvisor.grant.operations";
    public static final String GUEST_INSTRUCTIONS = "splitvisor.guest.instructions";
    public static final String DOMAINS_CREATED = "splitvisor.domains.created";
    public static final String DOMAINS_CRASHED = "splitvisor.domains.crashed";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public CoreMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    private Counter counter(String name, String... tags) {
        String key = name + String.join("\u0000", tags);
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry));
        }
        return c;
    }

    public Counter hypercalls(String op, int domid) {
        return counter(HYPERCALLS, "op", op, "domain", Integer.toString(domid));
    }

    public Counter hypercallErrors(String op, String status) {
        return counter(HYPERCALL_ERRORS, "op", op, "status", status);
    }

    public Counter exits(String reason, int domid) {
        return counter(EXITS, "reason", reason, "domain", Integer.toString(domid));
    }

    /** Port-I/O exits that reached {@code device} (its {@code PortDevice.name()}) in domain {@code domid}. */
    public Counter deviceExits(String device, int domid) {
        return counter(DEVICE_EXITS, "device", device, "domain", Integer.toString(domid));
    }

    public Counter events(int domid) {
        return counter(EVENTS, "domain", Integer.toString(domid));
    }

    public Counter grantOperations(String op) {
        return counter(GRANT_OPERATIONS, "op", op);
    }

    public Counter domainsCreated() {
        return counter(DOMAINS_CREATED);
    }

    public Counter domainsCrashed() {
        return counter(DOMAINS_CRASHED);
    }

    /** The counters of one domain, to keep beside it. */
    public DomainMeters forDomain(int domid) {
        return new DomainMeters(this, domid);
    }

    /** Publishes a domain's retired-instruction count (read when the registry is scraped). */
    public <T> void guestInstructions(int domid, T source, ToDoubleFunction<T> count) {
        FunctionCounter.builder(GUEST_INSTRUCTIONS, source, count).tag("domain", Integer.toString(domid)).register(registry);
    }
}
