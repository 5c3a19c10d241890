package io.splitvisor.core.evtchn;

import io.splitvisor.abi.AbiConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;

/**
 * Events of a domain driven from Java (dom0's backends, Java frontends). A port's handler runs on
 * the domain's executor once per pending edge: however many sends arrive before it runs, it runs
 * once, so an event storm costs the sender, not this domain. Runs of one port's handler never
 * overlap; different ports' handlers may run in parallel.
 */
public final class HostEventSink implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(HostEventSink.class);
    private static final int WORDS = AbiConstants.EVTCHN_PORTS / 64;

    private final AtomicLongArray pending = new AtomicLongArray(WORDS);
    private final AtomicLongArray masked = new AtomicLongArray(WORDS);
    private final AtomicReferenceArray<IntConsumer> handlers = new AtomicReferenceArray<>(AbiConstants.EVTCHN_PORTS);
    /** 1 while a task for the port is queued or running. */
    private final java.util.concurrent.atomic.AtomicIntegerArray scheduled =
            new java.util.concurrent.atomic.AtomicIntegerArray(AbiConstants.EVTCHN_PORTS);
    private final Executor executor;

    public HostEventSink(Executor executor) {
        this.executor = executor;
    }

    /** Runs {@code handler} (with the port) each time {@code port} becomes pending; null removes it. */
    public void setHandler(int port, IntConsumer handler) {
        PortTable.check(port);
        handlers.set(port, handler);
        if (handler != null && isPending(port)) {
            dispatch(port);
        }
    }

    @Override
    public void raise(int port) {
        long bit = 1L << (port & 63);
        if ((getAndOr(pending, port >>> 6, bit) & bit) == 0 && (masked.get(port >>> 6) & bit) == 0) {
            dispatch(port);
        }
    }

    private void dispatch(int port) {
        if (scheduled.compareAndSet(port, 0, 1)) {
            executor.execute(() -> drain(port));
        }
    }

    /** Runs the handler while the port keeps becoming pending; then lets the next raise schedule. */
    private void drain(int port) {
        long bit = 1L << (port & 63);
        while (true) {
            IntConsumer handler = handlers.get(port);
            // No handler yet: the event stays pending until setHandler, which dispatches it.
            if (handler != null && (getAndAnd(pending, port >>> 6, ~bit) & bit) != 0) {
                try {
                    handler.accept(port);
                } catch (RuntimeException e) {
                    LOG.error("event handler for port {} failed", port, e);
                }
                continue;
            }
            scheduled.set(port, 0);
            // A raise between the check above and the reset saw `scheduled` set and did not dispatch.
            if (!isPending(port) || handlers.get(port) == null || (masked.get(port >>> 6) & bit) != 0
                    || !scheduled.compareAndSet(port, 0, 1)) {
                return;
            }
        }
    }

    @Override
    public void reset(int port) {
        long keep = ~(1L << (port & 63));
        getAndAnd(pending, port >>> 6, keep);
        getAndAnd(masked, port >>> 6, keep);
        handlers.set(port, null);
    }

    @Override
    public void unmask(int port) {
        long bit = 1L << (port & 63);
        if ((getAndAnd(masked, port >>> 6, ~bit) & bit) != 0 && isPending(port)) {
            dispatch(port);
        }
    }

    /** Holds events of {@code port} back until {@link #unmask}. */
    public void mask(int port) {
        getAndOr(masked, port >>> 6, 1L << (port & 63));
    }

    @Override
    public boolean isPending(int port) {
        return (pending.get(port >>> 6) & (1L << (port & 63))) != 0;
    }

    private static long getAndOr(AtomicLongArray a, int i, long bits) {
        return a.getAndAccumulate(i, bits, (x, y) -> x | y);
    }

    private static long getAndAnd(AtomicLongArray a, int i, long bits) {
        return a.getAndAccumulate(i, bits, (x, y) -> x & y);
    }
}
