package io.splitvisor.core.domain;

import io.micrometer.core.instrument.Counter;
import io.splitvisor.core.devices.IoBus;
import io.splitvisor.core.metrics.CoreMeters;
import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Vcpu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of a guest's vCPU thread: run the engine until an exit, handle the exit on this
 * thread, repeat until the domain ends. Anything that goes wrong inside ends this domain with a
 * crash report and nothing else: the host and the other domains go on.
 */
final class VcpuRunner implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(VcpuRunner.class);
    private static final long RFLAGS_IF = 1 << 9;

    /** What the runner needs from the lifecycle. */
    interface Ending {
        void crash(Domain domain, String reason, long faultAddress);
    }

    private final Domain domain;
    private final GuestContext context;
    private final IoBus bus;
    private final Ending ending;
    private final Counter[] exitCounters = new Counter[ExitReason.values().length];
    private final Counter[] deviceExitCounters;
    private boolean reportedMmio;

    VcpuRunner(Domain domain, GuestContext context, IoBus bus, CoreMeters meters, Ending ending) {
        this.domain = domain;
        this.context = context;
        this.bus = bus;
        this.ending = ending;
        for (ExitReason r : ExitReason.values()) {
            exitCounters[r.ordinal()] = meters.exits(r.name().toLowerCase(java.util.Locale.ROOT), domain.domid());
        }
        java.util.List<io.splitvisor.core.devices.PortDevice> devices = bus.devices();
        deviceExitCounters = new Counter[devices.size()];
        for (int i = 0; i < devices.size(); i++) {
            deviceExitCounters[i] = meters.deviceExits(devices.get(i).name(), domain.domid());
        }
    }

    @Override
    public void run() {
        Vcpu vcpu = context.vcpu();
        try {
            while (!context.stopRequested() && !domain.status().ended()) {
                if (context.pauseRequested()) {
                    domain.transition(DomainStatus.PAUSED);
                    if (!context.waitWhilePaused()) {
                        break;
                    }
                    domain.transition(DomainStatus.RUNNING);
                    continue;
                }
                Exit exit = vcpu.run();
                exitCounters[exit.reason().ordinal()].increment();
                handle(vcpu, exit);
            }
        } catch (RuntimeException | StackOverflowError | AssertionError | LinkageError e) {
            LOG.error("{}: internal error while running it", domain, e);
            ending.crash(domain, "internal hypervisor error: " + e, -1);
        }
    }

    private void handle(Vcpu vcpu, Exit exit) {
        if (exit.isIo()) {
            int device = bus.deviceIndex(exit.port());
            if (device >= 0) {
                deviceExitCounters[device].increment();
            }
        }
        switch (exit.reason()) {
            case IO_OUT -> {
                if (exit.count() > 1) {   // a batched REP OUTS: the elements go to the device in order
                    bus.outString(exit.port(), exit.size(), exit.count(), exit.stringData());
                } else {
                    bus.out(exit.port(), exit.size(), exit.data());
                }
            }
            case IO_IN -> {
                if (exit.count() > 1) {   // a batched REP INS: the device fills the exit's buffer, in order
                    bus.inString(exit.port(), exit.size(), exit.count(), exit.stringBuffer());
                    vcpu.completeIn(0);
                } else {
                    vcpu.completeIn(bus.in(exit.port(), exit.size()));
                }
            }
            case MMIO_READ -> {
                noDevice(exit);
                vcpu.completeMmioRead(exit.size() >= 8 ? -1L : (1L << (exit.size() * 8)) - 1);
            }
            case MMIO_WRITE -> noDevice(exit);
            case HLT -> halt(vcpu);
            case SHUTDOWN -> ending.crash(domain, "triple fault" + (exit.faultVector() >= 0
                    ? " (vector " + exit.faultVector() + " could not be delivered" + (exit.detail().isEmpty() ? "" : ": " + exit.detail()) + ")"
                    : exit.detail().isEmpty() ? "" : " (" + exit.detail() + ")"), -1);
            case FAIL_ENTRY, INTERNAL_ERROR -> ending.crash(domain, "the engine could not run the guest: " + exit, -1);
            case INSTRUCTION_LIMIT, STOP_REQUESTED -> { }
        }
    }

    /** HLT waits for an event; with interrupts disabled nothing could ever wake it, so it ends the domain. */
    private void halt(Vcpu vcpu) {
        if ((vcpu.rflags() & RFLAGS_IF) == 0 && context.upcallVector() == 0) {
            ending.crash(domain, "halted with interrupts disabled (nothing can wake it)", -1);
            return;
        }
        domain.transition(DomainStatus.BLOCKED);
        context.waitForEvent();
        domain.transition(DomainStatus.RUNNING);
    }

    private void noDevice(Exit exit) {
        if (!reportedMmio) {
            reportedMmio = true;
            LOG.info("{}: {} with no device there (reads all ones, writes ignored; reported once)", domain, exit);
        }
    }
}
