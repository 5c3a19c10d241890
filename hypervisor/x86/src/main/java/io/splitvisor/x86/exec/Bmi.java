package io.splitvisor.x86.exec;

import io.splitvisor.x86.decode.Insn;

/** BMI1 instructions (VEX-encoded). */
final class Bmi {
    private Bmi() {
    }

    static void exec(Executor x, Insn in) {
        throw x.c.ud();
    }
}
