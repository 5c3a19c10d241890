package io.splitvisor.benchmarks;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.x86.exec.InterpreterVcpu;
import io.splitvisor.x86.loader.LongModeSetup;

/** A guest that runs a simple integer loop forever: add, xor, sub, dec, jnz. */
final class IntegerLoop {
    static final long CODE = 0x100000;
    /** mov rcx,10000000; 1: add rax,rcx; xor rdx,rax; sub rbx,3; dec rcx; jnz 1b; jmp back to the mov. */
    static final byte[] BYTES = {0x48, (byte) 0xC7, (byte) 0xC1, (byte) 0x80, (byte) 0x96, (byte) 0x98, 0x00,
        0x48, 0x01, (byte) 0xC8, 0x48, 0x31, (byte) 0xC2, 0x48, (byte) 0x83, (byte) 0xEB, 0x03, 0x48, (byte) 0xFF,
        (byte) 0xC9, 0x75, (byte) 0xF1, (byte) 0xEB, (byte) 0xE8};

    private IntegerLoop() {
    }

    static InterpreterVcpu start() {
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 16 << 20));
        memory.write(CODE, BYTES);
        InterpreterVcpu vcpu = new InterpreterVcpu(memory, CpuidModel.standard());
        vcpu.setState(LongModeSetup.build(memory, 0x10000, CODE, 0x800000));
        return vcpu;
    }
}
