package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitvisor.x86.support.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** HotSpot does not compile methods over 8,000 bytes of bytecode: the interpreter's hot methods must stay below. */
class HotMethodSizeTest {
    private static final Pattern CLASS = Pattern.compile("^(?:public |final |abstract )*class (\\S+)");
    private static final Pattern METHOD = Pattern.compile("^  \\S.*?(\\w+)\\(.*\\);$");
    private static final Pattern OFFSET = Pattern.compile("^\\s+(\\d+): ");

    private static final String[][] HOT = {
        {"io.splitvisor.x86.exec.Executor", "runBlock"},
        {"io.splitvisor.x86.exec.ColdOps", "exec"},
        {"io.splitvisor.x86.exec.SystemOps", "exec"},
        {"io.splitvisor.x86.exec.InterpreterVcpu", "dispatch"},
        {"io.splitvisor.x86.exec.CodeCache", "lookup"},
        {"io.splitvisor.x86.cpu.Alu", "alu"},
        {"io.splitvisor.x86.cpu.Alu", "shift"},
        {"io.splitvisor.x86.cpu.Mmu", "read64"},
    };

    /** Largest bytecode offset per "class.method" (overloads merged), from one javap run. */
    private static Map<String, Integer> sizes() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javap").toString(),
                "-c", "-p", "-cp", "target/classes"));
        for (String[] h : HOT) {
            if (!cmd.contains(h[0])) {
                cmd.add(h[0]);
            }
        }
        Map<String, Integer> sizes = new HashMap<>();
        String cls = null;
        String method = null;
        for (String line : Tools.run(Path.of("."), cmd).split("\n")) {
            Matcher c = CLASS.matcher(line);
            Matcher m = METHOD.matcher(line);
            Matcher o = OFFSET.matcher(line);
            if (c.find()) {
                cls = c.group(1);
                method = null;
            } else if (m.matches()) {
                method = cls + "." + m.group(1);
            } else if (o.find() && method != null) {
                sizes.merge(method, Integer.parseInt(o.group(1)), Math::max);
            }
        }
        return sizes;
    }

    @Test
    void hotMethodsCompile() {
        Map<String, Integer> sizes = sizes();
        for (String[] h : HOT) {
            Integer size = sizes.get(h[0] + "." + h[1]);
            assertTrue(size != null && size > 0, "method not found: " + h[0] + "." + h[1]);
            assertTrue(size < 8000, h[0] + "." + h[1] + " has " + size + " bytes of bytecode");
        }
    }
}
