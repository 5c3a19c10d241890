package io.splitvisor.kvm.state;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Segment;
import io.splitvisor.engine.SegmentRegister;
import io.splitvisor.x86.loader.LongModeSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What KVM (kvm_is_valid_sregs, CR/EFER reserved bits) or VM entry would refuse is refused here first. */
class GuestStateValidatorTest {
    private final GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 4 << 20));
    private final GuestStateValidator validator = new GuestStateValidator(CpuidTable.of(CpuidModel.standard()));

    @AfterEach
    void release() {
        memory.release();
    }

    /** The raw loader's start state, as the engine sends it (null TR replaced by the placeholder). */
    private RegisterState start() {
        RegisterState s = LongModeSetup.build(memory, 0x10000, 0x100000, 0x80000);
        ByteBuffer sregs = ByteBuffer.allocate(312).order(ByteOrder.LITTLE_ENDIAN);
        SregsCodec.writeSregs(s, sregs);
        RegisterState sent = s.copy();
        sent.tr = SregsCodec.readSegment(sregs, io.splitvisor.kvm.abi.KvmSregs.TR);
        return sent;
    }

    @Test
    void loaderStartStatesAreAccepted() {
        assertEquals(List.of(), validator.problems(start()));
        for (long base : new long[] {0x1000, 0x200000, 0x3FB000}) {
            RegisterState s = LongModeSetup.build(memory, base, 0x400, base - 16);
            s.tr = SregsCodec.PLACEHOLDER_TR;
            assertEquals(List.of(), validator.problems(s), "page tables at 0x" + Long.toHexString(base));
        }
    }

    @Test
    void nullTrIsWhatVmxRefuses() {
        RegisterState s = start();
        s.tr = Segment.NULL;
        assertRejected(s, "TR is not a usable");
    }

    @Test
    void longModeWithoutPagingIsRefused() {
        rejects(s -> s.cr0 &= ~(1L << 31), "EFER.LMA is set without");
        rejects(s -> s.efer &= ~(1L << 10), "needs EFER.LMA");
        rejects(s -> s.cr4 &= ~(1L << 5), "needs CR4.PAE");
        rejects(s -> s.cr0 &= ~1L, "CR0.PG is set without CR0.PE");
    }

    @Test
    void csLongWithDefaultSizeIsRefused() {
        rejects(s -> s.setSegment(SegmentRegister.CS, new Segment(8, 0, 0xFFFFFFFF,
                s.segment(SegmentRegister.CS).attributes() | Segment.DB)), "CS.L and CS.D are both set");
        rejects(s -> {
            s.efer &= ~((1L << 10) | (1L << 8));
            s.cr0 &= ~(1L << 31);
        }, "CS.L is set outside long mode");
    }

    @Test
    void reservedControlBitsAreRefused() {
        rejects(s -> s.cr4 |= 1L << 18, "CR4 sets bits 0x40000");            // OSXSAVE: no XSAVE in the model
        rejects(s -> s.cr4 |= 1L << 16, "CR4 sets bits 0x10000");            // FSGSBASE
        rejects(s -> s.cr4 |= 1L << 13, "CR4 sets bits 0x2000");             // VMXE
        rejects(s -> s.cr4 |= 1L << 40, "CR4 sets bits");
        rejects(s -> s.cr0 |= 1L << 8, "CR0 sets reserved bits 0x100");
        rejects(s -> s.cr0 |= 1L << 32, "CR0 sets reserved bits");
        rejects(s -> s.cr0 |= 1L << 29, "CR0.NW is set without CR0.CD");
        rejects(s -> s.efer |= 1, "EFER sets bits 0x1");                    // SCE: the model has no SYSCALL
        rejects(s -> s.efer |= 1L << 12, "EFER sets bits 0x1000");          // SVME
        rejects(s -> s.cr3 = 1L << 45, "beyond the guest's 40-bit");
        rejects(s -> s.cr8 = 16, "CR8");
        rejects(s -> s.rflags = 0, "RFLAGS bit 1");
        rejects(s -> s.rflags |= 1L << 15, "RFLAGS sets reserved bits");
        rejects(s -> s.rflags |= 1L << 17, "RFLAGS.VM");
    }

    @Test
    void hostCpuidAllowsWhatItClaims() {
        ByteBuffer supported = ByteBuffer.allocate(8 + 2 * 40).order(ByteOrder.LITTLE_ENDIAN);
        supported.putInt(0, 2);
        supported.putInt(8, 1);
        supported.putInt(8 + 20, 1 << 26);                       // leaf 1 ECX: XSAVE
        supported.putInt(48, 0x80000001);
        supported.putInt(48 + 24, (1 << 29) | (1 << 20) | (1 << 11)); // LM, NX, SYSCALL
        CpuidTable host = CpuidTable.hostPassThrough(supported, CpuidModel.standard());
        RegisterState s = start();
        s.cr4 |= 1L << 18;
        s.efer |= 1;
        assertEquals(List.of(), new GuestStateValidator(host).problems(s));
        assertTrue(host.has(1, 2, CpuidModel.L1_ECX_HYPERVISOR), "the hypervisor bit is added");
        assertEquals(CpuidModel.standard().entries().stream().filter(e -> e.leaf() >= 0x40000000 && e.leaf() < 0x40000100).count(),
                host.entries().stream().filter(e -> e.leaf() >= 0x40000000 && e.leaf() < 0x40000100).count());
    }

    @Test
    void nonCanonicalBasesAreRefused() {
        rejects(s -> s.setSegment(SegmentRegister.FS, Segment.flatData(0x10, 0).withBase(0x0000800000000000L)),
                "FS base 0x800000000000 is not canonical");
        rejects(s -> s.gdt = new DescriptorTable(0x0001000000000000L, 0x27), "GDTR base");
        rejects(s -> s.idt = new DescriptorTable(0x8000000000000000L, 0xFFF), "IDTR base");
        rejects(s -> s.tr = Segment.tss64(0x28, 0x0000900000000000L, 0x67), "TR base");
        rejects(s -> s.rip = 0x0000800000000000L, "RIP 0x800000000000 is not canonical");
        rejects(s -> s.setSegment(SegmentRegister.DS, Segment.flatData(0x10, 0).withBase(1L << 32)),
                "DS base 0x100000000 does not fit in 32 bits");
    }

    @Test
    void inconsistentSegmentCachesAreRefused() {
        rejects(s -> s.setSegment(SegmentRegister.SS, Segment.flatData(0x23, 3)), "SS.DPL 3 differs from CS.DPL 0");
        rejects(s -> s.setSegment(SegmentRegister.SS, new Segment(0x10, 0, 0xFFFFFFFF,
                0x1 | Segment.S | Segment.PRESENT | Segment.DB | Segment.GRANULARITY)), "SS type 0x1");
        rejects(s -> s.setSegment(SegmentRegister.DS, new Segment(0x10, 0, 0xFFFF0,
                0x3 | Segment.S | Segment.PRESENT | Segment.GRANULARITY)), "DS limit 0xffff0 is not a multiple");
        rejects(s -> s.setSegment(SegmentRegister.DS, new Segment(0x10, 0, 0xFFFFFFFF,
                0x3 | Segment.S | Segment.PRESENT)), "DS limit 0xffffffff is above 1 MiB, but G is clear");
        rejects(s -> s.setSegment(SegmentRegister.ES, new Segment(0x10, 0, 0xFFFFFFFF,
                0x3 | Segment.S | Segment.DB | Segment.GRANULARITY)), "ES is usable but not present");
        rejects(s -> s.setSegment(SegmentRegister.DS, new Segment(0x10, 0, 0xFFFFFFFF,
                0x2 | Segment.S | Segment.PRESENT | Segment.DB | Segment.GRANULARITY)), "DS is not marked accessed");
        rejects(s -> s.setSegment(SegmentRegister.CS, Segment.flatData(0x08, 0)), "CS type 0x3 is not a code segment");
        rejects(s -> s.setSegment(SegmentRegister.CS, Segment.NULL), "CS is not a usable");
        rejects(s -> s.tr = new Segment(0x28, 0x1000, 0x67, 0x9 | Segment.PRESENT), "TR type 0x9");
        rejects(s -> s.ldtr = new Segment(0x30, 0x1000, 0x67, 0x3 | Segment.S | Segment.PRESENT), "LDTR is usable");
    }

    private void rejects(Consumer<RegisterState> change, String problem) {
        RegisterState s = start();
        change.accept(s);
        assertRejected(s, problem);
    }

    private void assertRejected(RegisterState s, String problem) {
        List<String> p = validator.problems(s);
        assertTrue(p.stream().anyMatch(x -> x.contains(problem)), "expected \"" + problem + "\" in " + p);
    }
}
