package io.splitvisor.toolstack.cli;

import java.nio.file.Path;

/** Where the build puts the example guests: guest-sdk/target/guests under the project root. */
final class ExampleGuests {
    private ExampleGuests() {
    }

    static Path directory() {
        String root = System.getProperty("splitvisor.root", ".");
        return Path.of(root, "guest-sdk", "target", "guests");
    }
}
