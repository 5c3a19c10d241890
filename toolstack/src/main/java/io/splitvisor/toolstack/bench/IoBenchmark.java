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
 * available here is skipped with its reason, and one whose run fails is reported as failed.
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
                BenchSettings runnable = runnableCases(settings, path, engine, skips);
                if (runnable.cases().isEmpty()) {
                    progress.update(where + ": skipped (no case has its devices on this path)");
                    continue;
                }
                for (int run = -settings.warmup(); run < settings.runs(); run++) {
                    progress.update(String.format("%s: %s %d of %d", where, run < 0 ? "warm-up" : "run",
                            run < 0 ? run + settings.warmup() + 1 : run + 1, run < 0 ? settings.warmup() : settings.runs()));
                    try {
                        IoBenchRun.Outcome got = new IoBenchRun(runnable, path, engine, Math.max(run, 0), engines).execute();
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

    /** The settings with only the cases whose devices {@code path} has; the others are added to {@code skips}. */
    private static BenchSettings runnableCases(BenchSettings settings, IoPath path, String engine, List<Skip> skips) {
        PathWiring wiring = PathWiring.of(path);
        List<BenchCase> runnable = new ArrayList<>();
        for (BenchCase c : settings.cases()) {
            String problem = wiring.unavailable(c.device());
            if (problem == null) {
                runnable.add(c);
            } else {
                skips.add(new Skip(path, engine, String.join(", ", c.rows()), problem));
            }
        }
        return settings.withCases(runnable);
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
