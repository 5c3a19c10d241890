package io.splitvisor.benchmarks;

import io.splitvisor.engine.ExitReason;
import io.splitvisor.x86.exec.InterpreterVcpu;
import io.splitvisor.x86.tools.GuestMachine;
import io.splitvisor.x86.tools.GuestRun;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The interpreter against the host CPU in the same run: guest instructions per second on the integer loop, and for
 * each C test program (built with -O2, repeated, console off) the guest and native wall times and their ratio.
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar io.splitvisor.benchmarks.InterpreterVsNative [repeat]}.
 */
public final class InterpreterVsNative {
    private InterpreterVsNative() {
    }

    public static void main(String[] args) throws Exception {
        long target = args.length > 0 ? Long.parseLong(args[0]) : 200_000_000L;
        System.out.printf("integer loop: %.0f M guest instructions/s%n", loopSpeed() / 1e6);
        Path dir = Files.createTempDirectory("splitvisor-bench");
        System.out.println("Each program runs REPEAT times per process; times are minus a REPEAT=0 run of the same"
                + " binary (loading, page tables); native times are measured inside the process around the same loop;"
                + " best of 3 guest and 5 native runs.");
        System.out.printf("%-12s %7s %14s %10s %8s %10s %12s%n", "program", "repeat", "guest instr", "guest ms",
                "MIPS", "native ms", "native/guest");
        double logSum = 0;
        int n = 0;
        for (String p : GuestPrograms.PROGRAMS) {
            Path probe = GuestPrograms.build(dir, p, true, 1);
            Path empty = GuestPrograms.build(dir, p + "-empty", true, 0, p);
            long perRun = guest(probe)[1] - guest(empty)[1];
            int repeat = (int) Math.max(1, Math.min(100_000, target / Math.max(1, perRun)));
            Path elf = GuestPrograms.build(dir, p, true, repeat);
            long[] g = best(elf, 3);
            long[] g0 = best(empty, 3);
            Path linux = GuestPrograms.build(dir, p, false, repeat);
            long nat = nativeBest(linux);
            long guestNs = g[0] - g0[0];
            long instructions = g[1] - g0[1];
            double ratio = (double) nat / guestNs;
            logSum += Math.log(ratio);
            n++;
            System.out.printf("%-12s %7d %14d %10.1f %8.1f %10.2f %12s%n", p, repeat, instructions, guestNs / 1e6,
                    instructions / (guestNs / 1e9) / 1e6, nat / 1e6, String.format("1/%.1f", 1 / ratio));
        }
        System.out.printf("geometric mean: guest runs at 1/%.1f of native speed%n", 1 / Math.exp(logSum / n));
    }

    /** {wall ns, instructions} of one guest run. */
    private static long[] guest(Path elf) throws Exception {
        long t0 = System.nanoTime();
        GuestRun.Outcome o = GuestMachine.run(elf, Long.MAX_VALUE);
        long t = System.nanoTime() - t0;
        if (o.exitCode() == null) {
            throw new IllegalStateException(elf + " failed as a guest: " + o.exit());
        }
        return new long[] {t, o.instructions()};
    }

    private static long[] best(Path elf, int runs) throws Exception {
        long[] best = {Long.MAX_VALUE, 0};
        for (int i = 0; i < runs; i++) {
            long[] r = guest(elf);
            if (r[0] < best[0]) {
                best = r;
            }
        }
        return best;
    }

    private static long nativeBest(Path binary) throws Exception {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            best = Math.min(best, GuestPrograms.runNative(binary));
        }
        return best;
    }

    static double loopSpeed() {
        try (InterpreterVcpu vcpu = IntegerLoop.start()) {
            double best = 0;
            for (int i = 0; i < 8; i++) {
                long t0 = System.nanoTime();
                if (vcpu.run(100_000_000L).reason() != ExitReason.INSTRUCTION_LIMIT) {
                    throw new IllegalStateException("loop guest stopped");
                }
                best = Math.max(best, 100_000_000L / ((System.nanoTime() - t0) / 1e9));
            }
            return best;
        }
    }
}
