package io.splitvisor.abi.layout;

/**
 * The network device rings (Xen's netif): a transmit ring and a receive ring of 256 slots each.
 *
 * <pre>
 * tx request (12 bytes)                      tx response (4 bytes)
 *  0        4        6       8    10   12     0    2        4
 *  +--------+--------+-------+----+----+      +----+--------+
 *  | gref   | offset | flags | id |size|      | id | status |
 *  +--------+--------+-------+----+----+      +----+--------+
 *
 * rx request (8 bytes)                       rx response (8 bytes)
 *  0    2      4        8                     0    2        4       6        8
 *  +----+------+--------+                     +----+--------+-------+--------+
 *  | id | (pad)| gref   |                     | id | offset | flags | status |
 *  +----+------+--------+                     +----+--------+-------+--------+
 * </pre>
 *
 * <p>A tx slot's data must not cross its page. An rx response's status is the received length
 * when positive and an error when negative; it is written in the same slot as its request.
 */
public final class NetifLayout {
    private NetifLayout() {
    }

    public static final int TXF_CSUM_BLANK = 1;
    public static final int TXF_DATA_VALIDATED = 2;
    public static final int TXF_MORE_DATA = 4;
    public static final int RXF_DATA_VALIDATED = 1;
    public static final int RXF_CSUM_BLANK = 2;
    public static final int RXF_MORE_DATA = 4;

    public static final int STATUS_DROPPED = -2;
    public static final int STATUS_ERROR = -1;
    public static final int STATUS_OKAY = 0;

    /** Largest frame without the FCS: 14-byte Ethernet header plus a 1500-byte payload. */
    public static final int MAX_FRAME = 1514;

    public static final int TX_REQ_GREF = 0;
    public static final int TX_REQ_OFFSET = 4;
    public static final int TX_REQ_FLAGS = 6;
    public static final int TX_REQ_ID = 8;
    public static final int TX_REQ_SIZE = 10;

    public static final Layout TX_REQUEST = Layout.struct("sv_netif_tx_request", 12,
                    "A frame (or a fragment of one) to transmit.")
            .u32("gref", TX_REQ_GREF, "grant reference of the page holding the data")
            .u16("offset", TX_REQ_OFFSET, "offset of the data in that page")
            .u16("flags", TX_REQ_FLAGS, "TXF_* bits")
            .u16("id", TX_REQ_ID, "echoed in the response")
            .u16("size", TX_REQ_SIZE, "first slot: the whole frame's length; later slots: this fragment's")
            .build();

    public static final int TX_RSP_ID = 0;
    public static final int TX_RSP_STATUS = 2;

    public static final Layout TX_RESPONSE = Layout.struct("sv_netif_tx_response", 4,
                    "The outcome of a transmit.")
            .u16("id", TX_RSP_ID, "the request's id")
            .i16("status", TX_RSP_STATUS, "STATUS_OKAY, STATUS_ERROR or STATUS_DROPPED")
            .build();

    public static final int RX_REQ_ID = 0;
    public static final int RX_REQ_GREF = 4;

    public static final Layout RX_REQUEST = Layout.struct("sv_netif_rx_request", 8,
                    "An empty page offered for a received frame.")
            .u16("id", RX_REQ_ID, "echoed in the response")
            .u16("pad", 2, "zero")
            .u32("gref", RX_REQ_GREF, "grant reference of the page, writable by the backend")
            .build();

    public static final int RX_RSP_ID = 0;
    public static final int RX_RSP_OFFSET = 2;
    public static final int RX_RSP_FLAGS = 4;
    public static final int RX_RSP_STATUS = 6;

    public static final Layout RX_RESPONSE = Layout.struct("sv_netif_rx_response", 8,
                    "A received frame.")
            .u16("id", RX_RSP_ID, "the request's id")
            .u16("offset", RX_RSP_OFFSET, "where the frame starts in the page")
            .u16("flags", RX_RSP_FLAGS, "RXF_* bits")
            .i16("status", RX_RSP_STATUS, "the frame length when positive, else an error")
            .build();

    public static final SharedRing TX_RING = SharedRing.of("sv_netif_tx", TX_REQUEST, TX_RESPONSE);
    public static final SharedRing RX_RING = SharedRing.of("sv_netif_rx", RX_REQUEST, RX_RESPONSE);
}
