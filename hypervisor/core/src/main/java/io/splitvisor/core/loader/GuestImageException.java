package io.splitvisor.core.loader;

/** A guest image that cannot be loaded; the message is one line naming the problem. */
public final class GuestImageException extends Exception {
    private static final long serialVersionUID = 1L;

    public GuestImageException(String message) {
        super(message);
    }
}
