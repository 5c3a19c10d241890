package io.splitvisor.toolstack.bench;

import io.splitvisor.backend.Dom0Backends;
import io.splitvisor.backend.net.SwitchSegment;
import io.splitvisor.core.console.ConsoleLog;
import io.splitvisor.core.devices.EmulatedDevice;
import io.splitvisor.core.devices.emulated.EmulatedDevices;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The emulated PC devices, built with the domain: the 16550 UART at 0x3F8 (its output goes to the
 * domain's console, where the host checks the console case's lines), the ATA disk at 0x1F0 on
 * the image and the NE2000 at 0x300 on dom0's switch.
 */
final class EmulatedWiring implements PathWiring {
    @Override
    public DomainConfig configure(DomainConfig base, Dom0Backends backends, Set<BenchCase.Device> devices, Path disk) {
        List<EmulatedDevice> list = new ArrayList<>(base.devices());
        for (BenchCase.Device d : devices) {
            switch (d) {
                case CONSOLE -> list.add(EmulatedDevices.uart());
                case DISK -> list.add(EmulatedDevices.ataDisk(disk, false));
                case NIC -> list.add(EmulatedDevices.ne2000(new SwitchSegment(backends.bridge()), EmulatedDevices.GENERATED_MAC));
            }
        }
        return base.withDevices(list);
    }

    @Override
    public void attach(Dom0Backends backends, Domain guest, Set<BenchCase.Device> devices, Path disk) {
        // everything is built with the domain
    }

    @Override
    public ConsoleLog benchConsole(Domain guest) {
        return guest.console();
    }
}
