package io.splitvisor.backend.ring;

import io.splitvisor.abi.layout.SharedRing;
import io.splitvisor.core.grant.GrantedPage;

import java.lang.invoke.VarHandle;

/**
 * The backend's end of a shared request/response ring (Xen's {@code back_ring}) over a page the
 * frontend granted, for any {@link SharedRing} layout.
 *
 * <p>Xen's rules, with the frontend treated as hostile:
 * <ul>
 *   <li>{@link #unconsumedRequests()} reads {@code req_prod} with acquire semantics (the entries
 *       are read after the index) and caps the count by the ring size
 *       ({@code RING_HAS_UNCONSUMED_REQUESTS}); a {@code req_prod} more than the ring size ahead of
 *       the responses ({@code RING_REQUEST_PROD_OVERFLOW}) throws {@link RingProtocolException}.</li>
 *   <li>{@link #copyRequest} hands out a copy of a whole request ({@code RING_COPY_REQUEST}):
 *       callers validate and act on the copy only, so a frontend rewriting the slot meanwhile
 *       changes nothing. The requests the last {@link #unconsumedRequests()} allowed are copied
 *       out of the page together, in one read.</li>
 *   <li>{@link #pushResponses()} publishes {@code rsp_prod} with a release store, a full fence,
 *       then says whether {@code rsp_event} lies in (old, new]
 *       ({@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}). "old" is this side's own record of what it
 *       published, never re-read from the page.</li>
 *   <li>{@link #finalCheckForRequests()} sets {@code req_event = req_cons + 1}, a full fence, and
 *       looks again ({@code RING_FINAL_CHECK_FOR_REQUESTS}), so no wakeup is lost.</li>
 * </ul>
 * Indices are free-running unsigned 32-bit counters kept in {@code int}s and compared with
 * unsigned arithmetic. Not thread-safe: one device worker owns it.
 */
public final class BackRing {
    private final GrantedPage page;
    private final SharedRing layout;
    private final int size;
    private final int requestSize;
    private final int responseSize;
    private final int slotSize;
    /** The slot area as last copied out: requests are read from here, never twice from the page. */
    private final byte[] requests;
    /** Responses staged until {@link #pushResponses()} writes them, in their slots' positions. */
    private final byte[] responses;
    private int reqCons;
    private int rspProdPvt;
    private int rspPublished;
    /** Requests [copiedFrom, copiedTo) are in {@link #requests}. */
    private int copiedFrom;
    private int copiedTo;
    /** req_cons + what the last {@link #unconsumedRequests()} allowed: published requests that may be copied. */
    private int visible;

    /** Attaches to a ring the frontend initialised (Xen's {@code BACK_RING_INIT}); never writes the page. */
    public BackRing(GrantedPage page, SharedRing layout) {
        this(page, layout, 0);
    }

    /** Attaches at index {@code start} (Xen's {@code BACK_RING_ATTACH}). */
    public BackRing(GrantedPage page, SharedRing layout, int start) {
        this.page = page;
        this.layout = layout;
        this.size = layout.slotCount();
        this.requestSize = layout.slot().field("req").size();
        this.responseSize = layout.slot().field("rsp").size();
        this.slotSize = layout.slotSize();
        this.requests = new byte[size * slotSize];
        this.responses = new byte[size * slotSize];
        this.reqCons = start;
        this.rspProdPvt = start;
        this.rspPublished = start;
        this.copiedFrom = start;
        this.copiedTo = start;
        this.visible = start;
    }

    public SharedRing layout() {
        return layout;
    }

    /** Number of slots. */
    public int size() {
        return size;
    }

    /** Bytes of a request, what {@link #copyRequest} copies. */
    public int requestSize() {
        return requestSize;
    }

    /** Bytes of a response, what {@link #writeResponse} writes. */
    public int responseSize() {
        return responseSize;
    }

    /** The index of the next request to consume. */
    public int requestConsumer() {
        return reqCons;
    }

    /** The index of the next response to produce. */
    public int responseProducer() {
        return rspProdPvt;
    }

    /**
     * Requests that may be consumed now: {@code min(req_prod - req_cons, size - (req_cons - rsp_prod_pvt))}.
     *
     * @throws RingProtocolException if {@code req_prod} is more than the ring size ahead of the responses
     */
    public int unconsumedRequests() {
        int prod = (int) page.readU32Acquire(SharedRing.REQ_PROD);
        int ahead = prod - rspProdPvt;
        if (Integer.compareUnsigned(ahead, size) > 0) {
            throw new RingProtocolException("req_prod " + Integer.toUnsignedString(prod) + " is "
                    + Integer.toUnsignedString(ahead) + " requests ahead of the responses; the ring holds " + size);
        }
        int produced = prod - reqCons;
        int room = size - (reqCons - rspProdPvt);
        int n = Integer.compareUnsigned(produced, room) < 0 ? produced : room;
        visible = reqCons + n;
        return n;
    }

    /**
     * Copies the next request into {@code dst} (at least {@link #requestSize()} bytes) and consumes
     * it; returns its index. Call only while {@link #unconsumedRequests()} is positive.
     */
    public int copyRequest(byte[] dst) {
        int index = reqCons;
        if (Integer.compareUnsigned(index - copiedFrom, copiedTo - copiedFrom) >= 0) {
            copyOut(index);
        }
        System.arraycopy(requests, (index & (size - 1)) * slotSize, dst, 0, requestSize);
        reqCons = index + 1;
        return index;
    }

    /**
     * Copies every request the last {@link #unconsumedRequests()} allowed, from {@code from} on, out
     * of the page in one or two reads (the slot area may wrap): batching the copy is what makes the
     * ring cheap per request, and the backend still reads each request only from its copy.
     */
    private void copyOut(int from) {
        int n = visible - from;
        if (n <= 0 || n > size) {
            n = 1;   // a caller that did not ask unconsumedRequests() first: one slot
        }
        int first = from & (size - 1);
        int straight = Math.min(n, size - first);
        page.read(SharedRing.HEADER_SIZE + first * slotSize, requests, first * slotSize, straight * slotSize);
        if (n > straight) {
            page.read(SharedRing.HEADER_SIZE, requests, 0, (n - straight) * slotSize);
        }
        copiedFrom = from;
        copiedTo = from + n;
    }

    /**
     * Stages the next response ({@link #responseSize()} bytes of {@code src}) for its slot; it is
     * written to the page, and visible to the frontend, at {@link #pushResponses()}. With one
     * response per request in order, that slot is the one its request came from.
     */
    public void writeResponse(byte[] src) {
        System.arraycopy(src, 0, responses, (rspProdPvt & (size - 1)) * slotSize, responseSize);
        rspProdPvt++;
    }

    /** Responses written but not yet published. */
    public int unpublishedResponses() {
        return rspProdPvt - rspPublished;
    }

    /**
     * Writes the staged responses into their slots and publishes them; returns true if the
     * frontend asked to be notified (its {@code rsp_event} lies in (old, new]). Returns false when
     * there was nothing to publish.
     */
    public boolean pushResponses() {
        int old = rspPublished;
        int now = rspProdPvt;
        if (old == now) {
            return false;
        }
        // The staged slots go out in one or two writes (whole slots: a consumed request's slot is
        // the backend's until its response is published), then the index that publishes them.
        int n = now - old;
        int first = old & (size - 1);
        int straight = Math.min(n, size - first);
        page.write(SharedRing.HEADER_SIZE + first * slotSize, responses, first * slotSize, straight * slotSize);
        if (n > straight) {
            page.write(SharedRing.HEADER_SIZE, responses, 0, (n - straight) * slotSize);
        }
        page.writeU32Release(SharedRing.RSP_PROD, now & 0xFFFFFFFFL);
        rspPublished = now;
        VarHandle.fullFence();   // rsp_prod is visible before rsp_event is read (store -> load)
        int event = (int) page.readU32(SharedRing.RSP_EVENT);
        return Integer.compareUnsigned(now - event, now - old) < 0;
    }

    /**
     * With nothing left, asks to be notified by the next request and looks once more; returns
     * whether there is work.
     *
     * @throws RingProtocolException as {@link #unconsumedRequests()}
     */
    public boolean finalCheckForRequests() {
        if (unconsumedRequests() > 0) {
            return true;
        }
        page.writeU32(SharedRing.REQ_EVENT, (reqCons + 1) & 0xFFFFFFFFL);
        VarHandle.fullFence();   // req_event is visible before req_prod is read again (store -> load)
        return unconsumedRequests() > 0;
    }

    @Override
    public String toString() {
        return layout.page().name() + "[req_cons=" + Integer.toUnsignedString(reqCons)
                + ", rsp_prod_pvt=" + Integer.toUnsignedString(rspProdPvt) + "]";
    }
}
