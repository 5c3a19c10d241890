package io.splitvisor.backend.blk;

import io.splitvisor.abi.layout.BlkifLayout;
import io.splitvisor.abi.layout.Layout;
import io.splitvisor.abi.layout.ScalarType;

/**
 * The discard form of a block request (Xen's {@code blkif_request_discard}), laid over the same
 * ring slot as {@link BlkifLayout#REQUEST} when {@code operation} is {@link BlkifLayout#OP_DISCARD}.
 *
 * <pre>
 *  0          1      2        4        8                16                24               32
 *  +----------+------+--------+--------+----------------+-----------------+----------------+
 *  | operation| flag | handle | (pad)  | id             | sector_number   | nr_sectors     |
 *  +----------+------+--------+--------+----------------+-----------------+----------------+
 * </pre>
 *
 * <p>It belongs in the ABI module beside {@code BlkifLayout} (so the C header carries it); until
 * it moves there, this class is its single description on the Java side.
 */
public final class BlkifDiscardLayout {
    private BlkifDiscardLayout() {
    }

    /** {@code flag}: the frontend asks for a secure erase (ignored: never promised). */
    public static final int FLAG_SECURE = 1;

    public static final int OPERATION = BlkifLayout.REQ_OPERATION;
    public static final int FLAG = 1;
    public static final int HANDLE = BlkifLayout.REQ_HANDLE;
    public static final int ID = BlkifLayout.REQ_ID;
    public static final int SECTOR_NUMBER = BlkifLayout.REQ_SECTOR_NUMBER;
    public static final int NR_SECTORS = 24;
    public static final int SIZE = 32;

    public static final Layout LAYOUT = Layout.struct("sv_blkif_request_discard", SIZE,
                    "A discard request: the range's contents may be forgotten.")
            .u8("operation", OPERATION, "OP_DISCARD")
            .u8("flag", FLAG, "FLAG_SECURE or 0")
            .u16("handle", HANDLE, "device handle (unused, zero)")
            .array("pad", 4, ScalarType.U8, 4, "zero")
            .u64("id", ID, "echoed in the response")
            .u64("sector_number", SECTOR_NUMBER, "first 512-byte sector")
            .u64("nr_sectors", NR_SECTORS, "number of 512-byte sectors")
            .build();
}
