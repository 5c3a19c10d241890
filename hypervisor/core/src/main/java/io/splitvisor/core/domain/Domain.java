package io.splitvisor.core.domain;

import io.splitvisor.abi.proto.ShutdownReason;
import io.splitvisor.core.console.ConsoleLog;
import io.splitvisor.core.evtchn.EventDomain;
import io.splitvisor.core.evtchn.EventSink;
import io.splitvisor.core.evtchn.PortTable;
import io.splitvisor.core.grant.GrantDomain;
import io.splitvisor.core.grant.GrantMaps;
import io.splitvisor.core.grant.GrantTable;
import io.splitvisor.engine.GuestMemory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One domain: its identity, memory, event channels, grants, console and lifecycle. A guest domain
 * runs an ELF on a vCPU ({@link #guest()} is non-null); a host domain (dom0, or a frontend written
 * in Java) is driven by Java code and has no vCPU.
 */
public final class Domain implements EventDomain, GrantDomain {
    private final int id;
    private final String name;
    private final boolean privileged;
    private final long createdNanos = System.nanoTime();
    private final GuestMemory memory;
    private final long memoryBytes;
    private final PortTable ports;
    private final EventSink sink;
    private final GrantTable grantTable;
    private final GrantMaps maps;
    private final ConsoleLog console;
    private final boolean traceHypercalls;
    private final AtomicReference<DomainStatus> status = new AtomicReference<>(DomainStatus.CREATED);
    private final CompletableFuture<ShutdownInfo> ended = new CompletableFuture<>();
    private volatile GuestContext guest;
    private volatile io.splitvisor.core.metrics.DomainMeters meters;
    private volatile java.util.function.IntFunction<byte[]> consoleInput;

    Domain(int id, String name, boolean privileged, GuestMemory memory, long memoryBytes, PortTable ports,
           EventSink sink, GrantTable grantTable, GrantMaps maps, boolean traceHypercalls) {
        this.id = id;
        this.name = name;
        this.privileged = privileged;
        this.memory = memory;
        this.memoryBytes = memoryBytes;
        this.ports = ports;
        this.sink = sink;
        this.grantTable = grantTable;
        this.maps = maps;
        this.console = new ConsoleLog(name);
        this.traceHypercalls = traceHypercalls;
    }

    @Override
    public int domid() {
        return id;
    }

    public String name() {
        return name;
    }

    @Override
    public boolean privileged() {
        return privileged;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    public long memoryBytes() {
        return memoryBytes;
    }

    @Override
    public PortTable ports() {
        return ports;
    }

    @Override
    public EventSink sink() {
        return sink;
    }

    @Override
    public GrantTable grantTable() {
        return grantTable;
    }

    @Override
    public GrantMaps maps() {
        return maps;
    }

    public ConsoleLog console() {
        return console;
    }

    /** Takes up to {@code max} bytes of console input, from the console ring when the domain has one. */
    public byte[] readConsoleInput(int max) {
        java.util.function.IntFunction<byte[]> reader = consoleInput;
        return reader != null ? reader.apply(max) : console.takeInput(max);
    }

    void setConsoleInput(java.util.function.IntFunction<byte[]> reader) {
        this.consoleInput = reader;
    }

    public boolean traceHypercalls() {
        return traceHypercalls;
    }

    /** Nanoseconds since the domain was created: its monotonic clock. */
    public long uptimeNanos() {
        return System.nanoTime() - createdNanos;
    }

    /** This domain's counters (set when the hypervisor registers it). */
    public io.splitvisor.core.metrics.DomainMeters meters() {
        return meters;
    }

    void setMeters(io.splitvisor.core.metrics.DomainMeters m) {
        this.meters = m;
    }

    /** The vCPU side of a guest domain, or null for a host domain. */
    public GuestContext guest() {
        return guest;
    }

    void attachGuest(GuestContext context) {
        this.guest = context;
    }

    public DomainStatus status() {
        return status.get();
    }

    @Override
    public boolean alive() {
        return status.get() != DomainStatus.DYING;
    }

    /** Moves to {@code next} unless the domain already ended; returns whether it moved. */
    boolean transition(DomainStatus next) {
        while (true) {
            DomainStatus now = status.get();
            if (now.ended() && next != DomainStatus.DYING) {
                return false;
            }
            if (status.compareAndSet(now, next)) {
                return true;
            }
        }
    }

    private final java.util.concurrent.atomic.AtomicReference<ShutdownInfo> shutdown = new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Records how the domain ended; the first record wins and returns true. Waiters on
     * {@link #ended()} are released by {@link #announceEnded()}, once the bookkeeping is done.
     */
    boolean recordShutdown(ShutdownInfo info) {
        if (!shutdown.compareAndSet(null, info)) {
            return false;
        }
        transition(DomainStatus.SHUTDOWN);
        console.flush();
        return true;
    }

    void announceEnded() {
        ended.complete(shutdown.get());
    }

    /** Completes when the domain shuts down, crashes or is destroyed. */
    public CompletableFuture<ShutdownInfo> ended() {
        return ended;
    }

    /** The shutdown record, or null while the domain lives. */
    public ShutdownInfo shutdownInfo() {
        return shutdown.get();
    }

    void markDestroyed() {
        status.set(DomainStatus.DYING);
        console.flush();
        shutdown.compareAndSet(null, new ShutdownInfo(ShutdownReason.SHUTDOWN_POWEROFF, 0, "destroyed", null));
        announceEnded();
    }

    @Override
    public String toString() {
        return "domain " + id + " (" + name + ")";
    }
}
