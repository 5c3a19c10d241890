package io.splitvisor.core.testing;

import io.splitvisor.abi.testing.GeneratedAbiC;
import io.splitvisor.abi.testing.NativeToolchain;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Builds the core's test guests (src/test/c/guests/NAME.c) with gcc, once per test JVM. */
public final class TestGuests {
    private static final Path C = Path.of("src", "test", "c");
    private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();

    private TestGuests() {
    }

    public static Path build(String name) {
        return BUILT.computeIfAbsent(name, TestGuests::compile);
    }

    private static Path compile(String name) {
        GeneratedAbiC.generate();
        List<Path> sources = new ArrayList<>();
        sources.add(C.resolve("rt/crt0.S"));
        sources.add(C.resolve("rt/rt.c"));
        sources.add(C.resolve("guests/" + name + ".c"));
        sources.addAll(GeneratedAbiC.generatedSources().stream()
                .filter(p -> !p.getFileName().toString().startsWith("abitest")).toList());
        List<String> flags = List.of("-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Werror", "-ffreestanding", "-nostdlib",
                "-static", "-no-pie", "-fno-pie", "-fno-pic", "-mno-red-zone", "-mgeneral-regs-only",
                "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-Wl,--build-id=none",
                "-T", C.resolve("rt/guest.ld").toString(), "-I" + GeneratedAbiC.INCLUDE, "-I" + C.resolve("rt"));
        return NativeToolchain.compile(Path.of("target", "test-guests", name + ".elf"), sources, flags);
    }
}
