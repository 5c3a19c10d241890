package io.splitvisor.toolstack.cli;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.backend.Dom0Backends;
import io.splitvisor.core.domain.CrashReporter;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.domain.ShutdownInfo;
import io.splitvisor.core.loader.GuestImageException;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a set of guests in this process with dom0, prints their consoles with a domain prefix,
 * waits for them all to end and says how each ended. Shared by {@code run} and {@code demo}.
 */
final class GuestSession implements AutoCloseable {
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final Hypervisor hv;
    private final PrintWriter out;
    private final PrintWriter err;
    private final List<Domain> guests = new ArrayList<>();
    private Dom0Backends backends;

    GuestSession(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
        // --engine auto says on stderr, once, which engine it chose and why
        this.hv = new Hypervisor(new Engines(line -> {
            err.println("splitvisor: " + line);
            err.flush();
        }), meters, new io.splitvisor.core.domain.DisassemblingCrashReporter());
    }

    Hypervisor hypervisor() {
        return hv;
    }

    /** dom0's split-driver backends, started on first use; secondary consoles print as {@code [domid:guest/name]}. */
    Dom0Backends backends() {
        if (backends == null) {
            backends = new Dom0Backends(hv, meters);
            backends.consoles().onConsole((paths, log) -> log.addListener((l, line) -> {
                synchronized (out) {
                    out.println("[" + paths.frontend() + ":" + l.name() + "] " + line);
                    out.flush();
                }
            }));
        }
        return backends;
    }

    /** Creates a guest; a bad image or configuration is a one-line GuestImageException. */
    Domain add(DomainConfig config) throws GuestImageException {
        Domain d = hv.createGuest(config);
        String prefix = String.format("[%d:%s] ", d.domid(), d.name());
        d.console().addListener((log, line) -> {
            synchronized (out) {
                out.println(prefix + line);
                out.flush();
            }
        });
        guests.add(d);
        return d;
    }

    /** Starts every guest and waits for all of them; returns the first guest's exit code (125 on a crash). */
    int runToEnd(long timeoutSeconds) {
        guests.forEach(hv::start);
        int first = 0;
        for (int i = 0; i < guests.size(); i++) {
            Domain d = guests.get(i);
            ShutdownInfo end;
            try {
                end = timeoutSeconds > 0 ? d.ended().get(timeoutSeconds, TimeUnit.SECONDS) : d.ended().get();
            } catch (TimeoutException e) {
                err.printf("splitvisor: %s did not finish within %d s; destroying it%n", d, timeoutSeconds);
                hv.destroy(d);
                end = d.shutdownInfo();
                if (i == 0) {
                    first = 124;
                }
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
            if (end.crashed()) {
                if (end.report() != null) {
                    err.print(end.report().render());
                } else {
                    err.printf("%s crashed: %s%n", d, end.message());
                }
            } else {
                err.printf("%s ended: %s, exit code %d%n", d, end.reason().name().replace("SHUTDOWN_", "").toLowerCase(),
                        end.exitCode());
            }
            err.flush();
            if (i == 0) {
                first = end.crashed() ? CrashReporter.CRASH_EXIT_CODE : end.exitCode() & 0xFF;
            }
        }
        return first;
    }

    /** Prints every meter, one per line, sorted by name. */
    void printMetrics(PrintWriter to) {
        to.println("metrics:");
        meters.getMeters().stream().sorted(Comparator.comparing((Meter m) -> m.getId().getName())
                        .thenComparing(m -> m.getId().getTags().toString()))
                .forEach(m -> {
                    StringBuilder line = new StringBuilder("  ").append(m.getId().getName());
                    m.getId().getTags().forEach(t -> line.append(' ').append(t.getKey()).append('=').append(t.getValue()));
                    m.measure().forEach(ms -> line.append(' ').append(ms.getStatistic().getTagValueRepresentation())
                            .append('=').append(format(ms.getValue())));
                    to.println(line);
                });
        to.flush();
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format("%.3f", v);
    }

    @Override
    public void close() {
        if (backends != null) {
            backends.close();
        }
        hv.close();
    }
}
