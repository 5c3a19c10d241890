package io.splitvisor.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The guest SDK's emulated-device drivers on somebody else's devices: the bare-metal driver test
 * (frontend-drivers/baremetal: a multiboot stub that enters long mode, then the UART, ATA and
 * NE2000 drivers with no Splitvisor underneath) booted by {@code qemu-system-x86_64 -accel tcg}
 * with its 16550A serial port, PIIX IDE disk and ne2k_isa NIC on user-mode networking, which
 * answers the driver's ARP requests. Skipped when QEMU is not installed.
 */
class QemuDriversTest {
    @TempDir
    Path dir;

    static Optional<Path> qemu() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .map(d -> Path.of(d, "qemu-system-x86_64"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    @Test
    void theDriversWorkOnQemusSerialIdeAndNe2000() throws Exception {
        Optional<Path> qemu = qemu();
        assumeTrue(qemu.isPresent(), "qemu-system-x86_64 is not on the PATH: the drivers are not tried under QEMU");
        Path root = Path.of(System.getProperty("splitvisor.root", ".."));
        Path image = root.resolve("frontend-drivers/target/baremetal/drivertest.bin");
        assertTrue(Files.isRegularFile(image), image + " is missing: frontend-drivers builds it before these tests");
        Path disk = dir.resolve("qemu-disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(16 << 20);
        }
        Path serial = dir.resolve("com1.txt");
        Path log = dir.resolve("qemu.log");
        Process p = new ProcessBuilder(List.of(qemu.get().toString(), "-accel", "tcg", "-nodefaults", "-display", "none",
                "-no-reboot", "-m", "64", "-kernel", image.toString(), "-serial", "file:" + serial,
                "-drive", "file=" + disk + ",format=raw,if=ide,index=0",
                "-netdev", "user,id=n0", "-device", "ne2k_isa,netdev=n0,iobase=0x300,irq=9",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.exists(serial) ? Files.readString(serial, StandardCharsets.ISO_8859_1) : "";
        String all = "COM1:\n" + out + "\nQEMU:\n" + Files.readString(log, StandardCharsets.ISO_8859_1);
        assertTrue(ended, "QEMU did not end within 180 s\n" + all);
        assertEquals(1, p.exitValue(), "isa-debug-exit status (0 << 1) | 1 means the test returned 0\n" + all);
        for (String want : List.of(
                "drivertest: uart: uart@0x3f8, 16550A with FIFOs",
                "drivertest: ata: QEMU HARDDISK, 32768 sectors, lba48 yes",
                "drivertest: ata: 256 sectors at 0 (LBA28) written, flushed, read back: crc32 0xb366d953, verified",
                "drivertest: ata: 16 sectors at 4096 (LBA48) written, flushed, read back: crc32 0x1fb42794, verified",
                "drivertest: ne2000: mac 52:54:00:12:34:56 from the PROM",
                "drivertest: ne2000: 100 of 100 ARP requests answered",
                "drivertest: ok")) {
            assertTrue(out.contains(want), "missing '" + want + "' in\n" + all);
        }
        assertEquals(0xb366d953L, crc(disk, 0, 256 * 512), "the LBA28 sectors on QEMU's disk");
        assertEquals(0x1fb42794L, crc(disk, 4096L * 512, 16 * 512), "the LBA48 sectors on QEMU's disk");
    }

    private static long crc(Path file, long offset, int len) throws IOException {
        byte[] b = new byte[len];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(offset);
            f.readFully(b);
        }
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }
}
