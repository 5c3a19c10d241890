package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;

import java.util.Objects;

/**
 * A store operation failed; {@link #status()} is the error the caller gets (on the ring: the status of the
 * {@code StoreResponse}). Thrown for guest mistakes and guest hostility alike, so it carries no stack trace: a flood
 * of bad requests must stay cheap.
 */
public final class StoreException extends RuntimeException {
    private final Status status;

    public StoreException(Status status, String detail) {
        super(shortName(status) + ": " + detail, null, false, false);
        this.status = Objects.requireNonNull(status);
    }

    public Status status() {
        return status;
    }

    /** Xen's name of a status: {@code STATUS_EAGAIN} becomes {@code EAGAIN}. */
    public static String shortName(Status status) {
        String name = status.name();
        return name.startsWith("STATUS_") ? name.substring("STATUS_".length()) : name;
    }
}
