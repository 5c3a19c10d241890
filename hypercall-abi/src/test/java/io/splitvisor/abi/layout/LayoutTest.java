package io.splitvisor.abi.layout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layout descriptors reject bad declarations and match Xen's published sizes. */
class LayoutTest {
    @Test
    void overlappingFieldsAreRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Layout.struct("t", 8, "")
                .u32("a", 0, "").u32("b", 2, "").build());
        assertTrue(e.getMessage().contains("t.b at 2 is not aligned to 4"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> Layout.struct("t", 8, "")
                .u32("a", 0, "").u16("b", 2, "").build());
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }

    @Test
    void fieldsPastTheSizeAndBadSizesAreRefused() {
        assertThrows(IllegalStateException.class, () -> Layout.struct("t", 8, "").u64("a", 8, "").build());
        assertThrows(IllegalStateException.class, () -> Layout.struct("t", 6, "").u32("a", 0, "").build());
        assertThrows(IllegalStateException.class, () -> Layout.struct("t", 8, "").u32("a", 0, "").u32("a", 4, "").build());
    }

    @Test
    void ringSizesMatchXen() {
        // Xen's ring.h rounds (4096 - 64) / slot down to a power of two: blkif 32, netif 256 and 256.
        assertEquals(112, BlkifLayout.RING.slotSize());
        assertEquals(32, BlkifLayout.RING.slotCount());
        assertEquals(12, NetifLayout.TX_RING.slotSize());
        assertEquals(256, NetifLayout.TX_RING.slotCount());
        assertEquals(8, NetifLayout.RX_RING.slotSize());
        assertEquals(256, NetifLayout.RX_RING.slotCount());
        assertEquals(64 + 31 * 112, BlkifLayout.RING.slotOffset(31));
        assertEquals(64, BlkifLayout.RING.slotOffset(32), "indices wrap modulo the slot count");
        assertEquals(64 + 5 * 112, BlkifLayout.RING.slotOffset(0xFFFFFFE5), "free-running unsigned indices");
    }

    @Test
    void sharedPagesMatchXensCompiledOffsets() {
        assertEquals(2048, SharedInfoLayout.LAYOUT.offsetOf("evtchn_pending"));
        assertEquals(2560, SharedInfoLayout.LAYOUT.offsetOf("evtchn_mask"));
        assertEquals(64, SharedInfoLayout.VCPU_INFO_LAYOUT.size());
        assertEquals(8, SharedInfoLayout.VCPU_INFO_LAYOUT.offsetOf("evtchn_pending_sel"));
        assertEquals(3072, ConsoleRingLayout.LAYOUT.offsetOf("in_cons"));
        assertEquals(3088, ConsoleRingLayout.LAYOUT.offsetOf("connection"));
        assertEquals(2048, StoreRingLayout.LAYOUT.offsetOf("req_cons"));
        assertEquals(8, GrantEntryLayout.LAYOUT.size());
        assertEquals(16, BlkifLayout.RESPONSE.size());
        assertEquals(10, BlkifLayout.RESPONSE.offsetOf("status"));
        assertEquals(SharedInfoLayout.VCPU_INFO_LAYOUT.size() * 3, SharedInfoLayout.vcpuInfo(3));
    }

    @Test
    void everyLayoutIsListedOnceWithUniqueNames() {
        assertEquals(AbiLayouts.all().size(), AbiLayouts.all().stream().map(Layout::name).distinct().count());
    }
}
