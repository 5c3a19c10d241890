package io.splitvisor.core.devices.emulated;

import io.splitvisor.core.devices.EmulatedDevice;
import io.splitvisor.core.devices.IoBus;
import io.splitvisor.core.domain.Domain;

/**
 * The standard PC devices a domain can be built with, at their standard ports (PLATFORM.md section 7):
 * <pre>
 *   DomainConfig.guest("g", elf).withDevices(List.of(
 *       EmulatedDevices.uart()));                        // 16550A at 0x3F8-0x3FF, on the domain's console
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
}
