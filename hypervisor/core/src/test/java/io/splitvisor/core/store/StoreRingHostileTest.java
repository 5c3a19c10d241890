package io.splitvisor.core.store;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.abi.proto.StoreRead;
import io.splitvisor.abi.proto.StoreRequest;
import io.splitvisor.abi.proto.StoreResponse;
import io.splitvisor.abi.proto.StoreServerMessage;
import io.splitvisor.abi.proto.StoreTransactionStart;
import io.splitvisor.abi.proto.StoreWatch;
import io.splitvisor.abi.proto.StoreWrite;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.splitvisor.core.store.StoreTesting.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile and stuck guests on the store ring: a protocol violation closes that ring only, with its code in the
 * page's error field; a guest that never drains its responses is throttled and loses watch events, never
 * blocking the store or affecting another domain.
 */
class StoreRingHostileTest {
    static final long PAGE5 = 0x10000;
    static final long PAGE6 = 0x20000;

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Store store = new Store(registry);
    final GuestMemory mem = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
    final AtomicInteger notified5 = new AtomicInteger();
    GuestRing guest5;
    GuestRing guest6;
    StoreRingConnection conn5;
    StoreRingConnection conn6;

    @BeforeEach
    void connect() {
        store.introduceDomain(5);
        store.introduceDomain(6);
        store.setQuota(5, StoreQuota.DEFAULT.withMaxOutstandingRequests(4).withMaxQueuedEvents(16));
        guest5 = new GuestRing(mem, PAGE5, 0x7FFFFF80);
        guest6 = new GuestRing(mem, PAGE6, 0);
        conn5 = new StoreRingConnection(store, 5, mem, PAGE5, notified5::incrementAndGet);
        conn6 = new StoreRingConnection(store, 6, mem, PAGE6, () -> { });
    }

    static StoreRequest readReq(int id, String path) {
        return StoreRequest.newBuilder().setReqId(id).setRead(StoreRead.newBuilder().setPath(path)).build();
    }

    static StoreRequest write(int id, String path, String value) {
        return StoreRequest.newBuilder().setReqId(id)
                .setWrite(StoreWrite.newBuilder().setPath(path).setValue(ByteString.copyFromUtf8(value))).build();
    }

    /** Sends a request and returns its response (watch events that come along are skipped). */
    static StoreResponse answer(GuestRing guest, StoreRingConnection conn, StoreRequest r) {
        guest.send(r);
        conn.process();
        List<StoreServerMessage> msgs = guest.receiveAll(conn).stream().filter(StoreServerMessage::hasResponse)
                .toList();
        assertEquals(1, msgs.size(), msgs.toString());
        return msgs.get(0).getResponse();
    }

    /** Domain 6's ring works, and so does domain 5 through dom0's API. */
    void othersUnaffected() {
        assertEquals(Status.STATUS_OK, answer(guest6, conn6, write(1, "alive", "yes")).getStatus());
        assertEquals("yes", answer(guest6, conn6, readReq(2, "alive")).getValue().toStringUtf8());
        assertFalse(conn6.isClosed());
        assertEquals(0, guest6.error());
        store.write(0, 0, "/local/domain/5/still-there", "1");
        assertEquals("1", read(store, 5, "still-there"));
    }

    /** Each violation, and how a guest commits it. */
    enum Violation {
        ZERO_LENGTH(RingError.BAD_LENGTH) {
            void commit(GuestRing g) {
                g.push(new byte[]{0, 0, 0, 0}, 0);
            }
        },
        LENGTH_OVER_LIMIT(RingError.BAD_LENGTH) {
            void commit(GuestRing g) {
                g.push(GuestRing.frame(new byte[4097]), 0);
            }
        },
        NEGATIVE_LENGTH(RingError.BAD_LENGTH) {
            void commit(GuestRing g) {
                g.push(new byte[]{(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, 0);
            }
        },
        GARBAGE(RingError.MALFORMED) {
            void commit(GuestRing g) {
                g.push(GuestRing.frame(new byte[]{(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}), 0);
            }
        },
        INVALID_UTF8_PATH(RingError.MALFORMED) {
            void commit(GuestRing g) {
                // read { path = bytes C3 28 }: not UTF-8
                g.push(GuestRing.frame(new byte[]{0x52, 0x04, 0x0A, 0x02, (byte) 0xC3, 0x28}), 0);
            }
        },
        TRUNCATED_PROTOBUF(RingError.MALFORMED) {
            void commit(GuestRing g) {
                byte[] full = write(1, "path", "value").toByteArray();
                g.push(GuestRing.frame(java.util.Arrays.copyOf(full, full.length - 3)), 0);
            }
        },
        NO_OP(RingError.NO_OP) {
            void commit(GuestRing g) {
                g.send(StoreRequest.newBuilder().setReqId(9).build());
            }
        },
        PRODUCER_RUNS_AHEAD(RingError.BAD_INDEX) {
            void commit(GuestRing g) {
                g.setReqProd(g.reqCons() + 1025);
            }
        },
        PRODUCER_GOES_BACK(RingError.BAD_INDEX) {
            void commit(GuestRing g) {
                g.setReqProd(g.reqCons() - 1);
            }
        },
        CONSUMER_AHEAD_OF_RESPONSES(RingError.BAD_INDEX) {
            void commit(GuestRing g) {
                g.setRspCons(g.rspProd() + 8);
                g.send(readReq(1, "x"));
            }
        };

        final RingError expected;

        Violation(RingError expected) {
            this.expected = expected;
        }

        abstract void commit(GuestRing g);
    }

    @ParameterizedTest
    @EnumSource(Violation.class)
    void aViolationClosesThatRingOnly(Violation v) {
        // state the connection holds, which must go with it
        assertEquals(Status.STATUS_OK, answer(guest5, conn5,
                StoreRequest.newBuilder().setReqId(1).setWatch(StoreWatch.newBuilder().setPath("w").setToken("t"))
                        .build()).getStatus());
        guest5.receive();
        StoreResponse tx = answer(guest5, conn5, StoreRequest.newBuilder().setReqId(2)
                .setTransactionStart(StoreTransactionStart.getDefaultInstance()).build());
        assertEquals(1, store.usage(5).transactions());
        assertEquals(1, store.usage(5).watches());
        int notifiedBefore = notified5.get();

        v.commit(guest5);
        conn5.process();

        assertTrue(conn5.isClosed());
        assertEquals(v.expected, conn5.error());
        assertEquals(v.expected.code(), guest5.error());
        assertTrue(notified5.get() > notifiedBefore, "the guest is told");
        assertEquals(0, store.usage(5).watches());
        assertEquals(0, store.usage(5).transactions());
        assertEquals(1.0, registry.get("splitvisor.store.ring.violations").tag("error", v.expected.name())
                .counter().count());
        assertTrue(tx.getTransactionId() != 0);

        // the ring is no longer served, and events no longer reach it
        int prod = guest5.rspProd();
        store.write(0, 0, "/local/domain/5/w", "change");
        conn5.process();
        assertEquals(prod, guest5.rspProd());
        assertTrue(store.isIntroduced(5), "the domain itself keeps running");
        othersUnaffected();
    }

    @Test
    void aGuestThatDoesNotTakeItsResponsesIsThrottledNotServedWithoutBound() {
        store.write(5, 0, "blob", "b".repeat(200));
        int requests = 40;
        for (int i = 0; i < requests; i++) {
            guest5.send(readReq(i, "blob"));
        }
        conn5.process();
        conn5.process();
        assertTrue(guest5.unconsumed() > 0, "requests wait in the guest's ring");
        assertFalse(conn5.isClosed());
        othersUnaffected();

        List<StoreServerMessage> all = guest5.receiveAll(conn5);
        assertEquals(requests, all.size());
        for (int i = 0; i < requests; i++) {
            assertEquals(i, all.get(i).getResponse().getReqId());
            assertEquals(200, all.get(i).getResponse().getValue().size());
        }
        assertEquals(0, guest5.unconsumed());
    }

    @Test
    void watchEventsForAGuestThatNeverDrainsAreDroppedAndCountedWithoutBlockingAnyone() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            guest5.send(StoreRequest.newBuilder().setReqId(1)
                    .setWatch(StoreWatch.newBuilder().setPath("w").setToken("t")).build());
            conn5.process();
            guest5.receiveAll(conn5);
            for (int i = 0; i < 2000; i++) {
                store.write(0, 0, "/local/domain/5/w", Integer.toString(i)); // never blocks on the stuck guest
            }
            long dropped = conn5.droppedEvents();
            assertTrue(dropped > 1000, "dropped " + dropped);
            assertEquals((double) dropped, registry.get("splitvisor.store.watch.events").tag("outcome", "dropped")
                    .counter().count());
            assertFalse(conn5.isClosed());
            othersUnaffected();

            // once it drains, it gets what was kept and its ring still works
            List<StoreServerMessage> kept = guest5.receiveAll(conn5);
            assertEquals(2000, kept.size() + dropped);
            assertEquals(Status.STATUS_OK, answer(guest5, conn5, write(2, "w", "again")).getStatus());
        });
    }

    @Test
    void aFloodOfRequestsPastTheQuotasIsAnsweredWithEquotaAndTheRingStaysUp() {
        store.setQuota(5, StoreQuota.DEFAULT.withMaxNodes(10));
        int equota = 0;
        for (int i = 0; i < 50; i++) {
            StoreResponse r = answer(guest5, conn5, write(i, "flood/n" + i, "v"));
            if (r.getStatus() == Status.STATUS_EQUOTA) {
                equota++;
            } else {
                assertEquals(Status.STATUS_OK, r.getStatus());
            }
        }
        assertEquals(42, equota);
        assertFalse(conn5.isClosed());
        assertEquals("v", answer(guest5, conn5, readReq(99, "flood/n0")).getValue().toStringUtf8());
        othersUnaffected();
    }
}
