package io.splitvisor.core.time;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Single-shot timers, one per domain (the SetTimer hypercall). A new deadline replaces the old
 * one; the action runs on the timer thread and must only raise an event.
 */
public final class TimerService implements AutoCloseable {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "splitvisor-timers");
        t.setDaemon(true);
        return t;
    });
    private final Map<Integer, ScheduledFuture<?>> timers = new ConcurrentHashMap<>();

    /** Runs {@code fire} for {@code domid} after {@code delayNanos} (at once when not positive). */
    public void set(int domid, long delayNanos, Runnable fire) {
        java.util.concurrent.atomic.AtomicReference<ScheduledFuture<?>> self = new java.util.concurrent.atomic.AtomicReference<>();
        ScheduledFuture<?> next = scheduler.schedule(() -> {
            timers.remove(domid, self.get());   // only this timer's entry, never a newer one
            fire.run();
        }, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        self.set(next);
        ScheduledFuture<?> old = timers.put(domid, next);
        if (old != null) {
            old.cancel(false);
        }
    }

    public void cancel(int domid) {
        ScheduledFuture<?> old = timers.remove(domid);
        if (old != null) {
            old.cancel(false);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
