package io.splitvisor.abi.layout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every binary layout of the ABI, in an order where each layout follows the ones it contains. */
public final class AbiLayouts {
    private AbiLayouts() {
    }

    /** The rings by name, for code that treats them alike. */
    public static final Map<String, SharedRing> RINGS = rings();

    public static List<Layout> all() {
        return List.of(
                HypercallFrameLayout.HEADER,
                StartInfoPageLayout.LAYOUT,
                SharedInfoLayout.VCPU_TIME_INFO,
                SharedInfoLayout.VCPU_INFO_LAYOUT,
                SharedInfoLayout.LAYOUT,
                GrantEntryLayout.LAYOUT,
                ConsoleRingLayout.LAYOUT,
                StoreRingLayout.LAYOUT,
                SharedRing.HEADER,
                BlkifLayout.SEGMENT,
                BlkifLayout.REQUEST,
                BlkifLayout.REQUEST_DISCARD,
                BlkifLayout.RESPONSE,
                BlkifLayout.RING.slot(),
                BlkifLayout.RING.page(),
                NetifLayout.TX_REQUEST,
                NetifLayout.TX_RESPONSE,
                NetifLayout.TX_RING.slot(),
                NetifLayout.TX_RING.page(),
                NetifLayout.RX_REQUEST,
                NetifLayout.RX_RESPONSE,
                NetifLayout.RX_RING.slot(),
                NetifLayout.RX_RING.page(),
                VrngLayout.REQUEST,
                VrngLayout.RESPONSE,
                VrngLayout.RING.slot(),
                VrngLayout.RING.page());
    }

    /**
     * Classes whose {@code public static final} numbers (offsets, opcodes, flags) are also emitted
     * into C, each with its prefix: {@code BlkifLayout.OP_READ} becomes {@code SV_BLKIF_OP_READ}.
     */
    public static Map<Class<?>, String> constantClasses() {
        Map<Class<?>, String> classes = new LinkedHashMap<>();
        classes.put(HypercallFrameLayout.class, "SV_FRAME_");
        classes.put(StartInfoPageLayout.class, "SV_START_INFO_PAGE_");
        classes.put(SharedInfoLayout.class, "SV_SHARED_INFO_");
        classes.put(GrantEntryLayout.class, "SV_GRANT_ENTRY_");
        classes.put(ConsoleRingLayout.class, "SV_CONSOLE_");
        classes.put(StoreRingLayout.class, "SV_STORE_RING_");
        classes.put(SharedRing.class, "SV_RING_");
        classes.put(BlkifLayout.class, "SV_BLKIF_");
        classes.put(NetifLayout.class, "SV_NETIF_");
        classes.put(VrngLayout.class, "SV_VRNG_");
        return classes;
    }

    private static Map<String, SharedRing> rings() {
        Map<String, SharedRing> rings = new LinkedHashMap<>();
        rings.put("blkif", BlkifLayout.RING);
        rings.put("netif_tx", NetifLayout.TX_RING);
        rings.put("netif_rx", NetifLayout.RX_RING);
        rings.put("vrng", VrngLayout.RING);
        return Map.copyOf(rings);
    }
}
