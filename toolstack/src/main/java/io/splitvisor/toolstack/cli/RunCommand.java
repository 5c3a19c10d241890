package io.splitvisor.toolstack.cli;

import io.splitvisor.backend.DeviceException;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;
import io.splitvisor.core.loader.GuestImageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code splitvisor run guest.elf [guest.elf...]}: runs guests in this process with dom0, prints
 * their consoles with a domain prefix, exits with the first guest's exit code (125 on a crash).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run guest ELF files as domains; exit with the first guest's exit code (125 if it crashed).")
final class RunCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "GUEST", arity = "1..*", description = "guest ELF files, one domain each")
    private List<Path> guests;

    @Option(names = "--mem", paramLabel = "SIZE", defaultValue = "64M", converter = SizeParser.class,
            description = "memory per guest (default ${DEFAULT-VALUE}; K, M, G suffixes)")
    private long memory;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "interp, kvm or auto (default ${DEFAULT-VALUE})")
    private String engine;

    @Option(names = "--cmdline", paramLabel = "TEXT",
            description = "command line for the guests: one value for all, or one per guest in order")
    private List<String> cmdlines = List.of();

    @Option(names = "--trace-hypercalls", description = "log every hypercall of every guest")
    private boolean trace;

    @Option(names = "--metrics", description = "print the meters when the guests have ended")
    private boolean metrics;

    @Mixin
    private DeviceOptions devices = new DeviceOptions();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "destroy guests still running after this many seconds (0: wait forever)")
    private long timeoutSeconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (cmdlines.size() > 1 && cmdlines.size() != guests.size()) {
            err.printf("splitvisor: %d --cmdline values for %d guests; give one, or one per guest%n", cmdlines.size(), guests.size());
            return 2;
        }
        String deviceProblem = devices.check(guests.size());
        if (deviceProblem != null) {
            err.println("splitvisor: " + deviceProblem);
            return 2;
        }
        try (GuestSession session = new GuestSession(out, err)) {
            for (int i = 0; i < guests.size(); i++) {
                Path elf = guests.get(i);
                String cmdline = cmdlines.isEmpty() ? "" : cmdlines.get(cmdlines.size() == 1 ? 0 : i);
                String name = elf.getFileName().toString().replaceFirst("\\.elf$", "");
                Domain guest = session.add(new DomainConfig(name, elf, memory, cmdline, engine, trace)
                        .withDevices(devices.emulated(session.backends()))
                        .withBatchStringIo(devices.batchStringIo()));
                if (!devices.none()) {
                    devices.attach(session.backends(), guest);
                }
            }
            int code = session.runToEnd(timeoutSeconds);
            if (metrics) {
                session.printMetrics(err);
            }
            return code;
        } catch (GuestImageException | DeviceException e) {
            err.println("splitvisor: " + e.getMessage());
            return 2;
        }
    }
}
