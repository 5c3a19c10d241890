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
