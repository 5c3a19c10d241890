package io.splitvisor.x86.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host tools (gcc, as, objcopy, objdump) for tests; fails with one line if a tool is missing. */
public final class Tools {
    private Tools() {
    }

    public static Path workDir(String name) {
        Path dir = Path.of("target", "test-work", name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return dir.toAbsolutePath();
    }

    public static void require(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() == 0) {
                return;
            }
        } catch (IOException | InterruptedException e) {
            // fall through
        }
        throw new AssertionError(tool + " is needed by this test and was not found: install it (apt-get install "
                + (tool.equals("gcc") ? "gcc" : "binutils") + ")");
    }

    /** Runs a command, returns stdout; throws with stderr on failure. */
    public static String run(Path dir, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            String s = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError("command failed (" + p.exitValue() + "): " + String.join(" ", cmd) + "\n"
                        + s);
            }
            return s;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int counter;

    /** Assembles Intel-syntax source (GNU as, no prefix) into flat bytes linked at {@code origin}. */
    public static synchronized byte[] assemble(String source, long origin) {
        require("as");
        Path dir = workDir("asm");
        String name = "s" + (counter++);
        try {
            Files.writeString(dir.resolve(name + ".s"), ".intel_syntax noprefix\n.text\n" + source + "\n");
            run(dir, List.of("as", "--64", "-o", name + ".o", name + ".s"));
            run(dir, List.of("ld", "-Ttext=0x" + Long.toHexString(origin), "--oformat=binary", "-e", "0",
                    "-o", name + ".bin", name + ".o"));
            return Files.readAllBytes(dir.resolve(name + ".bin"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> list(String... s) {
        return new ArrayList<>(List.of(s));
    }
}
