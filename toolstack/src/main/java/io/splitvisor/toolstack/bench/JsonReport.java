package io.splitvisor.toolstack.bench;

import io.splitvisor.x86.tools.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report as one JSON object (RFC 8259):
 * <pre>
 * { "machine": {cpu, cores, jvm, os, commit, date},
 *   "settings": {mib, xfer_kib, rand_ops, rtts, frames, lines, runs, warmup, cases[], paths[], engines[],
 *                batch_string_io},
 *   "summaries": [{case, path, engine, runs, bytes, ops, mib_per_s, mib_per_s_min, mib_per_s_max, p50_us,
 *                  p99_us, exits_per_mib, hypercalls_per_mib, instructions_per_byte, vcpu_cpu_ms, host_cpu_ms,
 *                  lost_pct}],
 *   "speedups": [{case, engine, pv_over_emulated}],
 *   "skipped": [{path, engine, cases, reason}],
 *   "runs": [{case, path, engine, run, bytes, ops, guest_ns, p50_ns, p99_ns, errors, lost, exits, hypercalls,
 *             instructions, vcpu_cpu_ns, host_cpu_ns}] }
 * </pre>
 * Figures JSON cannot hold (NaN) are null.
 */
public final class JsonReport {
    private JsonReport() {
    }

    public static void write(BenchReport report, Path file) throws IOException {
        Files.writeString(file, Json.write(document(report)), StandardCharsets.UTF_8);
    }

    static Map<String, Object> document(BenchReport report) {
        MachineInfo m = report.machine();
        BenchSettings s = report.settings();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("machine", object("cpu", m.cpuModel(), "cores", m.cores(), "jvm", m.jvm(), "os", m.os(), "commit", m.commit(),
                "date", m.date()));
        doc.put("settings", object("mib", s.mib(), "xfer_kib", s.xferKib(), "rand_ops", s.randOps(), "rtts", s.rtts(),
                "frames", s.frames(), "lines", s.lines(), "runs", s.runs(), "warmup", s.warmup(),
                "cases", s.cases().stream().map(BenchCase::word).toList(),
                "paths", s.paths().stream().map(IoPath::label).toList(), "engines", s.engines(),
                "batch_string_io", s.batchStringIo()));
        List<Object> summaries = new ArrayList<>();
        for (CaseSummary c : report.summaries()) {
            summaries.add(object("case", c.row(), "path", c.path().label(), "engine", c.engine(), "runs", c.runs(),
                    "bytes", c.bytes(), "ops", c.ops(), "mib_per_s", num(c.mibPerSecond()),
                    "mib_per_s_min", num(c.minMibPerSecond()), "mib_per_s_max", num(c.maxMibPerSecond()),
                    "p50_us", num(c.p50Us()), "p99_us", num(c.p99Us()), "exits_per_mib", num(c.exitsPerMib()),
                    "hypercalls_per_mib", num(c.hypercallsPerMib()), "instructions_per_byte", num(c.instructionsPerByte()),
                    "vcpu_cpu_ms", num(c.vcpuCpuMs()), "host_cpu_ms", num(c.hostCpuMs()), "lost_pct", num(c.lostPercent())));
        }
        doc.put("summaries", summaries);
        List<Object> speedups = new ArrayList<>();
        for (String engine : report.enginesMeasured()) {
            for (String row : report.rows()) {
                report.speedup(row, engine).ifPresent(x -> speedups.add(object("case", row, "engine", engine,
                        "pv_over_emulated", num(x))));
            }
        }
        doc.put("speedups", speedups);
        doc.put("skipped", report.skips().stream()
                .map(k -> (Object) object("path", k.path().label(), "engine", k.engine(), "cases", k.what(), "reason", k.reason()))
                .toList());
        List<Object> runs = new ArrayList<>();
        for (Measurement r : report.measurements()) {
            MeterSnapshot h = r.host();
            runs.add(object("case", r.row(), "path", r.path().label(), "engine", r.engine(), "run", r.run(), "bytes", r.bytes(),
                    "ops", r.ops(), "guest_ns", r.guestNs(), "p50_ns", r.p50Ns(), "p99_ns", r.p99Ns(), "errors", r.errors(), "lost", r.lost(),
                    "exits", h.exits(), "hypercalls", h.hypercalls(), "instructions", h.instructions(),
                    "vcpu_cpu_ns", h.vcpuCpuNs(), "host_cpu_ns", h.processCpuNs()));
        }
        doc.put("runs", runs);
        return doc;
    }

    /** An object from alternating keys and values, in that order. */
    private static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> o = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            o.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return o;
    }

    /** A JSON number, or null for NaN and infinities (which JSON has not). */
    private static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
