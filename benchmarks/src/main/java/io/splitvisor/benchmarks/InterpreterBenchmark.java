package io.splitvisor.benchmarks;

import io.splitvisor.engine.ExitReason;
import io.splitvisor.x86.exec.InterpreterVcpu;
import io.splitvisor.x86.tools.GuestMachine;
import io.splitvisor.x86.tools.GuestRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Guest instructions per second of the x86-64 interpreter: the integer loop (score = instructions/s) and one C
 * program (sha256 at -O2, score = runs/s). For the ratio to native speed run {@link InterpreterVsNative}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InterpreterBenchmark {
    static final int LOOP_INSTRUCTIONS = 10_000_000;
    private InterpreterVcpu loop;
    private Path sha256;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        loop = IntegerLoop.start();
        Path dir = Files.createTempDirectory("splitvisor-bench");
        sha256 = GuestPrograms.build(dir, "sha256", true, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(LOOP_INSTRUCTIONS)
    public long integerLoop() {
        if (loop.run(LOOP_INSTRUCTIONS).reason() != ExitReason.INSTRUCTION_LIMIT) {
            throw new IllegalStateException("loop guest stopped");
        }
        return loop.retiredInstructions();
    }

    @Benchmark
    public long sha256Program() throws Exception {
        GuestRun.Outcome o = GuestMachine.run(sha256, 1_000_000_000L);
        if (o.exitCode() == null) {
            throw new IllegalStateException("sha256 guest failed: " + o.exit());
        }
        return o.instructions();
    }
}
