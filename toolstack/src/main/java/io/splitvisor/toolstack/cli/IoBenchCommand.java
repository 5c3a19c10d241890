package io.splitvisor.toolstack.cli;

import io.splitvisor.core.domain.Engines;
import io.splitvisor.toolstack.bench.BenchCase;
import io.splitvisor.toolstack.bench.BenchSettings;
import io.splitvisor.toolstack.bench.IoBenchmark;
import io.splitvisor.toolstack.bench.IoPath;
import io.splitvisor.toolstack.bench.MachineInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code splitvisor bench}: the PV-versus-emulation benchmark. Runs the iobench guest's cases on
 * each I/O path and engine and writes the report (CSV, JSON, Markdown, SVG) under target/bench.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure PV devices against emulated ones: sequential and random disk I/O, network round trips "
                + "and a flood, console output; on each I/O path and engine.",
            "Writes bench.csv, bench-runs.csv, bench.json, bench.md and bench.svg (default: target/bench)."})
final class IoBenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--cases", split = ",", paramLabel = "CASE", converter = CaseConverter.class,
            description = "seq, rand, rtt, flood, console (default: all)")
    private List<BenchCase> cases = List.of(BenchCase.values());

    @Option(names = "--paths", split = ",", paramLabel = "PATH", converter = PathConverter.class,
            description = "pv, emulated (default: both)")
    private List<IoPath> paths = List.of(IoPath.values());

    @Option(names = "--engines", split = ",", paramLabel = "ENGINE",
            description = "interp, kvm (default: both; one not available here is skipped with its reason)")
    private List<String> engines = List.of("interp", "kvm");

    @Option(names = "--mib", paramLabel = "N", defaultValue = "8", description = "sequential MiB written then read (default ${DEFAULT-VALUE})")
    private long mib;

    @Option(names = "--xfer", paramLabel = "KIB", defaultValue = "1024", description = "KiB per sequential transfer (default ${DEFAULT-VALUE})")
    private long xferKib;

    @Option(names = "--rand-ops", paramLabel = "N", defaultValue = "256", description = "random 4 KiB reads (default ${DEFAULT-VALUE})")
    private long randOps;

    @Option(names = "--rtts", paramLabel = "N", defaultValue = "1000", description = "network round trips (default ${DEFAULT-VALUE})")
    private long rtts;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "2000", description = "flood frames (default ${DEFAULT-VALUE})")
    private long frames;

    @Option(names = "--lines", paramLabel = "K", defaultValue = "1000", description = "console lines (default ${DEFAULT-VALUE})")
    private long lines;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3", description = "measured runs per path and engine (default ${DEFAULT-VALUE})")
    private int runs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1", description = "warm-up runs per path and engine (default ${DEFAULT-VALUE})")
    private int warmup;

    @Option(names = "--out", paramLabel = "DIR", description = "where the report goes (default: target/bench under the project)")
    private Path out;

    @Option(names = "--guest", paramLabel = "ELF", description = "the benchmark guest (default: frontend-drivers/target/guests/iobench.elf)")
    private Path guest;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800", description = "the longest one run may take (default ${DEFAULT-VALUE})")
    private long timeoutSeconds;

    @Option(names = "--batch-string-io", description = "let REP INS/OUTS move up to a page per exit, as KVM does "
            + "(default: one exit per element, the full-emulation cost model)")
    private boolean batchStringIo;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root = Path.of(System.getProperty("splitvisor.root", "."));
        Path elf = guest != null ? guest : root.resolve("frontend-drivers/target/guests/iobench.elf");
        Path dir = out != null ? out : root.resolve("target/bench");
        BenchSettings settings = new BenchSettings(mib, xferKib, randOps, rtts, frames, lines, runs, warmup,
                new ArrayList<>(new LinkedHashSet<>(cases)), new ArrayList<>(new LinkedHashSet<>(paths)),
                new ArrayList<>(new LinkedHashSet<>(engines)), elf, dir, timeoutSeconds, batchStringIo);
        String problem = settings.problem();
        if (problem == null && !Files.isRegularFile(elf)) {
            problem = "the benchmark guest " + elf + " is missing (build it: mvn -pl frontend-drivers -am package)";
        }
        if (problem != null) {
            err.println("splitvisor: bench: " + problem);
            return 2;
        }
        boolean terminal = System.console() != null;
        IoBenchmark.Outcome outcome = IoBenchmark.run(settings, new Engines(), MachineInfo.current(root), line -> {
            if (terminal) {
                stdout.printf("\r%-100s", line.length() > 100 ? line.substring(0, 97) + "..." : line);
            } else {
                stdout.println(line);
            }
            stdout.flush();
        });
        if (terminal) {
            stdout.println();
        }
        List<Path> files = IoBenchmark.write(outcome.report(), dir);
        outcome.report().summaryLines().forEach(stdout::println);
        outcome.report().skips().forEach(s -> stdout.println("not measured: " + s.describe()));
        stdout.println("report: " + files.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElse(""));
        stdout.flush();
        if (outcome.failed()) {
            err.println("splitvisor: bench: " + outcome.failures().size() + " path(s) failed; see the report");
            return 1;
        }
        return 0;
    }

    /** A picocli converter over a parse function whose IllegalArgumentException is the one-line message. */
    abstract static class ParsingConverter<T> implements CommandLine.ITypeConverter<T> {
        private final java.util.function.Function<String, T> parse;

        ParsingConverter(java.util.function.Function<String, T> parse) {
            this.parse = parse;
        }

        @Override
        public T convert(String value) {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class CaseConverter extends ParsingConverter<BenchCase> {
        CaseConverter() {
            super(BenchCase::parse);
        }
    }

    static final class PathConverter extends ParsingConverter<IoPath> {
        PathConverter() {
            super(IoPath::parse);
        }
    }
}
