package io.splitvisor.x86;

import io.splitvisor.engine.Exit;
import io.splitvisor.x86.support.Rig;

/** Manual probe (not a test): guest instructions per second on a simple integer loop. */
public final class LoopSpeedProbe {
    public static void main(String[] args) {
        try (Rig r = new Rig()) {
            r.load("""
                    1:  mov rcx, 20000000
                    2:  add rax, rcx
                        xor rdx, rax
                        sub rbx, 3
                        dec rcx
                        jnz 2b
                        jmp 1b
                    """);
            for (int i = 0; i < 10; i++) {
                long t0 = System.nanoTime();
                long n0 = r.vcpu.retiredInstructions();
                Exit e = r.vcpu.run(200_000_000L);
                long n = r.vcpu.retiredInstructions() - n0;
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%s %.1f M instr/s%n", e.reason(), n / s / 1e6);
            }
        }
    }
}
