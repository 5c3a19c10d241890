package io.splitvisor.core.domain;

import io.splitvisor.abi.proto.ShutdownReason;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.core.testing.TestGuests;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad hypercall gets its status; the guest keeps running and its neighbour is unaffected. */
class HostileGuestTest {
    @Test
    void badHypercallsGetStatusesAndHurtNobody() throws Exception {
        try (Hypervisor hv = new Hypervisor(new Engines())) {
            Domain hostile = hv.createGuest(DomainConfig.guest("hostile", TestGuests.build("hostile")));
            Domain neighbour = hv.createGuest(DomainConfig.guest("neighbour", TestGuests.build("hello")));
            hv.start(hostile);
            hv.start(neighbour);
            ShutdownInfo end = hostile.ended().get(60, TimeUnit.SECONDS);
            String out = hostile.console().text();
            assertEquals(ShutdownReason.SHUTDOWN_POWEROFF, end.reason(), out);
            assertEquals(0, end.exitCode(), out);

            Map<String, Integer> expected = new LinkedHashMap<>();
            expected.put("unreadable-frames-survived", 0);
            expected.put("huge-request", Status.STATUS_EMSGSIZE_VALUE);
            expected.put("payload-past-ram", Status.STATUS_EFAULT_VALUE);
            expected.put("unknown-op", Status.STATUS_ENOSYS_VALUE);
            expected.put("privileged-op", Status.STATUS_EPERM_VALUE);
            expected.put("garbage-request", Status.STATUS_EINVAL_VALUE);
            expected.put("tiny-capacity", Status.STATUS_ENOBUFS_VALUE);
            expected.put("tiny-capacity-needed-more-than-2", 1);
            expected.put("oversized-console-write", Status.STATUS_EINVAL_VALUE);
            expected.put("send-bad-port", Status.STATUS_EBADF_VALUE);
            expected.put("send-port-zero", Status.STATUS_EBADF_VALUE);
            expected.put("bind-foreign-domain", Status.STATUS_ESRCH_VALUE);
            expected.put("bind-bound-dom0-port", Status.STATUS_EINVAL_VALUE);
            expected.put("bind-port-offered-to-dom0", Status.STATUS_EACCES_VALUE);
            expected.put("map-ref-out-of-range", Status.STATUS_EINVAL_VALUE);
            expected.put("map-outside-window", Status.STATUS_EINVAL_VALUE);
            expected.put("copy-call", 0);
            expected.put("copy-crossing-page", Status.STATUS_EXDEV_VALUE);
            expected.put("copy-within-pages", 0);
            expected.put("upcall-vector-3", Status.STATUS_EINVAL_VALUE);
            expected.put("shutdown-bad-reason", Status.STATUS_EINVAL_VALUE);
            expected.put("storm-survived", 0);
            expected.forEach((name, status) ->
                    assertTrue(out.contains("case " + name + " " + status + "\n"), "case " + name + " expected " + status + " in:\n" + out));

            ShutdownInfo other = neighbour.ended().get(60, TimeUnit.SECONDS);
            assertEquals(7, other.exitCode(), "the neighbour ran to its normal end");
            assertTrue(neighbour.console().text().contains("signature ok"));
        }
    }
}
