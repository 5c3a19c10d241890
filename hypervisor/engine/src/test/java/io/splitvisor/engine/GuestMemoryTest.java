package io.splitvisor.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestMemoryTest {
    @Test
    void refusesOverlappingAndMisalignedRegions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuestMemory.allocate(new MemoryRegion(0, 0x200000), new MemoryRegion(0x100000, 0x1000)));
        assertEquals("memory regions 0x0-0x200000 and 0x100000-0x101000 overlap", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(0x10, 0x1000));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(0, 0));
    }

    @Test
    void pagesAreAlignedAndOutsideRegionsIsMmio() {
        GuestMemory m = GuestMemory.allocate(new MemoryRegion(0, 0x10000), new MemoryRegion(0x100000, 0x2000));
        assertEquals(0, m.hostPageAddress(0x1234) & 0xFFF);
        assertEquals(-1, m.hostPageAddress(0x20000));
        assertTrue(m.isRam(0x101FFF));
        assertFalse(m.isRam(0x102000));
        for (GuestMemory.Chunk c : m.chunks()) {
            assertEquals(0, c.hostAddress() & 0xFFF);
        }
    }

    @Test
    void hostAccessorsAreLittleEndianAndBoundsChecked() {
        GuestMemory m = GuestMemory.allocate(new MemoryRegion(0, 0x2000));
        m.writeU64(0xFFC, 0x1122334455667788L); // crosses a page boundary
        assertEquals(0x1122334455667788L, m.readU64(0xFFC));
        assertEquals(0x88, m.readU8(0xFFC));
        assertEquals(0x55667788L, m.readU32(0xFFC));
        GuestMemoryException e = assertThrows(GuestMemoryException.class, () -> m.readU32(0x1FFE));
        assertTrue(e.getMessage().contains("0x1ffe"), e.getMessage());
        assertThrows(GuestMemoryException.class, () -> m.write(0x1FF0, new byte[32]));
        byte[] data = {1, 2, 3};
        m.write(0x10, data);
        assertArrayEquals(data, m.read(0x10, 3));
    }

    @Test
    void foreignPagesMapAndUnmapAndListenersHearOfIt() {
        GuestMemory a = GuestMemory.allocate(new MemoryRegion(0, 0x4000));
        GuestMemory b = GuestMemory.allocate(new MemoryRegion(0, 0x4000));
        b.writeU32(0x2000, 0xCAFEBABEL);
        List<String> events = new ArrayList<>();
        a.addListener(new GuestMemoryListener() {
            @Override
            public void codeWritten(long first, long last) {
                events.add("code " + Long.toHexString(first));
            }

            @Override
            public void mappingChanged(long page) {
                events.add("map " + Long.toHexString(page));
            }
        });
        a.mapForeignPage(0x1000, b, 0x2000);
        assertEquals(0xCAFEBABEL, a.readU32(0x1000));
        a.writeU32(0x1004, 7);
        assertEquals(7, b.readU32(0x2004));
        a.unmapForeignPage(0x1000);
        assertEquals(0, a.readU32(0x1000));
        a.markCodePage(0x3000);
        a.writeU8(0x3010, 1);
        a.writeU8(0x2010, 1); // not a code page: no event
        assertEquals(List.of("map 1000", "map 1000", "code 3000"), events);
    }
}
