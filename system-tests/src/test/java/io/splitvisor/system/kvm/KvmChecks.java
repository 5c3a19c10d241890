package io.splitvisor.system.kvm;

import io.splitvisor.core.domain.Engines;
import io.splitvisor.engine.Engine;
import io.splitvisor.system.Cli;
import io.splitvisor.system.ExampleGuestRuns;
import io.splitvisor.system.ExampleGuestRuns.GuestRun;
import io.splitvisor.system.ExampleGuests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The engine checks, run on one engine at a time so that the KVM side can run where {@code /dev/kvm} is (inside the
 * nested VM) and the interpreter side anywhere: every example guest through {@code splitvisor run} (exit code and
 * {@link ConsoleNormalizer normalized} output), {@link StraightLineCode} programs (end state), and on request the
 * {@link EngineBench} figures of both engines. The results go to a {@link CheckResults} file.
 *
 * <p>Command line: {@code KvmChecks ENGINE RESULTS-FILE SEED PROGRAMS [bench]}.
 */
public final class KvmChecks {
    /** Instructions per generated program (plus the HLT). */
    static final int PROGRAM_LENGTH = 200;
    static final int GUEST_TIMEOUT_SECONDS = 120;
    static final String ENGINE_UNAVAILABLE = "engine unavailable";

    private KvmChecks() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: KvmChecks ENGINE RESULTS-FILE SEED PROGRAMS [bench]");
            System.exit(2);
        }
        Path resultsFile = Path.of(args[1]);
        Path images = Files.createTempDirectory("kvm-checks");
        CheckResults r = run(args[0], images, Long.parseLong(args[2]), Integer.parseInt(args[3]),
                args.length > 4 && args[4].equals("bench"));
        r.write(resultsFile);
        System.out.println("kvm-checks: results in " + resultsFile);
        System.exit(0);
    }

    /** Runs every check on the engine; {@code bench} adds the figures of this engine and of the interpreter. */
    static CheckResults run(String engineName, Path imageDir, long seed, int programs, boolean bench) throws Exception {
        CheckResults r = new CheckResults();
        Engine engine;
        try {
            engine = new Engines().engine(engineName);
        } catch (RuntimeException e) {
            r.put(ENGINE_UNAVAILABLE, engineName + ": " + e.getMessage());
            log("engine " + engineName + " unavailable: " + e.getMessage());
            return r;
        }
        long t0 = System.nanoTime();
        guests(engineName, imageDir, r);
        log(String.format("example guests on %s: %.1f s", engineName, seconds(t0)));
        t0 = System.nanoTime();
        programs(engine, seed, programs, r);
        log(String.format("%d straight-line programs on %s: %.1f s", programs, engineName, seconds(t0)));
        if (bench) {
            t0 = System.nanoTime();
            for (String name : new String[] {engineName, "interp"}) {
                Map<String, Long> figures = EngineBench.measure(name, new Engines().engine(name), 2000, 2_000_000);
                figures.forEach((k, v) -> r.put("bench " + name + " " + k, Long.toString(v)));
                log("bench on " + name + ": " + figures);
            }
            log(String.format("bench: %.1f s", seconds(t0)));
        }
        return r;
    }

    private static void guests(String engine, Path imageDir, CheckResults r) throws Exception {
        List<GuestRun> runs = ExampleGuestRuns.in(imageDir).all();
        TreeSet<String> notRun = new TreeSet<>(ExampleGuests.allNames());
        runs.forEach(run -> notRun.removeAll(run.guests()));
        r.put("catalog", notRun.isEmpty() ? "every example guest has a run"
                : "example guests without a run in ExampleGuestRuns: " + notRun);
        for (GuestRun run : runs) {
            long t0 = System.nanoTime();
            Cli.Run result = Cli.run(run.commandLine(engine, GUEST_TIMEOUT_SECONDS));
            boolean random = run.args().contains("--rng");
            List<String> missing = new ArrayList<>();
            for (String want : run.expected()) {
                if (!result.all().contains(want)) {
                    missing.add(want);
                }
            }
            r.put("guest " + run.name(), "exit code " + result.code() + "\n"
                    + (missing.isEmpty() ? "" : "missing expected lines " + missing + "\n")
                    + ConsoleNormalizer.normalize(result.all(), random, run.args().contains("--uart")));
            log(String.format("  %s on %s: exit code %d, %.1f s", run.name(), engine, result.code(), seconds(t0)));
        }
    }

    private static void programs(Engine engine, long seed, int count, CheckResults r) {
        StraightLineCode generator = new StraightLineCode(seed, StraightLineRunner.SCRATCH, StraightLineRunner.STACK_TOP);
        try (StraightLineRunner runner = new StraightLineRunner(engine)) {
            for (int i = 0; i < count; i++) {
                r.put("program " + i, runner.run(generator.next(PROGRAM_LENGTH)));
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void log(String line) {
        System.out.println("kvm-checks: " + line);
    }
}
