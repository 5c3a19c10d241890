package io.splitvisor.system.kvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what {@code splitvisor run} printed into the part that must be the same on every engine. Kept: every line,
 * every value the guest computes (registers in crash reports, checksums of disk data, counts, error names). Masked,
 * because they differ between two runs on the same engine: durations and rates (the guests time themselves, also as
 * iobench's {@code ns=} fields), counts that follow the timing (notifications, waits, events coalesced, ring
 * publications, retries, stalls, the operation and byte totals of iodemo's stats lines, which include resent
 * frames), event-channel ports that two domains allocate in either order, the wall clock, and
 * checksums of random bytes, netping's frame totals (discovery frames sent before the peer listens come and go).
 * The host's own log lines ({@code [WARN] ...}: an engine's notes about this machine) are no guest output and are
 * dropped. A run whose domain writes through two consoles into one log (the ring and the UART) is compared as a
 * sorted set of lines, since the two paths reach the log in either order. Lines are grouped per domain ({@code [N:name]} prefix) because two
 * domains' lines interleave in any order; the toolstack's own lines are sorted for the same reason.
 */
final class ConsoleNormalizer {
    private static final Pattern DOMAIN_LINE = Pattern.compile("^(\\[\\d+:[^\\]]*\\]).*");
    private static final Pattern RATE = Pattern.compile("\\d+(\\.\\d+)? ?([KMG]i?B|[KMG]bit|round trips)/s");
    private static final Pattern TIMING_COUNT = Pattern.compile(
            "\\d+ (publications|notifications sent|received|waits|events seen|resent)\\b");
    private static final Pattern TIMING_STAT = Pattern.compile("\\b(notifications|waits) \\d+");
    private static final Pattern STATS_TOTALS = Pattern.compile("\\bops \\d+, in \\d+ B, out \\d+ B");
    private static final Pattern FRAME_TOTALS = Pattern.compile("\\b(tx|rx) \\d+ frames");
    private static final Pattern HOST_LOG = Pattern.compile("^\\[(TRACE|DEBUG|INFO|WARN|ERROR)\\] .*");
    private static final Pattern RTT = Pattern.compile("rtt min/avg/max = [^,]*");
    private static final Pattern PORT = Pattern.compile("\\b(event-channel|port) \\d+\\b");
    private static final Pattern DURATION = Pattern.compile("\\b\\d+(\\.\\d+)? ?(ns|us|µs|ms|s)\\b");
    private static final Pattern TIMING_FIELD = Pattern.compile("\\b(ns|p50_ns|p99_ns|peer_ns|resent|stalls)=\\d+");
    private static final Pattern WALL_CLOCK = Pattern.compile("wall clock \\d+");
    private static final Pattern CRC = Pattern.compile("crc32([ =])0x[0-9a-f]+");

    private ConsoleNormalizer() {
    }

    /** The comparable form of one run's output; {@code randomData} masks checksums (the run reads the RNG). */
    static String normalize(String output, boolean randomData) {
        return normalize(output, randomData, false);
    }

    /** As {@link #normalize(String, boolean)}; {@code unordered} sorts each domain's lines (two consoles, one log). */
    static String normalize(String output, boolean randomData, boolean unordered) {
        Map<String, List<String>> perDomain = new TreeMap<>();
        List<String> toolstack = new ArrayList<>();
        for (String raw : output.split("\n", -1)) {
            if (raw.isEmpty() || HOST_LOG.matcher(raw).matches()) {
                continue;
            }
            String line = mask(raw, randomData);
            Matcher m = DOMAIN_LINE.matcher(line);
            if (m.matches()) {
                perDomain.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(line);
            } else {
                toolstack.add(line);
            }
        }
        StringBuilder b = new StringBuilder();
        perDomain.values().forEach(lines -> (unordered ? lines.stream().sorted() : lines.stream())
                .forEach(l -> b.append(l).append('\n')));
        toolstack.stream().sorted().forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    private static String mask(String line, boolean randomData) {
        String s = RATE.matcher(line).replaceAll("<rate>");
        s = TIMING_FIELD.matcher(s).replaceAll("$1=<timing>");
        s = TIMING_COUNT.matcher(s).replaceAll("<count> $1");
        s = TIMING_STAT.matcher(s).replaceAll("$1 <count>");
        s = STATS_TOTALS.matcher(s).replaceAll("ops <count>, in <bytes>, out <bytes>");
        s = FRAME_TOTALS.matcher(s).replaceAll("$1 <count> frames");
        s = RTT.matcher(s).replaceAll("rtt min/avg/max = <durations>");
        s = PORT.matcher(s).replaceAll("$1 <port>");
        s = WALL_CLOCK.matcher(s).replaceAll("wall clock <time>");
        s = DURATION.matcher(s).replaceAll("<duration>");
        return randomData ? CRC.matcher(s).replaceAll("crc32$1<random>") : s;
    }
}
