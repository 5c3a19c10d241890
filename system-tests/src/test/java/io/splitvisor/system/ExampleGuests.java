package io.splitvisor.system;

import java.nio.file.Files;
import java.nio.file.Path;

/** The example guests the guest-sdk module builds. */
final class ExampleGuests {
    private ExampleGuests() {
    }

    static Path elf(String name) {
        Path root = Path.of(System.getProperty("splitvisor.root", ".."));
        Path elf = root.resolve("guest-sdk/target/guests/" + name + ".elf");
        if (!Files.isRegularFile(elf)) {
            throw new AssertionError(elf + " is missing: the guest-sdk module builds it before these tests");
        }
        return elf;
    }
}
