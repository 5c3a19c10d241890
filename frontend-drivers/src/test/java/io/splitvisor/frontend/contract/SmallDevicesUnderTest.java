package io.splitvisor.frontend.contract;

import java.time.Duration;

/** The entropy and secondary-console frontends as the contract tests drive them (Java now, C guests too). */
public final class SmallDevicesUnderTest {
    private SmallDevicesUnderTest() {
    }

    /** An entropy frontend: it reports what it read as a CRC-32, which both kinds of frontend can give. */
    public interface Rng extends AutoCloseable {
        /** Reads {@code n} bytes from the device; returns their CRC-32 (java.util.zip.CRC32). */
        long readCrc32(int n);

        @Override
        void close();
    }

    /** A secondary console frontend. */
    public interface Console extends AutoCloseable {
        /** Writes {@code text} to the console (the backend's log gets it as lines). */
        void write(String text);

        /** One line of input (without its newline), or null after {@code wait}. */
        String readLine(Duration wait);

        @Override
        void close();
    }
}
