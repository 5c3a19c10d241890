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
 *       EmulatedDevices.ataDisk(Path.of("disk.img"), false),    // ATA master at 0x1F0-0x1F7 and 0x3F6
 *       EmulatedDevices.ne2000(segment, EmulatedDevices.GENERATED_MAC)));   // NE2000 at 0x300-0x31F
 * </pre>
 * Each description makes a fresh device for every domain it is attached to.
 */
public final class EmulatedDevices {
    /** For {@link #ne2000}: the address 00:16:3e:DD:DD:e0 made from the domain id DDDD. */
    public static final long GENERATED_MAC = -1;

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
                return claimed(raw, () -> {
                    bus.register(AtaDisk.COMMAND_BLOCK, 8, disk);
                    bus.register(AtaDisk.CONTROL, 1, disk);
                });
            }
        };
    }

    /**
     * An NE2000 at 0x300-0x31F on {@code segment} (dom0's switch through {@code SwitchSegment}, where the PV vifs
     * are), with station address {@code mac} (48 bits) or {@link #GENERATED_MAC}. It leaves the segment when the
     * domain ends.
     */
    public static EmulatedDevice ne2000(EthernetSegment segment, long mac) {
        return new EmulatedDevice() {
            @Override
            public String name() {
                return "ne2000";
            }

            @Override
            public AutoCloseable attach(Domain domain, IoBus bus) {
                long address = mac != GENERATED_MAC ? mac & 0xFFFF_FFFF_FFFFL
                        : 0x00163E0000E0L | (long) (domain.domid() & 0xFFFF) << 8;
                EthernetSegment.Link link = segment.connect("ne2000-" + domain.domid(), address);
                return claimed(link, () -> bus.register(Ne2000.BASE, Ne2000.PORTS, new Ne2000(name(), address, link)));
            }
        };
    }

    /** Claims ports for a device holding {@code resource}; if the bus refuses (ports taken) the resource is released. */
    private static <T extends AutoCloseable> T claimed(T resource, Runnable claims) {
        try {
            claims.run();
            return resource;
        } catch (IllegalArgumentException e) {
            try {
                resource.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
