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
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code splitvisor bench core}: the hypervisor core's costs, measured from inside guests on the
 * interpreter: doorbell and gate round trips, pingpong notifications, and the time from creating a
 * domain to its first instruction. Warm-up runs first, then the median and spread of the runs.
 */
@Command(name = "bench-core", mixinStandardHelpOptions = true,
        description = "Measure hypercall round trips, pingpong notifications and domain creation on the interpreter.")
final class BenchCommand implements Callable<Integer> {
    private static final Pattern PER_OP = Pattern.compile("(\\w[\\w-]*): (\\d+) ops in \\d+ ns, (\\d+(?:\\.\\d+)?) ns each");
    private static final Pattern ROUND_TRIP = Pattern.compile("round trips in \\d+ ms \\((\\d+) ns each\\)");

    @Spec
    private CommandSpec spec;

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

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path guests = ExampleGuests.directory();
        Path tiny = Files.createTempFile("splitvisor-tiny", ".elf");
        Files.write(tiny, TinyElf.exitAtFirstInstruction());
        try (Hypervisor hv = new Hypervisor(new Engines(), new SimpleMeterRegistry(), CrashReporter.REGISTERS_ONLY)) {
            out.printf("bench-core: %d warm-up and %d measured runs per case, engine interp, %s%n", warmup, runs,
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            Samples create = new Samples("create to first instruction", "us");
            Samples doorbell = new Samples("doorbell round trip (in guest)", "ns");
            Samples gate = new Samples("gate round trip, EvtchnSend (in guest)", "ns");
            Samples gateVersion = new Samples("gate round trip, Version (in guest)", "ns");
            Samples pingpong = new Samples("pingpong round trip", "ns");
            Path hcbench = guests.resolve("hcbench.elf");
            for (int run = -warmup; run < runs; run++) {
                boolean measured = run >= 0;
                progress(out, run, "create");
                double us = createToFirstInstruction(hv, tiny);
                if (measured) {
                    create.add(us);
                }
                if (Files.isRegularFile(hcbench)) {
                    progress(out, run, "hypercalls");
                    String text = runGuest(hv, hcbench, "ops=" + ops);
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
                progress(out, run, "pingpong");
                double ns = pingpong(hv, guests.resolve("pingpong.elf"));
                if (measured) {
                    pingpong.add(ns);
                }
            }
            out.println();
            for (Samples s : List.of(doorbell, gate, gateVersion, pingpong, create)) {
                out.println(s.row());
            }
            out.printf("pingpong notifications per second: %.0f (two per round trip)%n", 2e9 / pingpong.median());
            return 0;
        } finally {
            Files.deleteIfExists(tiny);
        }
    }

    private static void progress(PrintWriter out, int run, String what) {
        out.printf("\r  %s run %d: %-12s", run < 0 ? "warm-up" : "measured", Math.abs(run < 0 ? run : run + 1), what);
        out.flush();
    }

    /** Average microseconds from createGuest to the guest's first instruction ending it. */
    private double createToFirstInstruction(Hypervisor hv, Path tiny) throws Exception {
        long total = 0;
        for (int i = 0; i < creates; i++) {
            long t0 = System.nanoTime();
            Domain d = hv.createGuest(new DomainConfig("tiny", tiny, 4L << 20, "", "interp", false));
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

    private static String runGuest(Hypervisor hv, Path elf, String cmdline) throws Exception {
        Domain d = hv.createGuest(new DomainConfig("bench", elf, DomainConfig.DEFAULT_MEMORY, cmdline, "interp", false));
        hv.start(d);
        ShutdownInfo end = d.ended().get(600, TimeUnit.SECONDS);
        String text = d.console().text();
        hv.destroy(d);
        if (end.exitCode() != 0) {
            throw new IllegalStateException(elf.getFileName() + " failed: " + text);
        }
        return text;
    }

    private double pingpong(Hypervisor hv, Path elf) throws Exception {
        Domain ping = hv.createGuest(new DomainConfig("ping", elf, DomainConfig.DEFAULT_MEMORY, "role=ping rounds=" + rounds, "interp", false));
        Domain pong = hv.createGuest(new DomainConfig("pong", elf, DomainConfig.DEFAULT_MEMORY, "role=pong rounds=" + rounds, "interp", false));
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
