package io.splitvisor.system;

import io.splitvisor.abi.proto.ShutdownReason;
import io.splitvisor.core.domain.DisassemblingCrashReporter;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.domain.ShutdownInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guest SDK's example guests, on the interpreter. */
class ExampleGuestsTest {
    private Hypervisor hv;

    @BeforeEach
    void setUp() {
        hv = new Hypervisor(new Engines(), new SimpleMeterRegistry(), new DisassemblingCrashReporter());
    }

    @AfterEach
    void tearDown() {
        hv.close();
    }

    private Domain create(String name, String elf, String cmdline) throws Exception {
        return hv.createGuest(DomainConfig.guest(name, ExampleGuests.elf(elf)).withCmdline(cmdline).withEngine("interp"));
    }

    private Domain start(String name, String elf, String cmdline) throws Exception {
        Domain d = create(name, elf, cmdline);
        hv.start(d);
        return d;
    }

    private static ShutdownInfo end(Domain d) throws Exception {
        return d.ended().get(120, TimeUnit.SECONDS);
    }

    @Test
    void helloPrintsItsDomainAndExitsZero() throws Exception {
        Domain d = start("hello", "hello", "");
        ShutdownInfo end = end(d);
        String out = d.console().text();
        assertEquals(ShutdownReason.SHUTDOWN_POWEROFF, end.reason(), out);
        assertEquals(0, end.exitCode(), out);
        assertTrue(out.contains("Hello from domain " + d.domid() + "\n"), out);
    }

    @Test
    void pingpongExchangesOneHundredThousandNotifications() throws Exception {
        // Both exist before either runs: ping offers its channel to pong's domain id.
        Domain ping = create("ping", "pingpong", "role=ping");
        Domain pong = create("pong", "pingpong", "role=pong");
        hv.start(ping);
        hv.start(pong);
        ShutdownInfo pingEnd = end(ping);
        ShutdownInfo pongEnd = end(pong);
        assertEquals(0, pingEnd.exitCode(), ping.console().text());
        assertEquals(0, pongEnd.exitCode(), pong.console().text());
        assertTrue(ping.console().text().contains("pingpong: 100000 round trips ok"), ping.console().text());
        assertTrue(pong.console().text().contains("pingpong: 100000 round trips ok"), pong.console().text());
        assertTrue(ping.console().text().contains("revoked after pong unmapped it"), ping.console().text());
    }

    @Test
    void storeplayExercisesWatchesAndTransactions() throws Exception {
        Domain d = start("storeplay", "storeplay", "");
        ShutdownInfo end = end(d);
        String out = d.console().text();
        assertEquals(0, end.exitCode(), out);
        assertTrue(out.contains("commit answered EAGAIN"), out);
        assertTrue(out.contains("committed on attempt 2"), out);
        assertTrue(out.contains("storeplay: ok"), out);
    }

    @Test
    void selftestChecksTheRuntimeServices() throws Exception {
        Domain d = start("selftest", "selftest", "");
        ShutdownInfo end = end(d);
        String out = d.console().text();
        assertEquals(0, end.exitCode(), out);
        assertTrue(out.contains("selftest: ok"), out);
    }

    @Test
    void hcbenchMeasuresBothWaysIn() throws Exception {
        Domain d = start("hcbench", "hcbench", "ops=2000");
        ShutdownInfo end = end(d);
        String out = d.console().text();
        assertEquals(0, end.exitCode(), out);
        for (String name : new String[] {"doorbell", "gate", "gate-version"}) {
            assertTrue(out.contains(name + ": 2000 ops in "), out);
        }
    }

    @Test
    void crashReportsAPageFaultAtZeroAndEndsAsCrashed() throws Exception {
        Domain d = start("crash", "crash", "");
        ShutdownInfo end = end(d);
        String out = d.console().text();
        assertEquals(ShutdownReason.SHUTDOWN_CRASH, end.reason(), out);
        assertTrue(out.contains("page fault (#PF, vector 14) at rip 0x"), out);
        assertTrue(out.contains("faulting address (cr2) 0x0000000000000000"), out);
        assertTrue(end.message().contains("page fault at address 0x0"), end.message());
    }
}
