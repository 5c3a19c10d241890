package io.splitvisor.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the interpreter's C test programs (hypervisor/x86/src/test/c/programs) in benchmark mode: each program
 * runs {@code repeat} times with console output off, once as a guest ELF and once as a Linux process.
 */
final class GuestPrograms {
    static final List<String> PROGRAMS = List.of("sort", "crc32", "sha256", "bigint", "bytecode", "recursion",
            "stackswitch", "div64", "strings", "smc");
    private static final List<String> FLAGS = List.of("-O2", "-ffreestanding", "-nostdlib", "-static",
            "-mno-red-zone", "-mgeneral-regs-only", "-fno-pic", "-fno-stack-protector", "-no-pie",
            "-fno-asynchronous-unwind-tables", "-Dmain=program_main", "-DRT_QUIET");

    private GuestPrograms() {
    }

    static Path sources() {
        String root = System.getProperty("splitvisor.root");
        List<Path> candidates = new ArrayList<>();
        if (root != null) {
            candidates.add(Path.of(root));
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            candidates.add(p);
        }
        for (Path c : candidates) {
            Path dir = c.resolve("hypervisor/x86/src/test/c/programs");
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find hypervisor/x86/src/test/c/programs: run from the repository"
                + " or set -Dsplitvisor.root");
    }

    /** Compiles {@code program} for the guest (ELF at 1 MiB) or for Linux; returns the binary. */
    static Path build(Path workDir, String program, boolean guest, int repeat) throws IOException,
            InterruptedException {
        return build(workDir, program, guest, repeat, program);
    }

    /** As {@link #build(Path, String, boolean, int)}, naming the output {@code name}. */
    static Path build(Path workDir, String name, boolean guest, int repeat, String program) throws IOException,
            InterruptedException {
        Path src = sources();
        Path out = workDir.resolve(name + "-" + repeat + (guest ? ".elf" : ".linux"));
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(FLAGS);
        cmd.add("-DREPEAT=" + repeat);
        if (guest) {
            cmd.addAll(List.of("-Wl,-Ttext-segment=0x100000", "-Wl,--build-id=none"));
        }
        cmd.addAll(List.of("-I", src.toString(), "-o", out.toString(), src.resolve(program + ".c").toString(),
                src.resolve("bench_main.c").toString(), src.resolve("rt.c").toString(),
                src.resolve(guest ? "rt_guest.c" : "rt_linux.c").toString(), "-lgcc"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("gcc failed for " + program + ": " + log);
        }
        return out;
    }

    /** The time one native run measured around its own work loop ("bench-ns=N" on stderr), in nanoseconds. */
    static long runNative(Path binary) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(binary + " timed out");
        }
        int at = out.indexOf("bench-ns=");
        if (at < 0) {
            throw new IOException(binary + " printed no timing: " + out);
        }
        return Long.parseLong(out.substring(at + 9).trim().split("\\s+")[0]);
    }
}
