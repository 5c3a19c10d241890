package io.splitvisor.backend;

import io.splitvisor.backend.ring.BackRing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The framework's loop for request/response rings, where each request gets one response in
 * order ({@link RequestHandler}): copy each request out, let the handler answer the copy, write
 * the response into the request's slot, push the batch and notify if asked, then the final check.
 * One pass serves at most one ring's worth of requests and then re-queues itself, so a frontend
 * that keeps producing cannot keep the worker from its other steps (closing, for one).
 */
public final class RequestLoop implements DeviceSession {
    private final Connection connection;
    private final BackRing ring;
    private final int ringIndex;
    private final RequestHandler handler;
    private final byte[] request;
    private final byte[] response;
    private final ByteBuffer requestView;
    private final ByteBuffer responseView;

    public RequestLoop(Connection connection, int ringIndex, RequestHandler handler) {
        this.connection = connection;
        this.ring = connection.ring(ringIndex);
        this.ringIndex = ringIndex;
        this.handler = handler;
        this.request = new byte[ring.requestSize()];
        this.response = new byte[ring.responseSize()];
        this.requestView = ByteBuffer.wrap(request).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.responseView = ByteBuffer.wrap(response).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void onNotify() {
        DeviceContext context = connection.context();
        DeviceMetrics metrics = context.metrics();
        RingTracer tracer = context.tracer();
        int budget = ring.size();
        do {
            int available = ring.unconsumedRequests();
            while (available-- > 0) {
                if (budget-- == 0) {
                    flush();
                    context.wake();   // more to do: continue in a fresh pass
                    return;
                }
                int index = ring.copyRequest(request);
                tracer.requestCopied(context.name(), ringIndex, index, request);
                Arrays.fill(response, (byte) 0);
                requestView.clear();
                responseView.clear();
                long bytes = handler.handle(requestView, responseView);
                ring.writeResponse(response);
                metrics.request(bytes);
            }
            flush();
        } while (ring.finalCheckForRequests());
    }

    private void flush() {
        if (ring.pushResponses()) {
            connection.notifyFrontend();
        }
    }
}
