package io.splitvisor.abi.layout;

import io.splitvisor.abi.testing.GeneratedAbiC;
import io.splitvisor.abi.testing.NativeToolchain;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * gcc, compiling the generated layout header, puts every field at the offset and size the Java
 * descriptor class declares. The probe program is generated from the Java layouts and prints
 * what the compiler computed.
 */
class LayoutCProbeTest {
    @Test
    void everyOffsetAndSizeAgreesBetweenJavaAndC() throws IOException {
        GeneratedAbiC.generate();
        List<String> expected = new ArrayList<>();
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include \"splitvisor/abi_layouts.h\"\nint main(void) {\n");
        for (Layout layout : AbiLayouts.all()) {
            String type = layout.name() + "_t";
            c.append(String.format("    printf(\"%s %%zu %%zu\\n\", sizeof(%s), _Alignof(%s));%n", layout.name(), type, type));
            expected.add(layout.name() + " " + layout.size() + " " + layout.alignment());
            for (LayoutField f : layout.fields()) {
                c.append(String.format("    printf(\"%s.%s %%zu %%zu\\n\", offsetof(%s, %s), sizeof(((%s *)0)->%s));%n",
                        layout.name(), f.name(), type, f.name(), type, f.name()));
                expected.add(layout.name() + "." + f.name() + " " + f.offset() + " " + f.size());
            }
        }
        c.append("    return 0;\n}\n");
        Path source = GeneratedAbiC.ROOT.resolve("layout_probe.c");
        Files.writeString(source, c);
        Path probe = NativeToolchain.compile(GeneratedAbiC.ROOT.resolve("layout_probe"), List.of(source),
                List.of("-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I" + GeneratedAbiC.INCLUDE));
        String out = NativeToolchain.run(List.of(probe.toString()), null, java.util.Map.of(), 60)
                .requireSuccess("layout_probe").stdout();
        assertEquals(String.join("\n", expected) + "\n", out);
    }
}
