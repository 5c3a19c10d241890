package io.splitvisor.toolstack.bench;

import io.splitvisor.backend.Dom0Backends;
import io.splitvisor.core.console.ConsoleLog;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;

import java.nio.file.Path;
import java.util.Set;

/** The emulated PC devices: ATA on the image, an NE2000 on dom0's switch, the 16550 UART. */
final class EmulatedWiring implements PathWiring {
    @Override
    public String unavailable() {
        return "the emulated devices (ATA, NE2000, 16550) are not in this build yet";
    }

    @Override
    public DomainConfig configure(DomainConfig base, Set<BenchCase.Device> devices, Path disk) {
        throw new IllegalStateException(unavailable());
    }

    @Override
    public void attach(Dom0Backends backends, Domain guest, Set<BenchCase.Device> devices, Path disk) {
        throw new IllegalStateException(unavailable());
    }

    @Override
    public ConsoleLog benchConsole(Domain guest) {
        throw new IllegalStateException(unavailable());
    }
}
