package io.splitvisor.frontend.console;

import io.splitvisor.abi.layout.ConsoleRingLayout;
import io.splitvisor.backend.xenbus.DevicePaths;
import io.splitvisor.backend.xenbus.XenbusState;
import io.splitvisor.core.console.ConsoleLog;
import io.splitvisor.frontend.FrontendDomain;
import io.splitvisor.frontend.TestPlatform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Secondary consoles through the split-driver framework. */
class ConsoleTest {
    private TestPlatform platform;

    @BeforeEach
    void setUp() {
        platform = new TestPlatform();
    }

    @AfterEach
    void tearDown() {
        platform.close();
    }

    @Test
    void outputBecomesLinesOfANamedLogAndInputReachesTheGuest() {
        FrontendDomain guest = platform.guest("app");
        List<String> lines = new ArrayList<>();
        platform.backends.consoles().onConsole((paths, log) -> log.addListener((l, line) -> {
            synchronized (lines) {
                lines.add(l.name() + ": " + line);
            }
        }));
        DevicePaths p = platform.backends.attachConsole(guest.domid(), 1, "telemetry");
        try (ConsoleFrontend console = ConsoleFrontend.connect(guest, "1", TestPlatform.TIMEOUT)) {
            StringBuilder big = new StringBuilder();
            for (int i = 0; i < 400; i++) {
                big.append("line ").append(i).append('\n');   // several ring's worth
            }
            console.print(big.toString());
            TestPlatform.await("400 lines", () -> {
                synchronized (lines) {
                    return lines.size() == 400;
                }
            });
            assertEquals("app/telemetry: line 0", lines.get(0));
            assertEquals("app/telemetry: line 399", lines.get(399));

            ConsoleLog log = platform.backends.consoles().log(p).orElseThrow();
            log.sendInput("hello guest\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello guest\n", new String(console.read(12, TestPlatform.TIMEOUT), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void consoleZeroIsNotASecondaryConsole() {
        FrontendDomain guest = platform.guest("app");
        assertThrows(IllegalArgumentException.class, () -> platform.backends.attachConsole(guest.domid(), 0, "x"));
    }

    @Test
    void anOutputProducerPastTheRingClosesTheConsole() {
        FrontendDomain guest = platform.guest("bad");
        DevicePaths p = platform.backends.attachConsole(guest.domid(), 1, "c");
        ConsoleFrontend console = ConsoleFrontend.connect(guest, "1", TestPlatform.TIMEOUT);
        guest.memory().writeU32(console.page() + ConsoleRingLayout.OUT_PROD, 5000);
        guest.notify(console.port());
        TestPlatform.await("Closing", () -> platform.backendState(p) == XenbusState.CLOSING);
        assertTrue(platform.dom0Store.read(p.backendDir() + "/error").orElse("").contains("out_prod 5000"));
        assertEquals(0, guest.memory().readU32(console.page() + ConsoleRingLayout.OUT_CONS), "nothing was consumed");
        assertEquals(0, console.read(0, Duration.ZERO).length);
    }
}
