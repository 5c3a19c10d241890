package io.splitvisor.frontend.blk;

/**
 * A block frontend the contract tests drive: the Java {@link BlockFrontend} today, a C guest's
 * blkfront later (a guest-backed implementation runs the operations in the guest and reports
 * the results). Errors surface as {@link BlockIoException} with the response's status.
 */
public interface BlockFrontendUnderTest extends AutoCloseable {
    long sectors();

    boolean readOnly();

    boolean flushSupported();

    boolean discardSupported();

    void read(long sector, byte[] dst);

    void write(long sector, byte[] src);

    void flush();

    void discard(long sector, long count);

    /** Disconnects cleanly (Closing, Closed). */
    @Override
    void close();
}
