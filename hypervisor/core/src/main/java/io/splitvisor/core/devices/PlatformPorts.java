package io.splitvisor.core.devices;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.ShutdownReason;
import io.splitvisor.core.StatusException;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.evtchn.EventChannels;
import io.splitvisor.core.hypercall.HypercallGate;
import io.splitvisor.core.metrics.CoreMeters;

/**
 * The ports every Splitvisor guest has (ABI.md section 3): the hypercall gate, the doorbell,
 * the 0xE9 debug console and the 0xF4 debug exit.
 */
public final class PlatformPorts {
    /** Ends a domain the way SchedShutdown does. */
    public interface Shutdown {
        void shutdown(Domain domain, ShutdownReason reason, int exitCode, String message);
    }

    private PlatformPorts() {
    }

    /** Claims the platform ports of {@code domain} on {@code bus}. */
    public static void attach(IoBus bus, Domain domain, HypercallGate gate, EventChannels events, CoreMeters meters,
                              Shutdown shutdown) {
        bus.register(AbiConstants.HYPERCALL_PORT, 4, new PortDevice() {
            @Override
            public String name() {
                return "hypercall-gate";
            }

            @Override
            public long in(int port, int size) {
                return -1L >>> (64 - size * 8);
            }

            @Override
            public void out(int port, int size, long value) {
                if (size == 4) {
                    gate.invoke(domain, value & 0xFFFFFFFFL);
                }
            }
        });
        bus.register(AbiConstants.DOORBELL_PORT, 4, new PortDevice() {
            @Override
            public String name() {
                return "doorbell";
            }

            @Override
            public long in(int port, int size) {
                return -1L >>> (64 - size * 8);
            }

            @Override
            public void out(int port, int size, long value) {
                if (size != 4) {
                    return;
                }
                try {
                    events.send(domain, (int) value);
                    domain.meters().events().increment();
                } catch (StatusException e) {
                    // An OUT has no result: a bad port is counted, like a failed EvtchnSend.
                    meters.hypercallErrors("doorbell", e.status().name()).increment();
                }
            }
        });
        bus.register(AbiConstants.DEBUG_CONSOLE_PORT, 1, new PortDevice() {
            @Override
            public String name() {
                return "debug-console";
            }

            @Override
            public long in(int port, int size) {
                return AbiConstants.DEBUG_CONSOLE_PORT;   // Bochs and QEMU answer 0xE9, so guests can detect the port
            }

            @Override
            public void out(int port, int size, long value) {
                domain.console().write((byte) value);
            }
        });
        bus.register(AbiConstants.DEBUG_EXIT_PORT, 1, new PortDevice() {
            @Override
            public String name() {
                return "debug-exit";
            }

            @Override
            public long in(int port, int size) {
                return -1L >>> (64 - size * 8);
            }

            @Override
            public void out(int port, int size, long value) {
                shutdown.shutdown(domain, ShutdownReason.SHUTDOWN_POWEROFF, (int) value,
                        "exit code " + (int) value + " written to the debug exit port");
            }
        });
    }
}
