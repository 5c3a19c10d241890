package io.splitvisor.engine.image;

/** An ELF file that cannot be used as a guest program; the message is one line naming the file and the problem. */
public final class ElfFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ElfFormatException(String message) {
        super(message);
    }
}
