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
}
