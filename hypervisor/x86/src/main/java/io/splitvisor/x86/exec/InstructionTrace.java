package io.splitvisor.x86.exec;

import io.splitvisor.x86.decode.Insn;

/** Receives every instruction just before it executes (the raw runner's --trace option). */
@FunctionalInterface
public interface InstructionTrace {
    void before(InterpreterVcpu vcpu, Insn insn);
}
