package io.splitvisor.backend.net;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One port of the {@link VirtualSwitch}: a bounded queue of frames waiting for the domain behind
 * it, a wakeup for whoever drains it (a vif's worker), and its counters. Enqueueing never blocks:
 * a full queue drops the frame and counts it.
 */
public final class SwitchPort {
    private final String name;
    private final ArrayBlockingQueue<byte[]> queue;
    private final Runnable wake;
    private final Counter rxFrames;
    private final Counter rxBytes;
    private final Counter rxDrops;
    private final Counter txFrames;
    private final Counter txBytes;
    private final Counter txDrops;
    private final List<Counter> counters;
    final AtomicInteger learned = new AtomicInteger();

    SwitchPort(String switchName, String name, int capacity, Runnable wake, MeterRegistry registry) {
        this.name = name;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.wake = wake;
        Tags rx = Tags.of("switch", switchName, "port", name, "direction", "rx");
        Tags tx = Tags.of("switch", switchName, "port", name, "direction", "tx");
        rxFrames = Counter.builder("splitvisor.switch.frames").tags(rx).register(registry);
        rxBytes = Counter.builder("splitvisor.switch.bytes").tags(rx).baseUnit("bytes").register(registry);
        rxDrops = Counter.builder("splitvisor.switch.drops").tags(rx).register(registry);
        txFrames = Counter.builder("splitvisor.switch.frames").tags(tx).register(registry);
        txBytes = Counter.builder("splitvisor.switch.bytes").tags(tx).baseUnit("bytes").register(registry);
        txDrops = Counter.builder("splitvisor.switch.drops").tags(tx).register(registry);
        counters = List.of(rxFrames, rxBytes, rxDrops, txFrames, txBytes, txDrops);
    }

    public String name() {
        return name;
    }

    /** The next frame for this port's domain, without taking it. */
    public byte[] peek() {
        return queue.peek();
    }

    /** Takes the next frame for this port's domain, or null. */
    public byte[] poll() {
        return queue.poll();
    }

    public int queued() {
        return queue.size();
    }

    /** The frame was written into the domain's buffer. */
    public void delivered(int length) {
        rxFrames.increment();
        rxBytes.increment(length);
    }

    /** A frame for this port was lost (no usable buffer). */
    public void rxDropped() {
        rxDrops.increment();
    }

    /** The domain sent a frame the switch could not take (malformed, unreadable). */
    public void txDropped() {
        txDrops.increment();
    }

    void transmitted(int length) {
        txFrames.increment();
        txBytes.increment(length);
    }

    /** Queues a frame for the domain; drops it when the queue is full. Never blocks. */
    void enqueue(byte[] frame) {
        if (queue.offer(frame)) {
            wake.run();
        } else {
            rxDrops.increment();
        }
    }

    public PortStats stats() {
        return new PortStats((long) rxFrames.count(), (long) rxBytes.count(), (long) rxDrops.count(),
                (long) txFrames.count(), (long) txBytes.count(), (long) txDrops.count());
    }

    void unregister(MeterRegistry registry) {
        counters.forEach(registry::remove);
        queue.clear();
    }

    @Override
    public String toString() {
        return name;
    }
}
