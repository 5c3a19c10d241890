package io.splitvisor.toolstack.bench;

import io.splitvisor.x86.tools.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report files from a known set of runs: CSV columns and values, JSON that the project's
 * reader accepts with the right medians and speedups, SVG that is XML with a bar per measured row, and a
 * Markdown table whose every row has the header's cells.
 */
class BenchReportFilesTest {
    private static final long MIB = 1 << 20;

    @TempDir
    static Path dir;
    private static BenchReport report;

    @BeforeAll
    static void writeReport() throws Exception {
        BenchSettings settings = new BenchSettings(8, 1024, 256, 1000, 2000, 1000, 3, 1,
                List.of(BenchCase.SEQ, BenchCase.CONSOLE), List.of(IoPath.PV, IoPath.EMULATED), List.of("interp", "kvm"),
                Path.of("iobench.elf"), dir, 600, false);
        List<Measurement> runs = new ArrayList<>();
        // seq-write: PV at 100, 120 and 80 MiB/s, emulated at 4, 5 and 3: medians 100 and 4, PV 25x
        double[] pv = {100, 120, 80};
        double[] emulated = {4, 5, 3};
        for (int i = 0; i < 3; i++) {
            runs.add(run("seq-write", IoPath.PV, i, 8 * MIB, pv[i], 80, 8));
            runs.add(run("seq-write", IoPath.EMULATED, i, 8 * MIB, emulated[i], 4_194_304, 0));
            runs.add(run("seq-read", IoPath.PV, i, 8 * MIB, pv[i] * 2, 80, 8));
            runs.add(run("seq-read", IoPath.EMULATED, i, 8 * MIB, emulated[i] * 2, 4_194_304, 0));
            runs.add(run("console", IoPath.PV, i, 87_000, 2, 1000, 10));
            runs.add(run("console", IoPath.EMULATED, i, 87_000, 0.05, 87_000, 0));
        }
        MachineInfo machine = new MachineInfo("Test CPU <\"quoted\" & odd>", 2, "JVM 17", "Linux", "abc123", "2026-01-01T00:00:00Z");
        report = BenchReport.of(machine, settings, runs, List.of(new Skip(IoPath.PV, "kvm", Skip.ALL, "no /dev/kvm here"),
                new Skip(IoPath.EMULATED, "kvm", Skip.ALL, "no /dev/kvm here")));
        IoBenchmark.write(report, dir);
    }

    /** A run of `row` at `mibPerSecond` (guest clock) with `exits` and `hypercalls` between its marks. */
    private static Measurement run(String row, IoPath path, int i, long bytes, double mibPerSecond, long exits, long hypercalls) {
        long ns = Math.round(bytes / (double) MIB / mibPerSecond * 1e9);
        return new Measurement(row, path, "interp", i, bytes, 8, ns, 1_000_000 + i, 2_000_000 + i, 0, 0,
                new MeterSnapshot(exits, hypercalls, bytes * 3, 5_000_000, 9_000_000));
    }

    @Test
    void summariesAreMediansWithTheirSpread() {
        CaseSummary pv = report.summary("seq-write", IoPath.PV, "interp").orElseThrow();
        assertEquals(100, pv.mibPerSecond(), 1e-6);
        assertEquals(80, pv.minMibPerSecond(), 1e-6);
        assertEquals(120, pv.maxMibPerSecond(), 1e-6);
        assertEquals(10, pv.exitsPerMib(), 1e-9);
        assertEquals(3, pv.instructionsPerByte(), 1e-9);
        assertEquals(25, report.speedup("seq-write", "interp").orElseThrow(), 1e-6);
        assertTrue(report.speedup("seq-write", "kvm").isEmpty());
        assertTrue(report.summaryLines().stream().anyMatch(l -> l.startsWith("seq-write") && l.endsWith("PV 25.0x emulated")),
                report.summaryLines().toString());
    }

    @Test
    void csvHasTheColumnsAndOneLinePerRow() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("bench.csv"));
        assertEquals(String.join(",", CsvReport.SUMMARY_COLUMNS), lines.get(0));
        assertEquals(report.summaries().size() + 1, lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertEquals(CsvReport.SUMMARY_COLUMNS.size(), cells.length, line);
            for (int c = 3; c < cells.length; c++) {
                Double.parseDouble(cells[c]);
            }
        }
        assertTrue(lines.contains("seq-write,pv,interp,3,8388608,8,100.0000,80.0000,120.0000,1000.0010,2000.0010,10.0000,"
                + "1.0000,3.0000,5.0000,9.0000,0.0000"), lines.toString());
        List<String> runs = Files.readAllLines(dir.resolve("bench-runs.csv"));
        assertEquals(String.join(",", CsvReport.RUN_COLUMNS), runs.get(0));
        assertEquals(report.measurements().size() + 1, runs.size());
        runs.forEach(l -> assertEquals(CsvReport.RUN_COLUMNS.size(), l.split(",", -1).length, l));
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonParsesAndCarriesTheHeaderSummariesSpeedupsAndSkips() throws Exception {
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("bench.json")));
        Map<String, Object> machine = (Map<String, Object>) json.get("machine");
        assertEquals("Test CPU <\"quoted\" & odd>", machine.get("cpu"));
        assertEquals("abc123", machine.get("commit"));
        assertEquals(2L, machine.get("cores"));
        List<Object> summaries = (List<Object>) json.get("summaries");
        assertEquals(report.summaries().size(), summaries.size());
        Map<String, Object> first = (Map<String, Object>) summaries.get(0);
        assertEquals("seq-write", first.get("case"));
        assertEquals(100.0, ((Number) first.get("mib_per_s")).doubleValue(), 1e-3);
        List<Object> speedups = (List<Object>) json.get("speedups");
        assertEquals(3, speedups.size());
        assertEquals(25.0, ((Number) ((Map<String, Object>) speedups.get(0)).get("pv_over_emulated")).doubleValue(), 1e-3);
        assertEquals(2, ((List<Object>) json.get("skipped")).size());
        assertEquals(report.measurements().size(), ((List<Object>) json.get("runs")).size());
    }

    @Test
    void svgIsXmlWithABarForEveryMeasuredRow() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document svg = f.newDocumentBuilder().parse(dir.resolve("bench.svg").toFile());
        Element root = svg.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
        // a background, a bar per summary, a legend square per series (pv and emulated on interp)
        assertEquals(1 + report.summaries().size() + 2, svg.getElementsByTagName("rect").getLength());
        String text = Files.readString(dir.resolve("bench.svg"));
        assertTrue(text.contains("Test CPU &lt;&quot;quoted&quot; &amp; odd&gt;"), "the machine is escaped");
        assertTrue(text.contains(">seq-write</text>") && text.contains(">console</text>"));
    }

    @Test
    void markdownIsATableWithTheHeaderAndSpeedups() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("bench.md"));
        int header = lines.indexOf("| " + String.join(" | ", MarkdownReport.COLUMNS) + " |");
        assertTrue(header > 0, "the table header");
        assertTrue(lines.get(header + 1).matches("\\|(-+:?\\|)+"), lines.get(header + 1));
        int cells = MarkdownReport.COLUMNS.size();
        int rows = 0;
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            assertEquals(cells + 1, lines.get(i).split("\\|", -1).length - 1, lines.get(i));
            rows++;
        }
        assertEquals(report.summaries().size(), rows);
        assertTrue(lines.stream().anyMatch(l -> l.contains("Test CPU") && l.contains("2 cores")));
        assertTrue(lines.stream().anyMatch(l -> l.contains("abc123")));
        assertTrue(lines.stream().anyMatch(l -> l.contains("string I/O (REP INS/OUTS) one exit per element")));
        assertTrue(lines.contains("- seq-write interp pv 100 MiB/s, emulated 4.00 MiB/s: PV 25.0x emulated"), lines.toString());
        assertTrue(lines.contains("- pv on kvm: no /dev/kvm here"));
        assertFalse(lines.stream().anyMatch(l -> l.contains("NaN")));
    }
}
