package io.splitvisor.backend.net;

import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * dom0's learning bridge between every domain's vifs: a frame's source address is learnt on the
 * port it came from; a frame to a learnt unicast address goes to that port only; broadcast,
 * multicast and unknown unicast frames are flooded to every other port. Forwarding never blocks:
 * each port has a bounded queue ({@value #QUEUE_FRAMES} frames) and drops beyond it, counting.
 * The address table is bounded too ({@value #MAX_ADDRESSES} addresses, {@value #MAX_ADDRESSES_PER_PORT}
 * per port): a guest that invents source addresses floods instead of growing dom0's memory.
 */
public final class VirtualSwitch {
    public static final int QUEUE_FRAMES = 256;
    public static final int MAX_ADDRESSES = 4096;
    public static final int MAX_ADDRESSES_PER_PORT = 256;
    /** Smallest frame: an Ethernet header. */
    public static final int MIN_FRAME = 14;

    private final String name;
    private final MeterRegistry registry;
    private final List<SwitchPort> ports = new CopyOnWriteArrayList<>();
    private final Map<Long, SwitchPort> table = new ConcurrentHashMap<>();

    public VirtualSwitch(String name, MeterRegistry registry) {
        this.name = name;
        this.registry = registry;
    }

    public String name() {
        return name;
    }

    /** A new port; {@code wake} runs (on the sender's thread, so it must not block) whenever a frame is queued for it. */
    public SwitchPort attach(String portName, Runnable wake) {
        SwitchPort p = new SwitchPort(name, portName, QUEUE_FRAMES, wake, registry);
        ports.add(p);
        return p;
    }

    /** Removes a port and every address learnt on it. */
    public void detach(SwitchPort port) {
        ports.remove(port);
        table.values().removeIf(p -> p == port);
        port.unregister(registry);
    }

    public List<SwitchPort> ports() {
        return List.copyOf(ports);
    }

    /** The port where {@code mac} was learnt. */
    public Optional<SwitchPort> lookup(long mac) {
        return Optional.ofNullable(table.get(mac));
    }

    /** Records that {@code mac} lives behind {@code port} (a vif's configured address, or a frame's source). */
    public void learn(SwitchPort port, long mac) {
        if (MacAddress.isMulticast(mac) || table.get(mac) == port || !ports.contains(port)) {
            return;
        }
        synchronized (table) {
            SwitchPort before = table.get(mac);
            if (before == port) {
                return;
            }
            if (port.learned.get() >= MAX_ADDRESSES_PER_PORT || (before == null && table.size() >= MAX_ADDRESSES)) {
                return;   // full: frames to it are flooded instead
            }
            table.put(mac, port);
            port.learned.incrementAndGet();
            if (before != null) {
                before.learned.decrementAndGet();
            }
        }
    }

    /**
     * A frame from the domain behind {@code from}: learn its source, forward or flood it. The
     * frame must be at least {@value #MIN_FRAME} bytes; it is shared, read-only, by the ports it
     * is queued for.
     */
    public void transmit(SwitchPort from, byte[] frame) {
        if (frame.length < MIN_FRAME) {
            from.txDropped();
            return;
        }
        from.transmitted(frame.length);
        learn(from, MacAddress.read(frame, 6));
        long dst = MacAddress.read(frame, 0);
        SwitchPort to = MacAddress.isMulticast(dst) ? null : table.get(dst);
        if (to != null) {
            if (to != from) {
                to.enqueue(frame);
            }
            return;   // a frame for its own segment is filtered
        }
        for (SwitchPort p : ports) {
            if (p != from) {
                p.enqueue(frame);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
