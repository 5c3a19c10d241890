package io.splitvisor.abi.gen;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.HypercallTable;
import io.splitvisor.abi.layout.AbiLayouts;
import io.splitvisor.abi.testing.GeneratedAbiC;
import io.splitvisor.abi.testing.NativeToolchain;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The C macros and the C hypercall table carry the same values as the Java classes. */
class ConstantsCProbeTest {
    @Test
    void constantsAndHypercallTableAgreeWithJava() throws IOException, IllegalAccessException {
        GeneratedAbiC.generate();
        Map<Class<?>, String> classes = new LinkedHashMap<>();
        classes.put(AbiConstants.class, "SV_");
        classes.putAll(AbiLayouts.constantClasses());
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <inttypes.h>\n#include \"splitvisor/abi.h\"\nint main(void) {\n");
        List<String> expected = new ArrayList<>();
        for (Map.Entry<Class<?>, String> e : classes.entrySet()) {
            for (Field f : e.getKey().getFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                String macro = e.getValue() + f.getName();
                Object v = f.get(null);
                if (v instanceof Integer i) {
                    // Compare the 32-bit pattern: bit masks are emitted unsigned.
                    c.append(String.format("    printf(\"%s %%\" PRIu32 \"\\n\", (uint32_t)(%s));%n", macro, macro));
                    expected.add(macro + " " + Integer.toUnsignedString(i));
                } else if (v instanceof Long l) {
                    c.append(String.format("    printf(\"%s %%\" PRIu64 \"\\n\", (uint64_t)(%s));%n", macro, macro));
                    expected.add(macro + " " + Long.toUnsignedString(l));
                } else if (v instanceof String s) {
                    c.append(String.format("    printf(\"%s %%s\\n\", %s);%n", macro, macro));
                    expected.add(macro + " " + s);
                }
            }
        }
        c.append("    for (uint32_t i = 0; i < sv_hypercall_op_count; i++) {\n")
         .append("        const sv_hypercall_op_t *op = &sv_hypercall_ops[i];\n")
         .append("        printf(\"op %\" PRIu32 \" %s %s %s %d\\n\", op->op, op->name, op->request->name, op->response->name, op->privileged);\n")
         .append("    }\n    return 0;\n}\n");
        for (HypercallTable.Op op : HypercallTable.get().ops()) {
            expected.add("op " + op.number() + " " + op.name() + " " + op.requestType().getFullName() + " "
                    + op.responseType().getFullName() + " " + (op.privileged() ? 1 : 0));
        }
        Path source = GeneratedAbiC.ROOT.resolve("constants_probe.c");
        Files.writeString(source, c);
        List<Path> sources = new ArrayList<>(GeneratedAbiC.generatedSources());
        sources.add(source);
        Path probe = NativeToolchain.compile(GeneratedAbiC.ROOT.resolve("constants_probe"), sources,
                List.of("-std=c11", "-Wall", "-Wextra", "-Werror", "-I" + GeneratedAbiC.INCLUDE));
        String out = NativeToolchain.run(List.of(probe.toString()), null, Map.of(), 60).requireSuccess("constants_probe").stdout();
        assertEquals(String.join("\n", expected) + "\n", out);
    }
}
