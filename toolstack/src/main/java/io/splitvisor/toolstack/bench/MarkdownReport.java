package io.splitvisor.toolstack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The report as Markdown: the header, one table row per case, path and engine, the speedups. */
public final class MarkdownReport {
    public static final List<String> COLUMNS = List.of("case", "path", "engine", "MiB/s (min-max)", "p50 us", "p99 us",
            "exits/MiB", "hypercalls/MiB", "instr/byte", "vCPU ms", "host CPU ms");

    private MarkdownReport() {
    }

    public static void write(BenchReport report, Path file) throws IOException {
        Files.writeString(file, render(report), StandardCharsets.UTF_8);
    }

    static String render(BenchReport report) {
        MachineInfo m = report.machine();
        BenchSettings s = report.settings();
        StringBuilder b = new StringBuilder("# Splitvisor I/O benchmark: PV versus emulated devices\n\n");
        b.append(String.format(Locale.ROOT, "- Machine: %s, %d cores; %s; %s%n", m.cpuModel(), m.cores(), m.jvm(), m.os()));
        b.append(String.format(Locale.ROOT, "- Commit %s, %s%n", m.commit(), m.date()));
        b.append(String.format(Locale.ROOT, "- Cases: sequential %d MiB in %d KiB transfers (write + flush, then read; verified), "
                        + "%d random 4 KiB reads (verified), %d round trips of 64-byte frames, a flood of %d 1514-byte frames "
                        + "(window 32, counted and verified by the peer), %d console lines of 86 characters%n",
                s.mib(), s.xferKib(), s.randOps(), s.rtts(), s.frames(), s.lines()));
        b.append(String.format(Locale.ROOT, "- %d warm-up and %d measured runs per path and engine; medians over the runs, "
                + "throughput with its min-max; latencies are the guest's per-operation times (a transfer, a read, a round "
                + "trip, a frame sent, a line written); exits, hypercalls and instructions are counted by the host between "
                + "the guest's marks, over both domains for the network cases; string I/O (REP INS/OUTS) %s%n%n", s.warmup(), s.runs(),
                s.batchStringIo() ? "batched, up to a page per exit" : "one exit per element"));
        b.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n");
        b.append("|---|---|---|").append("---:|".repeat(COLUMNS.size() - 3)).append('\n');
        for (String engine : report.enginesMeasured()) {
            for (String row : report.rows()) {
                for (IoPath path : s.paths()) {
                    report.summary(row, path, engine).ifPresent(c -> b.append(String.format(Locale.ROOT,
                            "| %s | %s | %s | %s (%s-%s%s) | %s | %s | %s | %s | %s | %s | %s |%n", c.row(), path.label(), engine,
                            BenchReport.number(c.mibPerSecond()), BenchReport.number(c.minMibPerSecond()),
                            BenchReport.number(c.maxMibPerSecond()),
                            c.lostPercent() > 0 ? ", " + BenchReport.number(c.lostPercent()) + "% lost" : "", BenchReport.number(c.p50Us()),
                            BenchReport.number(c.p99Us()), BenchReport.number(c.exitsPerMib()),
                            BenchReport.number(c.hypercallsPerMib()), BenchReport.number(c.instructionsPerByte()),
                            BenchReport.number(c.vcpuCpuMs()), BenchReport.number(c.hostCpuMs()))));
                }
            }
        }
        b.append("\n## PV over emulated\n\n");
        for (String line : report.summaryLines()) {
            b.append("- ").append(line.replaceAll(" +", " ")).append('\n');
        }
        if (!report.skips().isEmpty()) {
            b.append("\n## Not measured\n\n");
            for (Skip k : report.skips()) {
                b.append("- ").append(k.describe()).append('\n');
            }
        }
        return b.toString();
    }
}
