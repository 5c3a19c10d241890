package io.splitvisor.core.domain;

import io.splitvisor.abi.proto.ShutdownReason;
import io.splitvisor.core.testing.TestGuests;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestRunTest {
    @Test
    void helloRunsPrintsAndExitsWithItsCode() throws Exception {
        try (Hypervisor hv = new Hypervisor(new Engines())) {
            Domain d = hv.createGuest(DomainConfig.guest("hello", TestGuests.build("hello")).withCmdline("color=blue"));
            hv.start(d);
            ShutdownInfo end = d.ended().get(30, TimeUnit.SECONDS);
            String out = d.console().text();
            assertEquals(ShutdownReason.SHUTDOWN_POWEROFF, end.reason(), out);
            assertEquals(7, end.exitCode(), out);
            assertTrue(out.contains("debug port says hi\n"), out);
            assertTrue(out.contains("hello from the core test guest\n"), out);
            assertTrue(out.contains("version status 0\nabi major 1\nsignature ok\n"), out);
            assertTrue(out.contains("domid " + d.domid() + "\ncolor=blue\n"), out);
        }
    }

    @Test
    void servicesTimerTimeConsoleInputPollAndLoopback() throws Exception {
        try (Hypervisor hv = new Hypervisor(new Engines())) {
            Domain d = hv.createGuest(DomainConfig.guest("services", TestGuests.build("services")).withMemory(8 << 20));
            d.console().sendInput("ping\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            hv.start(d);
            ShutdownInfo end = d.ended().get(30, TimeUnit.SECONDS);
            String out = d.console().text();
            assertEquals(0, end.exitCode(), out);
            for (String line : new String[] {"bind timer 0", "set timer 0", "timer fired after at least 5 ms 1",
                    "timer fired within 2 s 1", "tsc time agrees 1", "wall clock set 1", "console input: ping",
                    "poll status 0", "poll timed out 1", "loopback bind 0", "loopback delivered 1", "poll saw it 1",
                    "status interdomain 1", "pages 2048"}) {
                assertTrue(out.contains(line + "\n"), "missing '" + line + "' in:\n" + out);
            }
        }
    }
}
