package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.splitvisor.core.store.StoreTesting.assertStatus;
import static io.splitvisor.core.store.StoreTesting.read;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Xen's permission model between two guests (5 and 6) and dom0. */
class StorePermissionTest {
    private final Store store = StoreTesting.newStore();

    @BeforeEach
    void introduce() {
        store.introduceDomain(5);
        store.introduceDomain(6);
    }

    @Test
    void aGuestOwnsItsHomeAndWhatItCreatesThere() {
        store.write(5, 0, "data/x", "1");
        assertEquals("1", read(store, 5, "data/x"));
        assertEquals(NodePermissions.parse("n5"), store.getPerms(0, 0, "/local/domain/5"));
        assertEquals(5, store.getPerms(5, 0, "data/x").owner());
    }

    @Test
    void aGuestCannotReadOrWriteAnotherGuestsNodes() {
        store.write(6, 0, "secret", "42");
        assertStatus(Status.STATUS_EACCES, () -> store.read(5, 0, "/local/domain/6/secret"));
        assertStatus(Status.STATUS_EACCES, () -> store.write(5, 0, "/local/domain/6/secret", "0"));
        assertStatus(Status.STATUS_EACCES, () -> store.write(5, 0, "/local/domain/6/new", "0"));
        assertStatus(Status.STATUS_EACCES, () -> store.mkdir(5, 0, "/local/domain/6/dir"));
        assertStatus(Status.STATUS_EACCES, () -> store.remove(5, 0, "/local/domain/6/secret"));
        assertStatus(Status.STATUS_EACCES, () -> store.directory(5, 0, "/local/domain/6"));
        assertStatus(Status.STATUS_EACCES, () -> store.getPerms(5, 0, "/local/domain/6/secret"));
        assertStatus(Status.STATUS_EACCES,
                () -> store.setPerms(5, 0, "/local/domain/6/secret", NodePermissions.parse("b5")));
        assertEquals("42", read(store, 6, "secret"));
    }

    @Test
    void aGuestCannotProbeWhatExistsUnderAnUnreadableDirectory() {
        store.write(6, 0, "exists", "1");
        assertStatus(Status.STATUS_EACCES, () -> store.read(5, 0, "/local/domain/6/exists"));
        assertStatus(Status.STATUS_EACCES, () -> store.read(5, 0, "/local/domain/6/missing"));
        assertStatus(Status.STATUS_EACCES, () -> store.read(5, 0, "/local/domain/6/missing/deeper"));
        assertStatus(Status.STATUS_ENOENT, () -> store.read(5, 0, "missing"));
    }

    @Test
    void aGuestCannotWriteOutsideItsHome() {
        assertStatus(Status.STATUS_EACCES, () -> store.write(5, 0, "/tool/x", "1"));
        assertStatus(Status.STATUS_EACCES, () -> store.write(5, 0, "/local/domain/99", "1"));
        assertStatus(Status.STATUS_EACCES, () -> store.read(5, 0, "/local/domain"));
    }

    @Test
    void listedDomainsGetTheirOwnAccess() {
        // The libxl pattern: dom0 creates the frontend directory, owned by the guest, readable by the backend.
        store.mkdir(0, 0, "/local/domain/5/device/vbd/51712");
        store.setPerms(0, 0, "/local/domain/5/device/vbd/51712", NodePermissions.parse("n5 r6"));
        store.write(5, 0, "device/vbd/51712/ring-ref", "8");
        assertEquals("8", read(store, 6, "/local/domain/5/device/vbd/51712/ring-ref"));
        assertStatus(Status.STATUS_EACCES, () -> store.write(6, 0, "/local/domain/5/device/vbd/51712/ring-ref", "9"));

        store.setPerms(5, 0, "device/vbd/51712", NodePermissions.parse("n5 w6"));
        store.write(6, 0, "/local/domain/5/device/vbd/51712/other", "w");
        assertStatus(Status.STATUS_EACCES, () -> store.read(6, 0, "/local/domain/5/device/vbd/51712"));
    }

    @Test
    void theDefaultAccessAppliesToUnlistedDomains() {
        store.write(5, 0, "public", "hello");
        store.setPerms(5, 0, "public", NodePermissions.parse("r5"));
        assertEquals("hello", read(store, 6, "/local/domain/5/public"));
        assertStatus(Status.STATUS_EACCES, () -> store.write(6, 0, "/local/domain/5/public", "x"));
        store.setPerms(5, 0, "public", NodePermissions.parse("r5 n6"));
        assertStatus(Status.STATUS_EACCES, () -> store.read(6, 0, "/local/domain/5/public"));
    }

    @Test
    void createdNodesInheritTheParentsPermissionsWithTheCreatorAsOwner() {
        store.mkdir(0, 0, "/local/domain/5/shared");
        store.setPerms(0, 0, "/local/domain/5/shared", NodePermissions.parse("n0 b5 r6"));
        store.write(5, 0, "shared/a/b", "v");
        assertEquals(NodePermissions.parse("n5 b5 r6"), store.getPerms(0, 0, "/local/domain/5/shared/a"));
        assertEquals(NodePermissions.parse("n5 b5 r6"), store.getPerms(0, 0, "/local/domain/5/shared/a/b"));
        assertEquals("v", read(store, 6, "/local/domain/5/shared/a/b"));
        // dom0 creating below keeps the parent's permissions as they are
        store.write(0, 0, "/local/domain/5/shared/a/c", "d0");
        assertEquals(NodePermissions.parse("n5 b5 r6"), store.getPerms(0, 0, "/local/domain/5/shared/a/c"));
    }

    @Test
    void onlyTheOwnerOrDom0ChangesPermissionsAndOnlyDom0ChangesTheOwner() {
        store.mkdir(0, 0, "/local/domain/5/dev");
        store.setPerms(0, 0, "/local/domain/5/dev", NodePermissions.parse("n5 b6"));
        store.write(6, 0, "/local/domain/5/dev/x", "1"); // 6 may write, so it owns what it creates
        assertStatus(Status.STATUS_EACCES,
                () -> store.setPerms(6, 0, "/local/domain/5/dev", NodePermissions.parse("b5")));
        assertStatus(Status.STATUS_EPERM,
                () -> store.setPerms(5, 0, "/local/domain/5/dev", NodePermissions.parse("n6")));
        store.setPerms(5, 0, "/local/domain/5/dev", NodePermissions.parse("n5"));
        assertStatus(Status.STATUS_EACCES, () -> store.read(6, 0, "/local/domain/5/dev"));
        store.setPerms(0, 0, "/local/domain/5/dev", NodePermissions.parse("n6"));
        assertEquals(6, store.getPerms(0, 0, "/local/domain/5/dev").owner());
    }

    @Test
    void dom0BypassesPermissions() {
        store.write(5, 0, "private", "p");
        store.setPerms(5, 0, "private", NodePermissions.parse("n5"));
        assertEquals("p", read(store, 0, "/local/domain/5/private"));
        store.write(0, 0, "/local/domain/5/private", "q");
        store.remove(0, 0, "/local/domain/5/private");
    }

    @Test
    void permissionListsAreValidated() {
        store.write(5, 0, "n", "1");
        assertStatus(Status.STATUS_EINVAL, () -> NodePermissions.parse(""));
        assertStatus(Status.STATUS_EINVAL, () -> NodePermissions.parse("x5"));
        assertStatus(Status.STATUS_EINVAL, () -> NodePermissions.parse("r32752"));
        assertStatus(Status.STATUS_E2BIG, () -> NodePermissions.parse("n5" + " r1".repeat(16)));
        assertEquals("n5,r6", NodePermissions.parse("n5 r6").toString());
    }

    @Test
    void specialPathsHaveDom0OnlyPermissions() {
        assertEquals(NodePermissions.parse("n0"), store.getPerms(0, 0, StorePaths.RELEASE_DOMAIN));
        assertStatus(Status.STATUS_EACCES, () -> store.getPerms(5, 0, StorePaths.RELEASE_DOMAIN));
        assertStatus(Status.STATUS_EACCES,
                () -> store.setPerms(5, 0, StorePaths.RELEASE_DOMAIN, NodePermissions.parse("r5")));
        store.setPerms(0, 0, StorePaths.RELEASE_DOMAIN, NodePermissions.parse("n0 r5"));
        assertEquals(NodePermissions.parse("n0 r5"), store.getPerms(5, 0, StorePaths.RELEASE_DOMAIN));
    }
}
