package io.splitvisor.abi.layout;

/**
 * The block device ring (Xen's blkif): 32 slots of 112 bytes in one page.
 *
 * <pre>
 * request (112 bytes)
 *  0        1             2        4        8                16                   24
 *  +--------+-------------+--------+--------+----------------+--------------------+
 *  |operation|nr_segments | handle | (pad)  | id             | sector_number      |
 *  +--------+-------------+--------+--------+----------------+--------------------+
 *  24: seg[0] .. seg[10], 8 bytes each:
 *      0        4            5           6
 *      +--------+------------+-----------+--------+
 *      | gref   | first_sect | last_sect | (pad)  |    sectors are 512 bytes,
 *      +--------+------------+-----------+--------+    0 <= first <= last <= 7
 *
 * discard request (32 bytes, the same slot when operation is OP_DISCARD)
 *  0          1      2        4        8                16                24               32
 *  +----------+------+--------+--------+----------------+-----------------+----------------+
 *  | operation| flag | handle | (pad)  | id             | sector_number   | nr_sectors     |
 *  +----------+------+--------+--------+----------------+-----------------+----------------+
 *
 * response (16 bytes)
 *  0                 8           9      10       12
 *  +-----------------+-----------+------+--------+------+
 *  | id              | operation | (pad)| status | (pad)|
 *  +-----------------+-----------+------+--------+------+
 * </pre>
 */
public final class BlkifLayout {
    private BlkifLayout() {
    }

    public static final int OP_READ = 0;
    public static final int OP_WRITE = 1;
    public static final int OP_FLUSH_DISKCACHE = 3;
    public static final int OP_DISCARD = 5;
    public static final int OP_INDIRECT = 6;

    public static final int STATUS_OKAY = 0;
    public static final int STATUS_ERROR = -1;
    public static final int STATUS_EOPNOTSUPP = -2;

    /** Xen's {@code info} bits, published by the backend. */
    public static final int VDISK_CDROM = 1;
    public static final int VDISK_REMOVABLE = 2;
    public static final int VDISK_READONLY = 4;

    public static final int MAX_SEGMENTS_PER_REQUEST = 11;
    public static final int SECTOR_SIZE = 512;
    public static final int SECTORS_PER_PAGE = 8;

    public static final int SEG_GREF = 0;
    public static final int SEG_FIRST_SECT = 4;
    public static final int SEG_LAST_SECT = 5;
    public static final int SEGMENT_SIZE = 8;

    public static final Layout SEGMENT = Layout.struct("sv_blkif_segment", SEGMENT_SIZE,
                    "One page of a block request: a grant and a sector range within it.")
            .u32("gref", SEG_GREF, "grant reference of the data page")
            .u8("first_sect", SEG_FIRST_SECT, "first 512-byte sector in the page (0-7)")
            .u8("last_sect", SEG_LAST_SECT, "last sector in the page, inclusive (first-7)")
            .array("pad", 6, ScalarType.U8, 2, "zero")
            .build();

    public static final int REQ_OPERATION = 0;
    public static final int REQ_NR_SEGMENTS = 1;
    public static final int REQ_HANDLE = 2;
    public static final int REQ_ID = 8;
    public static final int REQ_SECTOR_NUMBER = 16;
    public static final int REQ_SEGMENTS = 24;
    public static final int REQUEST_SIZE = REQ_SEGMENTS + MAX_SEGMENTS_PER_REQUEST * SEGMENT_SIZE;

    public static final Layout REQUEST = Layout.struct("sv_blkif_request", REQUEST_SIZE,
                    "A block request.")
            .u8("operation", REQ_OPERATION, "OP_READ, OP_WRITE, OP_FLUSH_DISKCACHE, OP_DISCARD")
            .u8("nr_segments", REQ_NR_SEGMENTS, "segments used, 1-11 (0 for flush)")
            .u16("handle", REQ_HANDLE, "device handle (unused, zero)")
            .array("pad", 4, ScalarType.U8, 4, "zero")
            .u64("id", REQ_ID, "echoed in the response")
            .u64("sector_number", REQ_SECTOR_NUMBER, "first 512-byte sector on the disk")
            .nestedArray("seg", REQ_SEGMENTS, SEGMENT, MAX_SEGMENTS_PER_REQUEST, "the data pages")
            .build();

    /** Discard {@code flag}: a secure erase was asked for (never promised by the backend). */
    public static final int DISCARD_FLAG_SECURE = 1;
    public static final int DISCARD_FLAG = 1;
    public static final int DISCARD_NR_SECTORS = 24;
    public static final int DISCARD_SIZE = 32;

    public static final Layout REQUEST_DISCARD = Layout.struct("sv_blkif_request_discard", DISCARD_SIZE,
                    "A discard request: the range's contents may be forgotten.")
            .u8("operation", REQ_OPERATION, "OP_DISCARD")
            .u8("flag", DISCARD_FLAG, "DISCARD_FLAG_SECURE or 0")
            .u16("handle", REQ_HANDLE, "device handle (unused, zero)")
            .array("pad", 4, ScalarType.U8, 4, "zero")
            .u64("id", REQ_ID, "echoed in the response")
            .u64("sector_number", REQ_SECTOR_NUMBER, "first 512-byte sector")
            .u64("nr_sectors", DISCARD_NR_SECTORS, "number of 512-byte sectors")
            .build();

    public static final int RSP_ID = 0;
    public static final int RSP_OPERATION = 8;
    public static final int RSP_STATUS = 10;
    public static final int RESPONSE_SIZE = 16;

    public static final Layout RESPONSE = Layout.struct("sv_blkif_response", RESPONSE_SIZE,
                    "A block response.")
            .u64("id", RSP_ID, "the request's id")
            .u8("operation", RSP_OPERATION, "the request's operation")
            .u8("pad0", 9, "zero")
            .i16("status", RSP_STATUS, "STATUS_OKAY, STATUS_ERROR or STATUS_EOPNOTSUPP")
            .array("pad1", 12, ScalarType.U8, 4, "zero")
            .build();

    public static final SharedRing RING = SharedRing.of("sv_blkif", REQUEST, RESPONSE);
}
