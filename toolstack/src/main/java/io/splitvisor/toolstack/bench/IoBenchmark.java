package io.splitvisor.toolstack.bench;

import io.splitvisor.core.domain.EngineProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The PV-versus-emulation benchmark: every selected case on every path and engine, warm-up runs
 * first, then the measured runs, each in a hypervisor of its own; a path or engine that is not
 * available here is skipped with its reason, a case whose device the guest has no driver for is
 * reported skipped by the guest, and a path whose run fails is reported as failed.
 */
public final class IoBenchmark {
    /** Receives a progress line (overwritten in place on a terminal). */
    @FunctionalInterface
    public interface Progress {
        void update(String line);
    }

    /** The report and whether any run failed. */
    public record Outcome(BenchReport report, List<Skip> failures) {
        public boolean failed() {
            return !failures.isEmpty();
        }
    }

    private IoBenchmark() {
    }

    public static Outcome run(BenchSettings settings, EngineProvider engines, MachineInfo machine, Progress progress) {
        List<Measurement> measured = new ArrayList<>();
        List<Skip> skips = new ArrayList<>();
        List<Skip> failures = new ArrayList<>();
        int combos = settings.engines().size() * settings.paths().size();
        int combo = 0;
        for (String engine : settings.engines()) {
            String engineProblem = engineProblem(engines, engine);
            for (IoPath path : settings.paths()) {
                combo++;
                String where = String.format("[%d/%d] %s on %s", combo, combos, path.label(), engine);
                if (engineProblem != null) {
                    skips.add(new Skip(path, engine, Skip.ALL, engineProblem));
                    progress.update(where + ": skipped (" + engineProblem + ")");
                    continue;
                }
                for (int run = -settings.warmup(); run < settings.runs(); run++) {
                    progress.update(String.format("%s: %s %d of %d", where, run < 0 ? "warm-up" : "run",
                            run < 0 ? run + settings.warmup() + 1 : run + 1, run < 0 ? settings.warmup() : settings.runs()));
                    try {
                        IoBenchRun.Outcome got = new IoBenchRun(settings, path, engine, Math.max(run, 0), engines).execute();
                        if (run >= 0) {
                            measured.addAll(got.measurements());
                        }
                        got.skips().stream().filter(k -> !skips.contains(k)).forEach(skips::add);
                    } catch (BenchException e) {
                        Skip failure = new Skip(path, engine, Skip.ALL, "failed: " + e.getMessage());
                        failures.add(failure);
                        skips.add(failure);
                        progress.update(where + ": " + failure.reason());
                        measured.removeIf(m -> m.path() == path && m.engine().equals(engine));
                        break;
                    }
                }
            }
        }
        return new Outcome(BenchReport.of(machine, settings, measured, skips), failures);
    }

    /** Writes bench.csv, bench-runs.csv, bench.json, bench.md and bench.svg into {@code dir}; returns the files. */
    public static List<Path> write(BenchReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path csv = dir.resolve("bench.csv");
        Path runs = dir.resolve("bench-runs.csv");
        Path json = dir.resolve("bench.json");
        Path md = dir.resolve("bench.md");
        Path svg = dir.resolve("bench.svg");
        CsvReport.write(report, csv, runs);
        JsonReport.write(report, json);
        MarkdownReport.write(report, md);
        SvgChart.write(report, svg);
        return List.of(csv, runs, json, md, svg);
    }

    private static String engineProblem(EngineProvider engines, String engine) {
        try {
            engines.engine(engine);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
