package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitvisor.x86.support.Tools;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** HotSpot does not compile methods over 8,000 bytes of bytecode: the interpreter's hot methods must stay below. */
class HotMethodSizeTest {
    private static final Pattern METHOD = Pattern.compile("^  \\S.*?(\\w+)\\(.*\\);$");
    private static final Pattern OFFSET = Pattern.compile("^\\s+(\\d+): ");

    private static int bytecodeSize(String className, String method) {
        Path javap = Path.of(System.getProperty("java.home"), "bin", "javap");
        String out = Tools.run(Path.of("."), List.of(javap.toString(), "-c", "-p", "-cp", "target/classes",
                className));
        String current = null;
        int last = -1;
        int best = -1;
        for (String line : out.split("\n")) {
            Matcher m = METHOD.matcher(line);
            if (m.matches()) {
                if (method.equals(current)) {
                    best = Math.max(best, last);
                }
                current = m.group(1);
                last = -1;
                continue;
            }
            Matcher o = OFFSET.matcher(line);
            if (o.find()) {
                last = Integer.parseInt(o.group(1));
            }
        }
        if (method.equals(current)) {
            best = Math.max(best, last);
        }
        return best;
    }

    @Test
    void hotMethodsCompile() {
        String[][] hot = {
            {"io.splitvisor.x86.exec.Executor", "runBlock"},
            {"io.splitvisor.x86.exec.ColdOps", "exec"},
            {"io.splitvisor.x86.exec.SystemOps", "exec"},
            {"io.splitvisor.x86.exec.InterpreterVcpu", "run"},
            {"io.splitvisor.x86.cpu.Alu", "alu"},
            {"io.splitvisor.x86.cpu.Alu", "shift"},
        };
        for (String[] h : hot) {
            int size = bytecodeSize(h[0], h[1]);
            assertTrue(size > 0, "method not found: " + h[0] + "." + h[1]);
            assertTrue(size < 8000, h[0] + "." + h[1] + " has " + size + " bytes of bytecode");
        }
    }
}
