package io.splitvisor.backend.xenbus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one thread a device's work runs on: its lifecycle steps and its request processing, so they
 * never overlap and never run on a vCPU thread or dom0's event thread. Wakeups coalesce: however
 * many arrive while one is pending, the device runs once more, so an event storm costs the
 * sender, not dom0.
 */
final class DeviceWorker {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceWorker.class);
    private final ExecutorService executor;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final String name;
    private volatile Thread thread;

    DeviceWorker(String name) {
        this.name = name;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "backend-" + name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** Queues a step; dropped silently once the worker stopped. */
    void execute(Runnable step) {
        try {
            executor.execute(() -> {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: unexpected failure", name, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: worker stopped, step dropped", name);
        }
    }

    /** Schedules {@code work} unless a wakeup is already pending; returns whether it scheduled one. */
    boolean wake(Runnable work) {
        if (!wakeupPending.compareAndSet(false, true)) {
            return false;
        }
        execute(() -> {
            wakeupPending.set(false);   // before the work: a wakeup during it schedules another pass
            work.run();
        });
        return true;
    }

    boolean onWorkerThread() {
        return Thread.currentThread() == thread;
    }

    void shutdown() {
        executor.shutdown();
    }

    boolean awaitStopped(long millis) throws InterruptedException {
        return executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
