package io.splitvisor.core.domain;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.layout.ConsoleRingLayout;
import io.splitvisor.abi.layout.SharedInfoLayout;
import io.splitvisor.abi.proto.StartInfo;
import io.splitvisor.core.evtchn.PortTable;
import io.splitvisor.core.evtchn.SharedInfoSink;
import io.splitvisor.core.grant.GrantMaps;
import io.splitvisor.core.grant.GrantTable;
import io.splitvisor.engine.image.ElfFormatException;
import io.splitvisor.engine.image.ElfImage;
import io.splitvisor.core.loader.GuestImageException;
import io.splitvisor.core.loader.GuestLoader;
import io.splitvisor.core.time.TscScale;
import io.splitvisor.core.memory.GuestPhysicalMap;
import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.Engine;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.Vcpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Builds a guest domain: reads and checks the ELF, allocates and fills its memory, creates its
 * vCPU in the start state, its ports and grant table. What needs dom0 (console and store
 * channels) is wired by {@link Hypervisor}.
 */
final class GuestBuilder {
    static final int PORT_LIMIT = 1024;
    static final int MSR_TSC = 0x10;
    static final int MAPPING_LIMIT = 1024;

    private GuestBuilder() {
    }

    /** The image of {@code kernel}, or a one-line reason it cannot be used. */
    static ElfImage readImage(Path kernel) throws GuestImageException {
        if (kernel == null) {
            throw new GuestImageException("no guest image given");
        }
        byte[] file;
        try {
            if (Files.isDirectory(kernel)) {
                throw new GuestImageException(kernel + " is a directory, not a guest image");
            }
            file = Files.readAllBytes(kernel);
        } catch (NoSuchFileException e) {
            throw new GuestImageException("no such file: " + kernel);
        } catch (IOException e) {
            throw new GuestImageException("cannot read " + kernel + ": " + e.getMessage());
        }
        try {
            return ElfImage.parse(kernel.toString(), file);
        } catch (ElfFormatException e) {
            throw new GuestImageException(e.getMessage());
        }
    }

    /** Everything of a new guest except its dom0 connections. */
    record Parts(Domain domain, GuestContext context, GuestLoader.Layout layout, ElfImage image) {
    }

    static Parts build(int id, DomainConfig config, ElfImage image, Engine engine) throws GuestImageException {
        long size = config.memoryBytes();
        GuestLoader.checkMemorySize(size);
        if (image.highestAddress() > size) {
            throw new GuestImageException(String.format("%s needs memory up to 0x%x, but the domain has only %d MiB",
                    config.kernel(), image.highestAddress(), size >> 20));
        }
        GuestMemory memory = GuestMemory.allocate(GuestLoader.regions(size));
        try {
            return assemble(id, config, image, engine, memory);
        } catch (GuestImageException | RuntimeException e) {
            memory.release();
            throw e;
        }
    }

    private static Parts assemble(int id, DomainConfig config, ElfImage image, Engine engine, GuestMemory memory)
            throws GuestImageException {
        long size = config.memoryBytes();
        GuestLoader.Layout layout = GuestLoader.load(memory, size, image, String.valueOf(config.kernel()));
        initSharedPages(memory);

        Vcpu vcpu = engine.createVcpu(memory, CpuidModel.standard(new SplitvisorCpuid(GuestPhysicalMap.START_INFO)));
        vcpu.setStringIoBatching(config.batchStringIo());
        vcpu.setState(GuestLoader.initialState(image.entry(), layout.cr3()));
        vcpu.writeMsr(MSR_TSC, 0);   // the TSC counts nanoseconds from creation: see initTime
        initTime(memory, TscScale.of(vcpu.tscHz()));
        GuestContext context = new GuestContext(vcpu, engine.name());
        SharedInfoSink sink = new SharedInfoSink(memory, GuestPhysicalMap.SHARED_INFO, context);
        context.bindEvents(sink);
        PortTable ports = new PortTable(id, PORT_LIMIT);
        GrantTable grants = new GrantTable(id, memory, GuestPhysicalMap.GRANT_TABLE, GuestPhysicalMap.GRANT_FRAMES, size);
        GrantMaps maps = new GrantMaps(MAPPING_LIMIT, GuestPhysicalMap.GRANT_MAP_WINDOW, GuestPhysicalMap.GRANT_MAP_PAGES);
        Domain domain = new Domain(id, config.name(), false, memory, size, ports, sink, grants, maps, config.traceHypercalls());
        domain.attachGuest(context);
        return new Parts(domain, context, layout, image);
    }

    private static void initSharedPages(GuestMemory memory) {
        memory.fill(GuestPhysicalMap.SHARED_INFO, GuestPhysicalMap.PAGE, (byte) 0);
        memory.fill(GuestPhysicalMap.CONSOLE_RING, GuestPhysicalMap.PAGE, (byte) 0);
        memory.fill(GuestPhysicalMap.STORE_RING, GuestPhysicalMap.PAGE, (byte) 0);
        memory.fill(GuestPhysicalMap.GRANT_TABLE, (long) GuestPhysicalMap.GRANT_FRAMES * GuestPhysicalMap.PAGE, (byte) 0);
        memory.writeU8(GuestPhysicalMap.CONSOLE_RING + ConsoleRingLayout.CONNECTION, ConsoleRingLayout.CONNECTED);
        long wallNanos = System.currentTimeMillis() * 1_000_000L;
        long shared = GuestPhysicalMap.SHARED_INFO;
        memory.writeU32(shared + SharedInfoLayout.WC_SEC, (wallNanos / 1_000_000_000L) & 0xFFFFFFFFL);
        memory.writeU32(shared + SharedInfoLayout.WC_SEC_HI, (wallNanos / 1_000_000_000L) >>> 32);
        memory.writeU32(shared + SharedInfoLayout.WC_NSEC, wallNanos % 1_000_000_000L);
    }

    /**
     * The vCPU's time info: the TSC counts from 0 at creation (at 1 GHz on the interpreter, at the rate KVM gives the
     * guest on KVM), so monotonic time is the TSC scaled: system_time 0 at TSC 0, then {@code scale}.
     */
    private static void initTime(GuestMemory memory, TscScale scale) {
        long time = GuestPhysicalMap.SHARED_INFO + SharedInfoLayout.vcpuInfo(0) + SharedInfoLayout.VCPU_TIME;
        memory.writeU64(time + SharedInfoLayout.TIME_TSC_TIMESTAMP, 0);
        memory.writeU64(time + SharedInfoLayout.TIME_SYSTEM_TIME, 0);
        memory.writeU32(time + SharedInfoLayout.TIME_TSC_TO_SYSTEM_MUL, scale.mul());
        memory.writeU8(time + SharedInfoLayout.TIME_TSC_SHIFT, scale.shift());
        memory.writeU32(time + SharedInfoLayout.TIME_VERSION, 2);
    }

    /** The start info of a built guest, once its console and store channels exist. */
    static StartInfo startInfo(Domain d, DomainConfig config, GuestLoader.Layout layout, int consolePort, int storePort) {
        return StartInfo.newBuilder()
                .setAbiVersion(AbiConstants.ABI_VERSION)
                .setDomid(d.domid())
                .setName(config.name())
                .setPrivileged(d.privileged())
                .setMemoryBytes(layout.memorySize())
                .setVcpus(1)
                .setSharedInfoGpa(GuestPhysicalMap.SHARED_INFO)
                .setHypercallFrameGpa(GuestPhysicalMap.HYPERCALL_FRAME)
                .setHypercallFrameSize(GuestPhysicalMap.HYPERCALL_FRAME_SIZE)
                .setConsoleRingGpa(GuestPhysicalMap.CONSOLE_RING)
                .setConsoleEvtchn(consolePort)
                .setStoreRingGpa(GuestPhysicalMap.STORE_RING)
                .setStoreEvtchn(storePort)
                .setGrantTableGpa(GuestPhysicalMap.GRANT_TABLE)
                .setGrantTableFrames(GuestPhysicalMap.GRANT_FRAMES)
                .setGrantMapGpa(GuestPhysicalMap.GRANT_MAP_WINDOW)
                .setGrantMapPages(GuestPhysicalMap.GRANT_MAP_PAGES)
                .setPageTableGpa(layout.cr3())
                .setFirstFreeGpa(layout.firstFree())
                .setStackTopGpa(GuestPhysicalMap.BOOT_STACK_TOP)
                .setCmdline(config.cmdline())
                .build();
    }
}
