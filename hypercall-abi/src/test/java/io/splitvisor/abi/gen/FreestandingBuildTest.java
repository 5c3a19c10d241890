package io.splitvisor.abi.gen;

import io.splitvisor.abi.testing.GeneratedAbiC;
import io.splitvisor.abi.testing.NativeToolchain;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated C builds with the flags guests use, warning-free, and needs nothing from its
 * environment but memset and memcpy (which gcc requires of every freestanding environment):
 * no malloc, no libc.
 */
class FreestandingBuildTest {
    @Test
    void generatedCodeIsFreestandingAndHeapFree() {
        List<String> undefined = new ArrayList<>();
        for (Path source : GeneratedAbiC.generatedSources()) {
            Path object = GeneratedAbiC.ROOT.resolve("freestanding").resolve(source.getFileName() + ".o");
            NativeToolchain.compile(object, List.of(source), List.of("-c", "-std=c11", "-O2", "-Wall", "-Wextra",
                    "-Werror", "-pedantic", "-ffreestanding", "-fno-builtin", "-mgeneral-regs-only", "-mno-red-zone",
                    "-fno-pic", "-fno-stack-protector", "-I" + GeneratedAbiC.INCLUDE));
            String nm = NativeToolchain.run(List.of("nm", "-u", object.toString()), null, Map.of(), 60)
                    .requireSuccess("nm").stdout();
            for (String line : nm.split("\n")) {
                if (!line.isBlank()) {
                    undefined.add(line.trim().replaceFirst("^U\\s+", ""));
                }
            }
        }
        Set<String> external = new TreeSet<>(undefined);
        // The abitest/abi message tables refer to each other's descriptors only within a set.
        external.removeIf(s -> s.startsWith("sv_"));
        assertTrue(Set.of("memset", "memcpy").containsAll(external), "unexpected external symbols: " + external);
    }
}
