package io.splitvisor.abi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Compiles C with the system gcc and runs the result, for tests that check Java against C or
 * against the host CPU. A missing gcc fails the test with one line saying what to install.
 */
public final class NativeToolchain {
    /** Flags every test build gets: strict warnings, sanitizers, debug info. */
    public static final List<String> SANITIZED = List.of("-std=c11", "-O1", "-g", "-Wall", "-Wextra", "-Werror",
            "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer");
    /** Environment for sanitized binaries: no leak checker (it needs ptrace), stop at the first report. */
    public static final Map<String, String> SANITIZER_ENV = Map.of(
            "ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0:halt_on_error=1",
            "UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1");

    private NativeToolchain() {
    }

    /** The result of a finished process. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result requireSuccess(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " exited with " + exitCode + "\nstderr:\n" + tail(stderr) + "\nstdout:\n" + tail(stdout));
            }
            return this;
        }

        private static String tail(String text) {
            return text.length() > 8000 ? "..." + text.substring(text.length() - 8000) : text;
        }
    }

    /** Fails with an install hint when gcc is not on PATH. */
    public static void requireGcc() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new AssertionError("gcc --version failed; install gcc with: sudo apt-get install gcc binutils make");
            }
        } catch (IOException e) {
            throw new AssertionError("gcc was not found on PATH; install it with: sudo apt-get install gcc binutils make");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while looking for gcc");
        }
    }

    /** Compiles and links {@code sources} into {@code output} with {@code flags}; fails with gcc's messages. */
    public static Path compile(Path output, List<Path> sources, List<String> flags) {
        requireGcc();
        List<String> cmd = new ArrayList<>();
        cmd.add("gcc");
        cmd.addAll(flags);
        cmd.add("-o");
        cmd.add(output.toString());
        sources.forEach(s -> cmd.add(s.toString()));
        try {
            Files.createDirectories(output.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(cmd, null, Map.of(), 300).requireSuccess("gcc " + output.getFileName());
        return output;
    }

    /** Runs {@code cmd} with {@code stdin} (a file, or null), waiting at most {@code timeoutSeconds}. */
    public static Result run(List<String> cmd, Path stdin, Map<String, String> env, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("native-out", ".txt");
            Path err = Files.createTempFile("native-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().putAll(env);
                if (stdin != null) {
                    pb.redirectInput(stdin.toFile());
                } else {
                    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                }
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(cmd.get(0) + " did not finish within " + timeoutSeconds + " s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + cmd);
        }
    }
}
