package io.splitvisor.system;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The split-driver example guests end to end on the interpreter, against dom0's backends, through
 * {@code splitvisor run} with its device options: blkdemo, catfile, rngdemo, netping, the
 * frontend-under-test scripts, and the frontends against misbehaving backends (badback, badnet).
 * The runs themselves are listed in {@link ExampleGuestRuns} (the KVM comparison uses them too).
 */
class SplitDriverGuestsTest {
    @TempDir
    static Path dir;

    static Stream<Arguments> cases() throws Exception {
        return ExampleGuestRuns.in(dir).splitDrivers().stream().map(r -> Arguments.of(Named.of(r.name(), r)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void exampleGuest(ExampleGuestRuns.GuestRun run) {
        Cli.Run r = Cli.run(run.commandLine("interp", 240));
        String all = r.all();
        assertEquals(0, r.code(), all);
        for (String want : run.expected()) {
            assertTrue(all.contains(want), "missing '" + want + "' in:\n" + all);
        }
    }
}
