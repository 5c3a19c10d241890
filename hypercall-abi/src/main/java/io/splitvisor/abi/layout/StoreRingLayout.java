package io.splitvisor.abi.layout;

/**
 * The store page (the layout of Xen's xenstore_domain_interface): a request byte ring from the
 * guest and a response byte ring to it.
 *
 * <pre>
 *  0                1024               2048     2052     2056     2060     2064             2068        2072
 *  +----------------+------------------+--------+--------+--------+--------+----------------+-----------+-------+
 *  | req[1024]      | rsp[1024]        |req_cons|req_prod|rsp_cons|rsp_prod|server_features |connection | error |
 *  +----------------+------------------+--------+--------+--------+--------+----------------+-----------+-------+
 * </pre>
 *
 * <p>Each message is a 4-byte little-endian length and then that many bytes of protobuf
 * ({@code StoreRequest} from the guest, {@code StoreServerMessage} from the store); a message
 * may wrap around the ring and may be larger than the ring, in which case it flows through in
 * pieces. Barriers as for the console ring.
 */
public final class StoreRingLayout {
    private StoreRingLayout() {
    }

    public static final int REQ = 0;
    public static final int RING_SIZE = 1024;
    public static final int RSP = 1024;
    public static final int REQ_CONS = 2048;
    public static final int REQ_PROD = 2052;
    public static final int RSP_CONS = 2056;
    public static final int RSP_PROD = 2060;
    public static final int SERVER_FEATURES = 2064;
    public static final int CONNECTION = 2068;
    public static final int ERROR = 2072;

    /** Values of {@code error}; the store stops serving a ring once it writes one (1 and 2 as in Xen). */
    public static final int ERROR_NONE = 0;
    /** The store page is not guest RAM. */
    public static final int ERROR_COMMUNICATION = 1;
    /** req_prod ran more than the ring size ahead of req_cons, or rsp_cons left the window behind rsp_prod. */
    public static final int ERROR_BAD_INDEX = 2;
    /** A length prefix of 0 or above STORE_MAX_MESSAGE. */
    public static final int ERROR_BAD_LENGTH = 3;
    /** A message that does not decode as a StoreRequest. */
    public static final int ERROR_MALFORMED = 4;
    /** A StoreRequest without an op. */
    public static final int ERROR_NO_OP = 5;

    public static final Layout LAYOUT = Layout.struct("sv_store_ring", 4096,
                    "The store page: request and response byte rings.")
            .array("req", REQ, ScalarType.U8, RING_SIZE, "length-prefixed requests from the guest")
            .array("rsp", RSP, ScalarType.U8, RING_SIZE, "length-prefixed responses and watch events")
            .u32("req_cons", REQ_CONS, "request bytes consumed by the store")
            .u32("req_prod", REQ_PROD, "request bytes produced by the guest")
            .u32("rsp_cons", RSP_CONS, "response bytes consumed by the guest")
            .u32("rsp_prod", RSP_PROD, "response bytes produced by the store")
            .u32("server_features", SERVER_FEATURES, "zero")
            .u32("connection", CONNECTION, "0 connected")
            .u32("error", ERROR, "0, or a protocol error that closed the ring")
            .build();
}
