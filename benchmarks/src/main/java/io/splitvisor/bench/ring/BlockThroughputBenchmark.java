package io.splitvisor.bench.ring;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.backend.Dom0Backends;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.frontend.FrontendDomain;
import io.splitvisor.frontend.blk.BlockFrontend;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Block backend throughput through the Java blkfront: sequential reads and writes of a 64 MiB raw
 * image that sits in the page cache, 8 MiB per call (requests of 44 KiB, up to 32 in flight).
 * One operation is one MiB, so the score is MiB/s. The whole path is measured: the frontend's
 * ring and grants in its host domain, the event channels, dom0's worker, grant copies and
 * positional file I/O; no CPU engine runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class BlockThroughputBenchmark {
    private static final int IMAGE_MIB = 64;
    private static final int CHUNK = 8 << 20;
    private static final long SECTORS_PER_CHUNK = CHUNK / 512;

    private Path image;
    private Hypervisor hv;
    private Dom0Backends backends;
    private BlockFrontend disk;
    private final byte[] buffer = new byte[CHUNK];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        image = Files.createTempFile("splitvisor-bench", ".img");
        byte[] data = new byte[1 << 20];
        new Random(1).nextBytes(data);
        for (int i = 0; i < IMAGE_MIB; i++) {
            Files.write(image, data, java.nio.file.StandardOpenOption.APPEND);
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        hv = new Hypervisor(new Engines(), meters, io.splitvisor.core.domain.CrashReporter.REGISTERS_ONLY);
        backends = new Dom0Backends(hv, meters);
        FrontendDomain guest = FrontendDomain.create(hv, "bench-blk", 8 << 20);
        backends.attachDisk(guest.domid(), 0, image, false);
        disk = BlockFrontend.connect(guest, "51712", Duration.ofSeconds(10));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        disk.close();
        backends.close();
        hv.close();
        Files.deleteIfExists(image);
    }

    @Benchmark
    @OperationsPerInvocation(IMAGE_MIB)
    public byte[] sequentialRead() {
        for (int c = 0; c < IMAGE_MIB * (1 << 20) / CHUNK; c++) {
            disk.read(c * SECTORS_PER_CHUNK, buffer, 0, CHUNK);
        }
        return buffer;
    }

    @Benchmark
    @OperationsPerInvocation(IMAGE_MIB)
    public byte[] sequentialWrite() {
        for (int c = 0; c < IMAGE_MIB * (1 << 20) / CHUNK; c++) {
            disk.write(c * SECTORS_PER_CHUNK, buffer, 0, CHUNK);
        }
        return buffer;
    }
}
