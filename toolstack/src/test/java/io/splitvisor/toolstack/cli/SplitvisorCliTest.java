package io.splitvisor.toolstack.cli;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitvisorCliTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void demoWithoutTheExampleGuestsSaysHowToBuildThem() {
        String old = System.getProperty("splitvisor.root");
        System.setProperty("splitvisor.root", "/nonexistent-splitvisor-root");
        try {
            CliRun r = run("demo");
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
        CliRun r = run("abi");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("0x0500  hypercall gate"), r.out());
        assertTrue(r.out().contains("SplitvisorPV"), r.out());
        assertTrue(r.out().contains("0x41  GrantMap"), r.out());
        assertTrue(r.out().contains("blkif        32 slots of 112 bytes"), r.out());
    }

    @Test
    void unknownCommandIsOneLineAndExitCode2() {
        CliRun r = run("fly");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("splitvisor: Unmatched argument"), r.err());
    }

    @Test
    void versionNamesTheAbi() {
        CliRun r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("guest ABI 1.0"), r.out());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "--cases seq,fly          | unknown case 'fly' (expected seq, rand, rtt, flood or console)",
        "--paths pv,virtio        | unknown I/O path 'virtio' (expected pv or emulated)",
        "--mib 0                  | bench: --mib must be 1 to 1024",
        "--mib lots               | Invalid value for option '--mib'",
        "--runs 0                 | bench: --runs must be 1 to 1000 and --warmup 0 to 1000",
        "--rand-ops 5000          | bench: --rand-ops must be 1 to 4096",
        "--xfer 0                 | bench: --xfer must be 1 to 16384 KiB",
        "--timeout 0              | bench: --timeout must be at least 1 second",
        "--guest /nonexistent.elf | bench: the benchmark guest /nonexistent.elf is missing",
    })
    void benchRefusesBadOptionsInOneLine(String args, String problem) {
        CliRun r = run(("bench " + args.trim()).split(" "));
        assertEquals(2, r.code(), r.out() + r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("splitvisor: ") && first.contains(problem.trim()), r.err());
        assertTrue(r.err().lines().skip(1).allMatch(l -> l.equals("Try 'splitvisor --help'.")), r.err());
        assertEquals("", r.out(), "nothing was run");
    }
}
