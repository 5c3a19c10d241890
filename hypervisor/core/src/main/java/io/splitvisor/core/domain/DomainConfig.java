package io.splitvisor.core.domain;

import java.nio.file.Path;
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
 */
public record DomainConfig(String name, Path kernel, long memoryBytes, String cmdline, String engine,
                           boolean traceHypercalls) {
    public static final long DEFAULT_MEMORY = 64L << 20;

    public DomainConfig {
        Objects.requireNonNull(name, "name");
        cmdline = cmdline == null ? "" : cmdline;
        engine = engine == null ? "auto" : engine;
    }

    public static DomainConfig guest(String name, Path kernel) {
        return new DomainConfig(name, kernel, DEFAULT_MEMORY, "", "auto", false);
    }

    public DomainConfig withMemory(long bytes) {
        return new DomainConfig(name, kernel, bytes, cmdline, engine, traceHypercalls);
    }

    public DomainConfig withCmdline(String line) {
        return new DomainConfig(name, kernel, memoryBytes, line, engine, traceHypercalls);
    }

    public DomainConfig withEngine(String kind) {
        return new DomainConfig(name, kernel, memoryBytes, cmdline, kind, traceHypercalls);
    }

    public DomainConfig withTrace(boolean trace) {
        return new DomainConfig(name, kernel, memoryBytes, cmdline, engine, trace);
    }
}
