package io.splitvisor.backend;

import io.micrometer.core.instrument.MeterRegistry;
import io.splitvisor.backend.blk.BlockBackend;
import io.splitvisor.backend.console.ConsoleBackend;
import io.splitvisor.backend.net.MacAddress;
import io.splitvisor.backend.net.NetBackend;
import io.splitvisor.backend.net.VirtualSwitch;
import io.splitvisor.backend.vrng.VrngBackend;
import io.splitvisor.abi.layout.VrngLayout;
import io.splitvisor.backend.xenbus.BackendManager;
import io.splitvisor.backend.xenbus.DeviceAttacher;
import io.splitvisor.backend.xenbus.DevicePaths;
import io.splitvisor.core.domain.Hypervisor;

import java.nio.file.Path;
import java.util.Map;

/**
 * dom0's split-driver backends in one object: the backend manager with every standard driver
 * registered, and the toolstack's attach operations. What the CLI and the tests use.
 */
public final class Dom0Backends implements AutoCloseable {
    /** The name of dom0's switch, in each vif's {@code bridge} key. */
    public static final String BRIDGE = "svbr0";
    private final Hypervisor hypervisor;
    private final BackendManager manager;
    private final DeviceAttacher attacher;
    private final VirtualSwitch bridge;
    private final ConsoleBackend consoles = new ConsoleBackend();

    public Dom0Backends(Hypervisor hypervisor, MeterRegistry registry) {
        this(hypervisor, registry, new VrngBackend());
    }

    /** With a given vrng driver (tests pass one with a seeded generator). */
    public Dom0Backends(Hypervisor hypervisor, MeterRegistry registry, VrngBackend vrng) {
        this.hypervisor = hypervisor;
        this.manager = new BackendManager(hypervisor, registry);
        this.attacher = new DeviceAttacher(hypervisor.store());
        this.bridge = new VirtualSwitch(BRIDGE, registry);
        manager.register(new BlockBackend());
        manager.register(new NetBackend(bridge));
        manager.register(consoles);
        manager.register(vrng);
    }

    /** The bridge every vif is a port of. */
    public VirtualSwitch bridge() {
        return bridge;
    }

    /** Secondary consoles: their logs, and a hook for new ones. */
    public ConsoleBackend consoles() {
        return consoles;
    }

    public BackendManager manager() {
        return manager;
    }

    public DeviceAttacher attacher() {
        return attacher;
    }

    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /**
     * Plugs disk {@code disk} (0 = xvda, id 51712) backed by the raw image {@code image} into domain
     * {@code domid}; the backend opens the image when it sees the device (a missing image makes the
     * device go to Closing with the reason in its {@code error} key).
     */
    public DevicePaths attachDisk(int domid, int disk, Path image, boolean readOnly) {
        DevicePaths p = new DevicePaths(BlockBackend.TYPE, domid, Integer.toString(BlockBackend.deviceId(disk)));
        return attacher.attach(p, BlockBackend.frontendKeys(disk), BlockBackend.backendKeys(image, readOnly, disk));
    }

    /** Plugs network interface {@code index} with address {@code mac} into domain {@code domid}, on the bridge. */
    public DevicePaths attachNic(int domid, int index, long mac) {
        DevicePaths p = new DevicePaths(NetBackend.TYPE, domid, Integer.toString(index));
        return attacher.attach(p, NetBackend.frontendKeys(index, mac), NetBackend.backendKeys(index, mac, BRIDGE));
    }

    /** {@link #attachNic(int, int, long)} with a generated address in Xen's OUI. */
    public DevicePaths attachNic(int domid, int index) {
        return attachNic(domid, index, MacAddress.generated(domid, index));
    }

    /** Plugs secondary console {@code n} (1 or more; console 0 is the start-info one) named {@code name}. */
    public DevicePaths attachConsole(int domid, int n, String name) {
        if (n < 1) {
            throw new IllegalArgumentException("secondary consoles are numbered from 1; console 0 is the primary");
        }
        DevicePaths p = new DevicePaths(ConsoleBackend.TYPE, domid, Integer.toString(n));
        return attacher.attach(p, ConsoleBackend.frontendKeys(name), ConsoleBackend.backendKeys(name));
    }

    /** Plugs entropy device {@code id} into domain {@code domid}. */
    public DevicePaths attachRng(int domid, int id) {
        return attacher.attach(new DevicePaths(VrngLayout.DEVICE_TYPE, domid, Integer.toString(id)), Map.of(), Map.of());
    }

    @Override
    public void close() {
        manager.close();
    }
}
