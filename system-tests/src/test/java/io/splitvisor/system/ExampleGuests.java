package io.splitvisor.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The example guests the guest-sdk and frontend-drivers modules build. */
public final class ExampleGuests {
    private ExampleGuests() {
    }

    /** An example guest of the guest SDK. */
    public static Path elf(String name) {
        return built("guest-sdk", name);
    }

    /** An example guest of the split-driver frontends. */
    public static Path frontendElf(String name) {
        return built("frontend-drivers", name);
    }

    /** The names (without .elf) of every example guest the two modules built. */
    public static List<String> allNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (String module : new String[] {"guest-sdk", "frontend-drivers"}) {
            try (Stream<Path> files = Files.list(guestDir(module))) {
                files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".elf"))
                        .map(n -> n.substring(0, n.length() - 4)).sorted().forEach(names::add);
            }
        }
        return names;
    }

    private static Path guestDir(String module) {
        return Path.of(System.getProperty("splitvisor.root", "..")).resolve(module + "/target/guests");
    }

    private static Path built(String module, String name) {
        Path elf = guestDir(module).resolve(name + ".elf");
        if (!Files.isRegularFile(elf)) {
            throw new AssertionError(elf + " is missing: the " + module + " module builds it before these tests");
        }
        return elf;
    }
}
