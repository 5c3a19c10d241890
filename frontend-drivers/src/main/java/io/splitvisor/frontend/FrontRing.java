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
    private final int slotSize;
    /** Requests staged until {@link #pushRequests()} writes them, in their slots' positions. */
    private final byte[] requests;
    /** The slot area as last copied out for responses. */
    private final byte[] responses;
    private int reqProdPvt;
    private int rspCons;
    private int reqPublished;
    private int copiedFrom;
    private int copiedTo;
    private int visible;

    public FrontRing(GuestMemory memory, long gpa, SharedRing layout) {
        this.memory = memory;
        this.gpa = gpa;
        this.layout = layout;
        this.size = layout.slotCount();
        this.requestSize = layout.slot().field("req").size();
        this.responseSize = layout.slot().field("rsp").size();
        this.slotSize = layout.slotSize();
        this.requests = new byte[size * slotSize];
        this.responses = new byte[size * slotSize];
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
        copiedFrom = 0;
        copiedTo = 0;
        visible = 0;
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

    /** Stages the next request; it is written to the page, and visible to the backend, at {@link #pushRequests()}. Returns its index. */
    public int putRequest(byte[] request) {
        int index = reqProdPvt;
        int at = (index & (size - 1)) * slotSize;
        System.arraycopy(request, 0, requests, at, requestSize);
        java.util.Arrays.fill(requests, at + requestSize, at + slotSize, (byte) 0);
        reqProdPvt = index + 1;
        return index;
    }

    /** Writes the staged requests into their slots (one or two writes) and publishes them; returns true if the backend asked to be notified. */
    public boolean pushRequests() {
        int old = reqPublished;
        int now = reqProdPvt;
        if (old == now) {
            return false;
        }
        int n = now - old;
        int first = old & (size - 1);
        int straight = Math.min(n, size - first);
        memory.write(gpa + SharedRing.HEADER_SIZE + (long) first * slotSize, requests, first * slotSize, straight * slotSize);
        if (n > straight) {
            memory.write(gpa + SharedRing.HEADER_SIZE, requests, 0, (n - straight) * slotSize);
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
        visible = rspCons + n;
        return n;
    }

    /** Copies the next response into {@code dst} and consumes it; returns its index. Responses are copied out of the page in batches. */
    public int takeResponse(byte[] dst) {
        int index = rspCons;
        if (Integer.compareUnsigned(index - copiedFrom, copiedTo - copiedFrom) >= 0) {
            int n = visible - index;
            if (n <= 0 || n > size) {
                n = 1;
            }
            int first = index & (size - 1);
            int straight = Math.min(n, size - first);
            memory.read(gpa + SharedRing.HEADER_SIZE + (long) first * slotSize, responses, first * slotSize, straight * slotSize);
            if (n > straight) {
                memory.read(gpa + SharedRing.HEADER_SIZE, responses, 0, (n - straight) * slotSize);
            }
            copiedFrom = index;
            copiedTo = index + n;
        }
        System.arraycopy(responses, (index & (size - 1)) * slotSize, dst, 0, responseSize);
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
