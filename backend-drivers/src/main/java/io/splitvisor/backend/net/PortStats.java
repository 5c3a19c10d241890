package io.splitvisor.backend.net;

/**
 * A switch port's counters, from the point of view of the domain behind it: tx is what it sent
 * into the switch, rx what the switch delivered to it; drops are frames lost on the way (rx: its
 * queue was full or its buffer unusable; tx: a malformed or unreadable frame).
 */
public record PortStats(long rxFrames, long rxBytes, long rxDrops, long txFrames, long txBytes, long txDrops) {
}
