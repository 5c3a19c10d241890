package io.splitvisor.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guest SDK's one I/O API (svfront/io.h) end to end: the iodemo guest on the pv path (blkfront,
 * netfront, the console ring) and on the emulated one (the 16550A UART, the ATA disk, the NE2000).
 * Each case keeps the lines that name neither device nor path, the part a run on the other path
 * must print identically.
 */
class IoPathsTest {
    @TempDir
    static Path dir;

    static String iodemo() {
        return ExampleGuests.frontendElf("iodemo").toString();
    }

    static Path image(String name, long bytes) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return p;
    }

    static Cli.Run run(String... parts) {
        List<String> args = new ArrayList<>(List.of("run", "--engine", "interp", "--timeout", "240"));
        args.addAll(List.of(parts));
        return Cli.run(args.toArray(new String[0]));
    }

    /** The iodemo lines of one domain that a run on either path prints alike (not the device line, not the counters). */
    static List<String> comparable(Cli.Run r, int domid) {
        String prefix = "[" + domid + ":iodemo] iodemo: ";
        return r.out().lines()
                .filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()))
                .filter(l -> !l.startsWith("disk ") && !l.startsWith("nic ") && !l.startsWith("console ") && !l.contains(" stats: "))
                .collect(Collectors.toList());
    }

    static Cli.Run ok(Cli.Run r) {
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("iodemo: ok"), r.all());
        return r;
    }

    static final List<String> DISK_LINES = List.of(
            "disk: wrote 2048 KiB from sector 0, flushed, read back: crc32 0x3b47ab4d, verified",
            "disk: read past the end: ERANGE",
            "disk: read of a partial sector: EINVAL",
            "ok");

    @Test
    void diskOnPv() throws IOException {
        Cli.Run r = ok(run(iodemo(), "--disk", image("pv.img", 8 << 20).toString(), "--cmdline", "test=disk io=pv size=2048"));
        assertTrue(r.out().contains("iodemo: disk vbd/51712 (pv): 16384 sectors of 512 bytes"), r.all());
        assertEquals(DISK_LINES, comparable(r, 1));
    }

    @Test
    void diskOnTheAtaMatchesPv() throws IOException {
        Path pvImage = image("same-pv.img", 8 << 20);
        Path ataImage = image("same-ata.img", 8 << 20);
        Cli.Run pv = ok(run(iodemo(), "--disk", pvImage.toString(), "--cmdline", "test=disk io=pv size=2048"));
        Cli.Run ata = ok(run(iodemo(), "--ata", ataImage.toString(), "--cmdline", "test=disk io=emulated size=2048"));
        assertTrue(ata.out().contains("iodemo: disk ata0-master (emulated"), ata.all());
        assertTrue(ata.out().contains("16384 sectors of 512 bytes"), ata.all());
        assertEquals(DISK_LINES, comparable(ata, 1));
        assertEquals(comparable(pv, 1), comparable(ata, 1));
        assertEquals(-1L, Files.mismatch(pvImage, ataImage), "the two paths left different bytes on their disks");
    }

    @Test
    void aReadOnlyAtaDiskAbortsWrites() throws IOException {
        Cli.Run r = run(iodemo(), "--ata", image("ro.img", 1 << 20) + ":ro", "--cmdline", "test=disk io=emulated size=64");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.out().contains("disk write: EIO: ata0-master: write failed: status 0x51, error 0x04 (aborted)"), r.all());
    }

    static final List<String> PING_LINES = List.of(
            "net: 20 echoes of 256-byte frames verified, crc32 0xa57c9339",
            "net: a 1515-byte frame: EMSGSIZE",
            "ok");
    static final List<String> PONG_LINES = List.of("net: echoed 20 frames", "net: a 1515-byte frame: EMSGSIZE", "ok");

    @Test
    void netOnTheNe2000MatchesPv() {
        Cli.Run pv = ok(run(iodemo(), iodemo(), "--nic", "--cmdline", "test=net role=ping io=pv", "--cmdline", "test=net role=pong io=pv"));
        Cli.Run ne = ok(run(iodemo(), iodemo(), "--ne2000", "--cmdline", "test=net role=ping io=emulated",
                "--cmdline", "test=net role=pong io=emulated"));
        assertTrue(ne.out().contains("[1:iodemo] iodemo: nic ne2000@0x300 (emulated)"), ne.all());
        assertEquals(PING_LINES, comparable(ne, 1));
        assertEquals(PONG_LINES, comparable(ne, 2));
        assertEquals(comparable(pv, 1), comparable(ne, 1));
        assertEquals(comparable(pv, 2), comparable(ne, 2));
    }

    @Test
    void fullSizeFramesThroughTheNe2000Ring() {
        // 1514-byte frames take 6 of the ring's 58 pages: 12 of them run through its end.
        Cli.Run r = ok(run(iodemo(), iodemo(), "--ne2000", "--cmdline", "test=net role=ping io=emulated count=12 size=1514",
                "--cmdline", "test=net role=pong io=emulated"));
        assertTrue(comparable(r, 1).get(0).startsWith("net: 12 echoes of 1514-byte frames verified"), r.all());
        assertTrue(comparable(r, 2).contains("net: echoed 12 frames"), r.all());
    }

    static final List<String> CONSOLE_LINES = List.of(
            "line 0: 04 e4 70 21 d4 3e 6f 21 ac 75 1d e4 1e b4 36 83",
            "line 1: 04 c5 c7 aa 41 2a fe 65 fc 56 c6 6e 89 a1 85 c7",
            "line 2: 34 c6 0a 30 f3 27 4d a8 ac 37 73 f3 35 9d 14 0a");

    @Test
    void consoleOnPv() {
        Cli.Run r = ok(run(iodemo(), "--cmdline", "test=console io=pv lines=3"));
        assertTrue(r.out().contains("iodemo: console console/0 (pv)"), r.all());
        for (String line : CONSOLE_LINES) {
            assertTrue(r.out().contains("[1:iodemo] iodemo " + line), "missing '" + line + "' in:\n" + r.all());
        }
        assertTrue(comparable(r, 1).contains("console: 3 lines written, crc32 0x6a9b9b20"), r.all());
    }

    @Test
    void consoleOnTheUartPrintsTheSame() {
        Cli.Run pv = ok(run(iodemo(), "--cmdline", "test=console io=pv lines=3"));
        Cli.Run uart = ok(run(iodemo(), "--uart", "--cmdline", "test=console io=emulated lines=3"));
        assertTrue(uart.out().contains("iodemo: console uart@0x3f8 (emulated)"), uart.all());
        for (String line : CONSOLE_LINES) {
            assertTrue(uart.out().contains("[1:iodemo] iodemo " + line), "missing '" + line + "' in:\n" + uart.all());
        }
        assertEquals(comparable(pv, 1), comparable(uart, 1));
    }

    @Test
    void emulatedDevicesThatAreNotThereAreNamed() {
        Cli.Run r = run(iodemo(), "--cmdline", "test=console io=emulated");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.out().contains("console open: ENODEV: uart@0x3f8: no UART (the line status register floats at 0xff)"), r.all());
        r = run(iodemo(), "--cmdline", "test=disk io=emulated");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.out().contains("disk open: ENODEV: ata0-master: no device (the status register floats at 0xff)"), r.all());
    }

    @Test
    void secondaryConsoleOnPv() {
        Cli.Run r = ok(run(iodemo(), "--console", "c1", "--cmdline", "test=console io=pv lines=3 index=1"));
        assertTrue(r.out().contains("[1:iodemo/c1] iodemo " + CONSOLE_LINES.get(2)), r.all());
    }

    @Test
    void anUnknownPathIsRefusedInOneLine() {
        Cli.Run r = run(iodemo(), "--cmdline", "test=disk io=fast");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.out().contains("iodemo: FAILED: disk open: EINVAL: io=fast: the I/O path is pv or emulated"), r.all());
    }

    @Test
    void aMissingPvDeviceIsNamed() {
        Cli.Run r = run(iodemo(), "--cmdline", "test=disk io=pv");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.out().contains("disk 0: the domain has no device/vbd number 0 (ENODEV)"), r.all());
    }
}
