package io.splitvisor.system;

import io.splitvisor.toolstack.cli.SplitvisorCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code splitvisor run}: consoles with a domain prefix, exit codes, one-line errors. */
class LauncherTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = SplitvisorCli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void runPrintsConsolesWithPrefixesAndExitsWithTheFirstGuestsCode() {
        Run r = run("run", ExampleGuests.elf("hello").toString(), ExampleGuests.elf("hello").toString(), "--engine", "interp",
                "--metrics");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[1:hello] Hello from domain 1"), r.out());
        assertTrue(r.out().contains("[2:hello] Hello from domain 2"), r.out());
        assertTrue(r.err().contains("splitvisor.hypercalls domain=1 op=ConsoleWrite") || r.err().contains("splitvisor.hypercalls"), r.err());
        assertTrue(r.err().contains("splitvisor.exits"), r.err());
    }

    @Test
    void demoRunsHelloThenPingpong() {
        Run r = run("demo", "--rounds", "2000", "--engine", "interp");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[1:hello] Hello from domain 1"), r.out());
        assertTrue(r.out().contains("[1:ping] pingpong: 2000 round trips ok"), r.out());
        assertTrue(r.out().contains("[2:pong] pingpong: 2000 round trips ok"), r.out());
    }

    @Test
    void aCrashExitsWith125AndPrintsTheReport() {
        Run r = run("run", ExampleGuests.elf("crash").toString());
        assertEquals(125, r.code(), r.err());
        assertTrue(r.out().contains("page fault"), r.out());
        assertTrue(r.err().contains("crashed: page fault at address 0x0"), r.err());
    }

    @Test
    void badInputsGetOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a guest");
        Run missing = run("run", dir.resolve("nothing.elf").toString());
        assertEquals(2, missing.code());
        assertEquals("splitvisor: no such file: " + dir.resolve("nothing.elf") + System.lineSeparator(), missing.err());
        Run notElf = run("run", text.toString());
        assertEquals(2, notElf.code());
        assertEquals("splitvisor: " + text + " is not an ELF file" + System.lineSeparator(), notElf.err());
        Run small = run("run", ExampleGuests.elf("hello").toString(), "--mem", "1M");
        assertEquals(2, small.code());
        assertTrue(small.err().startsWith("splitvisor: 1024 KiB of memory is too little"), small.err());
        Run badSize = run("run", ExampleGuests.elf("hello").toString(), "--mem", "lots");
        assertEquals(2, badSize.code());
        assertTrue(badSize.err().startsWith("splitvisor: "), badSize.err());
        Run badEngine = run("run", ExampleGuests.elf("hello").toString(), "--engine", "quantum");
        assertEquals(2, badEngine.code());
        assertTrue(badEngine.err().startsWith("splitvisor: unknown engine 'quantum'"), badEngine.err());
    }
}
