package io.splitvisor.abi.gen;

/** A .proto construct the C generator cannot turn into heap-free C; the message names the field. */
public final class AbiSchemaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AbiSchemaException(String message) {
        super(message);
    }
}
