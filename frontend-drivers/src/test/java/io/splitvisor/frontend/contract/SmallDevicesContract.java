package io.splitvisor.frontend.contract;

import io.splitvisor.backend.xenbus.DevicePaths;
import io.splitvisor.core.console.ConsoleLog;
import io.splitvisor.frontend.TestPlatform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an entropy and a secondary-console frontend must see, whichever side implements them. */
public abstract class SmallDevicesContract {
    protected TestPlatform platform;

    /** A new guest with entropy device 0, connected. */
    protected abstract SmallDevicesUnderTest.Rng openRng(TestPlatform platform);

    /** A new guest with secondary console 1 named {@code name}, connected. */
    protected abstract SmallDevicesUnderTest.Console openConsole(TestPlatform platform, String name);

    @BeforeEach
    void startPlatform() {
        platform = new TestPlatform();
    }

    @AfterEach
    void stopPlatform() {
        platform.close();
    }

    /** The bytes the platform's vrng backend (seeded with 42) gives a new device: one long per 8 bytes of each request. */
    private static long expectedCrc(int n) {
        Random r = new Random(42);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i += 4096) {
            int len = Math.min(4096, n - i);
            for (int j = 0; j < len; j += 8) {
                long v = r.nextLong();
                for (int k = 0; k < 8 && j + k < len; k++) {
                    b[i + j + k] = (byte) (v >>> (8 * k));
                }
            }
        }
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }

    @Test
    void theFrontendGetsTheBackendsBytesInOrder() {
        try (SmallDevicesUnderTest.Rng rng = openRng(platform)) {
            assertEquals(expectedCrc(20_000), rng.readCrc32(20_000));
        }
    }

    @Test
    void consoleOutputBecomesLinesAndInputReachesTheGuest() {
        List<String> lines = new ArrayList<>();
        List<ConsoleLog> logs = new ArrayList<>();
        platform.backends.consoles().onConsole((DevicePaths p, ConsoleLog log) -> {
            synchronized (logs) {
                logs.add(log);
            }
            log.addListener((l, line) -> {
                synchronized (lines) {
                    lines.add(l.name() + ": " + line);
                }
            });
        });
        try (SmallDevicesUnderTest.Console console = openConsole(platform, "chan")) {
            console.write("first line\nsecond line\n");
            TestPlatform.await("two lines", () -> {
                synchronized (lines) {
                    return lines.size() == 2;
                }
            });
            assertEquals(List.of("first line", "second line"), lines.stream().map(l -> l.substring(l.indexOf(": ") + 2)).toList());
            assertTrue(lines.get(0).startsWith(logs.get(0).name() + ": ") && logs.get(0).name().endsWith("/chan"), lines.get(0));
            logs.get(0).sendInput("from dom0\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("from dom0", console.readLine(TestPlatform.TIMEOUT));
        }
    }
}
