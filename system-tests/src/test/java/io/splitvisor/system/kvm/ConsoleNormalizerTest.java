package io.splitvisor.system.kvm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ConsoleNormalizerTest {
    @Test
    void masksTimingButKeepsComputedValues() {
        String a = "[1:hcbench] doorbell: 500 ops in 30846255 ns, 61692.5 ns each\n"
                + "[1:blkdemo] blkdemo: 190 requests (2048 segments) in 22 publications; 22 notifications sent, 20 received, 20 waits\n"
                + "[1:catfile] catfile: hello.txt: 38 bytes, crc32 0x74501429\n";
        String b = "[1:hcbench] doorbell: 500 ops in 1234 ns, 2.5 ns each\n"
                + "[1:blkdemo] blkdemo: 190 requests (2048 segments) in 21 publications; 18 notifications sent, 17 received, 17 waits\n"
                + "[1:catfile] catfile: hello.txt: 38 bytes, crc32 0x74501429\n";
        assertEquals(ConsoleNormalizer.normalize(a, false), ConsoleNormalizer.normalize(b, false));
        assertEquals(ConsoleNormalizer.normalize("[1:iodemo] iodemo: net stats: ops 22, in 2560 B, out 2680 B, errors 1", false),
                ConsoleNormalizer.normalize("[1:iodemo] iodemo: net stats: ops 23, in 2560 B, out 2936 B, errors 1", false));
        String otherCrc = b.replace("0x74501429", "0x74501428");
        assertNotEquals(ConsoleNormalizer.normalize(a, false), ConsoleNormalizer.normalize(otherCrc, false));
        assertEquals(ConsoleNormalizer.normalize(a, true), ConsoleNormalizer.normalize(otherCrc, true));
        String otherCount = b.replace("190 requests", "189 requests");
        assertNotEquals(ConsoleNormalizer.normalize(a, false), ConsoleNormalizer.normalize(otherCount, false));
    }

    @Test
    void twoConsolesIntoOneLogCompareAsASetOfLines() {
        String a = "[1:iodemo] iodemo line 0: 04\n[1:iodemo] iodemo: console uart@0x3f8 (emulated)\n";
        String b = "[1:iodemo] iodemo: console uart@0x3f8 (emulated)\n[1:iodemo] iodemo line 0: 04\n";
        assertEquals(ConsoleNormalizer.normalize(a, false, true), ConsoleNormalizer.normalize(b, false, true));
        assertNotEquals(ConsoleNormalizer.normalize(a, false), ConsoleNormalizer.normalize(b, false));
    }

    @Test
    void dropsTheHostsLogLines() {
        assertEquals(ConsoleNormalizer.normalize("[1:hello] hi\n", false), ConsoleNormalizer.normalize(
                "[1:hello] hi\n[WARN] KVM cannot run the guest TSC at 1 GHz here\n", false));
    }

    @Test
    void groupsLinesPerDomainAndSortsTheToolstackLines() {
        String a = "[1:ping] one\n[2:pong] two\n[1:ping] three\ndomain 2 (pong) ended: poweroff, exit code 0\n"
                + "domain 1 (ping) ended: poweroff, exit code 0\n";
        String b = "[2:pong] two\n[1:ping] one\ndomain 1 (ping) ended: poweroff, exit code 0\n[1:ping] three\n"
                + "domain 2 (pong) ended: poweroff, exit code 0\n";
        assertEquals(ConsoleNormalizer.normalize(a, false), ConsoleNormalizer.normalize(b, false));
        String reordered = "[1:ping] three\n[1:ping] one\n[2:pong] two\n";
        assertNotEquals(ConsoleNormalizer.normalize("[1:ping] one\n[1:ping] three\n[2:pong] two\n", false),
                ConsoleNormalizer.normalize(reordered, false));
    }
}
