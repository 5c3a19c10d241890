package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitvisor.x86.support.CPrograms;
import io.splitvisor.x86.support.Rig;
import io.splitvisor.x86.support.Tools;
import io.splitvisor.x86.tools.Json;
import io.splitvisor.x86.tools.RawRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The raw runner: runs flat binaries and ELFs, prints JSON, refuses bad input with one line. */
class RawRunnerTest {
    private record Result(int code, String out, String err) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return (Map<String, Object>) Json.parse(out);
        }
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RawRunner.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path flat(String asm) throws Exception {
        Path p = Tools.workDir("raw").resolve("snippet" + asm.hashCode() + ".bin");
        Files.write(p, Tools.assemble(asm, Rig.CODE));
        return p;
    }

    @Test
    @SuppressWarnings("unchecked")
    void runsAFlatBinaryToHltAndPrintsRegistersAndFlags() throws Exception {
        Result r = run(flat("mov eax, 7\nsub eax, 7\nhlt").toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> j = r.json();
        assertEquals("HLT", ((Map<String, Object>) j.get("exit")).get("reason"));
        assertEquals("0x0", ((Map<String, Object>) j.get("registers")).get("rax"));
        assertEquals(1L, ((Map<String, Object>) j.get("flags")).get("ZF"));
        assertEquals(3L, j.get("instructions"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void registersFromJsonAndInstructionLimit() throws Exception {
        Path regs = Tools.workDir("raw").resolve("regs.json");
        Files.writeString(regs, "{\"registers\": {\"rbx\": \"0x10\", \"rcx\": 5}}");
        Result r = run("--regs", regs.toString(), "--limit", "2", flat("add rbx, rcx\nadd rbx, rcx\nhlt").toString());
        Map<String, Object> j = r.json();
        assertEquals("INSTRUCTION_LIMIT", ((Map<String, Object>) j.get("exit")).get("reason"));
        assertEquals("0x1a", ((Map<String, Object>) j.get("registers")).get("rbx"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void runsAnElfWithConsoleAndExitCode() throws Exception {
        Path elf = CPrograms.build("crc32", "-O2", true);
        Map<String, Object> j = run(elf.toString()).json();
        assertEquals(93L, j.get("exitCode"));
        assertTrue(((String) j.get("console")).contains("cbf43926"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportsAPageFaultAsShutdownWithoutIdt() throws Exception {
        Map<String, Object> j = run(flat("mov rax, [0]\nhlt").toString()).json();
        Map<String, Object> exit = (Map<String, Object>) j.get("exit");
        assertEquals("SHUTDOWN", exit.get("reason"));
        assertEquals("0x0", ((Map<String, Object>) j.get("control")).get("cr2"));
    }

    @Test
    void refusesBadInputWithOneLine() throws Exception {
        Path bin = flat("hlt");
        Result overlap = run("--mem", "0:2M", "--mem", "1M:2M", bin.toString());
        assertEquals(2, overlap.code());
        assertTrue(overlap.err().matches("raw-run: memory regions .* overlap\\R"), overlap.err());
        Result entry = run("--entry", "0x90000000", bin.toString());
        assertEquals(2, entry.code());
        assertTrue(entry.err().contains("entry point 0x90000000 is outside guest memory"), entry.err());
        Path bad = Tools.workDir("raw").resolve("bad.elf");
        byte[] elf = Files.readAllBytes(CPrograms.build("sort", "-O2", true));
        elf[18] = 3; // machine: i386
        Files.write(bad, elf);
        Result malformed = run(bad.toString());
        assertEquals(2, malformed.code());
        assertEquals("raw-run: " + bad + " is for machine 3, not x86-64 (62)", malformed.err().trim());
        Files.write(bad, new byte[] {0x7F, 'E', 'L', 'F', 2, 1});
        assertTrue(run(bad.toString()).err().contains("too short"));
    }
}
