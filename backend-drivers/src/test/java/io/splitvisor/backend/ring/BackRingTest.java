package io.splitvisor.backend.ring;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.layout.BlkifLayout;
import io.splitvisor.abi.layout.SharedRing;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.grant.GrantedPage;
import io.splitvisor.core.memory.GuestPhysicalMap;
import io.splitvisor.engine.GuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Xen's back-ring rules on a page a frontend domain granted to dom0, including index wrap-around. */
class BackRingTest {
    private static final long RING = 0x100000;
    private static final SharedRing LAYOUT = BlkifLayout.RING;
    private static final int SIZE = LAYOUT.slotCount();
    private Hypervisor hv;
    private GuestMemory fe;
    private GrantedPage page;

    @BeforeEach
    void setUp() {
        hv = new Hypervisor(new Engines());
        Domain front = hv.createHostDomain("front", 4 << 20);
        fe = front.memory();
        long entry = GuestPhysicalMap.GRANT_TABLE + 8 * 8;
        fe.writeU16(entry + 2, 0);
        fe.writeU32(entry + 4, RING >>> 12);
        fe.writeU16(entry, AbiConstants.GTF_PERMIT_ACCESS);
        page = hv.grants().mapForHost(hv.dom0(), front.domid(), 8, false);
        initAt(0);
    }

    @AfterEach
    void tearDown() {
        hv.close();
    }

    /** The frontend's SHARED_RING_INIT, at index {@code start} (as after a long-running ring). */
    private void initAt(int start) {
        fe.fill(RING, 4096, (byte) 0);
        fe.writeU32(RING + SharedRing.REQ_PROD, start & 0xFFFFFFFFL);
        fe.writeU32(RING + SharedRing.RSP_PROD, start & 0xFFFFFFFFL);
        fe.writeU32(RING + SharedRing.REQ_EVENT, (start + 1) & 0xFFFFFFFFL);
        fe.writeU32(RING + SharedRing.RSP_EVENT, (start + 1) & 0xFFFFFFFFL);
    }

    /** The frontend produces {@code n} requests whose first byte is their index. */
    private void produce(int from, int n) {
        for (int i = from; i < from + n; i++) {
            fe.writeU8(RING + LAYOUT.slotOffset(i), i & 0xFF);
        }
        fe.writeU32(RING + SharedRing.REQ_PROD, (from + n) & 0xFFFFFFFFL);
    }

    private long header(int offset) {
        return fe.readU32(RING + offset);
    }

    @Test
    void consumesWhatWasProducedAcrossTheWrapOfTheIndices() {
        int start = 0xFFFFFFF0;
        initAt(start);
        BackRing ring = new BackRing(page, LAYOUT, start);
        produce(start, 20);
        assertEquals(20, ring.unconsumedRequests());
        byte[] copy = new byte[ring.requestSize()];
        for (int i = 0; i < 20; i++) {
            assertEquals(start + i, ring.copyRequest(copy));
            assertEquals((start + i) & 0xFF, copy[0] & 0xFF);
            ring.writeResponse(new byte[ring.responseSize()]);
        }
        assertEquals(0, ring.unconsumedRequests());
        ring.pushResponses();
        assertEquals((start + 20) & 0xFFFFFFFFL, header(SharedRing.RSP_PROD));
        assertEquals(4, start + 20, "the indices wrapped");
    }

    @Test
    void unconsumedRequestsAreCappedByTheRoomLeft() {
        BackRing ring = new BackRing(page, LAYOUT);
        produce(0, SIZE);
        byte[] copy = new byte[ring.requestSize()];
        for (int i = 0; i < 10; i++) {
            ring.copyRequest(copy);   // consumed, not yet answered
        }
        assertEquals(SIZE - 10, ring.unconsumedRequests());
        for (int i = 0; i < 10; i++) {
            ring.writeResponse(new byte[ring.responseSize()]);
        }
        produce(SIZE, 10);
        assertEquals(SIZE - 10 + 10, ring.unconsumedRequests(), "answered slots are free again");
    }

    @Test
    void aProducerMoreThanTheRingAheadIsAProtocolViolation() {
        BackRing ring = new BackRing(page, LAYOUT);
        fe.writeU32(RING + SharedRing.REQ_PROD, SIZE);
        assertEquals(SIZE, ring.unconsumedRequests(), "exactly one ring's worth is fine");
        fe.writeU32(RING + SharedRing.REQ_PROD, SIZE + 1);
        RingProtocolException e = assertThrows(RingProtocolException.class, ring::unconsumedRequests);
        assertTrue(e.getMessage().contains("33"), e.getMessage());
        fe.writeU32(RING + SharedRing.REQ_PROD, 0xFFFFFFFFL);
        assertThrows(RingProtocolException.class, ring::unconsumedRequests, "behind is as bad as far ahead");
        assertThrows(RingProtocolException.class, ring::finalCheckForRequests);
    }

    @Test
    void theCopyIsTheBackendsOwn() {
        BackRing ring = new BackRing(page, LAYOUT);
        for (int b = 0; b < BlkifLayout.REQUEST_SIZE; b++) {
            fe.writeU8(RING + LAYOUT.slotOffset(0) + b, b);
        }
        fe.writeU32(RING + SharedRing.REQ_PROD, 1);
        byte[] copy = new byte[ring.requestSize()];
        ring.copyRequest(copy);
        fe.fill(RING + LAYOUT.slotOffset(0), BlkifLayout.REQUEST_SIZE, (byte) 0x77);
        for (int b = 0; b < BlkifLayout.REQUEST_SIZE; b++) {
            assertEquals(b, copy[b], "byte " + b);
        }
        assertEquals(BlkifLayout.REQUEST_SIZE, copy.length);
    }

    @Test
    void pushNotifiesOnlyWhenTheEventIndexIsCrossed() {
        int start = 0xFFFFFFFE;
        initAt(start);
        BackRing ring = new BackRing(page, LAYOUT, start);
        produce(start, 8);
        byte[] copy = new byte[ring.requestSize()];
        byte[] rsp = new byte[ring.responseSize()];
        for (int i = 0; i < 3; i++) {
            ring.copyRequest(copy);
            ring.writeResponse(rsp);
        }
        assertTrue(ring.pushResponses(), "rsp_event = start + 1 lies in (start, start + 3]");
        fe.writeU32(RING + SharedRing.RSP_EVENT, (start + 6) & 0xFFFFFFFFL);   // the frontend wants the 6th
        ring.copyRequest(copy);
        ring.writeResponse(rsp);
        assertFalse(ring.pushResponses(), "start + 6 is not in (start + 3, start + 4]");
        ring.copyRequest(copy);
        ring.writeResponse(rsp);
        ring.copyRequest(copy);
        ring.writeResponse(rsp);
        assertTrue(ring.pushResponses(), "start + 6 is in (start + 4, start + 6], across the wrap");
        assertFalse(ring.pushResponses(), "nothing new, no event");
    }

    @Test
    void theFinalCheckArmsTheEventAndCatchesALateRequest() {
        BackRing ring = new BackRing(page, LAYOUT);
        assertFalse(ring.finalCheckForRequests());
        assertEquals(1, header(SharedRing.REQ_EVENT), "wake me at the next request");
        produce(0, 1);
        assertTrue(ring.finalCheckForRequests());
        ring.copyRequest(new byte[ring.requestSize()]);
        ring.writeResponse(new byte[ring.responseSize()]);
        assertFalse(ring.finalCheckForRequests());
        assertEquals(2, header(SharedRing.REQ_EVENT));
    }

    @Test
    void theBackendNeverWritesTheRequestHalfOfTheHeader() {
        BackRing ring = new BackRing(page, LAYOUT);
        produce(0, 2);
        ring.copyRequest(new byte[ring.requestSize()]);
        ring.writeResponse(new byte[ring.responseSize()]);
        ring.pushResponses();
        assertEquals(2, header(SharedRing.REQ_PROD));
        byte[] reserved = fe.read(RING + 16, 48);
        assertArrayEquals(new byte[48], reserved);
    }
}
