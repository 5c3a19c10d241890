package io.splitvisor.kvm.state;

import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Segment;
import io.splitvisor.engine.SegmentRegister;
import io.splitvisor.kvm.abi.KvmRegs;
import io.splitvisor.kvm.abi.KvmSregs;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The engine-neutral state survives the trip through kvm_regs / kvm_sregs images. */
class SregsCodecTest {
    @Test
    void everyFieldRoundTrips() {
        RegisterState s = new RegisterState();
        for (Gpr r : Gpr.values()) {
            s.set(r, 0x1111111111111111L * (r.ordinal() + 1));
        }
        s.rip = 0xFFFF800000001234L;
        s.rflags = 0x246;
        s.cr0 = 0x80050033L;
        s.cr2 = 0xDEAD000;
        s.cr3 = 0x123000;
        s.cr4 = 0x6A0;
        s.cr8 = 7;
        s.efer = 0xD01;
        s.setSegment(SegmentRegister.CS, Segment.code64(0x1B, 3));
        s.setSegment(SegmentRegister.SS, Segment.flatData(0x23, 3));
        s.setSegment(SegmentRegister.FS, Segment.flatData(0x23, 3).withBase(0x7FFF00001000L));
        s.setSegment(SegmentRegister.GS, new Segment(0, 0xFFFF888000000000L, 0, Segment.UNUSABLE));
        s.setSegment(SegmentRegister.DS, new Segment(0x2B, 0, 0xFFFFF, 0x3 | Segment.S | Segment.PRESENT | Segment.AVL));
        s.tr = Segment.tss64(0x40, 0xFFFF880000002000L, 0x67);
        s.ldtr = new Segment(0x50, 0x3000, 0xFF, 0x2 | Segment.PRESENT);
        s.gdt = new DescriptorTable(0xFFFF880000001000L, 0x7F);
        s.idt = new DescriptorTable(0xFFFF880000003000L, 0xFFF);
        ByteBuffer regs = ByteBuffer.allocate(KvmRegs.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer sregs = ByteBuffer.allocate(KvmSregs.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        SregsCodec.writeRegs(s, regs);
        SregsCodec.writeSregs(s, sregs);
        assertEquals(s.get(Gpr.RBX), regs.getLong(KvmRegs.RBX), "kvm_regs order is rax, rbx, rcx, rdx");
        assertEquals(s.get(Gpr.RSP), regs.getLong(KvmRegs.RSP));
        assertEquals(1, sregs.get(KvmSregs.DS + KvmSregs.SEGMENT_AVL));
        assertEquals(3, sregs.get(KvmSregs.CS + KvmSregs.SEGMENT_DPL));
        RegisterState back = new RegisterState();
        SregsCodec.readRegs(regs, back);
        SregsCodec.readSregs(sregs, back);
        assertEquals(s, back);
    }
}
