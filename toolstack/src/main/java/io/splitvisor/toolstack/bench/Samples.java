package io.splitvisor.toolstack.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Measurements of one case across runs: median and spread. */
public final class Samples {
    private final String name;
    private final String unit;
    private final List<Double> values = new ArrayList<>();

    public Samples(String name, String unit) {
        this.name = name;
        this.unit = unit;
    }

    public String name() {
        return name;
    }

    public void add(double v) {
        values.add(v);
    }

    public double median() {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    public String row() {
        return String.format("%-34s %12.1f %-8s (min %.1f, max %.1f, %d runs)", name, median(), unit, min(), max(), values.size());
    }
}
