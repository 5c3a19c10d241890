package io.splitvisor.core.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.abi.proto.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.splitvisor.core.store.StoreTesting.assertStatus;
import static io.splitvisor.core.store.StoreTesting.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile guests flooding the store past each quota: each gets EQUOTA, keeps working, others are unaffected. */
class StoreQuotaTest {
    private static final StoreQuota SMALL = StoreQuota.DEFAULT.withMaxNodes(20).withMaxValueBytes(1000)
            .withMaxWatches(5).withMaxTransactions(2).withMaxTransactionNodes(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Store store = new Store(registry, SMALL);

    @BeforeEach
    void introduce() {
        store.introduceDomain(5);
        store.introduceDomain(6);
    }

    /** Tries {@code n} times, returns how many succeeded before the first EQUOTA; all later ones must fail too. */
    private static int floodUntilQuota(int n, java.util.function.IntConsumer op) {
        int ok = 0;
        StoreException first = null;
        for (int i = 0; i < n; i++) {
            try {
                op.accept(i);
                assertNull(first, "succeeded after a quota refusal");
                ok++;
            } catch (StoreException e) {
                assertEquals(Status.STATUS_EQUOTA, e.status(), e.getMessage());
                first = e;
            }
        }
        assertTrue(first != null, "the flood never hit the quota");
        return ok;
    }

    private void otherDomainStillWorks() {
        store.write(6, 0, "still/alive", "yes");
        assertEquals("yes", read(store, 6, "still/alive"));
        RecordingSink sink = new RecordingSink();
        store.watch(6, "still", "t", sink);
        int tx = store.transactionStart(6);
        store.write(6, tx, "still/tx", "1");
        store.transactionEnd(6, tx, true);
        assertEquals(List.of("still t", "still/tx t"), sink.take());
        assertEquals(0.0, registry.find("splitvisor.store.errors").tags("domain", "6").counters().stream()
                .mapToDouble(c -> c.count()).sum());
    }

    @Test
    void nodeFlood() {
        int created = floodUntilQuota(1000, i -> store.write(5, 0, "flood/n" + i, "v"));
        assertEquals(SMALL.maxNodes() - 2, created, "the home and flood/ count too");
        assertEquals(SMALL.maxNodes(), store.usage(5).nodes());
        // the guest keeps running: it can still read and overwrite, and removing frees quota
        store.write(5, 0, "flood/n0", "overwritten");
        assertEquals("overwritten", read(store, 5, "flood/n0"));
        store.remove(5, 0, "flood/n1");
        store.write(5, 0, "flood/again", "ok");
        otherDomainStillWorks();
        assertTrue(registry.get("splitvisor.store.errors").tags("status", "EQUOTA", "domain", "5").counter()
                .count() >= 1);
    }

    @Test
    void byteFlood() {
        byte[] v = new byte[300];
        int written = floodUntilQuota(50, i -> store.write(5, 0, "b" + i, v));
        assertEquals(3, written);
        assertTrue(store.usage(5).valueBytes() <= SMALL.maxValueBytes());
        // growing an existing value past the quota fails too, and leaves it as it was
        assertStatus(Status.STATUS_EQUOTA, () -> store.write(5, 0, "b0", new byte[500]));
        assertEquals(300, store.read(5, 0, "b0").length);
        otherDomainStillWorks();
    }

    @Test
    void watchFlood() {
        RecordingSink sink = new RecordingSink();
        int watches = floodUntilQuota(100, i -> store.watch(5, "w" + i, "t", sink));
        assertEquals(SMALL.maxWatches(), watches);
        store.unwatch(5, "w0", "t", sink);
        store.watch(5, "w-new", "t", sink);
        otherDomainStillWorks();
    }

    @Test
    void transactionFlood() {
        List<Integer> open = new ArrayList<>();
        int started = floodUntilQuota(100, i -> open.add(store.transactionStart(5)));
        assertEquals(SMALL.maxTransactions(), started);
        store.transactionEnd(5, open.get(0), false);
        store.transactionEnd(5, store.transactionStart(5), true);
        otherDomainStillWorks();
    }

    @Test
    void aTransactionTouchingTooManyNodes() {
        int tx = store.transactionStart(5);
        floodUntilQuota(100, i -> store.write(5, tx, "t" + i, "v"));
        store.transactionEnd(5, tx, false);
        otherDomainStillWorks();
    }

    @Test
    void aTransactionCannotGoPastTheNodeQuota() {
        store.setQuota(5, SMALL.withMaxTransactionNodes(1000));
        int tx = store.transactionStart(5);
        int created = floodUntilQuota(100, i -> store.write(5, tx, "n" + i, "v"));
        assertEquals(SMALL.maxNodes() - 1, created);
        store.transactionEnd(5, tx, false);
        assertEquals(1, store.usage(5).nodes());
    }

    @Test
    void theCommitChecksTheQuotaAgainAndAppliesNothingWhenOver() {
        store.mkdir(5, 0, "a");
        int tx = store.transactionStart(5);
        for (int i = 0; i < 5; i++) {
            store.write(5, tx, "a/n" + i, "v");
        }
        for (int i = 0; i < 14; i++) {
            store.write(5, 0, "b" + i, "v"); // outside the transaction's nodes: no conflict
        }
        assertStatus(Status.STATUS_EQUOTA, () -> store.transactionEnd(5, tx, true));
        assertEquals(List.of(), store.children(5, 0, "a"));
        assertEquals(16, store.usage(5).nodes());
    }

    @Test
    void dom0IsExempt() {
        for (int i = 0; i < 100; i++) {
            store.write(0, 0, "/tool/n" + i, new byte[100]);
            store.watch(0, "/tool/n" + i, "t", (p, t) -> { });
        }
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            open.add(store.transactionStart(0));
        }
        for (int tx : open) {
            store.transactionEnd(0, tx, false);
        }
        // dom0 may also fill a guest's home beyond the guest's quota (the nodes stay the guest's)
        for (int i = 0; i < 30; i++) {
            store.write(0, 0, "/local/domain/5/from-dom0/n" + i, "v");
        }
        assertTrue(store.usage(5).nodes() > SMALL.maxNodes());
        assertStatus(Status.STATUS_EQUOTA, () -> store.write(5, 0, "one-more", "v"));
    }

    @Test
    void aQuotaCanBeSetPerDomain() {
        store.setQuota(5, SMALL.withMaxNodes(3));
        assertEquals(2, floodUntilQuota(10, i -> store.write(5, 0, "q" + i, "v")));
        assertEquals(SMALL.withMaxNodes(3), store.quota(5));
        assertEquals(SMALL, store.quota(6));
    }
}
