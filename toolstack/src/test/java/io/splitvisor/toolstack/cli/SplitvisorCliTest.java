package io.splitvisor.toolstack.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitvisorCliTest {
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
    void demoWithoutTheExampleGuestsSaysHowToBuildThem() {
        String old = System.getProperty("splitvisor.root");
        System.setProperty("splitvisor.root", "/nonexistent-splitvisor-root");
        try {
            Run r = run("demo");
            assertEquals(2, r.code());
            assertTrue(r.err().startsWith("splitvisor: example guest /nonexistent-splitvisor-root/guest-sdk/target/guests/hello.elf is missing"), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        } finally {
            if (old == null) {
                System.clearProperty("splitvisor.root");
            } else {
                System.setProperty("splitvisor.root", old);
            }
        }
    }

    @Test
    void abiPrintsTheSummary() {
        Run r = run("abi");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("0x0500  hypercall gate"), r.out());
        assertTrue(r.out().contains("SplitvisorPV"), r.out());
        assertTrue(r.out().contains("0x41  GrantMap"), r.out());
        assertTrue(r.out().contains("blkif        32 slots of 112 bytes"), r.out());
    }

    @Test
    void unknownCommandIsOneLineAndExitCode2() {
        Run r = run("fly");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("splitvisor: Unmatched argument"), r.err());
    }

    @Test
    void versionNamesTheAbi() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("guest ABI 1.0"), r.out());
    }
}
