package io.splitvisor.abi.layout;

import io.splitvisor.abi.AbiConstants;

/**
 * The start-info page the loader fills before the first instruction.
 *
 * <pre>
 *  0        4        8
 *  +--------+--------+-----------------------------------------------+
 *  | magic  | length | StartInfo, protobuf-encoded, `length` bytes   |
 *  | "SVSI" |        | (at most 4088)                                |
 *  +--------+--------+-----------------------------------------------+
 * </pre>
 */
public final class StartInfoPageLayout {
    private StartInfoPageLayout() {
    }

    public static final int MAGIC = 0;
    public static final int LENGTH = 4;
    public static final int DATA = 8;
    public static final int MAX_DATA = AbiConstants.PAGE_SIZE - DATA;

    public static final Layout LAYOUT = Layout.struct("sv_start_info_page", AbiConstants.PAGE_SIZE,
                    "The start-info page.")
            .u32("magic", MAGIC, "START_INFO_MAGIC")
            .u32("length", LENGTH, "bytes of encoded StartInfo")
            .array("data", DATA, ScalarType.U8, MAX_DATA, "the encoded StartInfo")
            .build();
}
