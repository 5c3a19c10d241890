package io.splitvisor.kvm;

import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Grant-mapped pages split the memory slots and are put back when unmapped. */
class MemorySlotsTest {
    @Test
    void foreignPageGetsASlotOfItsOwnAndUnmappingRestoresOneSlot() {
        FakeKvm fake = new FakeKvm();
        GuestMemory mine = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
        GuestMemory other = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
        KvmSystem kvm = KvmSystem.open(fake, "/dev/kvm");
        MemorySlots slots = new MemorySlots(fake, 99, mine, 8);
        mine.addListener(slots);
        try {
            slots.sync();
            long host = mine.chunks().get(0).hostAddress();
            assertEquals(List.of(String.format("0 0x0+0x100000@0x%x", host)), slots.describe());
            mine.mapForeignPage(0x3000, other, 0x7000);
            slots.sync();
            long foreign = other.chunks().get(0).hostAddress() + 0x7000;
            assertEquals(List.of(String.format("0 0x0+0x3000@0x%x", host),
                    String.format("1 0x4000+0xfc000@0x%x", host + 0x4000),
                    String.format("2 0x3000+0x1000@0x%x", foreign)), slots.describe());
            // the old slot is deleted (size 0) before the new ones go in: KVM refuses overlaps
            assertEquals(String.format("0 0x0+0x0@0x0"), fake.slots.get(1));
            mine.unmapForeignPage(0x3000);
            slots.sync();
            assertEquals(List.of(String.format("0 0x0+0x100000@0x%x", host)), slots.describe());
        } finally {
            mine.removeListener(slots);
            kvm.close();
            mine.release();
            other.release();
        }
    }

    @Test
    void pagesBeyondTheSlotLimitAreLeftOutForTheMmioPath() {
        FakeKvm fake = new FakeKvm();
        GuestMemory mine = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
        GuestMemory other = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
        MemorySlots slots = new MemorySlots(fake, 99, mine, 3);
        mine.addListener(slots);
        try {
            mine.mapForeignPage(0x3000, other, 0);
            slots.sync();
            assertEquals(3, slots.describe().size());
            mine.mapForeignPage(0x8000, other, 0x1000);
            slots.sync();
            // RAM pieces first (0-0x3000, 0x4000-0x8000, 0x9000-end) fill the three slots
            assertEquals(3, slots.describe().size());
            assertEquals(true, slots.describe().stream().noneMatch(s -> s.contains(" 0x3000+") || s.contains(" 0x8000+")));
        } finally {
            mine.removeListener(slots);
            mine.release();
            other.release();
        }
    }
}
