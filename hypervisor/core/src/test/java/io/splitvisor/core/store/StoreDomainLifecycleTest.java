package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.splitvisor.core.store.StoreTesting.assertStatus;
import static io.splitvisor.core.store.StoreTesting.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreDomainLifecycleTest {
    private final Store store = StoreTesting.newStore();
    private final RecordingSink dom0 = new RecordingSink();

    @BeforeEach
    void introduce() {
        store.introduceDomain(5);
        store.introduceDomain(6);
    }

    @Test
    void introductionCreatesAHomeTheDomainOwns() {
        assertTrue(store.isIntroduced(5));
        assertEquals(NodePermissions.parse("n5"), store.getPerms(0, 0, "/local/domain/5"));
        assertEquals(List.of("0", "5", "6"), store.children(0, 0, "/local/domain"));
        assertStatus(Status.STATUS_EEXIST, () -> store.introduceDomain(5));
        assertStatus(Status.STATUS_EINVAL, () -> store.introduceDomain(0));
        assertStatus(Status.STATUS_EINVAL, () -> store.introduceDomain(0x7FF0));
    }

    @Test
    void introductionKeepsWhatDom0PreparedInTheHome() {
        store.write(0, 0, "/local/domain/7/name", "guest7");
        store.introduceDomain(7);
        assertEquals("guest7", read(store, 0, "/local/domain/7/name"));
        assertEquals(7, store.getPerms(0, 0, "/local/domain/7").owner());
    }

    @Test
    void releaseRemovesTheHomeWatchesAndTransactionsAndFiresReleaseDomain() {
        store.write(5, 0, "device/vbd/0/state", "4");
        RecordingSink guestSink = new RecordingSink();
        store.watch(5, "device", "g", guestSink);
        int tx = store.transactionStart(5);
        store.watch(0, "/local/domain/5", "home", dom0);
        store.watch(0, StorePaths.RELEASE_DOMAIN, "rel", dom0);
        dom0.take();
        guestSink.take();

        store.releaseDomain(5);

        assertFalse(store.isIntroduced(5));
        assertStatus(Status.STATUS_ENOENT, () -> store.read(0, 0, "/local/domain/5"));
        assertEquals(List.of("/local/domain/5 home", "@releaseDomain rel"), dom0.take());
        assertEquals(new StoreUsage(0, 0, 0, 0), store.usage(5));
        assertStatus(Status.STATUS_ESRCH, () -> store.read(5, 0, "device"));
        assertStatus(Status.STATUS_ESRCH, () -> store.transactionEnd(5, tx, true));
        // its watches are gone: a reintroduced domain 5 does not feed the old sink
        store.introduceDomain(5);
        store.write(5, 0, "device/x", "1");
        assertEquals(List.of(), guestSink.take());
        assertStatus(Status.STATUS_ENOENT, () -> store.read(5, 0, "device/vbd/0/state"));
    }

    @Test
    void nodesElsewhereStayButPassToDom0AndForgetTheDeadDomain() {
        store.mkdir(0, 0, "/local/domain/0/backend/vbd/5");
        store.setPerms(0, 0, "/local/domain/0/backend/vbd/5", NodePermissions.parse("n5 r6"));
        store.write(5, 0, "/local/domain/0/backend/vbd/5/state", "4");
        store.mkdir(0, 0, "/local/domain/6/device/vbd");
        store.setPerms(0, 0, "/local/domain/6/device/vbd", NodePermissions.parse("n6 r5"));
        store.setPerms(0, 0, StorePaths.RELEASE_DOMAIN, NodePermissions.parse("n0 r5 r6"));

        store.releaseDomain(5);

        assertEquals(NodePermissions.parse("n0 r6"), store.getPerms(0, 0, StorePaths.RELEASE_DOMAIN));
        assertEquals("4", read(store, 0, "/local/domain/0/backend/vbd/5/state"));
        assertEquals(NodePermissions.parse("n0 r6"), store.getPerms(0, 0, "/local/domain/0/backend/vbd/5"));
        assertEquals(NodePermissions.parse("n0 r6"), store.getPerms(0, 0, "/local/domain/0/backend/vbd/5/state"));
        assertEquals(NodePermissions.parse("n6"), store.getPerms(0, 0, "/local/domain/6/device/vbd"));
        assertEquals(0, store.usage(5).nodes());

        // a new domain that reuses the id inherits none of the old one's rights
        store.introduceDomain(5);
        assertStatus(Status.STATUS_EACCES, () -> store.read(5, 0, "/local/domain/0/backend/vbd/5/state"));
        assertStatus(Status.STATUS_EACCES, () -> store.read(5, 0, "/local/domain/6/device/vbd"));
        assertEquals(1, store.usage(5).nodes());
    }

    @Test
    void otherDomainsAreUnaffectedByARelease() {
        store.write(6, 0, "mine", "6");
        RecordingSink six = new RecordingSink();
        store.watch(6, "mine", "t", six);
        int tx = store.transactionStart(6);
        store.releaseDomain(5);
        store.write(6, tx, "mine", "7");
        store.transactionEnd(6, tx, true);
        assertEquals("7", read(store, 6, "mine"));
        assertEquals(List.of("mine t", "mine t"), six.take());
    }

    @Test
    void releasingAnUnknownDomainOrDom0IsEsrch() {
        assertStatus(Status.STATUS_ESRCH, () -> store.releaseDomain(42));
        assertStatus(Status.STATUS_ESRCH, () -> store.releaseDomain(0));
        store.releaseDomain(6);
        assertStatus(Status.STATUS_ESRCH, () -> store.releaseDomain(6));
    }
}
