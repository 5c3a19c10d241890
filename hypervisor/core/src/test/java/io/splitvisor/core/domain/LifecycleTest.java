package io.splitvisor.core.domain;

import io.splitvisor.abi.proto.ShutdownReason;
import io.splitvisor.core.testing.TestGuests;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start, pause, unpause and destroy, as dom0 drives them. */
class LifecycleTest {
    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void pauseStopsTheVcpuAndUnpauseResumesIt() throws Exception {
        try (Hypervisor hv = new Hypervisor(new Engines())) {
            Domain d = hv.createGuest(DomainConfig.guest("spin", TestGuests.build("spin")).withMemory(4 << 20));
            assertEquals(DomainStatus.CREATED, d.status());
            hv.start(d);
            waitFor(() -> d.console().text().contains("spinning"), "the guest to start");
            hv.pause(d);
            waitFor(() -> d.status() == DomainStatus.PAUSED, "the pause");
            long frozen = d.guest().vcpu().retiredInstructions();
            Thread.sleep(100);
            assertEquals(frozen, d.guest().vcpu().retiredInstructions(), "a paused vCPU retires nothing");
            hv.unpause(d);
            waitFor(() -> d.guest().vcpu().retiredInstructions() > frozen + 1_000_000, "progress after unpause");
            assertEquals(DomainStatus.RUNNING, d.status());
        }
    }

    @Test
    void destroyStopsARunningGuestPromptlyAndRetiresItsId() throws Exception {
        try (Hypervisor hv = new Hypervisor(new Engines())) {
            Domain d = hv.createGuest(DomainConfig.guest("spin", TestGuests.build("spin")).withMemory(4 << 20));
            hv.start(d);
            waitFor(() -> d.console().text().contains("spinning"), "the guest to start");
            long t0 = System.nanoTime();
            hv.destroy(d);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < 2000, "destroy took " + ms + " ms");
            assertEquals(DomainStatus.DYING, d.status());
            assertTrue(d.ended().isDone());
            assertNull(hv.domain(d.domid()));
            assertTrue(hv.store().children(0, 0, "/local/domain").stream().noneMatch(c -> c.equals(Integer.toString(d.domid()))),
                    "its store nodes are gone");
            Domain next = hv.createGuest(DomainConfig.guest("hello", TestGuests.build("hello")));
            assertNotEquals(d.domid(), next.domid(), "ids are not reused at once");
        }
    }

    @Test
    void faultsWithoutAnIdtEndTheDomainWithACrashReport() throws Exception {
        try (Hypervisor hv = new Hypervisor(new Engines(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                new DisassemblingCrashReporter())) {
            for (String fault : new String[] {"write-text", "exec-data", "null"}) {
                Domain d = hv.createGuest(DomainConfig.guest(fault, TestGuests.build("faults")).withCmdline(fault));
                hv.start(d);
                ShutdownInfo end = d.ended().get(30, TimeUnit.SECONDS);
                assertEquals(ShutdownReason.SHUTDOWN_CRASH, end.reason(), fault + ": " + d.console().text());
                assertEquals(CrashReporter.CRASH_EXIT_CODE, end.exitCode());
                String report = end.report().render();
                assertTrue(report.contains("triple fault"), report);
                assertTrue(report.contains("rip: 0x"), report);
                assertTrue(report.contains("=> 0x"), "the faulting instruction is disassembled:\n" + report);
                assertTrue(!d.console().text().contains("no fault happened"), fault);
            }
            assertTrue(hv.meters().domainsCrashed().count() >= 3);
        }
    }
}
