package io.splitvisor.system.kvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one engine produced, check by check ("guest hello", "program 17", "bench doorbell-ns"...), as text. Written
 * by the checks inside the VM, read back on the host and compared with the interpreter's.
 *
 * <pre>
 * file format (UTF-8):  "@@ " check-name LF  then the check's text, every line prefixed with "| "
 * </pre>
 */
final class CheckResults {
    private final Map<String, String> checks = new LinkedHashMap<>();

    void put(String check, String text) {
        checks.put(check, text);
    }

    String get(String check) {
        return checks.get(check);
    }

    Map<String, String> all() {
        return checks;
    }

    /** Checks whose name starts with the prefix, in order. */
    List<String> names(String prefix) {
        return checks.keySet().stream().filter(n -> n.startsWith(prefix)).toList();
    }

    void write(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        checks.forEach((name, text) -> {
            b.append("@@ ").append(name).append('\n');
            for (String line : text.split("\n", -1)) {
                b.append("| ").append(line).append('\n');
            }
        });
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Files.writeString(part, b, StandardCharsets.UTF_8);
        Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static CheckResults read(Path file) throws IOException {
        CheckResults r = new CheckResults();
        String name = null;
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("@@ ")) {
                if (name != null) {
                    r.put(name, String.join("\n", lines));
                }
                name = line.substring(3);
                lines.clear();
            } else if (line.startsWith("| ") && name != null) {
                lines.add(line.substring(2));
            } else {
                throw new IOException(file + ": not a results line: " + line);
            }
        }
        if (name != null) {
            r.put(name, String.join("\n", lines));
        }
        return r;
    }
}
