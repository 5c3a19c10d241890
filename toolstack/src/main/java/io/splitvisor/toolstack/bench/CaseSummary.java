package io.splitvisor.toolstack.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One result row (a case on one path and engine) over its measured runs: the median of each
 * figure, and the spread (min and max) of the throughput.
 */
public record CaseSummary(String row, IoPath path, String engine, int runs, double mibPerSecond, double minMibPerSecond,
                          double maxMibPerSecond, double p50Us, double p99Us, double exitsPerMib, double hypercallsPerMib,
                          double instructionsPerByte, double vcpuCpuMs, double hostCpuMs, double lostPercent, long bytes,
                          long ops) {

    /** Summarises the runs of one row, path and engine (all of {@code runs} must be of it). */
    public static CaseSummary of(List<Measurement> runs) {
        Measurement first = runs.get(0);
        Samples throughput = samples(runs, Measurement::mibPerSecond);
        return new CaseSummary(first.row(), first.path(), first.engine(), runs.size(), throughput.median(), throughput.min(),
                throughput.max(), median(runs, m -> m.p50Ns() / 1e3), median(runs, m -> m.p99Ns() / 1e3),
                median(runs, Measurement::exitsPerMib), median(runs, Measurement::hypercallsPerMib),
                median(runs, Measurement::instructionsPerByte), median(runs, m -> m.host().vcpuCpuNs() / 1e6),
                median(runs, m -> m.host().processCpuNs() / 1e6), median(runs, Measurement::lostPercent), first.bytes(),
                first.ops());
    }

    /** Spread of the throughput as a fraction of the median: (max - min) / median. */
    public double spread() {
        return mibPerSecond == 0 ? 0 : (maxMibPerSecond - minMibPerSecond) / mibPerSecond;
    }

    private static Samples samples(List<Measurement> runs, ToDoubleFunction<Measurement> f) {
        Samples s = new Samples("", "");
        runs.forEach(m -> s.add(f.applyAsDouble(m)));
        return s;
    }

    private static double median(List<Measurement> runs, ToDoubleFunction<Measurement> f) {
        return samples(runs, f).median();
    }
}
