package io.splitvisor.core.devices.emulated;

import io.splitvisor.core.devices.EmulatedDevice;
import io.splitvisor.core.devices.IoBus;
import io.splitvisor.core.devices.RawImage;
import io.splitvisor.core.domain.Domain;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The standard PC devices a domain can be built with, at their standard ports (PLATFORM.md section 7):
 * <pre>
 *   DomainConfig.guest("g", elf).withDevices(List.of(
 *       EmulatedDevices.uart(),                          // 16550A at 0x3F8-0x3FF, on the domain's console
 *       EmulatedDevices.ataDisk(Path.of("disk.img"), false)));   // ATA master at 0x1F0-0x1F7 and 0x3F6
 * </pre>
 * Each description makes a fresh device for every domain it is attached to.
 */
public final class EmulatedDevices {
    private EmulatedDevices() {
    }

    /** A 16550A UART at 0x3F8 (COM1): transmitted bytes go to the domain's console, received ones come from its input. */
    public static EmulatedDevice uart() {
        return new EmulatedDevice() {
            @Override
            public String name() {
                return "uart0";
            }

            @Override
            public AutoCloseable attach(Domain domain, IoBus bus) {
                bus.register(Uart16550.COM1, Uart16550.PORTS, new Uart16550(name(), domain.console()::write,
                        domain::readConsoleInput, System::nanoTime));
                return () -> { };
            }
        };
    }

    /**
     * An ATA disk, master on the primary channel (0x1F0-0x1F7, 0x3F6), PIO, on the raw image {@code image}
     * (the same files the PV block backend serves). The image is opened when the domain is created (a
     * missing or unreadable file fails the creation with one line) and closed when it ends.
     */
    public static EmulatedDevice ataDisk(Path image, boolean readOnly) {
        return new EmulatedDevice() {
            @Override
            public String name() {
                return "ata0";
            }

            @Override
            public AutoCloseable attach(Domain domain, IoBus bus) throws IOException {
                RawImage raw = RawImage.open(image, readOnly);
                AtaDisk disk = new AtaDisk("ata0", raw, "SV" + domain.domid() + "-ATA0");
                try {
                    bus.register(AtaDisk.COMMAND_BLOCK, 8, disk);
                    bus.register(AtaDisk.CONTROL, 1, disk);
                } catch (IllegalArgumentException e) {
                    raw.close();
                    throw e;
                }
                return raw;
            }
        };
    }
}
