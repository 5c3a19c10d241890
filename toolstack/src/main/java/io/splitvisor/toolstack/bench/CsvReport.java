package io.splitvisor.toolstack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The report as CSV (RFC 4180, comma-separated, a header line): {@code bench.csv} with one line
 * per row, path and engine (medians over the runs), {@code bench-runs.csv} with every run.
 */
public final class CsvReport {
    public static final List<String> SUMMARY_COLUMNS = List.of("case", "path", "engine", "runs", "bytes", "ops", "mib_per_s",
            "mib_per_s_min", "mib_per_s_max", "p50_us", "p99_us", "exits_per_mib", "hypercalls_per_mib",
            "instructions_per_byte", "vcpu_cpu_ms", "host_cpu_ms", "lost_pct");
    public static final List<String> RUN_COLUMNS = List.of("case", "path", "engine", "run", "bytes", "ops", "guest_ns", "p50_ns",
            "p99_ns", "errors", "lost", "exits", "hypercalls", "instructions", "vcpu_cpu_ns", "host_cpu_ns");

    private CsvReport() {
    }

    public static void write(BenchReport report, Path summaryFile, Path runsFile) throws IOException {
        StringBuilder s = new StringBuilder(String.join(",", SUMMARY_COLUMNS)).append('\n');
        for (CaseSummary c : report.summaries()) {
            s.append(String.join(",", c.row(), c.path().label(), c.engine(), Integer.toString(c.runs()), Long.toString(c.bytes()),
                    Long.toString(c.ops()), f(c.mibPerSecond()), f(c.minMibPerSecond()), f(c.maxMibPerSecond()), f(c.p50Us()),
                    f(c.p99Us()), f(c.exitsPerMib()), f(c.hypercallsPerMib()), f(c.instructionsPerByte()), f(c.vcpuCpuMs()),
                    f(c.hostCpuMs()), f(c.lostPercent()))).append('\n');
        }
        Files.writeString(summaryFile, s, StandardCharsets.UTF_8);
        StringBuilder r = new StringBuilder(String.join(",", RUN_COLUMNS)).append('\n');
        for (Measurement m : report.measurements()) {
            MeterSnapshot h = m.host();
            r.append(String.join(",", m.row(), m.path().label(), m.engine(), Integer.toString(m.run()), Long.toString(m.bytes()),
                    Long.toString(m.ops()), Long.toString(m.guestNs()), Long.toString(m.p50Ns()), Long.toString(m.p99Ns()),
                    Long.toString(m.errors()), Long.toString(m.lost()), Long.toString(h.exits()), Long.toString(h.hypercalls()),
                    Long.toString(h.instructions()), Long.toString(h.vcpuCpuNs()), Long.toString(h.processCpuNs()))).append('\n');
        }
        Files.writeString(runsFile, r, StandardCharsets.UTF_8);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }
}
