package io.splitvisor.x86.exec;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.Engine;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.Vcpu;

/** The x86-64 interpreter engine. */
public final class X86Engine implements Engine {
    @Override
    public String name() {
        return "interp";
    }

    @Override
    public Vcpu createVcpu(GuestMemory memory, CpuidModel cpuid) {
        return new InterpreterVcpu(memory, cpuid);
    }
}
