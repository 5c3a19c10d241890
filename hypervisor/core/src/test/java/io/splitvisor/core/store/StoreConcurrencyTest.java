package io.splitvisor.core.store;

import com.google.protobuf.ByteString;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.abi.proto.StoreRequest;
import io.splitvisor.abi.proto.StoreServerMessage;
import io.splitvisor.abi.proto.StoreWatch;
import io.splitvisor.abi.proto.StoreWrite;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static io.splitvisor.core.store.StoreTesting.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several domains hammer the store at once; no update is lost, the accounting adds up, nothing deadlocks. */
class StoreConcurrencyTest {
    private static final int THREADS = 4;
    private static final int INCREMENTS = 150;

    @Test
    void concurrentTransactionsLoseNoUpdateAndAccountingAddsUp() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Store store = StoreTesting.newStore();
            store.write(0, 0, "/shared/counter", "0");
            store.setPerms(0, 0, "/shared", NodePermissions.parse("b0"));
            store.setPerms(0, 0, "/shared/counter", NodePermissions.parse("b0"));

            // A dom0 watcher that reads the store from inside its sink (re-entry must not deadlock).
            ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
            AtomicInteger counterEvents = new AtomicInteger();
            store.watch(0, "/shared/counter", "c", (p, t) -> {
                counterEvents.incrementAndGet();
                seen.add(Integer.parseInt(read(store, 0, "/shared/counter")));
            });

            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            AtomicInteger conflicts = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int domid = 10 + t;
                store.introduceDomain(domid);
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < INCREMENTS; i++) {
                            incrementWithRetry(store, domid, conflicts);
                            // private churn beside the shared counter, some of it in transactions
                            store.write(domid, 0, "work/n" + (i % 7), "v" + i);
                            if (i % 5 == 0) {
                                int tx = store.transactionStart(domid);
                                store.write(domid, tx, "work/tx" + (i % 3), "x".repeat(i % 50));
                                store.remove(domid, tx, "work/n" + ((i + 3) % 7));
                                try {
                                    store.transactionEnd(domid, tx, i % 10 == 0);
                                } catch (StoreException e) {
                                    if (e.status() != Status.STATUS_EAGAIN) {
                                        throw e;
                                    }
                                }
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "store-hammer-" + domid);
                threads.add(th);
                th.start();
            }
            // Meanwhile dom0 keeps introducing and releasing an unrelated domain.
            Thread lifecycle = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                        store.introduceDomain(99);
                        store.write(99, 0, "x", "y");
                        store.releaseDomain(99);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            lifecycle.start();
            start.countDown();
            for (Thread th : threads) {
                th.join();
            }
            lifecycle.join();
            assertEquals(List.of(), List.copyOf(errors));

            assertEquals(THREADS * INCREMENTS, Integer.parseInt(read(store, 0, "/shared/counter")));
            assertEquals(THREADS * INCREMENTS + 1, counterEvents.get(), "one event per commit, plus the first");
            int previous = -1;
            for (int v : seen) {
                assertTrue(v >= previous, "events were delivered out of order");
                previous = v;
            }
            assertAccountingMatchesTheTree(store);
        });
    }

    @Test
    void guestRingsServedWhileDom0FiresEventsIntoThemFromAnotherThread() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Store store = StoreTesting.newStore();
            store.write(0, 0, "/shared/state", "0");
            store.setPerms(0, 0, "/shared/state", NodePermissions.parse("r0"));
            GuestMemory mem = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
            int guests = 3;
            int dom0Writes = 400;
            int requests = 300;
            CountDownLatch watching = new CountDownLatch(guests);
            CountDownLatch dom0Done = new CountDownLatch(1);
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int g = 0; g < guests; g++) {
                int domid = 20 + g;
                long page = 0x10000L * (g + 1);
                store.introduceDomain(domid);
                GuestRing ring = new GuestRing(mem, page, -500 * g);
                StoreRingConnection conn = new StoreRingConnection(store, domid, mem, page, () -> { });
                threads.add(new Thread(() -> {
                    try {
                        int events = 0;
                        ring.send(StoreRequest.newBuilder().setReqId(0).setWatch(StoreWatch.newBuilder()
                                .setPath("/shared/state").setToken("s")).build());
                        conn.process();
                        int expectedId = 0;
                        int sent = 1;
                        watching.countDown();
                        while (expectedId < requests) {
                            if (sent < requests && sent - expectedId < 8) {
                                ring.send(StoreRequest.newBuilder().setReqId(sent).setWrite(StoreWrite.newBuilder()
                                        .setPath("mine/k" + (sent % 5))
                                        .setValue(ByteString.copyFromUtf8("v" + sent))).build());
                                sent++;
                            }
                            conn.process();
                            for (StoreServerMessage m : ring.receive()) {
                                if (m.hasWatchEvent()) {
                                    events++;
                                } else {
                                    assertEquals(expectedId, m.getResponse().getReqId(), "responses in order");
                                    assertEquals(Status.STATUS_OK, m.getResponse().getStatus());
                                    expectedId++;
                                }
                            }
                        }
                        dom0Done.await();
                        // dom0's writes have returned, but another thread may still be delivering their events
                        // (the store's dispatcher hands them over outside its lock): wait for them, bounded
                        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                        do {
                            for (StoreServerMessage m : ring.receiveAll(conn)) {
                                assertTrue(m.hasWatchEvent());
                                events++;
                            }
                        } while (events + conn.droppedEvents() < dom0Writes + 1 && System.nanoTime() < deadline
                                && sleepBriefly());
                        assertFalse(conn.isClosed());
                        assertEquals(dom0Writes + 1, events + conn.droppedEvents(), "every event arrives or is counted");
                        assertEquals("v" + (requests - 1), read(store, domid, "mine/k" + ((requests - 1) % 5)));
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "guest-" + domid));
            }
            threads.forEach(Thread::start);
            watching.await();
            for (int i = 1; i <= dom0Writes; i++) {
                store.write(0, 0, "/shared/state", Integer.toString(i));
            }
            dom0Done.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), List.copyOf(errors));
        });
    }

    private static boolean sleepBriefly() throws InterruptedException {
        Thread.sleep(5);
        return true;
    }

    private static void incrementWithRetry(Store store, int domid, AtomicInteger conflicts) {
        while (true) {
            int tx = store.transactionStart(domid);
            int v = Integer.parseInt(read(store, domid, tx, "/shared/counter"));
            store.write(domid, tx, "/shared/counter", Integer.toString(v + 1));
            try {
                store.transactionEnd(domid, tx, true);
                return;
            } catch (StoreException e) {
                if (e.status() != Status.STATUS_EAGAIN) {
                    throw e;
                }
                conflicts.incrementAndGet();
            }
        }
    }

    /** The per-domain node and byte counts equal what a walk of the tree finds. */
    private static void assertAccountingMatchesTheTree(Store store) {
        Map<Integer, long[]> found = new HashMap<>();
        walk(store, "/", found);
        for (Map.Entry<Integer, long[]> e : found.entrySet()) {
            StoreUsage u = store.usage(e.getKey());
            assertEquals(e.getValue()[0], u.nodes(), "nodes of domain " + e.getKey());
            assertEquals(e.getValue()[1], u.valueBytes(), "bytes of domain " + e.getKey());
        }
        assertEquals(0, store.usage(99).nodes());
        for (int t = 0; t < THREADS; t++) {
            assertEquals(0, store.usage(10 + t).transactions());
        }
    }

    private static void walk(Store store, String path, Map<Integer, long[]> found) {
        int owner = store.getPerms(0, 0, path).owner();
        long[] acc = found.computeIfAbsent(owner, d -> new long[2]);
        acc[0]++;
        acc[1] += store.read(0, 0, path).length;
        for (String child : store.children(0, 0, path)) {
            walk(store, StorePaths.child(path, child), found);
        }
    }
}
