package io.splitvisor.core.devices;

/**
 * A device reached through x86 port I/O. Every emulated device and the platform ports follow
 * this template: the vCPU thread calls it for each IN or OUT of a port it claimed, with the
 * access size (1, 2 or 4 bytes). It must not block for long and must not throw for any guest
 * input: bad accesses behave as on the real device (ignored writes, all-ones reads, error bits).
 */
public interface PortDevice {
    /** A short name for logs and metrics. */
    String name();

    /** The value an IN of {@code size} bytes from {@code port} reads. */
    long in(int port, int size);

    /** An OUT of {@code value} ({@code size} bytes) to {@code port}. */
    void out(int port, int size, long value);

    /**
     * A batched REP INS: {@code count} elements of {@code size} bytes read from {@code port} into {@code dst}
     * (little-endian), in order. By default one {@link #in} per element; a device with a data port moves blocks.
     */
    default void inString(int port, int size, int count, byte[] dst) {
        for (int i = 0; i < count; i++) {
            long v = in(port, size);
            for (int k = 0; k < size; k++) {
                dst[i * size + k] = (byte) (v >>> (8 * k));
            }
        }
    }

    /**
     * A batched REP OUTS: {@code count} elements of {@code size} bytes from {@code src} (little-endian, consumed)
     * written to {@code port} in order. By default one {@link #out} per element.
     */
    default void outString(int port, int size, int count, java.nio.ByteBuffer src) {
        for (int i = 0; i < count; i++) {
            long v = 0;
            for (int k = 0; k < size; k++) {
                v |= (src.get() & 0xFFL) << (8 * k);
            }
            out(port, size, v);
        }
    }
}
