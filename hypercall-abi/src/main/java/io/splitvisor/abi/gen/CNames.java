package io.splitvisor.abi.gen;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;

import java.util.Locale;
import java.util.Set;

/** How protobuf names become C names: {@code splitvisor.abi.EvtchnStatusResponse.Unbound} is {@code sv_evtchn_status_response_unbound_t}. */
final class CNames {
    private static final Set<String> C_KEYWORDS = Set.of(
            "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
            "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
            "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
            "typedef", "union", "unsigned", "void", "volatile", "while", "bool", "true", "false");

    private CNames() {
    }

    /** CamelCase to snake_case: "EvtchnBindVirqRequest" to "evtchn_bind_virq_request". */
    static String snake(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            boolean upper = Character.isUpperCase(c);
            if (upper && i > 0) {
                char prev = camel.charAt(i - 1);
                boolean nextLower = i + 1 < camel.length() && Character.isLowerCase(camel.charAt(i + 1));
                if (Character.isLowerCase(prev) || Character.isDigit(prev) || (Character.isUpperCase(prev) && nextLower)) {
                    out.append('_');
                }
            }
            out.append(Character.toLowerCase(c));
        }
        return out.toString();
    }

    /** The base name of a message or enum: "sv_" plus its snake-cased path inside the package. */
    static String base(GenericDescriptor type) {
        String pkg = type.getFile().getPackage();
        String relative = type.getFullName().substring(pkg.isEmpty() ? 0 : pkg.length() + 1);
        StringBuilder out = new StringBuilder("sv");
        for (String part : relative.split("\\.")) {
            out.append('_').append(snake(part));
        }
        return out.toString();
    }

    static String typeName(Descriptor message) {
        return base(message) + "_t";
    }

    static String typeName(EnumDescriptor enumeration) {
        return base(enumeration) + "_t";
    }

    static String descName(Descriptor message) {
        return base(message) + "_desc";
    }

    static String enumDescName(EnumDescriptor enumeration) {
        return base(enumeration) + "_enum";
    }

    static String upper(String snake) {
        return snake.toUpperCase(Locale.ROOT);
    }

    static boolean isCKeyword(String name) {
        return C_KEYWORDS.contains(name);
    }
}
