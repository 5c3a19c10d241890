package io.splitvisor.abi.gen;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;

/**
 * Emits the {@code public static final} numbers and strings of the ABI's Java classes as C
 * macros, so each value is written once, in Java.
 */
final class CConstantsEmitter {
    private CConstantsEmitter() {
    }

    static String header(Map<Class<?>, String> classes) {
        CWriter w = new CWriter();
        w.line(CWriter.banner("Constants of the Splitvisor guest ABI: ports, CPUID leaves, limits, flags, offsets."));
        w.line("#ifndef SPLITVISOR_ABI_CONSTS_H").line("#define SPLITVISOR_ABI_CONSTS_H").line();
        classes.forEach((cls, prefix) -> {
            w.line("/* " + cls.getSimpleName() + " */");
            for (Field field : cls.getFields()) {
                int mods = field.getModifiers();
                if (!Modifier.isStatic(mods) || !Modifier.isFinal(mods)) {
                    continue;
                }
                String literal = literal(field);
                if (literal != null) {
                    w.format("#define %s%s %s", prefix, field.getName(), literal);
                }
            }
            w.line();
        });
        w.line("#endif /* SPLITVISOR_ABI_CONSTS_H */");
        return w.toString();
    }

    private static String literal(Field field) {
        try {
            Object value = field.get(null);
            if (value instanceof Integer i) {
                // Negative numbers are statuses; other ints with bit 31 set are bit masks.
                if (i < 0 && !field.getName().contains("STATUS")) {
                    return String.format("0x%08Xu", i);
                }
                return i < 0 ? "(" + i + ")" : (i > 255 ? String.format("0x%X", i) : Integer.toString(i));
            }
            if (value instanceof Long l) {
                return String.format("0x%Xull", l);
            }
            if (value instanceof String s) {
                return CWriter.quote(s);
            }
            return null;   // layouts and other objects are emitted elsewhere
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
