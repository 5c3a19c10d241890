package io.splitvisor.core.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.abi.proto.Status;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.splitvisor.core.store.StoreTesting.assertStatus;
import static io.splitvisor.core.store.StoreTesting.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tree seen through dom0's Java API: values, parents, removal, listings, errors. */
class StoreTreeTest {
    private final Store store = StoreTesting.newStore();

    @Test
    void writeCreatesMissingParentsAndReadReturnsTheValue() {
        store.write(0, 0, "/local/domain/0/backend/vbd/5/51712/state", "1");
        assertEquals("1", read(store, 0, "/local/domain/0/backend/vbd/5/51712/state"));
        assertEquals("", read(store, 0, "/local/domain/0/backend/vbd/5"));
        assertEquals(List.of("51712"), store.children(0, 0, "/local/domain/0/backend/vbd/5"));
    }

    @Test
    void valuesAreBytesWithoutTerminator() {
        byte[] value = {0, 1, 2, (byte) 0xFF};
        store.write(0, 0, "/bin", value);
        assertArrayEquals(value, store.read(0, 0, "/bin"));
        store.write(0, 0, "/bin", new byte[0]);
        assertArrayEquals(new byte[0], store.read(0, 0, "/bin"));
    }

    @Test
    void callerCannotChangeStoredValueThroughItsArrays() {
        byte[] value = "abc".getBytes();
        store.write(0, 0, "/v", value);
        value[0] = 'X';
        store.read(0, 0, "/v")[1] = 'Y';
        assertEquals("abc", read(store, 0, "/v"));
    }

    @Test
    void valueLimitIs2048Bytes() {
        store.write(0, 0, "/big", new byte[2048]);
        assertEquals(2048, store.read(0, 0, "/big").length);
        assertStatus(Status.STATUS_E2BIG, () -> store.write(0, 0, "/big", new byte[2049]));
        assertEquals(2048, store.read(0, 0, "/big").length);
    }

    @Test
    void relativePathsResolveAgainstTheCallersHome() {
        store.write(0, 0, "memory/target", "524288");
        assertEquals("524288", read(store, 0, "/local/domain/0/memory/target"));
    }

    @Test
    void readOfMissingNodeIsEnoent() {
        assertStatus(Status.STATUS_ENOENT, () -> store.read(0, 0, "/nope"));
        assertStatus(Status.STATUS_ENOENT, () -> store.read(0, 0, "/nope/deeper"));
    }

    @Test
    void mkdirCreatesEmptyNodeAndLeavesExistingOneAlone() {
        store.mkdir(0, 0, "/a/b/c");
        assertEquals("", read(store, 0, "/a/b/c"));
        store.write(0, 0, "/a/b/c", "kept");
        store.mkdir(0, 0, "/a/b/c");
        assertEquals("kept", read(store, 0, "/a/b/c"));
    }

    @Test
    void removeTakesTheWholeSubtree() {
        store.write(0, 0, "/a/b/c", "1");
        store.write(0, 0, "/a/b/d", "2");
        store.write(0, 0, "/a/e", "3");
        store.remove(0, 0, "/a/b");
        assertStatus(Status.STATUS_ENOENT, () -> store.read(0, 0, "/a/b/c"));
        assertStatus(Status.STATUS_ENOENT, () -> store.read(0, 0, "/a/b"));
        assertEquals(List.of("e"), store.children(0, 0, "/a"));
    }

    @Test
    void removeOfMissingNodeIsFineButMissingParentIsNot() {
        store.mkdir(0, 0, "/a");
        store.remove(0, 0, "/a/ghost");
        assertStatus(Status.STATUS_ENOENT, () -> store.remove(0, 0, "/ghost/child"));
    }

    @Test
    void rootCannotBeRemoved() {
        assertStatus(Status.STATUS_EINVAL, () -> store.remove(0, 0, "/"));
    }

    @Test
    void directoryListsChildrenSorted() {
        for (String n : List.of("vif", "vbd", "console")) {
            store.mkdir(0, 0, "/local/domain/0/device/" + n);
        }
        DirectoryListing l = store.directory(0, 0, "/local/domain/0/device");
        assertEquals(List.of("console", "vbd", "vif"), l.children());
        assertFalse(l.truncated());
        assertStatus(Status.STATUS_ENOENT, () -> store.directory(0, 0, "/none"));
    }

    @Test
    void directoryIsBoundedAndSaysSo() {
        for (int i = 0; i < 70; i++) {
            store.mkdir(0, 0, String.format("/many/c%02d", i));
        }
        DirectoryListing l = store.directory(0, 0, "/many");
        assertEquals(Store.MAX_LISTING_CHILDREN, l.children().size());
        assertEquals("c00", l.children().get(0));
        assertTrue(l.truncated());
        assertEquals(70, store.children(0, 0, "/many").size());
    }

    @Test
    void directoryOfLongNamesStaysWithinOneMessage() {
        for (int i = 0; i < 64; i++) {
            store.mkdir(0, 0, "/long/" + String.format("%02d", i) + "x".repeat(62));
        }
        DirectoryListing l = store.directory(0, 0, "/long");
        assertTrue(l.truncated());
        int bytes = l.children().stream().mapToInt(n -> n.length() + 2).sum();
        assertTrue(bytes <= Store.LISTING_BYTE_BUDGET, "listing of " + bytes + " bytes");
        assertTrue(l.children().size() > 50);
    }

    @Test
    void badPathsAreRefusedByEveryOperation() {
        assertStatus(Status.STATUS_EINVAL, () -> store.write(0, 0, "/a//b", "x"));
        assertStatus(Status.STATUS_EINVAL, () -> store.mkdir(0, 0, "/a/"));
        assertStatus(Status.STATUS_EINVAL, () -> store.read(0, 0, "@releaseDomain"));
        assertStatus(Status.STATUS_EINVAL, () -> store.remove(0, 0, "/a b"));
        assertStatus(Status.STATUS_ENAMETOOLONG, () -> store.write(0, 0, "/" + "a".repeat(600), "x"));
    }

    @Test
    void unknownCallerIsRefused() {
        assertStatus(Status.STATUS_ESRCH, () -> store.read(9, 0, "/"));
        assertStatus(Status.STATUS_ESRCH, () -> store.write(9, 0, "x", "y"));
    }

    @Test
    void operationsAndErrorsAreCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Store s = new Store(registry);
        s.write(0, 0, "/x", "1");
        s.read(0, 0, "/x");
        assertStatus(Status.STATUS_ENOENT, () -> s.read(0, 0, "/y"));
        assertEquals(2.0, registry.get("splitvisor.store.operations").tags("op", "read", "domain", "0")
                .counter().count());
        assertEquals(1.0, registry.get("splitvisor.store.errors").tags("status", "ENOENT", "domain", "0")
                .counter().count());
        assertTrue(registry.get("splitvisor.store.nodes").gauge().value() >= 5);
    }
}
