package io.splitvisor.toolstack.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code run --disk/--nic/--rng/--console}: errors are one line, devices attach before the guests start. */
class DeviceOptionsTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path elf(String name) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, new byte[] {0x7F, 'E', 'L', 'F'});
        return p;
    }

    @Test
    void aMissingImageIsOneLine() throws Exception {
        CliRun r = run("run", elf("g.elf").toString(), "--disk", "/nonexistent/disk.img:ro");
        assertEquals(2, r.code());
        assertEquals("splitvisor: --disk /nonexistent/disk.img:ro: no such file\n", r.err());
    }

    @Test
    void aMissingOrSharedWritableAtaImageIsOneLine() throws Exception {
        CliRun r = run("run", elf("g.elf").toString(), "--ata", "/nonexistent/ata.img");
        assertEquals(2, r.code());
        assertEquals("splitvisor: --ata /nonexistent/ata.img: no such file\n", r.err());
        Path img = dir.resolve("a.img");
        Files.write(img, new byte[4096]);
        CliRun shared = run("run", elf("a.elf").toString(), elf("b.elf").toString(), "--ata", img.toString());
        assertEquals(2, shared.code());
        assertTrue(shared.err().startsWith("splitvisor: --ata " + img + ": a writable image cannot be shared"), shared.err());
    }

    @Test
    void ne2000TakesAnOptionalMacAndOnlyOneCard() throws Exception {
        Path missing = dir.resolve("missing.elf");
        CliRun r = run("run", "--ne2000", missing.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing.elf"), "the path was taken as the guest, not as a MAC: " + r.err());
        CliRun two = run("run", elf("a.elf").toString(), "--ne2000", "--ne2000");
        assertEquals("splitvisor: --ne2000: one NE2000 per guest (0x300)\n", two.err());
        CliRun shared = run("run", elf("a.elf").toString(), elf("b.elf").toString(), "--ne2000=00:16:3e:00:00:01");
        assertTrue(shared.err().startsWith("splitvisor: --ne2000 00:16:3e:00:00:01: an explicit MAC"), shared.err());
    }

    @Test
    void aWritableImageOrAnExplicitMacIsNotSharedBetweenGuests() throws Exception {
        Path img = dir.resolve("d.img");
        Files.write(img, new byte[4096]);
        CliRun r = run("run", elf("a.elf").toString(), elf("b.elf").toString(), "--disk", img.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("splitvisor: --disk " + img + ": a writable image cannot be shared by 2 guests"), r.err());
        assertEquals(1, r.err().lines().count());
        CliRun m = run("run", elf("a.elf").toString(), elf("b.elf").toString(), "--nic", "00:16:3e:00:00:01");
        assertEquals(2, m.code());
        assertTrue(m.err().startsWith("splitvisor: --nic 00:16:3e:00:00:01: an explicit MAC"), m.err());
    }

    @Test
    void nicWithoutAMacLeavesTheNextArgumentAlone() throws Exception {
        Path missing = dir.resolve("missing.elf");
        CliRun r = run("run", "--nic", missing.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing.elf"), "the path was taken as the guest, not as a MAC: " + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aGuestRunsWithEveryKindOfDeviceAttached() throws Exception {
        Path hello = ExampleGuests.directory().resolve("hello.elf");
        assumeTrue(Files.isRegularFile(hello), "the example guests are built by guest-sdk");
        Path img = dir.resolve("d.img");
        Files.write(img, new byte[64 * 512]);
        CliRun r = run("run", hello.toString(), "--disk", img.toString(), "--disk", img + ":ro", "--nic", "--nic",
                "00:16:3e:00:00:42", "--rng", "--console", "log", "--uart", "--ata", img + ":ro", "--ne2000=00:16:3e:00:00:43", "--timeout", "60");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[1:hello]"), r.out());
    }
}
