package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.splitvisor.core.store.StoreTesting.assertStatus;
import static io.splitvisor.core.store.StoreTesting.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class StoreTransactionTest {
    private final Store store = StoreTesting.newStore();
    private final RecordingSink watcher = new RecordingSink();

    @BeforeEach
    void setUp() {
        store.introduceDomain(5);
        store.introduceDomain(6);
        store.write(5, 0, "dev/x", "x0");
        store.write(5, 0, "dev/y", "y0");
        store.watch(0, "/local/domain/5/dev", "w", watcher);
        watcher.take();
    }

    @Test
    void aTransactionSeesItsOwnWritesAndNobodyElseDoesUntilCommit() {
        int tx = store.transactionStart(5);
        assertNotEquals(0, tx);
        store.write(5, tx, "dev/x", "x1");
        store.write(5, tx, "dev/new/deep", "n1");
        store.remove(5, tx, "dev/y");
        assertEquals("x1", read(store, 5, tx, "dev/x"));
        assertEquals("n1", read(store, 5, tx, "dev/new/deep"));
        assertStatus(Status.STATUS_ENOENT, () -> store.read(5, tx, "dev/y"));
        assertEquals(List.of("new", "x"), store.children(5, tx, "dev"));

        assertEquals("x0", read(store, 5, "dev/x"));
        assertEquals("y0", read(store, 5, "dev/y"));
        assertStatus(Status.STATUS_ENOENT, () -> store.read(5, 0, "dev/new"));
        assertEquals(List.of(), watcher.take(), "no watch fires before the commit");

        store.transactionEnd(5, tx, true);
        assertEquals("x1", read(store, 5, "dev/x"));
        assertEquals("n1", read(store, 5, "dev/new/deep"));
        assertStatus(Status.STATUS_ENOENT, () -> store.read(5, 0, "dev/y"));
        assertEquals(List.of("/local/domain/5/dev/x w", "/local/domain/5/dev/new/deep w",
                "/local/domain/5/dev/y w"), watcher.take());
    }

    @Test
    void aTransactionReadsTheTreeAsItWasWhenItStarted() {
        int tx = store.transactionStart(5);
        store.write(5, 0, "dev/x", "outside");
        assertEquals("x0", read(store, 5, tx, "dev/x"));
        store.transactionEnd(5, tx, false);
    }

    @Test
    void aConflictingCommitIsEagainAndAppliesNothing() {
        int tx = store.transactionStart(5);
        assertEquals("x0", read(store, 5, tx, "dev/x"));
        store.write(5, tx, "dev/y", "from tx");
        store.write(5, tx, "dev/z", "from tx");
        store.write(0, 0, "/local/domain/5/dev/x", "outside");
        watcher.take();
        assertStatus(Status.STATUS_EAGAIN, () -> store.transactionEnd(5, tx, true));
        assertEquals("outside", read(store, 5, "dev/x"));
        assertEquals("y0", read(store, 5, "dev/y"));
        assertStatus(Status.STATUS_ENOENT, () -> store.read(5, 0, "dev/z"));
        assertEquals(List.of(), watcher.take());
        assertStatus(Status.STATUS_ENOENT, () -> store.transactionEnd(5, tx, true)); // it is gone
        assertEquals(0, store.usage(5).transactions());
    }

    @Test
    void aWatchFiresDuringATransactionForAnOutsideWriteAndTheTransactionStillCommits() {
        int tx = store.transactionStart(5);
        store.write(5, tx, "dev/x", "tx");
        store.write(5, 0, "dev/y", "outside");
        assertEquals(List.of("/local/domain/5/dev/y w"), watcher.take(), "the outside write fires at once");
        store.transactionEnd(5, tx, true);
        assertEquals(List.of("/local/domain/5/dev/x w"), watcher.take());
        assertEquals("tx", read(store, 5, "dev/x"));
        assertEquals("outside", read(store, 5, "dev/y"));
    }

    @Test
    void aWatchFiresDuringATransactionThatThenConflicts() {
        int tx = store.transactionStart(5);
        String seen = read(store, 5, tx, "dev/x");
        store.write(5, tx, "dev/x", seen + "+1");
        store.write(5, 0, "dev/x", "outside");
        assertEquals(List.of("/local/domain/5/dev/x w"), watcher.take());
        assertStatus(Status.STATUS_EAGAIN, () -> store.transactionEnd(5, tx, true));
        assertEquals(List.of(), watcher.take());
        assertEquals("outside", read(store, 5, "dev/x"));
    }

    @Test
    void listingADirectoryConflictsWithAChildAddedOutside() {
        int tx = store.transactionStart(5);
        store.directory(5, tx, "dev");
        store.write(5, tx, "count", "2");
        store.write(5, 0, "dev/added", "1");
        assertStatus(Status.STATUS_EAGAIN, () -> store.transactionEnd(5, tx, true));
    }

    @Test
    void creatingANodeThatAppearedOutsideConflicts() {
        int tx = store.transactionStart(5);
        store.write(5, tx, "fresh", "tx");
        store.write(5, 0, "fresh", "outside");
        assertStatus(Status.STATUS_EAGAIN, () -> store.transactionEnd(5, tx, true));
        assertEquals("outside", read(store, 5, "fresh"));
    }

    @Test
    void itsOwnChangesNeverCountAsConflicts() {
        int tx = store.transactionStart(5);
        store.remove(5, tx, "dev");
        assertStatus(Status.STATUS_ENOENT, () -> store.read(5, tx, "dev/x"));
        store.write(5, tx, "dev/x", "again");
        store.transactionEnd(5, tx, true);
        assertEquals("again", read(store, 5, "dev/x"));
        assertStatus(Status.STATUS_ENOENT, () -> store.read(5, 0, "dev/y"));
    }

    @Test
    void abortDiscardsEverything() {
        int tx = store.transactionStart(5);
        store.write(5, tx, "dev/x", "never");
        store.remove(5, tx, "dev/y");
        store.transactionEnd(5, tx, false);
        assertEquals("x0", read(store, 5, "dev/x"));
        assertEquals("y0", read(store, 5, "dev/y"));
        assertEquals(List.of(), watcher.take());
        assertEquals(0, store.usage(5).transactions());
    }

    @Test
    void theRetryLoopOfAClientSucceeds() {
        store.write(5, 0, "counter", "0");
        int attempts = 0;
        while (true) {
            attempts++;
            int tx = store.transactionStart(5);
            int v = Integer.parseInt(read(store, 5, tx, "counter"));
            if (attempts == 1) {
                store.write(5, 0, "counter", "10"); // someone else gets in first, once
            }
            store.write(5, tx, "counter", Integer.toString(v + 1));
            try {
                store.transactionEnd(5, tx, true);
                break;
            } catch (StoreException e) {
                assertEquals(Status.STATUS_EAGAIN, e.status());
            }
        }
        assertEquals(2, attempts);
        assertEquals("11", read(store, 5, "counter"));
    }

    @Test
    void transactionIdsBelongToTheirDomain() {
        int tx = store.transactionStart(5);
        assertStatus(Status.STATUS_ENOENT, () -> store.read(6, tx, "/local/domain/6"));
        assertStatus(Status.STATUS_ENOENT, () -> store.transactionEnd(6, tx, true));
        assertStatus(Status.STATUS_ENOENT, () -> store.write(5, tx + 1000, "dev/x", "1"));
        assertNotEquals(tx, store.transactionStart(5));
    }

    @Test
    void permissionsAreCheckedInsideATransaction() {
        int tx = store.transactionStart(6);
        assertStatus(Status.STATUS_EACCES, () -> store.write(6, tx, "/local/domain/5/dev/x", "1"));
        assertStatus(Status.STATUS_EACCES, () -> store.read(6, tx, "/local/domain/5/dev/x"));
        store.transactionEnd(6, tx, true);
        assertEquals("x0", read(store, 5, "dev/x"));
    }
}
