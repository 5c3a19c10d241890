package io.splitvisor.core.evtchn;

import io.splitvisor.abi.proto.EvtchnState;
import io.splitvisor.abi.proto.EvtchnStatusResponse;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.abi.proto.Virq;
import io.splitvisor.core.StatusException;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Event-channel semantics between domains driven from Java. */
class EventChannelsTest {
    private Hypervisor hv;
    private EventChannels ev;
    private Domain a;
    private Domain b;

    @BeforeEach
    void setUp() {
        hv = new Hypervisor(new Engines());
        ev = hv.events();
        a = hv.createHostDomain("a", 1 << 20);
        b = hv.createHostDomain("b", 1 << 20);
    }

    @AfterEach
    void tearDown() {
        hv.close();
    }

    private static Status statusOf(Runnable r) {
        return assertThrows(StatusException.class, r::run).status();
    }

    @Test
    void boundChannelDeliversToTheOtherEndAndBindStartsPending() throws Exception {
        int pa = ev.allocUnbound(a, b.domid());
        CountDownLatch atA = new CountDownLatch(1);
        ((HostEventSink) a.sink()).setHandler(pa, port -> atA.countDown());
        int pb = ev.bindInterdomain(b, a.domid(), pa);
        assertTrue(b.sink().isPending(pb), "a new interdomain port starts pending");
        ev.send(b, pb);
        assertTrue(atA.await(5, TimeUnit.SECONDS), "the send reached the other end");
        EvtchnStatusResponse st = ev.status(a, a.domid(), pa);
        assertEquals(EvtchnState.EVTCHN_STATE_INTERDOMAIN, st.getState());
        assertEquals(b.domid(), st.getInterdomain().getRemoteDomid());
        assertEquals(pb, st.getInterdomain().getRemotePort());
    }

    @Test
    void closingOneEndLeavesTheOtherUnboundAndRebindable() {
        int pa = ev.allocUnbound(a, b.domid());
        int pb = ev.bindInterdomain(b, a.domid(), pa);
        ev.close(b, pb);
        EvtchnStatusResponse st = ev.status(a, a.domid(), pa);
        assertEquals(EvtchnState.EVTCHN_STATE_UNBOUND, st.getState());
        assertEquals(b.domid(), st.getUnbound().getRemoteDomid());
        assertEquals(Status.STATUS_ENOTCONN, statusOf(() -> ev.send(a, pa)));
        assertEquals(Status.STATUS_EBADF, statusOf(() -> ev.send(b, pb)));
        int again = ev.bindInterdomain(b, a.domid(), pa);
        ev.send(b, again);
    }

    @Test
    void badArgumentsGetTheirStatuses() {
        int pa = ev.allocUnbound(a, b.domid());
        Domain c = hv.createHostDomain("c", 1 << 20);
        assertEquals(Status.STATUS_EACCES, statusOf(() -> ev.bindInterdomain(c, a.domid(), pa)), "offered to b, not c");
        assertEquals(Status.STATUS_ESRCH, statusOf(() -> ev.allocUnbound(a, 4000)));
        assertEquals(Status.STATUS_ESRCH, statusOf(() -> ev.bindInterdomain(b, 4000, 1)));
        assertEquals(Status.STATUS_EBADF, statusOf(() -> ev.send(a, 0)));
        assertEquals(Status.STATUS_EBADF, statusOf(() -> ev.send(a, 4096)));
        assertEquals(Status.STATUS_EBADF, statusOf(() -> ev.send(a, -7)));
        assertEquals(Status.STATUS_EBADF, statusOf(() -> ev.close(a, 77)));
        assertEquals(Status.STATUS_EBADF, statusOf(() -> ev.unmask(a, 77)));
        int pb = ev.bindInterdomain(b, a.domid(), pa);
        assertEquals(Status.STATUS_EINVAL, statusOf(() -> ev.bindInterdomain(c, a.domid(), pa)), "already bound");
        assertEquals(Status.STATUS_EPERM, statusOf(() -> ev.status(b, a.domid(), pa)), "a guest asking about another domain");
        assertEquals(Status.STATUS_EINVAL, statusOf(() -> ev.bindVirq(a, Virq.VIRQ_TIMER_VALUE, 1)), "no vCPU 1");
        assertEquals(Status.STATUS_EINVAL, statusOf(() -> ev.bindVirq(a, Virq.VIRQ_DOM_EXC_VALUE, 0)), "dom0's virq");
        ev.bindVirq(a, Virq.VIRQ_TIMER_VALUE, 0);
        assertEquals(Status.STATUS_EEXIST, statusOf(() -> ev.bindVirq(a, Virq.VIRQ_TIMER_VALUE, 0)));
        assertTrue(pb > 0);
    }

    @Test
    void portsArePerDomainLimited() {
        int n = 0;
        StatusException full = null;
        try {
            while (n < 5000) {
                ev.allocUnbound(a, b.domid());
                n++;
            }
        } catch (StatusException e) {
            full = e;
        }
        assertTrue(full != null && full.status() == Status.STATUS_ENOSPC, "the limit stops the flood");
        assertEquals(a.ports().used(), n);
        ev.allocUnbound(b, a.domid());   // another domain is not affected
    }

    @Test
    void aStormRunsTheHandlerOncePerEdgeNeverConcurrently() throws Exception {
        int pa = ev.allocUnbound(a, b.domid());
        int pb = ev.bindInterdomain(b, a.domid(), pa);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ((HostEventSink) a.sink()).setHandler(pa, port -> {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            runs.incrementAndGet();
            Thread.onSpinWait();
            inside.decrementAndGet();
        });
        Thread[] senders = new Thread[2];
        for (int t = 0; t < senders.length; t++) {
            senders[t] = new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    ev.send(b, pb);
                }
            });
            senders[t].start();
        }
        for (Thread t : senders) {
            t.join();
        }
        // The last send's edge is always handled.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (a.sink().isPending(pa) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertFalse(a.sink().isPending(pa), "the last edge was handled");
        assertEquals(0, overlaps.get(), "one port's handler never runs twice at once");
        assertTrue(runs.get() < 200_000, "coalesced: " + runs.get() + " runs for 200000 sends");
    }

    @Test
    void maskedPortsHoldEventsUntilUnmasked() throws Exception {
        int pa = ev.allocUnbound(a, b.domid());
        int pb = ev.bindInterdomain(b, a.domid(), pa);
        HostEventSink sink = (HostEventSink) a.sink();
        CountDownLatch fired = new CountDownLatch(1);
        sink.mask(pa);
        sink.setHandler(pa, port -> fired.countDown());
        ev.send(b, pb);
        assertFalse(fired.await(100, TimeUnit.MILLISECONDS), "masked: nothing runs");
        assertTrue(sink.isPending(pa));
        ev.unmask(a, pa);
        assertTrue(fired.await(5, TimeUnit.SECONDS), "unmask delivers the held event");
    }

    @Test
    void destroyingADomainUnbindsItsPeers() {
        int pa = ev.allocUnbound(a, b.domid());
        ev.bindInterdomain(b, a.domid(), pa);
        hv.destroy(b);
        assertEquals(EvtchnState.EVTCHN_STATE_UNBOUND, ev.status(a, a.domid(), pa).getState());
        assertEquals(Status.STATUS_ENOTCONN, statusOf(() -> ev.send(a, pa)));
    }
}
