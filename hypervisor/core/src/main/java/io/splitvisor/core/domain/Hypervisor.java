package io.splitvisor.core.domain;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.ShutdownReason;
import io.splitvisor.abi.proto.Virq;
import io.splitvisor.core.console.ConsoleRingBackend;
import io.splitvisor.core.devices.EmulatedDevice;
import io.splitvisor.core.devices.IoBus;
import io.splitvisor.core.devices.PlatformPorts;
import io.splitvisor.core.evtchn.EventChannels;
import io.splitvisor.core.evtchn.HostEventSink;
import io.splitvisor.core.evtchn.PortBinding;
import io.splitvisor.core.evtchn.PortState;
import io.splitvisor.core.evtchn.PortTable;
import io.splitvisor.core.grant.GrantMaps;
import io.splitvisor.core.grant.GrantTable;
import io.splitvisor.core.grant.Grants;
import io.splitvisor.core.hypercall.HypercallGate;
import io.splitvisor.core.hypercall.StandardHypercalls;
import io.splitvisor.engine.image.ElfImage;
import io.splitvisor.core.loader.GuestImageException;
import io.splitvisor.core.loader.GuestLoader;
import io.splitvisor.core.memory.GuestPhysicalMap;
import io.splitvisor.core.metrics.CoreMeters;
import io.splitvisor.core.store.Store;
import io.splitvisor.core.store.StoreRingConnection;
import io.splitvisor.core.time.TimerService;
import io.splitvisor.engine.Engine;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The hypervisor: dom0, the domains it creates, and the services they share. Everything runs in
 * this JVM; dom0 is Java code (backends and the toolstack) with domain id 0.
 */
public final class Hypervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hypervisor.class);
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final CoreMeters meters;
    private final DomainRegistry registry = new DomainRegistry();
    private final EventChannels events;
    private final Grants grants;
    private final HypercallGate gate;
    private final TimerService timers = new TimerService();
    private final ExecutorService dom0Executor;
    private final EngineProvider engines;
    private final Domain dom0;
    private final CrashReporter crashReporter;
    private final Store store;
    private final List<Consumer<Domain>> endListeners = new CopyOnWriteArrayList<>();
    /** Domains whose memory {@link #destroy} released (weak: a destroyed domain may be forgotten). */
    private final Set<Domain> memoryReleased = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    public Hypervisor(EngineProvider engines, MeterRegistry registry, CrashReporter crashReporter) {
        this.engines = engines;
        this.meters = new CoreMeters(registry);
        this.crashReporter = crashReporter;
        this.store = new Store(registry);
        this.events = new EventChannels(id -> this.registry.get(id));
        this.grants = new Grants(id -> this.registry.get(id));
        this.dom0Executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dom0-events");
            t.setDaemon(true);
            return t;
        });
        this.dom0 = new Domain(0, "dom0", true, null, 0, new PortTable(0, AbiConstants.EVTCHN_PORTS - 1),
                new HostEventSink(dom0Executor), null, new GrantMaps(4096, -1, 0), false);
        this.dom0.transition(DomainStatus.RUNNING);
        this.dom0.setMeters(meters.forDomain(0));
        this.registry.putDom0(dom0);
        this.gate = new HypercallGate(meters);
        StandardHypercalls.install(gate, this);
    }

    /** A hypervisor with a private meter registry. */
    public Hypervisor(EngineProvider engines) {
        this(engines, new SimpleMeterRegistry(), CrashReporter.REGISTERS_ONLY);
    }

    public Domain dom0() {
        return dom0;
    }

    public HostEventSink dom0Events() {
        return (HostEventSink) dom0.sink();
    }

    public EventChannels events() {
        return events;
    }

    public Grants grants() {
        return grants;
    }

    /** The store; dom0 code calls it with caller 0. */
    public Store store() {
        return store;
    }

    public TimerService timers() {
        return timers;
    }

    public CoreMeters meters() {
        return meters;
    }

    public Domain domain(int id) {
        return registry.get(id);
    }

    /** Every domain, dom0 first. */
    public List<Domain> domains() {
        return registry.all();
    }

    /** Runs {@code listener} whenever a domain shuts down, crashes or is destroyed. */
    public void onDomainEnded(Consumer<Domain> listener) {
        endListeners.add(listener);
    }

    // ---- creation ---------------------------------------------------------------------------------------

    /** Builds a guest domain from its ELF; it starts with {@link #start}. */
    public Domain createGuest(DomainConfig config) throws GuestImageException {
        ElfImage image = GuestBuilder.readImage(config.kernel());
        GuestLoader.checkMemorySize(config.memoryBytes());   // bad input refused before an engine is chosen (and announced)
        Engine engine;
        try {
            engine = engines.engine(config.engine());
        } catch (IllegalArgumentException e) {
            throw new GuestImageException(e.getMessage());
        }
        int id = registry.allocate(this::referenced);
        GuestBuilder.Parts parts = GuestBuilder.build(id, config, image, engine);
        Domain d = parts.domain();
        d.setMeters(meters.forDomain(id));
        GuestContext ctx = parts.context();
        registry.put(d);
        List<AutoCloseable> attached = new ArrayList<>();
        try {
            int consolePort = connectConsole(d);
            int storePort = connectStore(d);
            ctx.setChannels(consolePort, storePort);
            publish(d, consolePort);
            GuestLoader.writeStartInfo(d.memory(), GuestBuilder.startInfo(d, config, parts.layout(), consolePort, storePort));
            IoBus bus = new IoBus(d.toString());
            PlatformPorts.attach(bus, d, gate, events, meters, this::shutdown);
            attachDevices(d, bus, config.devices(), attached);
            VcpuRunner runner = new VcpuRunner(d, ctx, bus, meters, (dom, reason, address) -> crash(dom, reason, address));
            Thread thread = new Thread(runner, "vcpu-" + id + "-" + config.name());
            thread.setDaemon(true);
            ctx.setThread(thread);
            meters.guestInstructions(id, ctx.vcpu(), v -> v.retiredInstructions());
        } catch (RuntimeException | GuestImageException e) {
            releaseDevices(d, attached);
            events.closeAll(d);
            if (store.isIntroduced(id)) {
                store.releaseDomain(id);
            }
            registry.remove(d);
            ctx.vcpu().close();
            releaseMemory(d);
            throw e;
        }
        if (!attached.isEmpty()) {
            d.ended().whenComplete((info, failure) -> releaseDevices(d, attached));
        }
        meters.domainsCreated().increment();
        LOG.info("created {}: {} MiB, entry 0x{}", d, config.memoryBytes() >> 20, Long.toHexString(image.entry()));
        return d;
    }

    /**
     * Attaches the configured emulated devices to the domain's bus, in order, collecting what each returns to
     * release; a device whose resource cannot be used fails the creation with a one-line message.
     */
    private static void attachDevices(Domain d, IoBus bus, List<EmulatedDevice> devices, List<AutoCloseable> attached)
            throws GuestImageException {
        for (EmulatedDevice device : devices) {
            try {
                attached.add(device.attach(d, bus));
            } catch (java.io.IOException e) {
                throw new GuestImageException(device.name() + ": " + e.getMessage());
            }
        }
    }

    /** Releases a domain's emulated devices once it has ended (they tolerate a vCPU still finishing an access). */
    private static void releaseDevices(Domain d, List<AutoCloseable> attached) {
        List<AutoCloseable> toClose;
        synchronized (attached) {
            toClose = new ArrayList<>(attached);
            attached.clear();
        }
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("{}: releasing an emulated device failed: {}", d, e.toString());
            }
        }
    }

    /** A domain driven from Java (a frontend written in Java) with {@code memoryBytes} of memory for its pages. */
    public Domain createHostDomain(String name, long memoryBytes) {
        int id = registry.allocate(this::referenced);
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, memoryBytes));
        memory.fill(GuestPhysicalMap.GRANT_TABLE, (long) GuestPhysicalMap.GRANT_FRAMES * GuestPhysicalMap.PAGE, (byte) 0);
        Domain d = new Domain(id, name, false, memory, memoryBytes, new PortTable(id, GuestBuilder.PORT_LIMIT),
                new HostEventSink(dom0Executor),
                new GrantTable(id, memory, GuestPhysicalMap.GRANT_TABLE, GuestPhysicalMap.GRANT_FRAMES, memoryBytes),
                new GrantMaps(GuestBuilder.MAPPING_LIMIT, -1, 0), false);
        d.transition(DomainStatus.RUNNING);
        d.setMeters(meters.forDomain(id));
        registry.put(d);
        store.introduceDomain(id);
        store.write(0, 0, "/local/domain/" + id + "/name", name);
        return d;
    }

    /** Introduces a guest to the store and serves its store ring; returns the guest's port. */
    private int connectStore(Domain d) {
        store.introduceDomain(d.domid());
        int guestPort = events.allocUnbound(d, 0);
        int dom0Port = events.bindInterdomain(dom0, d.domid(), guestPort);
        StoreRingConnection connection = new StoreRingConnection(store, d.domid(), d.memory(), GuestPhysicalMap.STORE_RING,
                () -> events.send(dom0, dom0Port));
        dom0Events().setHandler(dom0Port, port -> connection.process());
        return guestPort;
    }

    /** The keys Xen's toolstack writes for every domain: its name, id and console channel. */
    private void publish(Domain d, int consolePort) {
        String home = "/local/domain/" + d.domid();
        store.write(0, 0, home + "/name", d.name());
        store.write(0, 0, home + "/domid", Integer.toString(d.domid()));
        store.write(0, 0, home + "/console/port", Integer.toString(consolePort));
        store.write(0, 0, home + "/console/ring-ref", Integer.toString(AbiConstants.GRANT_REF_CONSOLE));
        store.write(0, 0, home + "/console/type", "xenconsoled");
    }

    /** Binds dom0 to the guest's console channel and serves its console ring; returns the guest's port. */
    private int connectConsole(Domain d) {
        int guestPort = events.allocUnbound(d, 0);
        int dom0Port = events.bindInterdomain(dom0, d.domid(), guestPort);
        ConsoleRingBackend backend = new ConsoleRingBackend(d.memory(), GuestPhysicalMap.CONSOLE_RING, d.console(),
                () -> events.send(dom0, dom0Port));
        dom0Events().setHandler(dom0Port, port -> backend.service());
        d.setConsoleInput(backend::readInput);
        d.console().onInput(() -> {
            backend.service();
            events.raiseVirq(d, Virq.VIRQ_CONSOLE_VALUE);
        });
        return guestPort;
    }

    /** True if a live domain still refers to domain id {@code id} (so it must not be reused). */
    private boolean referenced(int id) {
        for (Domain d : registry.all()) {
            for (int port = 1; port < AbiConstants.EVTCHN_PORTS; port++) {
                PortBinding b = d.ports().binding(port);
                if (b.state() != PortState.FREE && b.state() != PortState.VIRQ && b.remoteDomain() == id) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- lifecycle --------------------------------------------------------------------------------------

    /** Starts a created guest's vCPU. */
    public void start(Domain d) {
        GuestContext ctx = requireGuest(d);
        if (d.transition(DomainStatus.RUNNING)) {
            ctx.thread().start();
        }
    }

    public void pause(Domain d) {
        requireGuest(d).requestPause(true);
    }

    public void unpause(Domain d) {
        requireGuest(d).requestPause(false);
    }

    private static GuestContext requireGuest(Domain d) {
        GuestContext ctx = d.guest();
        if (ctx == null) {
            throw new IllegalArgumentException(d + " has no vCPU");
        }
        return ctx;
    }

    /** Ends {@code d} as its guest asked (SchedShutdown, the debug exit port). */
    public void shutdown(Domain d, ShutdownReason reason, int exitCode, String message) {
        if (d.recordShutdown(new ShutdownInfo(reason, exitCode, message, null))) {
            stopVcpu(d);
            LOG.info("{} shut down: {} (exit code {}){}", d, reason.name(), exitCode, message.isEmpty() ? "" : ": " + message);
            ended(d);
        }
    }

    /** Ends {@code d} with a crash report; called on its vCPU thread. */
    void crash(Domain d, String reason, long faultAddress) {
        CrashReport report = crashReporter.report(d, reason, faultAddress);
        if (d.recordShutdown(new ShutdownInfo(ShutdownReason.SHUTDOWN_CRASH, CrashReporter.CRASH_EXIT_CODE, reason, report))) {
            stopVcpu(d);
            meters.domainsCrashed().increment();
            LOG.warn("{} crashed: {}", d, reason);
            LOG.debug("{}", report.render().stripTrailing());
            ended(d);
        }
    }

    private void stopVcpu(Domain d) {
        GuestContext ctx = d.guest();
        if (ctx != null) {
            ctx.requestStop();
        }
        timers.cancel(d.domid());
    }

    private void ended(Domain d) {
        events.raiseVirq(dom0, Virq.VIRQ_DOM_EXC_VALUE);
        for (Consumer<Domain> l : endListeners) {
            l.accept(d);
        }
        d.announceEnded();
    }

    /**
     * Stops {@code d} if it runs and releases everything it holds; its id is retired. Its memory is released
     * after its vCPU is closed and its own grant mappings are undone; the console and store servers stop touching
     * it (they hold a reference while they work and give up once it is released).
     */
    public void destroy(Domain d) {
        if (d == dom0) {
            throw new IllegalArgumentException("dom0 cannot be destroyed");
        }
        boolean wasEnded = d.status().ended();
        GuestContext ctx = d.guest();
        if (ctx != null) {
            ctx.requestStop();
            Thread t = ctx.thread();
            if (t.isAlive() && t != Thread.currentThread()) {
                try {
                    t.join(STOP_TIMEOUT_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (t.isAlive()) {
                    LOG.error("{}: the vCPU did not stop within {} ms", d, STOP_TIMEOUT_MS);
                }
            }
        }
        timers.cancel(d.domid());
        grants.unmapAll(d);
        events.closeAll(d);
        if (store.isIntroduced(d.domid())) {
            store.releaseDomain(d.domid());
        }
        d.markDestroyed();
        registry.remove(d);
        boolean vcpuClosed = true;
        if (ctx != null) {
            if (ctx.thread().isAlive()) {
                vcpuClosed = false;
            } else {
                ctx.vcpu().close();
            }
        }
        if (vcpuClosed) {
            // the vCPU is closed and the domain's own grant mappings are gone; pins and mappings that other
            // domains hold on this memory keep it until they are dropped
            releaseMemory(d);
        } else {
            LOG.error("{}: its memory is kept, since its vCPU still runs", d);
        }
        if (!wasEnded) {
            ended(d);
        }
        LOG.info("destroyed {}", d);
    }

    /** Drops the domain's own reference to its memory, once, however often it is destroyed. */
    private void releaseMemory(Domain d) {
        GuestMemory memory = d.memory();
        if (memory != null && memoryReleased.add(d)) {
            memory.release();
        }
    }

    @Override
    public void close() {
        for (Domain d : registry.all()) {
            if (d != dom0) {
                destroy(d);
            }
        }
        timers.close();
        dom0Executor.shutdownNow();
        try {
            dom0Executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
