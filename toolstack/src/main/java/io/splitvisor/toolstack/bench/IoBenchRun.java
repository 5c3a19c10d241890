package io.splitvisor.toolstack.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.backend.DeviceException;
import io.splitvisor.backend.Dom0Backends;
import io.splitvisor.core.console.ConsoleLog;
import io.splitvisor.core.domain.CrashReporter;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;
import io.splitvisor.core.domain.EngineProvider;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.domain.ShutdownInfo;
import io.splitvisor.core.loader.GuestImageException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run of the benchmark guest on one path and engine, in a hypervisor of its own: the guest
 * (and, for the network cases, an echo peer on the same switch) with its devices, the host's
 * meters read at each of the guest's marks ("iobench: mark begin|end CASE", answered with "go"
 * on its console), its result lines turned into {@link Measurement}s, and the console case's
 * lines checked one by one.
 */
final class IoBenchRun {
    private static final String MARK = "iobench: mark ";
    private static final String SKIPPED = "iobench: skipped ";

    /** What one run gave: its measurements, and the rows the guest could not measure. */
    record Outcome(List<Measurement> measurements, List<Skip> skips) {
    }

    private final BenchSettings settings;
    private final IoPath path;
    private final String engine;
    private final int run;
    private final EngineProvider engines;

    private final Map<String, MeterSnapshot> begun = new ConcurrentHashMap<>();
    private final Map<String, MeterSnapshot> deltas = new ConcurrentHashMap<>();
    private final List<String> results = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Skip> skipped = new CopyOnWriteArrayList<>();
    private final AtomicLong consoleLines = new AtomicLong();
    private final AtomicLong consoleMismatches = new AtomicLong();

    IoBenchRun(BenchSettings settings, IoPath path, String engine, int run, EngineProvider engines) {
        this.settings = settings;
        this.path = path;
        this.engine = engine;
        this.run = run;
        this.engines = engines;
    }

    Outcome execute() throws BenchException {
        PathWiring wiring = PathWiring.of(path);
        Set<BenchCase.Device> devices = EnumSet.noneOf(BenchCase.Device.class);
        settings.cases().forEach(c -> devices.add(c.device()));
        MeterRegistry registry = new SimpleMeterRegistry();
        Path disk = null;
        try (Hypervisor hv = new Hypervisor(engines, registry, CrashReporter.REGISTERS_ONLY);
             Dom0Backends backends = new Dom0Backends(hv, registry)) {
            disk = devices.contains(BenchCase.Device.DISK) ? blankImage() : null;
            long seed = 1 + run;
            DomainConfig base = new DomainConfig("iobench", settings.guest(), settings.guestMemory(),
                    settings.guestCmdline(path, seed), engine, false).withBatchStringIo(settings.batchStringIo());
            Domain guest = hv.createGuest(wiring.configure(base, backends, devices, disk));
            List<Domain> domains = new ArrayList<>(List.of(guest));
            if (devices.contains(BenchCase.Device.NIC)) {
                DomainConfig peer = new DomainConfig("iobench-echo", settings.guest(), DomainConfig.DEFAULT_MEMORY,
                        settings.peerCmdline(path, seed), engine, false).withBatchStringIo(settings.batchStringIo());
                domains.add(hv.createGuest(wiring.configure(peer, backends, EnumSet.of(BenchCase.Device.NIC), null)));
            }
            for (Domain d : domains) {
                wiring.attach(backends, d, d == guest ? devices : EnumSet.of(BenchCase.Device.NIC), disk);
            }
            guest.console().addListener((log, line) -> onGuestLine(registry, domains, guest, line));
            ConsoleLog benchConsole = devices.contains(BenchCase.Device.CONSOLE) ? wiring.benchConsole(guest) : null;
            if (benchConsole != null && benchConsole != guest.console()) {
                benchConsole.addListener((log, line) -> onBenchLine(line));
            }
            domains.forEach(hv::start);
            for (Domain d : domains) {
                awaitEnd(d, d == guest ? settings.timeoutSeconds() : BenchSettings.GUEST_WAIT_SECONDS);
            }
            return new Outcome(measurements(), List.copyOf(skipped));
        } catch (GuestImageException | DeviceException | IOException e) {
            throw new BenchException(e.getMessage());
        } finally {
            if (disk != null) {
                try {
                    Files.deleteIfExists(disk);
                } catch (IOException ignored) {
                    // a temporary file; nothing else to do
                }
            }
        }
    }

    private Path blankImage() throws IOException {
        Path image = Files.createTempFile("splitvisor-bench", ".img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(Math.max(settings.mib() << 20, settings.randOps() * 4096));
        }
        return image;
    }

    /** Console 0 of the guest: marks are answered, results kept, failures remembered. */
    private void onGuestLine(MeterRegistry registry, List<Domain> domains, Domain guest, String line) {
        if (line.startsWith(MARK)) {
            String[] words = line.substring(MARK.length()).trim().split(" ");
            if (words.length == 2) {
                MeterSnapshot now = MeterSnapshot.take(registry, domains);
                if (words[0].equals("begin")) {
                    begun.put(words[1], now);
                } else {
                    MeterSnapshot start = begun.get(words[1]);
                    if (start != null) {
                        deltas.put(words[1], now.minus(start));
                    }
                }
            }
            guest.console().sendInput("go\n".getBytes(StandardCharsets.US_ASCII));
        } else if (line.startsWith(ResultLine.PREFIX)) {
            results.add(line);
        } else if (line.startsWith(SKIPPED)) {
            // "iobench: skipped case=ROW io=PATH reason=WORDS...": the guest has no driver for a device
            String rest = line.substring(SKIPPED.length());
            int reason = rest.indexOf("reason=");
            String row = rest.startsWith("case=") ? rest.substring(5, Math.max(5, rest.indexOf(' '))) : rest;
            skipped.add(new Skip(path, engine, row, reason >= 0 ? rest.substring(reason + 7) : "the guest skipped it"));
        } else if (line.startsWith("iobench: FAILED")) {
            failures.add(line.substring("iobench: ".length()));
        } else {
            onBenchLine(line);   // the console case's lines, when they share console 0 (PV)
        }
    }

    private void onBenchLine(String line) {
        if (!line.startsWith(ConsoleLines.PREFIX)) {
            return;
        }
        long i = consoleLines.getAndIncrement();
        if (!line.equals(ConsoleLines.expected(i))) {
            consoleMismatches.incrementAndGet();
        }
    }

    private void awaitEnd(Domain d, long seconds) throws BenchException {
        ShutdownInfo end;
        try {
            end = d.ended().get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new BenchException(d.name() + " did not finish within " + seconds + " s" + lastFailure());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        } catch (ExecutionException e) {
            throw new BenchException(d.name() + ": " + e.getCause());
        }
        if (end.crashed()) {
            throw new BenchException(d.name() + " crashed: " + end.message());
        }
        if (end.exitCode() != 0) {
            throw new BenchException(d.name() + " ended with exit code " + end.exitCode() + lastFailure());
        }
    }

    private String lastFailure() {
        return failures.isEmpty() ? "" : " (" + failures.get(failures.size() - 1) + ")";
    }

    private List<Measurement> measurements() throws BenchException {
        List<Measurement> out = new ArrayList<>();
        for (String text : results) {
            ResultLine r = ResultLine.parse(text);
            MeterSnapshot host = deltas.get(r.row());
            if (host == null) {
                throw new BenchException(r.row() + ": the guest reported a result without its marks");
            }
            long errors = r.number("errors");
            if (r.row().equals("console")) {
                long expected = r.number("ops");
                if (consoleLines.get() != expected || consoleMismatches.get() != 0) {
                    throw new BenchException("console: the host received " + consoleLines.get() + " of " + expected
                            + " lines, " + consoleMismatches.get() + " of them wrong");
                }
            }
            out.add(new Measurement(r.row(), path, engine, run, r.number("bytes"), r.number("ops"), r.number("ns"),
                    r.number("p50_ns"), r.number("p99_ns"), errors, r.fields().containsKey("lost") ? r.number("lost") : 0, host));
        }
        for (BenchCase c : settings.cases()) {
            for (String row : c.rows()) {
                boolean skippedByGuest = skipped.stream().anyMatch(k -> k.what().equals(row));
                if (!skippedByGuest && out.stream().noneMatch(m -> m.row().equals(row))) {
                    throw new BenchException(row + ": the guest gave no result");
                }
            }
        }
        return out;
    }
}
