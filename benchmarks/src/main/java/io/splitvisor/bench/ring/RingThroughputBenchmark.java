package io.splitvisor.bench.ring;

import io.splitvisor.abi.layout.BlkifLayout;
import io.splitvisor.backend.ring.BackRing;
import io.splitvisor.frontend.FrontRing;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
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
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Requests per second through the shared ring (a blkif ring in a granted page: the frontend's
 * {@link FrontRing} on its own memory, the backend's {@link BackRing} on dom0's mapping of it)
 * beside Agrona's {@link OneToOneRingBuffer} doing the same work in the same run.
 *
 * <p>One operation is one request's round trip: the frontend writes a 112-byte request, the
 * backend copies it out and writes a 16-byte response, the frontend copies the response out.
 * Requests go in batches ({@code batch1}: one per publication; {@code batch32}: a full ring per
 * publication, with Xen's event-index check per push and the final checks). Agrona does the same
 * with a request ring and a response ring of the same capacity (4 KiB), its handler copying each
 * message out as the backend does. Both run on one thread, so the comparison measures the cost of
 * the ring protocol itself, not cache-line transfer between cores (the shared 2-core machine
 * cannot pin two threads anyway).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class RingThroughputBenchmark {
    private static final int REQUEST = BlkifLayout.REQUEST_SIZE;
    private static final int RESPONSE = BlkifLayout.RESPONSE_SIZE;
    private static final int BATCH = 32;

    private SharedPage shared;
    private FrontRing front;
    private BackRing back;
    private final byte[] request = new byte[REQUEST];
    private final byte[] response = new byte[RESPONSE];
    private final byte[] requestCopy = new byte[REQUEST];
    private final byte[] responseCopy = new byte[RESPONSE];

    private OneToOneRingBuffer agronaRequests;
    private OneToOneRingBuffer agronaResponses;
    private UnsafeBuffer agronaRequest;
    private UnsafeBuffer agronaResponse;
    private MessageHandler backendHandler;
    private MessageHandler frontendHandler;

    @Setup(Level.Trial)
    public void setUp() {
        shared = new SharedPage();
        front = new FrontRing(shared.frontend.memory(), SharedPage.RING, BlkifLayout.RING);
        front.init();
        back = new BackRing(shared.backendView, BlkifLayout.RING);
        request[0] = BlkifLayout.OP_READ;

        int capacity = 4096;
        agronaRequests = new OneToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
        agronaResponses = new OneToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
        agronaRequest = new UnsafeBuffer(request);
        agronaResponse = new UnsafeBuffer(response);
        backendHandler = (type, buffer, index, length) -> {
            buffer.getBytes(index, requestCopy, 0, length);
            agronaResponses.write(1, agronaResponse, 0, RESPONSE);
        };
        frontendHandler = (type, buffer, index, length) -> buffer.getBytes(index, responseCopy, 0, length);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        shared.close();
    }

    private void xen(int batch, Blackhole bh) {
        for (int i = 0; i < batch; i++) {
            front.putRequest(request);
        }
        bh.consume(front.pushRequests());
        do {
            for (int n = back.unconsumedRequests(); n > 0; n--) {
                back.copyRequest(requestCopy);
                back.writeResponse(response);
            }
            bh.consume(back.pushResponses());
        } while (back.finalCheckForRequests());
        do {
            for (int n = front.unconsumedResponses(); n > 0; n--) {
                front.takeResponse(responseCopy);
            }
        } while (front.finalCheckForResponses());
        bh.consume(responseCopy);
    }

    private void agrona(int batch, Blackhole bh) {
        for (int i = 0; i < batch; i++) {
            agronaRequests.write(1, agronaRequest, 0, REQUEST);
        }
        bh.consume(agronaRequests.read(backendHandler, batch));
        bh.consume(agronaResponses.read(frontendHandler, batch));
        bh.consume(responseCopy);
    }

    @Benchmark
    public void xenRingBatch1(Blackhole bh) {
        xen(1, bh);
    }

    @Benchmark
    public void agronaBatch1(Blackhole bh) {
        agrona(1, bh);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void xenRingBatch32(Blackhole bh) {
        xen(BATCH, bh);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void agronaBatch32(Blackhole bh) {
        agrona(BATCH, bh);
    }
}
