package io.splitvisor.toolstack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The throughput of every case as a horizontal bar chart in SVG: one group per case, one bar per
 * path and engine, on a logarithmic axis (PV and emulation differ by orders of magnitude), each
 * bar labelled with its median and drawn with its min-max whisker.
 */
public final class SvgChart {
    private static final int WIDTH = 900;
    private static final int LEFT = 120;
    private static final int RIGHT = 110;
    private static final int TOP = 64;
    private static final int BAR = 16;
    private static final int GROUP_GAP = 14;
    private static final String[] COLOURS = {"#1f6fb4", "#d4492a", "#6aa4d8", "#ef9a7f"};

    private SvgChart() {
    }

    public static void write(BenchReport report, Path file) throws IOException {
        Files.writeString(file, render(report), StandardCharsets.UTF_8);
    }

    private record Series(IoPath path, String engine, String colour) {
        String label() {
            return path.label() + " (" + engine + ")";
        }
    }

    static String render(BenchReport report) {
        List<Series> series = new ArrayList<>();
        for (String engine : report.enginesMeasured()) {
            for (IoPath path : report.settings().paths()) {
                if (report.rows().stream().anyMatch(r -> report.summary(r, path, engine).isPresent())) {
                    series.add(new Series(path, engine, COLOURS[series.size() % COLOURS.length]));
                }
            }
        }
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (CaseSummary c : report.summaries()) {
            if (c.minMibPerSecond() > 0) {
                lo = Math.min(lo, c.minMibPerSecond());
            }
            hi = Math.max(hi, c.maxMibPerSecond());
        }
        if (hi <= 0) {
            lo = 0.1;
            hi = 1;
        }
        int firstDecade = (int) Math.floor(Math.log10(Math.min(lo, hi)));
        int lastDecade = (int) Math.ceil(Math.log10(hi));
        if (lastDecade == firstDecade) {
            lastDecade++;
        }
        int plot = WIDTH - LEFT - RIGHT;
        double decades = lastDecade - firstDecade;
        java.util.function.DoubleUnaryOperator x = v -> LEFT + plot * (Math.log10(Math.max(v, Math.pow(10, firstDecade)))
                - firstDecade) / decades;

        List<String> rows = report.rows().stream()
                .filter(r -> series.stream().anyMatch(s -> report.summary(r, s.path(), s.engine()).isPresent())).toList();
        int groupHeight = Math.max(1, series.size()) * BAR + GROUP_GAP;
        int height = TOP + rows.size() * groupHeight + 40 + 18 * series.size();
        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        b.append(text(LEFT, 22, "Splitvisor I/O throughput, MiB/s (log scale): PV versus emulated devices", "font-size=\"15\" font-weight=\"bold\""));
        MachineInfo m = report.machine();
        b.append(text(LEFT, 40, m.cpuModel() + ", " + m.cores() + " cores; " + m.jvm() + "; commit " + m.commit(), "fill=\"#555\""));
        int axisBottom = TOP + rows.size() * groupHeight;
        for (int d = firstDecade; d <= lastDecade; d++) {
            double gx = x.applyAsDouble(Math.pow(10, d));
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n", gx, TOP - 6,
                    gx, axisBottom));
            b.append(text(gx, axisBottom + 16, BenchReport.number(Math.pow(10, d)), "text-anchor=\"middle\" fill=\"#555\""));
        }
        int y = TOP;
        for (String row : rows) {
            b.append(text(LEFT - 8, y + series.size() * BAR / 2.0 + 4, row, "text-anchor=\"end\""));
            for (int i = 0; i < series.size(); i++) {
                Series s = series.get(i);
                int by = y + i * BAR;
                var c = report.summary(row, s.path(), s.engine());
                if (c.isEmpty()) {
                    continue;
                }
                double end = x.applyAsDouble(c.get().mibPerSecond());
                b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n", LEFT,
                        by + 1, Math.max(1, end - LEFT), BAR - 2, s.colour()));
                double w0 = x.applyAsDouble(c.get().minMibPerSecond());
                double w1 = x.applyAsDouble(c.get().maxMibPerSecond());
                b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>%n", w0,
                        by + BAR / 2.0, w1, by + BAR / 2.0));
                b.append(text(Math.max(end, w1) + 4, by + BAR - 4, BenchReport.number(c.get().mibPerSecond()), "font-size=\"11\""));
            }
            y += groupHeight;
        }
        int ly = axisBottom + 34;
        for (Series s : series) {
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", LEFT, ly - 10,
                    s.colour()));
            b.append(text(LEFT + 18, ly, s.label(), ""));
            ly += 18;
        }
        return b.append("</svg>\n").toString();
    }

    private static String text(double x, double y, String content, String attributes) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>%n", x, y,
                attributes.isEmpty() ? "" : " " + attributes, escape(content));
    }

    /** The five characters XML reserves, as entities. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&apos;");
    }
}
