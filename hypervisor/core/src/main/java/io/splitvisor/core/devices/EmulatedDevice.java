package io.splitvisor.core.devices;

import io.splitvisor.core.domain.Domain;

import java.io.IOException;

/**
 * A device model a guest domain is built with ({@link io.splitvisor.core.domain.DomainConfig#devices()}):
 * when the hypervisor creates the domain it calls {@link #attach} once, after the platform ports are
 * claimed and before the vCPU starts, and closes what attach returned when the domain ends (shuts
 * down, crashes or is destroyed). The standard ones (UART, ATA disk, NE2000) are made by
 * {@link io.splitvisor.core.devices.emulated.EmulatedDevices}; any {@link PortDevice} can be
 * attached this way. A description is used for one domain: a second attach may fail.
 */
public interface EmulatedDevice {
    /** A short description for logs and errors ("ata0 disk.img"). */
    String name();

    /**
     * Builds the device for {@code domain} and claims its ports on {@code bus} (which refuses ports
     * already claimed with an IllegalArgumentException).
     *
     * @return what to release when the domain ends (an image to close, a switch port to leave); never null
     * @throws IOException with a one-line message when a resource (an image file) cannot be used; the
     *                     domain is then not created
     */
    AutoCloseable attach(Domain domain, IoBus bus) throws IOException;
}
