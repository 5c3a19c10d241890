package io.splitvisor.frontend;

import io.splitvisor.abi.layout.SharedRing;
import io.splitvisor.core.memory.GuestAtomics;
import io.splitvisor.engine.GuestMemory;

import java.lang.invoke.VarHandle;

/**
 * The frontend's end of a shared ring (Xen's {@code front_ring}) in the frontend's own page: it
 * initialises the page, produces requests and consumes responses. The mirror of the backend's
 * {@code BackRing}, with the same ordering rules ({@code splitvisor/ring.h} in C). A backend more
 * than the ring size ahead is a protocol error ({@link FrontendException}). Not thread-safe.
 */
public final class FrontRing {
    private final GuestMemory memory;
    private final long gpa;
    private final SharedRing layout;
    private final int size;
    private final int requestSize;
    private final int responseSize;
    private int reqProdPvt;
    private int rspCons;
    private int reqPublished;

    public FrontRing(GuestMemory memory, long gpa, SharedRing layout) {
        this.memory = memory;
        this.gpa = gpa;
        this.layout = layout;
        this.size = layout.slotCount();
        this.requestSize = layout.slot().field("req").size();
        this.responseSize = layout.slot().field("rsp").size();
    }

    /** Xen's SHARED_RING_INIT + FRONT_RING_INIT: only the frontend does this, once, before publishing the ring. */
    public void init() {
        memory.fill(gpa, SharedRing.HEADER_SIZE, (byte) 0);
        memory.writeU32(gpa + SharedRing.REQ_EVENT, 1);
        memory.writeU32(gpa + SharedRing.RSP_EVENT, 1);
        VarHandle.releaseFence();
        reqProdPvt = 0;
        rspCons = 0;
        reqPublished = 0;
    }

    public long gpa() {
        return gpa;
    }

    public SharedRing layout() {
        return layout;
    }

    public int size() {
        return size;
    }

    public int requestSize() {
        return requestSize;
    }

    public int responseSize() {
        return responseSize;
    }

    /** Slots the frontend may fill now. */
    public int freeRequests() {
        return size - (reqProdPvt - rspCons);
    }

    public int requestProducer() {
        return reqProdPvt;
    }

    /** Guest-physical address of the slot of index {@code index}. */
    public long slotAddress(int index) {
        return gpa + layout.slotOffset(index);
    }

    /** Writes the next request (visible to the backend after {@link #pushRequests()}); returns its index. */
    public int putRequest(byte[] request) {
        int index = reqProdPvt;
        memory.write(slotAddress(index), request, 0, requestSize);
        reqProdPvt = index + 1;
        return index;
    }

    /** Publishes the requests written; returns true if the backend asked to be notified. */
    public boolean pushRequests() {
        int old = reqPublished;
        int now = reqProdPvt;
        if (old == now) {
            return false;
        }
        GuestAtomics.writeU32Release(memory, gpa + SharedRing.REQ_PROD, now & 0xFFFFFFFFL);
        reqPublished = now;
        VarHandle.fullFence();   // req_prod is visible before req_event is read
        int event = (int) memory.readU32(gpa + SharedRing.REQ_EVENT);
        return Integer.compareUnsigned(now - event, now - old) < 0;
    }

    /** Responses ready to consume. */
    public int unconsumedResponses() {
        int prod = (int) GuestAtomics.readU32Acquire(memory, gpa + SharedRing.RSP_PROD);
        int n = prod - rspCons;
        if (Integer.compareUnsigned(n, reqPublished - rspCons) > 0) {
            throw new FrontendException("rsp_prod " + Integer.toUnsignedString(prod) + " runs past the requests produced ("
                    + Integer.toUnsignedString(reqPublished) + ")");
        }
        return n;
    }

    /** Copies the next response into {@code dst} and consumes it; returns its index. */
    public int takeResponse(byte[] dst) {
        int index = rspCons;
        memory.read(slotAddress(index), dst, 0, responseSize);
        rspCons = index + 1;
        return index;
    }

    /** With nothing left, asks to be notified by the next response and looks again. */
    public boolean finalCheckForResponses() {
        if (unconsumedResponses() > 0) {
            return true;
        }
        memory.writeU32(gpa + SharedRing.RSP_EVENT, (rspCons + 1) & 0xFFFFFFFFL);
        VarHandle.fullFence();
        return unconsumedResponses() > 0;
    }
}
