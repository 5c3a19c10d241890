package io.splitvisor.x86.diff;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Segment;
import io.splitvisor.engine.SegmentRegister;
import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.x86.decode.Decoder;
import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.exec.InterpreterVcpu;
import io.splitvisor.x86.loader.LongModeSetup;

/**
 * Runs the same cases on the interpreter: a CPL 3 guest with the native harness's addresses identity-mapped,
 * an IDT whose handler for vector v is a HLT at {@code HANDLERS + 16 v}, and a TSS giving the kernel stack.
 * An instruction that does not end a block runs together with the jump after it (one block of two), so with
 * translation on ({@code -Dsplitvisor.x86.jit.threshold=1}, as the build runs this test) the translated code is
 * what the host CPU is compared with.
 */
final class InterpreterSide implements AutoCloseable {
    static final long TABLES = 0x10000;
    static final long IDT = 0x20000;
    static final long TSS = 0x21000;
    static final long HANDLERS = 0x22000;
    static final long KERNEL_STACK = 0x40000;

    private final GuestMemory memory;
    private final InterpreterVcpu vcpu;
    private final byte[] jump = new byte[5];
    private final Decoder decoder = new Decoder();

    InterpreterSide(long fsBase) {
        memory = GuestMemory.allocate(new MemoryRegion(0, DiffCase.CODE + 0x10000));
        vcpu = new InterpreterVcpu(memory, CpuidModel.standard());
        RegisterState s = LongModeSetup.build(memory, TABLES, DiffCase.INSN_AT, DiffCase.STACK);
        s.setSegment(SegmentRegister.CS, Segment.code64(LongModeSetup.USER_CS, 3));
        s.setSegment(SegmentRegister.SS, Segment.flatData(LongModeSetup.USER_DS, 3));
        s.setSegment(SegmentRegister.FS, Segment.flatData(0, 3).withBase(fsBase));
        s.setSegment(SegmentRegister.GS, Segment.flatData(0, 3).withBase(DiffCase.SCRATCH));
        s.idt = new DescriptorTable(IDT, 256 * 16 - 1);
        s.tr = Segment.tss64(0x28, TSS, 0x67);
        for (int v = 0; v < 256; v++) {
            long handler = HANDLERS + 16L * v;
            long lo = (handler & 0xFFFF) | ((long) LongModeSetup.KERNEL_CS << 16) | (0xEEL << 40)
                    | ((handler & 0xFFFF0000L) << 32);
            memory.writeU64(IDT + 16L * v, lo);
            memory.writeU64(IDT + 16L * v + 8, handler >>> 32);
        }
        memory.fill(HANDLERS, 4096, (byte) 0xF4);
        memory.writeU64(TSS + 4, KERNEL_STACK);
        vcpu.setState(s);
    }

    void run(DiffCase c) {
        int len = c.code.length;
        int rel = (int) ((DiffCase.CODE + 0x180) - (DiffCase.INSN_AT + len + 5));
        jump[0] = (byte) 0xE9;
        jump[1] = (byte) rel;
        jump[2] = (byte) (rel >> 8);
        jump[3] = (byte) (rel >> 16);
        jump[4] = (byte) (rel >> 24);
        memory.write(DiffCase.INSN_AT, c.code);
        memory.write(DiffCase.INSN_AT + len, jump);
        memory.write(DiffCase.SCRATCH, c.scratch);
        for (Gpr g : Gpr.values()) {
            vcpu.setGpr(g, c.regs[g.ordinal()]);
        }
        vcpu.setRip(DiffCase.INSN_AT);
        vcpu.setRflags(c.flags);
        ensureUserMode();
        boolean withJump = alone(c.code);
        Exit e = vcpu.run(withJump ? 2 : 1);
        DiffCase.Result r = c.interpResult;
        for (Gpr g : Gpr.values()) {
            r.regs[g.ordinal()] = vcpu.gpr(g);
        }
        r.flags = vcpu.rflags();
        memory.read(DiffCase.SCRATCH, r.scratch, 0, DiffCase.SCRATCH_SIZE);
        long rip = vcpu.rip();
        r.rip = rip;
        r.exit = e.toString();
        if (rip >= HANDLERS && rip < HANDLERS + 4096) {
            int v = (int) ((rip - HANDLERS) / 16);
            r.fault = v == 0 ? 0x100 : v;
            r.path = -1;
        } else if (e.isMmio()) {
            r.fault = 14; // outside the guest's RAM: the native process would fault there too
            r.path = -1;
        } else if (e.reason() != ExitReason.INSTRUCTION_LIMIT) {
            r.fault = 0x300;
            r.path = -1;
        } else {
            r.fault = 0;
            long fallThrough = withJump ? DiffCase.CODE + 0x180 : DiffCase.INSN_AT + len;
            r.path = rip == fallThrough ? 0 : rip == DiffCase.TAKEN_AT ? 1 : 2;
        }
    }

    /** Whether the case is one instruction that does not end a block (the jump after it then runs too). */
    private boolean alone(byte[] code) {
        try {
            Insn in = decoder.decode(va -> {
                long i = va - DiffCase.INSN_AT;
                return i >= 0 && i < code.length ? code[(int) i] & 0xFF : 0x90;
            }, DiffCase.INSN_AT);
            return in.len == code.length && !in.endsBlock;
        } catch (RuntimeException e) {
            return false; // undecodable: the interpreter raises its fault on the first instruction
        }
    }

    private void ensureUserMode() {
        if (vcpu.segment(SegmentRegister.CS).selector() != LongModeSetup.USER_CS) {
            vcpu.setSegment(SegmentRegister.CS, Segment.code64(LongModeSetup.USER_CS, 3));
            vcpu.setSegment(SegmentRegister.SS, Segment.flatData(LongModeSetup.USER_DS, 3));
        }
    }

    @Override
    public void close() {
        vcpu.close();
    }
}
