package io.splitvisor.system;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code splitvisor bench} end to end with a small load on the interpreter: the iobench guest on
 * each I/O path writes, reads and checks its disk, exchanges and floods frames with its echo peer
 * and prints console lines the host checks, and the report files are written. Correctness, not
 * speed: the figures themselves are not judged.
 */
class IoBenchTest {
    private static final List<String> ROWS = List.of("seq-write", "seq-read", "rand-read", "net-rtt", "net-flood", "console");

    @TempDir
    static Path out;
    private static Cli.Run bench;
    /** Each measured run's CSV fields by column, keyed by "row/path". */
    private static final Map<String, Map<String, String>> runs = new HashMap<>();

    @BeforeAll
    static void runTheBenchmark() throws Exception {
        bench = Cli.run("bench", "--engines", "interp", "--mib", "1", "--xfer", "256", "--rand-ops", "16", "--rtts", "20",
                "--frames", "64", "--lines", "40", "--runs", "1", "--warmup", "0", "--timeout", "300",
                "--guest", ExampleGuests.frontendElf("iobench").toString(), "--out", out.toString());
        List<String> lines = Files.readAllLines(out.resolve("bench-runs.csv"));
        List<String> columns = List.of(lines.get(0).split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < cells.length; i++) {
                row.put(columns.get(i), cells[i]);
            }
            runs.put(row.get("case") + "/" + row.get("path"), row);
        }
    }

    /** The "not measured" line naming this row on this path, or null. */
    private static String notMeasured(String path, String row) {
        return bench.out().lines().filter(l -> l.startsWith("not measured: " + path + " on interp")
                && (l.startsWith("not measured: " + path + " on interp: ") || l.matches(".*[(, ]" + row + "[,)].*")))
                .findFirst().orElse(null);
    }

    private static final long[] BYTES = {1 << 20, 1 << 20, 16 * 4096, 20 * 64 * 2, 64 * 1514, 40 * 87};   // console: 86 characters and a newline a line

    /** Every row of the path either moved all its bytes with no wrong data, or is reported as not measured; returns how many ran. */
    private static int assertCorrectOrReported(String path) {
        int measured = 0;
        for (int i = 0; i < ROWS.size(); i++) {
            Map<String, String> r = runs.get(ROWS.get(i) + "/" + path);
            if (r == null) {
                assertTrue(notMeasured(path, ROWS.get(i)) != null, ROWS.get(i) + " on " + path + " has a result or a reason: " + bench.all());
                continue;
            }
            measured++;
            assertEquals("0", r.get("errors"), ROWS.get(i) + " found no wrong data");
            if (path.equals("pv")) {
                assertEquals("0", r.get("lost"), ROWS.get(i) + ": the PV path loses no frame");
            }
            // the network cases count what arrived; frames a small receive ring dropped are counted as lost
            long lost = Long.parseLong(r.get("lost"));
            long expected = ROWS.get(i).equals("net-flood") ? BYTES[i] - lost * 1514
                    : ROWS.get(i).equals("net-rtt") ? BYTES[i] - lost * 64 * 2 : BYTES[i];
            assertEquals(Long.toString(expected), r.get("bytes"), ROWS.get(i) + " moved all its bytes");
            assertTrue(Long.parseLong(r.get("guest_ns")) > 0 && Long.parseLong(r.get("exits")) > 0, r.toString());
        }
        return measured;
    }

    @Test
    void thePvPathMovesAndChecksEveryByte() {
        assertEquals(ROWS.size(), assertCorrectOrReported("pv"), "every case runs on the PV path: " + bench.all());
        assertTrue(bench.out().lines().anyMatch(l -> l.startsWith("seq-write") && l.contains(" pv ")), bench.out());
    }

    @Test
    void theEmulatedPathMovesAndChecksEveryByteItHasDevicesFor() {
        int measured = assertCorrectOrReported("emulated");
        Assumptions.assumeTrue(measured > 0, () -> "no case has its emulated devices and drivers in this build: "
                + bench.out().lines().filter(l -> l.startsWith("not measured: emulated")).toList());
        if (runs.containsKey("seq-write/emulated")) {
            assertTrue(bench.out().lines().anyMatch(l -> l.startsWith("seq-write") && l.contains("x emulated")), bench.out());
        }
    }

    @Test
    void theReportFilesAreWritten() throws Exception {
        for (String f : List.of("bench.csv", "bench-runs.csv", "bench.json", "bench.md", "bench.svg")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String md = Files.readString(out.resolve("bench.md"));
        assertTrue(md.contains("| seq-write | pv | interp |"), md);
        assertTrue(bench.out().contains("report: " + out.resolve("bench.csv")), bench.out());
        assertEquals(0, bench.code(), bench.all());
        String failed = bench.out().lines().filter(l -> l.contains(": failed: ")).collect(Collectors.joining("\n"));
        assertEquals("", failed, "no path failed");
    }
}
