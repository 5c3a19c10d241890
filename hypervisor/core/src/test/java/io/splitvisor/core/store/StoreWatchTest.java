package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.splitvisor.core.store.StoreTesting.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

class StoreWatchTest {
    private final Store store = StoreTesting.newStore();
    private final RecordingSink dom0 = new RecordingSink();
    private final RecordingSink guest = new RecordingSink();

    @BeforeEach
    void introduce() {
        store.introduceDomain(5);
        store.introduceDomain(6);
    }

    @Test
    void aWatchFiresOnceWhenRegisteredEvenForAMissingNode() {
        store.watch(0, "/local/domain/5/device", "tok", dom0);
        assertEquals(List.of("/local/domain/5/device tok"), dom0.take());
    }

    @Test
    void aWatchFiresForChangesAtOrBelowItsPathOnly() {
        store.watch(0, "/local/domain/5/device", "t", dom0);
        dom0.take();
        store.write(0, 0, "/local/domain/5/device/vbd/0/state", "1");
        store.mkdir(0, 0, "/local/domain/5/device");
        store.write(0, 0, "/local/domain/5/devices", "not below");
        store.write(0, 0, "/local/domain/5/other", "x");
        store.setPerms(0, 0, "/local/domain/5/device/vbd", NodePermissions.parse("n5"));
        store.write(0, 0, "/local/domain/5/device", "on the node itself");
        assertEquals(List.of("/local/domain/5/device/vbd/0/state t", "/local/domain/5/device/vbd t",
                "/local/domain/5/device t"), dom0.take());
    }

    @Test
    void removingANodeFiresWatchesOnItAboveItAndBelowIt() {
        store.write(0, 0, "/a/b/c/d", "1");
        RecordingSink above = new RecordingSink();
        RecordingSink on = new RecordingSink();
        RecordingSink below = new RecordingSink();
        RecordingSink elsewhere = new RecordingSink();
        store.watch(0, "/a", "above", above);
        store.watch(0, "/a/b", "on", on);
        store.watch(0, "/a/b/c/d", "below", below);
        store.watch(0, "/a/bb", "elsewhere", elsewhere);
        for (RecordingSink s : List.of(above, on, below, elsewhere)) {
            s.take();
        }
        store.remove(0, 0, "/a/b");
        assertEquals(List.of("/a/b above"), above.take());
        assertEquals(List.of("/a/b on"), on.take());
        assertEquals(List.of("/a/b/c/d below"), below.take());
        assertEquals(List.of(), elsewhere.take());
    }

    @Test
    void aGuestOnlyHearsOfNodesItMayRead() {
        store.watch(5, "/local/domain/6", "spy", guest);
        assertEquals(List.of("/local/domain/6 spy"), guest.take()); // the first event is unconditional, as in Xen
        store.write(6, 0, "private", "1");
        store.write(6, 0, "public", "2");
        store.setPerms(6, 0, "public", NodePermissions.parse("r6"));
        store.write(6, 0, "public", "3");
        assertEquals(List.of("/local/domain/6/public spy", "/local/domain/6/public spy"), guest.take());
    }

    @Test
    void relativeWatchesReportRelativePaths() {
        store.watch(5, "device", "rel", guest);
        store.write(5, 0, "device/vif/0/state", "4");
        store.write(0, 0, "/local/domain/5/device/vif/0/state", "5");
        assertEquals(List.of("device rel", "device/vif/0/state rel", "device/vif/0/state rel"), guest.take());
    }

    @Test
    void unwatchStopsEventsAndUnknownWatchesAreEnoent() {
        store.watch(0, "/x", "t", dom0);
        store.unwatch(0, "/x", "t", dom0);
        store.write(0, 0, "/x", "1");
        assertEquals(List.of("/x t"), dom0.take());
        assertStatus(Status.STATUS_ENOENT, () -> store.unwatch(0, "/x", "t", dom0));
        assertStatus(Status.STATUS_ENOENT, () -> store.unwatch(0, "/y", "t", dom0));
    }

    @Test
    void duplicateWatchIsEexistButAnotherTokenIsFine() {
        store.watch(5, "a", "t1", guest);
        assertStatus(Status.STATUS_EEXIST, () -> store.watch(5, "a", "t1", guest));
        store.watch(5, "a", "t2", guest);
        store.write(5, 0, "a", "v");
        assertEquals(List.of("a t1", "a t2", "a t1", "a t2"), guest.take());
    }

    @Test
    void watchTokensAreBounded() {
        store.watch(5, "a", "k".repeat(64), guest);
        assertStatus(Status.STATUS_E2BIG, () -> store.watch(5, "b", "k".repeat(65), guest));
        assertStatus(Status.STATUS_EINVAL, () -> store.watch(5, "b//c", "t", guest));
    }

    @Test
    void introduceAndReleaseFireTheSpecialWatches() {
        store.watch(0, StorePaths.INTRODUCE_DOMAIN, "in", dom0);
        store.watch(0, StorePaths.RELEASE_DOMAIN, "out", dom0);
        assertEquals(List.of("@introduceDomain in", "@releaseDomain out"), dom0.take());
        store.introduceDomain(7);
        assertEquals(List.of("@introduceDomain in"), dom0.take());
        store.releaseDomain(7);
        assertEquals(List.of("@releaseDomain out"), dom0.take());
    }

    @Test
    void guestsHearSpecialEventsOnlyWhenDom0AllowsIt() {
        store.watch(5, StorePaths.RELEASE_DOMAIN, "r", guest);
        store.watch(6, StorePaths.RELEASE_DOMAIN, "r6", dom0); // a sink standing for domain 6
        guest.take();
        dom0.take();
        store.introduceDomain(7);
        store.releaseDomain(7);
        assertEquals(List.of(), guest.take());
        store.setPerms(0, 0, StorePaths.RELEASE_DOMAIN, NodePermissions.parse("n0 r5"));
        store.introduceDomain(8);
        store.releaseDomain(8);
        assertEquals(List.of("@releaseDomain r"), guest.take());
        assertEquals(List.of(), dom0.take());
    }

    @Test
    void aSinkThatThrowsDoesNotStopOtherSinks() {
        store.watch(0, "/x", "bad", (p, t) -> {
            throw new IllegalStateException("broken sink");
        });
        store.watch(0, "/x", "good", dom0);
        store.write(0, 0, "/x", "1");
        assertEquals(List.of("/x good", "/x good"), dom0.take());
    }

    @Test
    void aSinkMayCallTheStoreAndSeesTheChange() {
        RecordingSink seen = new RecordingSink();
        store.watch(0, "/x", "t", (p, t) -> {
            try {
                seen.fire(p, new String(store.read(0, 0, p)));
            } catch (StoreException e) {
                seen.fire(p, StoreException.shortName(e.status()));
            }
        });
        store.write(0, 0, "/x", "value");
        assertEquals(List.of("/x ENOENT", "/x value"), seen.take());
    }

    @Test
    void sinksRunOutsideTheStoreLock() throws Exception {
        java.util.List<Boolean> otherThreadGotIn = new java.util.concurrent.CopyOnWriteArrayList<>();
        WatchSink probing = (p, t) -> {
            Thread other = new Thread(() -> store.read(0, 0, "/"));
            other.start();
            try {
                other.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            otherThreadGotIn.add(!other.isAlive());
        };
        store.watch(0, "/p", "t", probing);
        store.watch(0, StorePaths.INTRODUCE_DOMAIN, "t", probing);
        store.write(0, 0, "/p", "1");
        int tx = store.transactionStart(0);
        store.write(0, tx, "/p", "2");
        store.transactionEnd(0, tx, true);
        store.introduceDomain(7);
        assertEquals(List.of(true, true, true, true, true), otherThreadGotIn);
    }

    @Test
    void deliveredEventsAreCounted() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        Store s = new Store(registry);
        s.watch(0, "/x", "t", dom0);
        s.write(0, 0, "/x", "1");
        s.write(0, 0, "/y", "1");
        assertEquals(2, dom0.take().size());
        assertEquals(2.0, registry.get("splitvisor.store.watch.events").tag("outcome", "fired").counter().count());
    }
}
