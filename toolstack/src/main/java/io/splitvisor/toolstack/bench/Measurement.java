package io.splitvisor.toolstack.bench;

/**
 * One result row of one run: what the guest reported for a case and what the host counted
 * between the case's marks.
 *
 * @param row          seq-write, seq-read, rand-read, net-rtt, net-flood or console
 * @param bytes        payload bytes the case moved (round trips: both ways)
 * @param ops          operations timed by the guest
 * @param guestNs      the guest's time for the case
 * @param p50Ns        median per-operation time (guest clock)
 * @param p99Ns        99th percentile per-operation time
 * @param errors       verification failures the guest found
 * @param lost         round trips unanswered, or flood frames that never arrived (0 for other cases)
 * @param host         meter and CPU deltas between the marks
 */
public record Measurement(String row, IoPath path, String engine, int run, long bytes, long ops, long guestNs,
                          long p50Ns, long p99Ns, long errors, long lost, MeterSnapshot host) {
    private static final double MIB = 1 << 20;

    /** MiB per second by the guest's clock. */
    public double mibPerSecond() {
        return guestNs == 0 ? 0 : bytes / MIB / (guestNs / 1e9);
    }

    /** Lost frames as a percentage of the operations. */
    public double lostPercent() {
        return ops == 0 ? 0 : 100.0 * lost / ops;
    }

    public double exitsPerMib() {
        return bytes == 0 ? 0 : host.exits() / (bytes / MIB);
    }

    public double hypercallsPerMib() {
        return bytes == 0 ? 0 : host.hypercalls() / (bytes / MIB);
    }

    public double instructionsPerByte() {
        return bytes == 0 ? 0 : (double) host.instructions() / bytes;
    }
}
