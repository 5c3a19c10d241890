package io.splitvisor.engine;

/** Host code touched guest-physical memory that is not RAM (a bug in the host caller, never a guest action). */
public final class GuestMemoryException extends RuntimeException {
    public GuestMemoryException(String message) {
        super(message);
    }
}
