package io.splitvisor.abi.layout;

/**
 * The entropy device ring ("vrng"): the worked example of docs/WRITING-A-DRIVER.md, and the
 * pattern for a new device's layout: it lives here, in the ABI module, so the C header guests
 * compile against is generated from it. The frontend
 * posts a request naming a page it granted to the backend (writable), an offset and a length; the
 * backend fills that many random bytes there and answers with the count, in the request's slot.
 *
 * <pre>
 * request (16 bytes)                              response (8 bytes)
 *  0        4        8        10       12     16   0        4        8
 *  +--------+--------+--------+--------+------+    +--------+--------+
 *  | id     | gref   | offset | length | pad  |    | id     | status |
 *  +--------+--------+--------+--------+------+    +--------+--------+
 *  u32      u32      u16      u16      u32         u32      i32
 * </pre>
 *
 * <p>{@code offset + length} must not pass the end of the 4 KiB page and {@code length} must be
 * 1 to 4096. {@code status} is the number of bytes written (equal to {@code length}) when
 * non-negative, else {@link #STATUS_ERROR} (a bad grant, a read-only grant, a range outside the
 * page, a zero length). The slot is 16 bytes, so a one-page ring has 128 slots.
 */
public final class VrngLayout {
    private VrngLayout() {
    }

    /** Device type in the store: {@code device/vrng/<id>}, {@code backend/vrng/<fe>/<id>}. */
    public static final String DEVICE_TYPE = "vrng";

    public static final int STATUS_ERROR = -1;
    /** Most bytes one request may ask for: one page. */
    public static final int MAX_LENGTH = 4096;

    public static final int REQ_ID = 0;
    public static final int REQ_GREF = 4;
    public static final int REQ_OFFSET = 8;
    public static final int REQ_LENGTH = 10;
    public static final int REQUEST_SIZE = 16;

    public static final Layout REQUEST = Layout.struct("sv_vrng_request", REQUEST_SIZE,
                    "A request for random bytes written into a granted page.")
            .u32("id", REQ_ID, "echoed in the response")
            .u32("gref", REQ_GREF, "grant reference of the page to fill, writable by the backend")
            .u16("offset", REQ_OFFSET, "where in the page the bytes go")
            .u16("length", REQ_LENGTH, "how many bytes, 1-4096, offset + length <= 4096")
            .array("pad", 12, ScalarType.U8, 4, "zero")
            .build();

    public static final int RSP_ID = 0;
    public static final int RSP_STATUS = 4;
    public static final int RESPONSE_SIZE = 8;

    public static final Layout RESPONSE = Layout.struct("sv_vrng_response", RESPONSE_SIZE,
                    "The outcome of a request.")
            .u32("id", RSP_ID, "the request's id")
            .i32("status", RSP_STATUS, "bytes written when >= 0, else STATUS_ERROR")
            .build();

    /** 128 slots of 16 bytes after the 64-byte header. */
    public static final SharedRing RING = SharedRing.of("sv_vrng", REQUEST, RESPONSE);
}
