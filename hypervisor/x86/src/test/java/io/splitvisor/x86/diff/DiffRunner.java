package io.splitvisor.x86.diff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Generates cases, runs them on both sides in batches, and reports the first mismatches. */
public final class DiffRunner {
    private static final int BATCH = 2000;

    private DiffRunner() {
    }

    /** Null when every case agreed, else a report naming the seed and the failing cases. */
    public static String run(long seed, long cases, int maxReported) throws Exception {
        System.out.println("differential test: seed " + seed + ", " + cases + " cases"
                + " (reproduce with -Dsplitvisor.diff.seed=" + seed + ")");
        long start = System.nanoTime();
        Map<String, Integer> perFamily = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        int failed = 0;
        try (NativeHarness h = new NativeHarness(); InterpreterSide interp = new InterpreterSide(h.fsBase)) {
            CaseGenerator gen = new CaseGenerator(seed, h.fsBase);
            long done = 0;
            List<DiffCase> batch = new ArrayList<>(BATCH);
            while (done < cases) {
                batch.clear();
                for (int i = 0; i < BATCH && done + i < cases; i++) {
                    batch.add(gen.next());
                }
                h.run(batch);
                for (DiffCase c : batch) {
                    interp.run(c);
                    perFamily.merge(c.family, 1, Integer::sum);
                    String why = c.mismatch();
                    if (why != null) {
                        failed++;
                        if (failures.size() < maxReported) {
                            failures.add(why + "\n  " + c.describe());
                        }
                    }
                }
                done += batch.size();
            }
        }
        System.out.printf("differential test: %d cases in %.1f s, %d mismatches; per family %s%n", cases,
                (System.nanoTime() - start) / 1e9, failed, perFamily);
        if (failed == 0) {
            return null;
        }
        return "seed " + seed + ": " + failed + " of " + cases + " cases differ from the host CPU:\n"
                + String.join("\n", failures);
    }

    /** Soak entry point: java ... DiffRunner [cases] [seed]. */
    public static void main(String[] args) throws Exception {
        long cases = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        String r = run(seed, cases, 50);
        System.out.println(r == null ? "all cases agree" : r);
        System.exit(r == null ? 0 : 1);
    }
}
