package io.splitvisor.backend;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;

/**
 * One device's meters, tagged {@code device} ("vbd/5/51712") and {@code type}:
 * {@code splitvisor.ring.requests}, {@code splitvisor.ring.bytes} (data moved),
 * {@code splitvisor.ring.errors} (requests answered with an error), and
 * {@code splitvisor.ring.notifications} with {@code direction} "in" (wakeups of the device
 * worker) or "out" (events sent to the frontend). Removed from the registry when the device goes.
 */
public final class DeviceMetrics {
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter requests;
    private final Counter bytes;
    private final Counter errors;
    private final Counter wakeups;
    private final Counter notifications;

    public DeviceMetrics(MeterRegistry registry, String type, String device) {
        this.registry = registry;
        Tags tags = Tags.of("device", device, "type", type);
        requests = add(Counter.builder("splitvisor.ring.requests").tags(tags)
                .description("requests served").register(registry));
        bytes = add(Counter.builder("splitvisor.ring.bytes").tags(tags).baseUnit("bytes")
                .description("data bytes moved by requests").register(registry));
        errors = add(Counter.builder("splitvisor.ring.errors").tags(tags)
                .description("requests answered with an error").register(registry));
        wakeups = add(Counter.builder("splitvisor.ring.notifications").tags(tags).tag("direction", "in")
                .description("worker wakeups by frontend events (coalesced)").register(registry));
        notifications = add(Counter.builder("splitvisor.ring.notifications").tags(tags).tag("direction", "out")
                .description("events sent to the frontend").register(registry));
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    public void request(long dataBytes) {
        requests.increment();
        if (dataBytes > 0) {
            bytes.increment(dataBytes);
        }
    }

    public void error() {
        errors.increment();
    }

    /** The framework woke the worker for a frontend event. */
    public void wakeup() {
        wakeups.increment();
    }

    /** The framework sent the frontend an event. */
    public void notified() {
        notifications.increment();
    }

    public double requests() {
        return requests.count();
    }

    public double bytes() {
        return bytes.count();
    }

    public double errors() {
        return errors.count();
    }

    public double wakeups() {
        return wakeups.count();
    }

    public double notificationsSent() {
        return notifications.count();
    }

    /** Unregisters the meters (the device is gone). */
    public void remove() {
        meters.forEach(registry::remove);
    }
}
