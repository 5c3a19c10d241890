package io.splitvisor.backend.ring;

/**
 * The frontend broke the ring protocol (for example a producer index more than the ring size
 * ahead). The framework answers it by closing that device; nothing else is affected.
 */
public final class RingProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RingProtocolException(String message) {
        super(message, null, false, false);
    }
}
