package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.splitvisor.x86.support.CPrograms;
import io.splitvisor.x86.tools.GuestMachine;
import io.splitvisor.x86.support.Tools;
import io.splitvisor.x86.tools.GuestRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each C program, at -O0, -O2 and -Os, prints the same and exits the same natively and as a guest. */
class ProgramsTest {
    @BeforeAll
    static void build() throws Exception {
        CPrograms.buildAll(CPrograms.PROGRAMS);
    }

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (String p : CPrograms.PROGRAMS) {
            for (String l : CPrograms.LEVELS) {
                list.add(Arguments.of(p, l));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void guestMatchesNative(String program, String level) throws Exception {
        Path linux = CPrograms.build(program, level, false);
        Process p = new ProcessBuilder(linux.toString()).redirectErrorStream(true).start();
        String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("native " + program + " timed out");
        }
        GuestRun.Outcome o = GuestMachine.run(CPrograms.build(program, level, true), 2_000_000_000L);
        assertNotNull(o.exitCode(), () -> "guest did not exit through port 0xF4: " + o.exit() + "\noutput:\n"
                + o.consoleText());
        assertEquals(expected, o.consoleText());
        assertEquals(p.exitValue(), o.exitCode().intValue());
    }

    static {
        Tools.require("gcc");
    }
}
