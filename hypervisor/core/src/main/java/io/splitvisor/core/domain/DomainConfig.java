package io.splitvisor.core.domain;

import io.splitvisor.core.devices.EmulatedDevice;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to build a domain.
 *
 * @param name             a short name for logs and the store
 * @param kernel           the guest ELF; null for a host domain driven from Java
 * @param memoryBytes      RAM, a multiple of 4 KiB
 * @param cmdline          passed to the guest in its start info
 * @param engine           "interp", "kvm" or "auto"
 * @param traceHypercalls  log every hypercall of this domain
 * @param devices          emulated devices attached to the domain's I/O ports at creation (none by default;
 *                         see {@code io.splitvisor.core.devices.emulated.EmulatedDevices})
 * @param batchStringIo    REP INS/OUTS hand up to a page of elements to a device in one exit (as KVM's in-kernel
 *                         string PIO does); off by default, so every element of a string port access is an exit
 *                         of its own, the cost model of full emulation the PV-versus-emulation benchmark measures
 */
public record DomainConfig(String name, Path kernel, long memoryBytes, String cmdline, String engine,
                           boolean traceHypercalls, List<EmulatedDevice> devices, boolean batchStringIo) {
    public static final long DEFAULT_MEMORY = 64L << 20;

    public DomainConfig {
        Objects.requireNonNull(name, "name");
        cmdline = cmdline == null ? "" : cmdline;
        engine = engine == null ? "auto" : engine;
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    /** A configuration without emulated devices. */
    public DomainConfig(String name, Path kernel, long memoryBytes, String cmdline, String engine, boolean traceHypercalls) {
        this(name, kernel, memoryBytes, cmdline, engine, traceHypercalls, List.of(), false);
    }

    public static DomainConfig guest(String name, Path kernel) {
        return new DomainConfig(name, kernel, DEFAULT_MEMORY, "", "auto", false);
    }

    public DomainConfig withMemory(long bytes) {
        return new DomainConfig(name, kernel, bytes, cmdline, engine, traceHypercalls, devices, batchStringIo);
    }

    public DomainConfig withCmdline(String line) {
        return new DomainConfig(name, kernel, memoryBytes, line, engine, traceHypercalls, devices, batchStringIo);
    }

    public DomainConfig withEngine(String kind) {
        return new DomainConfig(name, kernel, memoryBytes, cmdline, kind, traceHypercalls, devices, batchStringIo);
    }

    public DomainConfig withTrace(boolean trace) {
        return new DomainConfig(name, kernel, memoryBytes, cmdline, engine, trace, devices, batchStringIo);
    }

    /** The same configuration with {@code list} as its emulated devices (attached in order). */
    public DomainConfig withDevices(List<EmulatedDevice> list) {
        return new DomainConfig(name, kernel, memoryBytes, cmdline, engine, traceHypercalls, list, batchStringIo);
    }

    /** The same configuration with string I/O batching on or off (see {@link #batchStringIo()}). */
    public DomainConfig withBatchStringIo(boolean on) {
        return new DomainConfig(name, kernel, memoryBytes, cmdline, engine, traceHypercalls, devices, on);
    }
}
