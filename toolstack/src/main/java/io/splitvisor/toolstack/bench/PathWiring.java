package io.splitvisor.toolstack.bench;

import io.splitvisor.backend.Dom0Backends;
import io.splitvisor.core.console.ConsoleLog;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;

import java.nio.file.Path;
import java.util.Set;

/** How one I/O path gives the benchmark guest its disk, NIC and console. */
interface PathWiring {
    /** The domain's configuration with what must exist at creation (emulated devices, on dom0's switch for a NIC). */
    DomainConfig configure(DomainConfig base, Dom0Backends backends, Set<BenchCase.Device> devices, Path disk);

    /** Plugs in what is attached after creation (split-driver devices). */
    void attach(Dom0Backends backends, Domain guest, Set<BenchCase.Device> devices, Path disk);

    /** Where the console case's lines arrive on the host. */
    ConsoleLog benchConsole(Domain guest);

    static PathWiring of(IoPath path) {
        return path == IoPath.PV ? new PvWiring() : new EmulatedWiring();
    }
}
