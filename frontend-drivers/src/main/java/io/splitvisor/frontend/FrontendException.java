package io.splitvisor.frontend;

/** A Java frontend cannot connect or its backend misbehaved; the message is one line. */
public class FrontendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FrontendException(String message) {
        super(message);
    }

    public FrontendException(String message, Throwable cause) {
        super(message, cause);
    }
}
