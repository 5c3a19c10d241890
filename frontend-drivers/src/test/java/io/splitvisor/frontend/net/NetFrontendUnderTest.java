package io.splitvisor.frontend.net;

import java.time.Duration;

/**
 * A network frontend the contract tests drive: the Java {@link NetFrontend} today, a C guest's
 * netfront later.
 */
public interface NetFrontendUnderTest extends AutoCloseable {
    /** The interface's address (from its {@code mac} key). */
    long mac();

    /** Transmits one Ethernet frame (14 to 1514 bytes). */
    void send(byte[] frame);

    /** The next frame received, or null after {@code wait}. */
    byte[] receive(Duration wait);

    @Override
    void close();
}
