package io.splitvisor.system.kvm;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.Engine;
import io.splitvisor.engine.Exit;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Vcpu;
import io.splitvisor.x86.loader.LongModeSetup;

import java.util.HexFormat;

/**
 * Runs {@link StraightLineCode} programs on one engine from the loader's long-mode start state (kernel mode, identity
 * page tables, flat GDT) and describes the end state: exit, RIP, every register, the defined flags, the scratch bytes.
 * Two engines agree when the descriptions are equal.
 */
final class StraightLineRunner implements AutoCloseable {
    static final long TABLES = 0x10000;
    static final long CODE = 0x100000;
    static final long SCRATCH = 0x200000;
    static final long STACK_TOP = 0x300000;
    private static final int MEMORY_BYTES = 4 << 20;

    private final GuestMemory memory;
    private final Vcpu vcpu;

    StraightLineRunner(Engine engine) {
        memory = GuestMemory.allocate(new MemoryRegion(0, MEMORY_BYTES));
        vcpu = engine.createVcpu(memory, CpuidModel.standard());
    }

    String run(StraightLineCode.Program p) {
        memory.write(CODE, p.code());
        memory.write(SCRATCH, p.scratch());
        RegisterState start = LongModeSetup.build(memory, TABLES, CODE, STACK_TOP);
        for (Gpr g : Gpr.values()) {
            start.set(g, p.registers()[g.ordinal()]);
        }
        start.rflags = p.flags();
        vcpu.setState(start);
        Exit exit = vcpu.run();
        StringBuilder b = new StringBuilder();
        b.append(exit.reason()).append(" at code+").append(Long.toHexString(vcpu.rip() - CODE))
                .append(" of ").append(Integer.toHexString(p.code().length));
        for (Gpr g : Gpr.values()) {
            b.append(g.ordinal() % 4 == 0 ? "\n  " : " ").append(String.format("%-3s %016x", g.name().toLowerCase(),
                    vcpu.gpr(g)));
        }
        long compared = ~p.undefinedFlags() & 0xFFF;
        b.append(String.format("%n  rflags %03x (undefined %03x)", vcpu.rflags() & compared, p.undefinedFlags()));
        byte[] scratch = new byte[StraightLineCode.SCRATCH_BYTES];
        memory.read(SCRATCH, scratch, 0, scratch.length);
        b.append("\n  scratch ").append(HexFormat.of().formatHex(scratch)).append('\n');
        return b.toString();
    }

    @Override
    public void close() {
        vcpu.close();
        memory.release();
    }
}
