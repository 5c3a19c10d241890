package io.splitvisor.toolstack.bench;

import io.splitvisor.backend.Dom0Backends;
import io.splitvisor.core.console.ConsoleLog;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;

import java.nio.file.Path;
import java.util.Set;

/** The split drivers: vbd 0 on the image, vif 0 on dom0's switch; console 0 is always there. */
final class PvWiring implements PathWiring {
    @Override
    public DomainConfig configure(DomainConfig base, Dom0Backends backends, Set<BenchCase.Device> devices, Path disk) {
        return base;
    }

    @Override
    public void attach(Dom0Backends backends, Domain guest, Set<BenchCase.Device> devices, Path disk) {
        if (devices.contains(BenchCase.Device.DISK)) {
            backends.attachDisk(guest.domid(), 0, disk, false);
        }
        if (devices.contains(BenchCase.Device.NIC)) {
            backends.attachNic(guest.domid(), 0);
        }
    }

    @Override
    public ConsoleLog benchConsole(Domain guest) {
        return guest.console();
    }
}
