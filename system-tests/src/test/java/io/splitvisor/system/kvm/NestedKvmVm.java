package io.splitvisor.system.kvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Host side of {@code tools/kvm-vm/run-in-kvm-vm.sh}: runs one command in the nested-KVM VM with a work directory
 * shared writable, and reads back the script's one-line outcome ("exit N", "timeout S", "failure ...",
 * "unavailable ..."). The script stops the VM when this JVM dies; {@link #close()} stops it when the test ends early.
 */
final class NestedKvmVm implements AutoCloseable {
    /** The script's outcome and what the command printed. */
    record Outcome(String status, String stdout, String stderr) {
        boolean unavailable() {
            return status.startsWith("unavailable");
        }

        boolean exitedZero() {
            return status.equals("exit 0");
        }
    }

    private final Path root;
    private final Path work;
    private Process process;

    NestedKvmVm(Path root, Path work) {
        this.root = root;
        this.work = work;
    }

    Path script() {
        return root.resolve("tools/kvm-vm/run-in-kvm-vm.sh");
    }

    /** Starts the command (its first element a program visible in the VM); the VM gets {@code limitSeconds}. */
    void start(List<String> command, int limitSeconds) throws IOException {
        Files.deleteIfExists(work.resolve("status"));
        List<String> all = new ArrayList<>(List.of("bash", script().toString(), "--timeout", "" + limitSeconds,
                "--rw", work.toString(), "--status-file", work.resolve("status").toString(), "--"));
        all.addAll(command);
        process = new ProcessBuilder(all).directory(root.toFile())
                .redirectOutput(work.resolve("vm-stdout.log").toFile())
                .redirectError(work.resolve("vm-stderr.log").toFile()).start();
    }

    Outcome await(int limitSeconds) throws IOException, InterruptedException {
        if (!process.waitFor(limitSeconds + 60L, TimeUnit.SECONDS)) {
            close();
            return new Outcome("failure: the script itself did not end", read("vm-stdout.log"), read("vm-stderr.log"));
        }
        String status = Files.exists(work.resolve("status")) ? read("status").strip()
                : "failure: no status (script exit code " + process.exitValue() + ")";
        return new Outcome(status, read("vm-stdout.log"), read("vm-stderr.log"));
    }

    private String read(String name) throws IOException {
        Path p = work.resolve(name);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: the script stops the VM and exits
        }
    }
}
