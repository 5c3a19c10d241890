package io.splitvisor.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code splitvisor run}: consoles with a domain prefix, exit codes, one-line errors. */
class LauncherTest {
    private static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    @Test
    void runPrintsConsolesWithPrefixesAndExitsWithTheFirstGuestsCode() {
        Cli.Run r = run("run", ExampleGuests.elf("hello").toString(), ExampleGuests.elf("hello").toString(), "--engine", "interp",
                "--metrics");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[1:hello] Hello from domain 1"), r.out());
        assertTrue(r.out().contains("[2:hello] Hello from domain 2"), r.out());
        assertTrue(r.err().contains("splitvisor.hypercalls domain=1 op=ConsoleWrite") || r.err().contains("splitvisor.hypercalls"), r.err());
        assertTrue(r.err().contains("splitvisor.exits"), r.err());
    }

    @Test
    void demoRunsHelloThenPingpong() {
        Cli.Run r = run("demo", "--rounds", "2000", "--engine", "interp");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[1:hello] Hello from domain 1"), r.out());
        assertTrue(r.out().contains("[1:ping] pingpong: 2000 round trips ok"), r.out());
        assertTrue(r.out().contains("[2:pong] pingpong: 2000 round trips ok"), r.out());
    }

    @Test
    void aCrashExitsWith125AndPrintsTheReport() {
        Cli.Run r = run("run", ExampleGuests.elf("crash").toString());
        assertEquals(125, r.code(), r.err());
        assertTrue(r.out().contains("page fault"), r.out());
        assertTrue(r.err().contains("crashed: page fault at address 0x0"), r.err());
    }

    @Test
    void badInputsGetOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a guest");
        Cli.Run missing = run("run", dir.resolve("nothing.elf").toString());
        assertEquals(2, missing.code());
        assertEquals("splitvisor: no such file: " + dir.resolve("nothing.elf") + System.lineSeparator(), missing.err());
        Cli.Run notElf = run("run", text.toString());
        assertEquals(2, notElf.code());
        assertEquals("splitvisor: " + text + " is not an ELF file" + System.lineSeparator(), notElf.err());
        Cli.Run small = run("run", ExampleGuests.elf("hello").toString(), "--mem", "1M");
        assertEquals(2, small.code());
        assertTrue(small.err().startsWith("splitvisor: 1024 KiB of memory is too little"), small.err());
        Cli.Run badSize = run("run", ExampleGuests.elf("hello").toString(), "--mem", "lots");
        assertEquals(2, badSize.code());
        assertTrue(badSize.err().startsWith("splitvisor: "), badSize.err());
        Cli.Run badEngine = run("run", ExampleGuests.elf("hello").toString(), "--engine", "quantum");
        assertEquals(2, badEngine.code());
        assertTrue(badEngine.err().startsWith("splitvisor: unknown engine 'quantum'"), badEngine.err());
    }
}
