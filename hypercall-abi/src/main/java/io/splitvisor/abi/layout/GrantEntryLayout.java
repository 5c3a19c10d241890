package io.splitvisor.abi.layout;

/**
 * One grant table entry (Xen's grant_entry_v1), 512 to a page, in the granting domain's memory.
 *
 * <pre>
 *  0        2        4                 8
 *  +--------+--------+-----------------+
 *  | flags  | domid  | frame           |
 *  +--------+--------+-----------------+
 * </pre>
 *
 * <p>To grant: write {@code domid} and {@code frame}, a write barrier, then {@code flags} last
 * ({@code GTF_PERMIT_ACCESS}, plus {@code GTF_READONLY}). To revoke: compare-and-set
 * {@code flags} from a value without {@code GTF_READING}/{@code GTF_WRITING} to 0; the
 * hypervisor sets those two bits while the grant is mapped or being copied, so the revoke fails
 * while the page is in use.
 */
public final class GrantEntryLayout {
    private GrantEntryLayout() {
    }

    public static final int FLAGS = 0;
    public static final int DOMID = 2;
    public static final int FRAME = 4;
    public static final int SIZE = 8;

    public static final Layout LAYOUT = Layout.struct("sv_grant_entry", SIZE,
                    "A grant: domain `domid` may access page `frame` of the granter.")
            .u16("flags", FLAGS, "GTF_* bits, written last")
            .u16("domid", DOMID, "the domain allowed access")
            .u32("frame", FRAME, "the granted page's frame number (address >> 12)")
            .build();
}
