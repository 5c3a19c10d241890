package io.splitvisor.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.splitvisor.abi.HypercallTable;

/**
 * One domain's counters, created once, so a hypercall or a doorbell only increments a counter it
 * already holds (no tag lookup on the hot path).
 */
public final class DomainMeters {
    private final Counter[] hypercalls;
    private final Counter unknownHypercalls;
    private final Counter events;

    DomainMeters(CoreMeters meters, int domid) {
        HypercallTable table = HypercallTable.get();
        int highest = table.ops().stream().mapToInt(HypercallTable.Op::number).max().orElse(0);
        this.hypercalls = new Counter[highest + 1];
        for (HypercallTable.Op op : table.ops()) {
            hypercalls[op.number()] = meters.hypercalls(op.name(), domid);
        }
        this.unknownHypercalls = meters.hypercalls("unknown", domid);
        this.events = meters.events(domid);
    }

    /** The counter of operation {@code op}, or of unknown operations. */
    public Counter hypercall(int op) {
        Counter c = op >= 0 && op < hypercalls.length ? hypercalls[op] : null;
        return c != null ? c : unknownHypercalls;
    }

    public Counter events() {
        return events;
    }
}
