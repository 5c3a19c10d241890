package io.splitvisor.backend;

import java.nio.ByteBuffer;

/**
 * Serves one request of a request/response ring (see {@link RequestLoop}): the simple kind of
 * backend, where each request gets exactly one response, in order.
 */
@FunctionalInterface
public interface RequestHandler {
    /**
     * @param request  a private copy of the request (little-endian, position 0): read only this
     * @param response the response to fill (little-endian, zeroed, position 0)
     * @return data bytes the request moved (for {@code splitvisor.ring.bytes}); 0 for none
     */
    long handle(ByteBuffer request, ByteBuffer response);
}
