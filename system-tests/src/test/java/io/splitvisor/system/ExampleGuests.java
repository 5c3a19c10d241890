package io.splitvisor.system;

import java.nio.file.Files;
import java.nio.file.Path;

/** The example guests the guest-sdk and frontend-drivers modules build. */
final class ExampleGuests {
    private ExampleGuests() {
    }

    /** An example guest of the guest SDK. */
    static Path elf(String name) {
        return built("guest-sdk", name);
    }

    /** An example guest of the split-driver frontends. */
    static Path frontendElf(String name) {
        return built("frontend-drivers", name);
    }

    private static Path built(String module, String name) {
        Path root = Path.of(System.getProperty("splitvisor.root", ".."));
        Path elf = root.resolve(module + "/target/guests/" + name + ".elf");
        if (!Files.isRegularFile(elf)) {
            throw new AssertionError(elf + " is missing: the " + module + " module builds it before these tests");
        }
        return elf;
    }
}
