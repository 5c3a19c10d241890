package io.splitvisor.abi.layout;

/**
 * The hypercall frame: a guest-physical, 8-byte aligned block whose address the guest writes to
 * the hypercall port with a 32-bit OUT.
 *
 * <pre>
 *  0      4             8                   12       16             20         24             32
 *  +------+-------------+-------------------+--------+--------------+----------+--------------+------------------+
 *  | op   | request_len | response_capacity | status | response_len | reserved | cookie       | payload ...      |
 *  | in   | in          | in                | out    | out          | zero     | guest's own  | request in,      |
 *  |      |             |                   |        |              |          |              | response out     |
 *  +------+-------------+-------------------+--------+--------------+----------+--------------+------------------+
 * </pre>
 *
 * <p>The hypervisor copies the header and the {@code request_len} payload bytes out of guest
 * memory before it looks at them, performs operation {@code op}, then writes the encoded response
 * over the payload (at most {@code response_capacity} bytes), then {@code response_len}, then
 * {@code status} (a {@code Status} value). The frame must lie inside the guest's RAM:
 * 32 + max(request_len, response_capacity) bytes from its address. A frame that cannot be read
 * gets no answer at all (there is nowhere to write one); the error is logged.
 */
public final class HypercallFrameLayout {
    private HypercallFrameLayout() {
    }

    public static final int OP = 0;
    public static final int REQUEST_LEN = 4;
    public static final int RESPONSE_CAPACITY = 8;
    public static final int STATUS = 12;
    public static final int RESPONSE_LEN = 16;
    public static final int RESERVED = 20;
    public static final int COOKIE = 24;
    public static final int PAYLOAD = 32;
    public static final int HEADER_SIZE = PAYLOAD;

    public static final Layout HEADER = Layout.struct("sv_hypercall_frame", HEADER_SIZE,
                    "The header of a hypercall frame; the payload follows it.")
            .u32("op", OP, "operation number (SV_OP_*)")
            .u32("request_len", REQUEST_LEN, "bytes of encoded request in the payload")
            .u32("response_capacity", RESPONSE_CAPACITY, "bytes the response may use in the payload")
            .i32("status", STATUS, "written by the hypervisor: STATUS_OK or a negative error")
            .u32("response_len", RESPONSE_LEN, "written by the hypervisor: bytes of encoded response")
            .u32("reserved", RESERVED, "zero")
            .u64("cookie", COOKIE, "the guest's own; left untouched")
            .build();
}
