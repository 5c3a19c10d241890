package io.splitvisor.abi.layout;

import io.splitvisor.abi.AbiConstants;

/**
 * Xen's shared request/response ring, laid over one 4 KiB page granted by the frontend.
 *
 * <pre>
 *  offset 0         4          8          12         16                                64
 *        +---------+----------+----------+----------+----------------------------------+
 *        | req_prod| req_event| rsp_prod | rsp_event| reserved, zero (48 bytes)         |
 *        +---------+----------+----------+----------+----------------------------------+
 *     64 | slot[0]: a request, later overwritten by its response                       |
 *        | slot[1]                                                                      |
 *        | ...      slot count = the largest power of two with 64 + count*slot <= 4096  |
 *        +-----------------------------------------------------------------------------+
 * </pre>
 *
 * <p>Indices are free-running unsigned 32-bit counters; the slot of index {@code i} is
 * {@code i & (count - 1)}. The frontend produces requests ({@code req_prod}) and consumes
 * responses; the backend the reverse. A side asks to be notified when the other side's producer
 * index passes its {@code *_event} value. Only the frontend initialises the page
 * ({@code req_prod = rsp_prod = 0}, {@code req_event = rsp_event = 1}).
 */
public final class SharedRing {
    public static final int REQ_PROD = 0;
    public static final int REQ_EVENT = 4;
    public static final int RSP_PROD = 8;
    public static final int RSP_EVENT = 12;
    public static final int HEADER_SIZE = 64;

    public static final Layout HEADER = Layout.struct("sv_ring_header", HEADER_SIZE,
                    "The 64-byte header of every shared ring.")
            .u32("req_prod", REQ_PROD, "requests produced by the frontend")
            .u32("req_event", REQ_EVENT, "notify the backend when req_prod passes this")
            .u32("rsp_prod", RSP_PROD, "responses produced by the backend")
            .u32("rsp_event", RSP_EVENT, "notify the frontend when rsp_prod passes this")
            .array("reserved", 16, ScalarType.U8, 48, "zero")
            .build();

    private final Layout slot;
    private final Layout page;
    private final int slotCount;

    private SharedRing(Layout slot, Layout page, int slotCount) {
        this.slot = slot;
        this.page = page;
        this.slotCount = slotCount;
    }

    /**
     * A ring named {@code name} (C: {@code name_slot}, {@code name_sring}) whose slots hold a
     * request or a response.
     */
    public static SharedRing of(String name, Layout request, Layout response) {
        Layout slot = Layout.union(name + "_slot", "One ring slot: a request, later its response.")
                .member("req", request, "the request, written by the frontend")
                .member("rsp", response, "the response, written by the backend")
                .build();
        int count = Integer.highestOneBit((AbiConstants.PAGE_SIZE - HEADER_SIZE) / slot.size());
        Layout page = Layout.struct(name + "_sring", HEADER_SIZE + count * slot.size(),
                        "The shared page of the " + name + " ring.")
                .nested("hdr", 0, HEADER, "indices and event thresholds")
                .nestedArray("ring", HEADER_SIZE, slot, count, "the slots")
                .build();
        return new SharedRing(slot, page, count);
    }

    public Layout slot() {
        return slot;
    }

    public Layout page() {
        return page;
    }

    /** Number of slots, a power of two. */
    public int slotCount() {
        return slotCount;
    }

    public int slotSize() {
        return slot.size();
    }

    /** Byte offset in the page of the slot that index {@code index} uses. */
    public int slotOffset(int index) {
        return HEADER_SIZE + (index & (slotCount - 1)) * slot.size();
    }
}
