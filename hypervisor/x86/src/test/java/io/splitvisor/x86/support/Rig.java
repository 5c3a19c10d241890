package io.splitvisor.x86.support;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.Exit;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.x86.exec.InterpreterVcpu;
import io.splitvisor.x86.loader.LongModeSetup;

/** A small guest for tests: 16 MiB of RAM, long mode, code at 1 MiB, stack at 8 MiB. */
public final class Rig implements AutoCloseable {
    public static final long CODE = 0x100000;
    public static final long DATA = 0x200000;
    public static final long STACK_TOP = 0x800000;
    public static final long TABLES = 0x10000;

    public final GuestMemory memory;
    public final InterpreterVcpu vcpu;

    public Rig() {
        memory = GuestMemory.allocate(new MemoryRegion(0, 16 << 20));
        vcpu = new InterpreterVcpu(memory, CpuidModel.standard());
        RegisterState s = LongModeSetup.build(memory, TABLES, CODE, STACK_TOP);
        vcpu.setState(s);
    }

    /** Assembles {@code asm} at CODE, runs until an exit (at most a million instructions). */
    public static Rig run(String asm) {
        Rig r = new Rig();
        r.load(asm);
        r.lastExit = r.vcpu.run(1_000_000).copy();
        return r;
    }

    public Exit lastExit;

    /** Prepares a rig before its code is loaded (page tables, memory). */
    @FunctionalInterface
    public interface Setup {
        void apply(Rig r);
    }

    public static final long IDT = 0x30000;
    public static final long HANDLERS = 0x31000;
    public static final long TSS = 0x32000;
    public static final long IST1_TOP = 0x3A000;

    /**
     * Installs an IDT whose handler for vector v is {@code mov r15d, v; hlt} at {@code HANDLERS + 16 v}, a TSS with
     * IST1 for #DF, and returns this rig. After a HLT exit in a handler, r15 names the vector and RSP the frame.
     */
    public Rig withIdt() {
        for (int v = 0; v < 256; v++) {
            long h = HANDLERS + 16L * v;
            byte[] stub = {0x41, (byte) 0xBF, (byte) v, 0, 0, 0, (byte) 0xF4};
            memory.write(h, stub);
            int ist = v == 8 ? 1 : 0;
            long lo = (h & 0xFFFF) | (0x08L << 16) | ((long) ist << 32) | (0x8EL << 40) | ((h & 0xFFFF0000L) << 32);
            memory.writeU64(IDT + 16L * v, lo);
            memory.writeU64(IDT + 16L * v + 8, h >>> 32);
        }
        memory.writeU64(TSS + 0x24, IST1_TOP);
        io.splitvisor.engine.RegisterState s = vcpu.state();
        s.idt = new io.splitvisor.engine.DescriptorTable(IDT, 256 * 16 - 1);
        s.tr = io.splitvisor.engine.Segment.tss64(0x28, TSS, 0x67);
        vcpu.setState(s);
        return this;
    }

    public Exit run(long max) {
        lastExit = vcpu.run(max).copy();
        return lastExit;
    }

    /** The 8-byte value at RSP + 8 * index. */
    public long stack(int index) {
        return memory.readU64(vcpu.gpr(Gpr.RSP) + 8L * index);
    }

    public void load(String asm) {
        memory.write(CODE, Tools.assemble(asm, CODE));
    }

    public long reg(Gpr g) {
        return vcpu.gpr(g);
    }

    @Override
    public void close() {
        vcpu.close();
    }
}
