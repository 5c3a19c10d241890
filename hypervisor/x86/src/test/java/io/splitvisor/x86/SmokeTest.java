package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.x86.support.Rig;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void runsALoopToHlt() {
        try (Rig r = Rig.run("""
                mov ecx, 10
                xor eax, eax
            1:  add rax, rcx
                dec ecx
                jnz 1b
                push rax
                pop rbx
                hlt
                """)) {
            assertEquals(ExitReason.HLT, r.lastExit.reason(), r.lastExit.toString());
            assertEquals(55, r.reg(Gpr.RAX));
            assertEquals(55, r.reg(Gpr.RBX));
            assertEquals(0, r.reg(Gpr.RCX));
        }
    }
}
