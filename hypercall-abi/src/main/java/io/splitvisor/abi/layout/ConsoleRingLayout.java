package io.splitvisor.abi.layout;

/**
 * The console page (Xen's xencons_interface): two byte rings, input for the guest and output
 * from it, with free-running indices masked by the ring size.
 *
 * <pre>
 *  0                 1024                             3072      3076      3080       3084      3088
 *  +-----------------+--------------------------------+---------+---------+----------+---------+------------+
 *  | in[1024]        | out[2048]                      | in_cons | in_prod | out_cons | out_prod| connection |
 *  | dom0 -> guest   | guest -> dom0                  |         |         |          |         | u8         |
 *  +-----------------+--------------------------------+---------+---------+----------+---------+------------+
 * </pre>
 *
 * <p>The guest copies bytes to {@code out[out_prod & 2047]}, issues a write barrier, advances
 * {@code out_prod} and notifies the console event channel; dom0 consumes and advances
 * {@code out_cons}. Input is the mirror image. A producer never runs more than the ring size
 * ahead of the consumer; dom0 treats a larger distance as a protocol violation.
 */
public final class ConsoleRingLayout {
    private ConsoleRingLayout() {
    }

    public static final int IN = 0;
    public static final int IN_SIZE = 1024;
    public static final int OUT = 1024;
    public static final int OUT_SIZE = 2048;
    public static final int IN_CONS = 3072;
    public static final int IN_PROD = 3076;
    public static final int OUT_CONS = 3080;
    public static final int OUT_PROD = 3084;
    public static final int CONNECTION = 3088;
    public static final int CONNECTED = 0;
    public static final int DISCONNECTED = 1;

    public static final Layout LAYOUT = Layout.struct("sv_console_ring", 4096,
                    "The console page: input and output byte rings.")
            .array("in", IN, ScalarType.U8, IN_SIZE, "bytes for the guest")
            .array("out", OUT, ScalarType.U8, OUT_SIZE, "bytes from the guest")
            .u32("in_cons", IN_CONS, "input consumed by the guest")
            .u32("in_prod", IN_PROD, "input produced by dom0")
            .u32("out_cons", OUT_CONS, "output consumed by dom0")
            .u32("out_prod", OUT_PROD, "output produced by the guest")
            .u8("connection", CONNECTION, "CONNECTED 0 or DISCONNECTED 1")
            .build();
}
