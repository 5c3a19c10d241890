package io.splitvisor.frontend;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The frontend side of a request/response ring: request ids, submission with batching, and the
 * event handler that consumes responses and completes their futures. Response ids come from the
 * backend and are checked (range, in flight) before use: a frontend does not trust its backend
 * either (Xen's XSA-396 lesson).
 */
public final class RingClient {
    private final FrontendDomain domain;
    private final FrontRing ring;
    private final int port;
    private final ToLongFunction<ByteBuffer> responseId;
    private final ArrayBlockingQueue<Integer> freeIds;
    private final List<CompletableFuture<ByteBuffer>> inflight = new ArrayList<>();
    private final byte[] response;
    private volatile FrontendException broken;

    /**
     * @param maxInflight ids 0..maxInflight-1 (at most the ring size)
     * @param responseId  reads the id out of a response
     */
    public RingClient(FrontendDomain domain, FrontRing ring, int port, int maxInflight, ToLongFunction<ByteBuffer> responseId) {
        if (maxInflight > ring.size()) {
            throw new IllegalArgumentException("maxInflight " + maxInflight + " > ring size " + ring.size());
        }
        this.domain = domain;
        this.ring = ring;
        this.port = port;
        this.responseId = responseId;
        this.freeIds = new ArrayBlockingQueue<>(maxInflight);
        for (int i = 0; i < maxInflight; i++) {
            freeIds.add(i);
            inflight.add(null);
        }
        this.response = new byte[ring.responseSize()];
        domain.onEvent(port, this::onEvent);
    }

    public FrontRing ring() {
        return ring;
    }

    public int port() {
        return port;
    }

    /** Takes a free request id, waiting up to {@code timeout}. */
    public int acquireId(Duration timeout) {
        try {
            Integer id = freeIds.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (id == null) {
                throw new FrontendException("no request id came free within " + timeout.toMillis() + " ms");
            }
            return id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrontendException("interrupted");
        }
    }

    public void releaseId(int id) {
        freeIds.add(id);
    }

    /** Puts a request (whose id field the caller filled with {@code id}) on the ring without publishing it. */
    public synchronized CompletableFuture<ByteBuffer> enqueue(int id, byte[] request) {
        checkUsable();
        CompletableFuture<ByteBuffer> f = new CompletableFuture<>();
        inflight.set(id, f);
        ring.putRequest(request);
        return f;
    }

    /** Publishes what {@link #enqueue} put on the ring and notifies the backend if it asked. */
    public void push() {
        boolean notify;
        synchronized (this) {
            notify = ring.pushRequests();
        }
        if (notify) {
            domain.notify(port);
        }
    }

    /** {@link #enqueue} and {@link #push}. */
    public CompletableFuture<ByteBuffer> submit(int id, byte[] request) {
        CompletableFuture<ByteBuffer> f = enqueue(id, request);
        push();
        return f;
    }

    private void onEvent() {
        List<CompletableFuture<ByteBuffer>> done = new ArrayList<>();
        List<ByteBuffer> results = new ArrayList<>();
        synchronized (this) {
            if (broken != null) {
                return;
            }
            try {
                do {
                    int n = ring.unconsumedResponses();
                    while (n-- > 0) {
                        ring.takeResponse(response);
                        ByteBuffer copy = ByteBuffer.wrap(response.clone()).order(ByteOrder.LITTLE_ENDIAN);
                        long id = responseId.applyAsLong(copy);
                        if (id < 0 || id >= inflight.size() || inflight.get((int) id) == null) {
                            throw new FrontendException("backend answered request id " + id + ", which is not in flight");
                        }
                        done.add(inflight.get((int) id));
                        inflight.set((int) id, null);
                        results.add(copy);
                    }
                } while (ring.finalCheckForResponses());
            } catch (FrontendException e) {
                fail(e);
            }
        }
        for (int i = 0; i < done.size(); i++) {
            done.get(i).complete(results.get(i));
        }
    }

    private void fail(FrontendException e) {
        broken = e;
        for (int i = 0; i < inflight.size(); i++) {
            CompletableFuture<ByteBuffer> f = inflight.get(i);
            if (f != null) {
                f.completeExceptionally(e);
                inflight.set(i, null);
            }
        }
    }

    /** Fails every request still in flight (the device is closing) and stops taking events. */
    public synchronized void shutdown(String why) {
        domain.onEvent(port, null);
        if (broken == null) {
            fail(new FrontendException(why));
        }
    }

    private void checkUsable() {
        if (broken != null) {
            throw new FrontendException(broken.getMessage(), broken);
        }
    }
}
