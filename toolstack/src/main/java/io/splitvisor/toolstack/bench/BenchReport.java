package io.splitvisor.toolstack.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@code splitvisor bench} found: the machine, the settings, every measured run, the
 * summary of each row (case, path, engine) and what was skipped. The file writers read this.
 */
public record BenchReport(MachineInfo machine, BenchSettings settings, List<Measurement> measurements,
                          List<CaseSummary> summaries, List<Skip> skips) {

    public static BenchReport of(MachineInfo machine, BenchSettings settings, List<Measurement> measurements, List<Skip> skips) {
        Map<String, List<Measurement>> groups = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            groups.computeIfAbsent(m.row() + "/" + m.path() + "/" + m.engine(), k -> new ArrayList<>()).add(m);
        }
        List<CaseSummary> summaries = groups.values().stream().map(CaseSummary::of).toList();
        return new BenchReport(machine, settings, List.copyOf(measurements), summaries, List.copyOf(skips));
    }

    /** The rows in the order the cases were run. */
    public List<String> rows() {
        List<String> rows = new ArrayList<>();
        for (BenchCase c : settings.cases()) {
            rows.addAll(c.rows());
        }
        return rows;
    }

    /** The engines that gave results, in the order asked for. */
    public List<String> enginesMeasured() {
        return settings.engines().stream().filter(e -> summaries.stream().anyMatch(s -> s.engine().equals(e))).toList();
    }

    public Optional<CaseSummary> summary(String row, IoPath path, String engine) {
        return summaries.stream().filter(s -> s.row().equals(row) && s.path() == path && s.engine().equals(engine)).findFirst();
    }

    /** PV throughput over emulated throughput for a row on an engine, when both were measured. */
    public Optional<Double> speedup(String row, String engine) {
        Optional<CaseSummary> pv = summary(row, IoPath.PV, engine);
        Optional<CaseSummary> emulated = summary(row, IoPath.EMULATED, engine);
        if (pv.isEmpty() || emulated.isEmpty() || emulated.get().mibPerSecond() <= 0) {
            return Optional.empty();
        }
        return Optional.of(pv.get().mibPerSecond() / emulated.get().mibPerSecond());
    }

    /** One line per row and engine: both throughputs and the PV-over-emulated speedup. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        for (String engine : enginesMeasured()) {
            for (String row : rows()) {
                Optional<CaseSummary> pv = summary(row, IoPath.PV, engine);
                Optional<CaseSummary> emulated = summary(row, IoPath.EMULATED, engine);
                if (pv.isEmpty() && emulated.isEmpty()) {
                    continue;
                }
                StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-10s %-7s", row, engine));
                b.append(pv.map(s -> String.format(Locale.ROOT, " pv %s MiB/s", number(s.mibPerSecond()))).orElse(" pv not measured"));
                b.append(emulated.map(s -> String.format(Locale.ROOT, ", emulated %s MiB/s", number(s.mibPerSecond())))
                        .orElse(", emulated not measured"));
                speedup(row, engine).ifPresent(x -> b.append(": PV ").append(number(x)).append("x emulated"));
                lines.add(b.toString());
            }
        }
        return lines;
    }

    /** A number with three significant digits or so, for text. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 100 || a == 0) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
