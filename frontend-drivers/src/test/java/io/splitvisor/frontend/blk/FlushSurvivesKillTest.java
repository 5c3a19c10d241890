package io.splitvisor.frontend.blk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A write acknowledged by a flush is in the image even when dom0's process is killed (SIGKILL) right after. */
class FlushSurvivesKillTest {
    @TempDir
    Path dir;

    @Test
    void anAcknowledgedFlushSurvivesKill9() throws Exception {
        Path img = dir.resolve("durable.img");
        Files.write(img, new byte[32 * 512]);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", FlushThenHang.class.getName(), img.toString(), "77")
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.equals("flushed")) {
                seen.append(line).append('\n');
            }
            assertEquals("flushed", line, "the child did not flush: " + seen);
            child.destroyForcibly();   // SIGKILL: no shutdown hooks, no close, no further writes
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        byte[] image = Files.readAllBytes(img);
        byte[] expected = new byte[8 * 512];
        Arrays.fill(expected, (byte) 77);
        assertArrayEquals(expected, Arrays.copyOfRange(image, 8 * 512, 16 * 512));
        assertArrayEquals(new byte[8 * 512], Arrays.copyOf(image, 8 * 512), "the sectors before are untouched");
        assertArrayEquals(new byte[16 * 512], Arrays.copyOfRange(image, 16 * 512, 32 * 512), "and those after");
    }
}
