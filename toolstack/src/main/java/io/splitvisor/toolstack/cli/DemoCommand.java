package io.splitvisor.toolstack.cli;

import io.splitvisor.core.domain.DomainConfig;
import io.splitvisor.core.loader.GuestImageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code splitvisor demo}: the main job. Runs the example guests: hello, then the two pingpong
 * domains exchanging notifications through a granted page and an event channel.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the example guests: hello, then pingpong between two domains.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--engine", defaultValue = "auto", description = "interp, kvm or auto (default ${DEFAULT-VALUE})")
    private String engine;

    @Option(names = "--rounds", defaultValue = "100000", description = "pingpong round trips (default ${DEFAULT-VALUE})")
    private long rounds;

    @Option(names = "--metrics", description = "print the meters at the end")
    private boolean metrics;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path guests = ExampleGuests.directory();
        for (String name : new String[] {"hello", "pingpong"}) {
            if (!Files.isRegularFile(guests.resolve(name + ".elf"))) {
                err.println("splitvisor: example guest " + guests.resolve(name + ".elf")
                        + " is missing; build it with: mvn -B -DskipTests package");
                return 2;
            }
        }
        try {
            out.println("== hello: one guest prints and exits");
            out.flush();
            int code;
            try (GuestSession hello = new GuestSession(out, err)) {
                hello.add(config("hello", guests.resolve("hello.elf"), ""));
                code = hello.runToEnd(120);
            }
            if (code != 0) {
                return code;
            }
            out.println("== pingpong: two guests share a granted page and ring each other " + rounds + " times");
            out.flush();
            try (GuestSession pingpong = new GuestSession(out, err)) {
                pingpong.add(config("ping", guests.resolve("pingpong.elf"), "role=ping rounds=" + rounds));
                pingpong.add(config("pong", guests.resolve("pingpong.elf"), "role=pong rounds=" + rounds));
                code = pingpong.runToEnd(600);
                if (metrics) {
                    pingpong.printMetrics(err);
                }
            }
            return code;
        } catch (GuestImageException e) {
            err.println("splitvisor: " + e.getMessage());
            return 2;
        }
    }

    private DomainConfig config(String name, Path elf, String cmdline) {
        return new DomainConfig(name, elf, DomainConfig.DEFAULT_MEMORY, cmdline, engine, false);
    }
}
