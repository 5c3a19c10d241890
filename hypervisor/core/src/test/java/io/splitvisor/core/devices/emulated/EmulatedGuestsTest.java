package io.splitvisor.core.devices.emulated;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.domain.ShutdownInfo;
import io.splitvisor.core.metrics.CoreMeters;
import io.splitvisor.core.testing.TestGuests;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tiny guests driving each emulated device through real port I/O on the interpreter. */
class EmulatedGuestsTest {
    @Test
    void uartGuestPrintsThroughTheConsoleAndEchoesInput() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Hypervisor hv = new Hypervisor(new Engines(), registry, io.splitvisor.core.domain.CrashReporter.REGISTERS_ONLY)) {
            Domain d = hv.createGuest(DomainConfig.guest("uart", TestGuests.build("uart"))
                    .withMemory(8 << 20).withDevices(List.of(EmulatedDevices.uart())));
            // typed once the guest is past its loopback check (bytes arriving earlier would be in the FIFO it flushes)
            d.console().addListener((log, line) -> {
                if (line.equals("uart says hi")) {
                    log.sendInput("hello uart\n".getBytes(StandardCharsets.US_ASCII));
                }
            });
            hv.start(d);
            ShutdownInfo end = d.ended().get(30, TimeUnit.SECONDS);
            String out = d.console().text();
            assertEquals(0, end.exitCode(), out);
            assertTrue(out.contains("uart says hi\ngot: hello uart\n"), out);
            double exits = registry.get(CoreMeters.DEVICE_EXITS).tag("device", "uart0")
                    .tag("domain", Integer.toString(d.domid())).counter().count();
            assertTrue(exits >= 2 * "uart says hi\ngot: hello uart\n".length(), "each byte is an LSR poll and a THR write: " + exits);
        }
    }
}
