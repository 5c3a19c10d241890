package io.splitvisor.core.store;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Logs the first occurrence of each kind of event (a key, e.g. "domain 5 over its node quota") and then at most
 * once per window, saying how many were suppressed in between: a hostile guest's flood costs a few log lines.
 */
final class RateLimitedLog {
    /** Where a line goes (a logger method in production, a list in tests). */
    @FunctionalInterface
    interface Sink {
        void log(String message);
    }

    private static final class Burst {
        long windowStart;
        long suppressed;
    }

    private final Sink sink;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Burst> bursts = new HashMap<>();

    RateLimitedLog(Sink sink, long windowNanos, LongSupplier nanoClock) {
        this.sink = sink;
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
    }

    /** Logs {@code message} unless a line with the same key was logged less than a window ago. */
    void log(String key, String message) {
        long now = nanoClock.getAsLong();
        long suppressed;
        synchronized (this) {
            Burst b = bursts.get(key);
            if (b != null && now - b.windowStart < windowNanos) {
                b.suppressed++;
                return;
            }
            if (b == null) {
                if (bursts.size() >= 4096) {
                    bursts.clear(); // bounded memory: forgetting only means one more line
                }
                b = new Burst();
                bursts.put(key, b);
            }
            suppressed = b.suppressed;
            b.windowStart = now;
            b.suppressed = 0;
        }
        sink.log(suppressed == 0 ? message : message + " (" + suppressed + " similar suppressed)");
    }

    /** Forgets the keys that start with {@code prefix} (a released domain). */
    synchronized void forget(String prefix) {
        bursts.keySet().removeIf(k -> k.startsWith(prefix));
    }
}
