package io.splitvisor.toolstack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What a report is headed by: the machine, the JVM, the commit and when. */
public record MachineInfo(String cpuModel, int cores, String jvm, String os, String commit, String date) {

    public static MachineInfo current(Path root) {
        return new MachineInfo(readCpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                commit(root), Instant.now().toString());
    }

    /** "model name" of /proc/cpuinfo, or the architecture where there is none. */
    static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    /**
     * The checked-out commit (with "-dirty" when the tree has changes), or "unknown"; a copy of the
     * tree without its git directory names it with {@code -Dsplitvisor.commit=ID}.
     */
    static String commit(Path root) {
        String given = System.getProperty("splitvisor.commit");
        if (given != null && !given.isBlank()) {
            return given.trim();
        }
        String head = git(root, "rev-parse", "--short=12", "HEAD");
        if (head == null) {
            return "unknown";
        }
        String status = git(root, "status", "--porcelain", "--untracked-files=no");
        return status == null || status.isEmpty() ? head : head + "-dirty";
    }

    private static String git(Path root, String... args) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("git", "-C", root.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
