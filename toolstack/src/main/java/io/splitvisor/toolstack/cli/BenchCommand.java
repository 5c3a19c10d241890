package io.splitvisor.toolstack.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.core.domain.CrashReporter;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.domain.ShutdownInfo;
import io.splitvisor.toolstack.bench.Samples;
import io.splitvisor.toolstack.bench.TinyElf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code splitvisor bench-core}: the hypervisor core's costs, measured from inside guests on each engine asked
 * for (the interpreter and KVM by default, in the same run): doorbell and gate round trips, pingpong
 * notifications, a CPU-bound guest's run time, and the time from creating a domain to its first instruction.
 * Warm-up runs first, then the median and spread of the runs, then KVM's figures as ratios to the interpreter's.
 * An engine that cannot be used here (KVM without /dev/kvm) is skipped with the reason.
 */
@Command(name = "bench-core", mixinStandardHelpOptions = true,
        description = "Measure hypercall round trips, pingpong notifications, a CPU-bound guest and domain creation on the interpreter and KVM.")
final class BenchCommand implements Callable<Integer> {
    private static final Pattern PER_OP = Pattern.compile("(\\w[\\w-]*): (\\d+) ops in \\d+ ns, (\\d+(?:\\.\\d+)?) ns each");
    private static final Pattern ROUND_TRIP = Pattern.compile("round trips in \\d+ ms \\((\\d+) ns each\\)");

    @Spec
    private CommandSpec spec;

    @Option(names = "--engines", defaultValue = "interp,kvm", split = ",",
            description = "engines to measure, in this run (default ${DEFAULT-VALUE})")
    private List<String> engineNames;

    @Option(names = "--runs", defaultValue = "5", description = "measured runs per case (default ${DEFAULT-VALUE})")
    private int runs;

    @Option(names = "--warmup", defaultValue = "2", description = "warm-up runs per case (default ${DEFAULT-VALUE})")
    private int warmup;

    @Option(names = "--ops", defaultValue = "200000", description = "hypercalls per run (default ${DEFAULT-VALUE})")
    private long ops;

    @Option(names = "--rounds", defaultValue = "20000", description = "pingpong round trips per run (default ${DEFAULT-VALUE})")
    private long rounds;

    @Option(names = "--creates", defaultValue = "50", description = "domains created per run (default ${DEFAULT-VALUE})")
    private int creates;

    @Option(names = "--loop", defaultValue = "100000000", description = "iterations of the CPU-bound guest's loop (default ${DEFAULT-VALUE})")
    private long loopIterations;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path guests = ExampleGuests.directory();
        Path tiny = Files.createTempFile("splitvisor-tiny", ".elf");
        Path loop = Files.createTempFile("splitvisor-loop", ".elf");
        Files.write(tiny, TinyElf.exitAtFirstInstruction());
        Files.write(loop, TinyElf.integerLoop(loopIterations));
        Engines engines = new Engines(line -> { });
        try (Hypervisor hv = new Hypervisor(engines, new SimpleMeterRegistry(), CrashReporter.REGISTERS_ONLY)) {
            out.printf("bench-core: %d warm-up and %d measured runs per case, %s%n", warmup, runs,
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            Map<String, List<Samples>> results = new LinkedHashMap<>();
            for (String engine : engineNames) {
                try {
                    engines.engine(engine);
                } catch (IllegalArgumentException e) {
                    out.printf("engine %s: skipped (%s)%n", engine, e.getMessage());
                    continue;
                }
                results.put(engine, measure(out, hv, engine, guests, tiny, loop));
            }
            for (Map.Entry<String, List<Samples>> e : results.entrySet()) {
                out.printf("%nengine %s%n", e.getKey());
                for (Samples s : e.getValue()) {
                    out.println(s.row());
                }
                out.printf("pingpong notifications per second: %.0f (two per round trip)%n",
                        2e9 / e.getValue().get(3).median());
            }
            List<Samples> interp = results.get("interp");
            List<Samples> kvm = results.get("kvm");
            if (interp != null && kvm != null) {
                out.printf("%nkvm / interp (median over median; below 1 means KVM is faster)%n");
                for (int i = 0; i < interp.size(); i++) {
                    out.printf("%-34s %8.3f%n", interp.get(i).name(), kvm.get(i).median() / interp.get(i).median());
                }
            }
            return 0;
        } finally {
            Files.deleteIfExists(tiny);
            Files.deleteIfExists(loop);
        }
    }

    /** Every case on one engine: doorbell, gate (EvtchnSend), gate (Version), pingpong, CPU-bound guest, create. */
    private List<Samples> measure(PrintWriter out, Hypervisor hv, String engine, Path guests, Path tiny, Path loop)
            throws Exception {
        Samples create = new Samples("create to first instruction", "us");
        Samples doorbell = new Samples("doorbell round trip (in guest)", "ns");
        Samples gate = new Samples("gate round trip, EvtchnSend (in guest)", "ns");
        Samples gateVersion = new Samples("gate round trip, Version (in guest)", "ns");
        Samples pingpong = new Samples("pingpong round trip", "ns");
        Samples cpu = new Samples("CPU-bound guest (" + loopIterations + " loops)", "ms");
        Path hcbench = guests.resolve("hcbench.elf");
        for (int run = -warmup; run < runs; run++) {
            boolean measured = run >= 0;
            progress(out, engine, run, "create");
            double us = createToFirstInstruction(hv, engine, tiny);
            if (measured) {
                create.add(us);
            }
            if (Files.isRegularFile(hcbench)) {
                progress(out, engine, run, "hypercalls");
                String text = runGuest(hv, engine, hcbench, "ops=" + ops);
                Matcher m = PER_OP.matcher(text);
                while (m.find() && measured) {
                    Samples target = switch (m.group(1)) {
                        case "doorbell" -> doorbell;
                        case "gate" -> gate;
                        default -> gateVersion;
                    };
                    target.add(Double.parseDouble(m.group(3)));
                }
            }
            progress(out, engine, run, "pingpong");
            double ns = pingpong(hv, engine, guests.resolve("pingpong.elf"));
            if (measured) {
                pingpong.add(ns);
            }
            progress(out, engine, run, "cpu-bound");
            double ms = cpuBound(hv, engine, loop);
            if (measured) {
                cpu.add(ms);
            }
        }
        out.println();
        return List.of(doorbell, gate, gateVersion, pingpong, cpu, create);
    }

    private static void progress(PrintWriter out, String engine, int run, String what) {
        out.printf("\r  %s: %s run %d: %-12s", engine, run < 0 ? "warm-up" : "measured", Math.abs(run < 0 ? run : run + 1), what);
        out.flush();
    }

    /** Average microseconds from createGuest to the guest's first instruction ending it. */
    private double createToFirstInstruction(Hypervisor hv, String engine, Path tiny) throws Exception {
        long total = 0;
        for (int i = 0; i < creates; i++) {
            long t0 = System.nanoTime();
            Domain d = hv.createGuest(new DomainConfig("tiny", tiny, 4L << 20, "", engine, false));
            hv.start(d);
            ShutdownInfo end = d.ended().get(30, TimeUnit.SECONDS);
            total += System.nanoTime() - t0;
            hv.destroy(d);
            if (end.exitCode() != 0) {
                throw new IllegalStateException("the tiny guest ended with " + end);
            }
        }
        return total / 1000.0 / creates;
    }

    /** Milliseconds from start to end of the integer-loop guest (creation not included). */
    private static double cpuBound(Hypervisor hv, String engine, Path loop) throws Exception {
        Domain d = hv.createGuest(new DomainConfig("loop", loop, 4L << 20, "", engine, false));
        long t0 = System.nanoTime();
        hv.start(d);
        ShutdownInfo end = d.ended().get(600, TimeUnit.SECONDS);
        long t1 = System.nanoTime();
        hv.destroy(d);
        if (end.exitCode() != 0) {
            throw new IllegalStateException("the loop guest ended with " + end);
        }
        return (t1 - t0) / 1e6;
    }

    private static String runGuest(Hypervisor hv, String engine, Path elf, String cmdline) throws Exception {
        Domain d = hv.createGuest(new DomainConfig("bench", elf, DomainConfig.DEFAULT_MEMORY, cmdline, engine, false));
        hv.start(d);
        ShutdownInfo end = d.ended().get(600, TimeUnit.SECONDS);
        String text = d.console().text();
        hv.destroy(d);
        if (end.exitCode() != 0) {
            throw new IllegalStateException(elf.getFileName() + " failed: " + text);
        }
        return text;
    }

    private double pingpong(Hypervisor hv, String engine, Path elf) throws Exception {
        Domain ping = hv.createGuest(new DomainConfig("ping", elf, DomainConfig.DEFAULT_MEMORY, "role=ping rounds=" + rounds, engine, false));
        Domain pong = hv.createGuest(new DomainConfig("pong", elf, DomainConfig.DEFAULT_MEMORY, "role=pong rounds=" + rounds, engine, false));
        hv.start(ping);
        hv.start(pong);
        ping.ended().get(600, TimeUnit.SECONDS);
        pong.ended().get(600, TimeUnit.SECONDS);
        String text = ping.console().text();
        hv.destroy(ping);
        hv.destroy(pong);
        Matcher m = ROUND_TRIP.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("pingpong did not report its round trips: " + text);
        }
        return Double.parseDouble(m.group(1));
    }
}
