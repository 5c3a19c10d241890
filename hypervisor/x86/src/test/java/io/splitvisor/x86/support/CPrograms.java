package io.splitvisor.x86.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Builds the C test programs of src/test/c/programs twice with gcc: as guests (freestanding, linked at 1 MiB) and
 * as Linux processes (same flags, output through write(2)).
 */
public final class CPrograms {
    public static final List<String> PROGRAMS = List.of("sort", "crc32", "sha256", "bigint", "bytecode", "recursion",
            "stackswitch", "div64", "strings", "smc");
    public static final List<String> LEVELS = List.of("-O0", "-O2", "-Os");
    private static final List<String> FLAGS = List.of("-ffreestanding", "-nostdlib", "-static", "-mno-red-zone",
            "-mgeneral-regs-only", "-fno-pic", "-fno-stack-protector", "-no-pie", "-fno-asynchronous-unwind-tables");
    private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();

    private CPrograms() {
    }

    public static Path sourceDir() {
        Path p = Path.of(System.getProperty("splitvisor.root", "../.."), "hypervisor/x86/src/test/c/programs");
        return Files.isDirectory(p) ? p.toAbsolutePath() : Path.of("src/test/c/programs").toAbsolutePath();
    }

    /** Builds (once per JVM) and returns the binary. */
    public static Path build(String program, String level, boolean guest) {
        String key = program + level + (guest ? ".guest" : ".linux");
        return BUILT.computeIfAbsent(key, k -> compile(program, level, guest));
    }

    /** Builds everything in parallel on two threads. */
    public static void buildAll(List<String> programs) throws Exception {
        Tools.require("gcc");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Path>> jobs = new ArrayList<>();
            for (String p : programs) {
                for (String l : LEVELS) {
                    for (boolean g : new boolean[] {true, false}) {
                        jobs.add(pool.submit(() -> build(p, l, g)));
                    }
                }
            }
            for (Future<Path> f : jobs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static Path compile(String program, String level, boolean guest) {
        Path src = sourceDir();
        Path out = Tools.workDir("programs").resolve(program + level + (guest ? ".elf" : ".linux"));
        List<String> cmd = new ArrayList<>(List.of("gcc", level));
        cmd.addAll(FLAGS);
        if (guest) {
            cmd.addAll(List.of("-Wl,-Ttext-segment=0x100000", "-Wl,--build-id=none"));
        }
        cmd.addAll(List.of("-I", src.toString(), "-o", out.toString(), src.resolve(program + ".c").toString(),
                src.resolve("rt.c").toString(), src.resolve(guest ? "rt_guest.c" : "rt_linux.c").toString(), "-lgcc"));
        Tools.run(src, cmd);
        return out;
    }
}
