package io.splitvisor.system.kvm;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.Engine;
import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.engine.Vcpu;
import io.splitvisor.system.Cli;
import io.splitvisor.system.ExampleGuests;
import io.splitvisor.x86.loader.LongModeSetup;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The KVM-versus-interpreter figures, measured in one JVM: the doorbell and hypercall-gate round trips (the hcbench
 * guest times them itself) and a CPU-bound loop's run time. A bench, not a test: it reports, it asserts nothing.
 */
final class EngineBench {
    private static final Pattern HCBENCH = Pattern.compile("\\] (doorbell|gate|gate-version): \\d+ ops in \\d+ ns, (\\d+)\\.\\d+ ns each");
    private static final long CODE = 0x100000;
    /** mov rcx, imm32; 1: add rax, rcx; xor rdx, rax; sub rbx, 3; dec rcx; jnz 1b; hlt (5 instructions a turn). */
    private static final byte[] LOOP = {0x48, (byte) 0xC7, (byte) 0xC1, 0, 0, 0, 0, 0x48, 0x01, (byte) 0xC8, 0x48,
        0x31, (byte) 0xC2, 0x48, (byte) 0x83, (byte) 0xEB, 0x03, 0x48, (byte) 0xFF, (byte) 0xC9, 0x75, (byte) 0xF1,
        (byte) 0xF4};

    private EngineBench() {
    }

    /**
     * Figures for one engine: "doorbell-ns", "gate-ns", "gate-version-ns" (per round trip, as the guest measures them
     * with its TSC clock) and "loop-ps" (picoseconds per loop turn, measured by the host).
     */
    static Map<String, Long> measure(String engineName, Engine engine, int ops, int turns) {
        Map<String, Long> figures = new TreeMap<>();
        Cli.Run r = Cli.run("run", "--engine", engineName, "--timeout", "300", ExampleGuests.elf("hcbench").toString(),
                "--cmdline", "ops=" + ops);
        Matcher m = HCBENCH.matcher(r.all());
        while (m.find()) {
            figures.put(m.group(1) + "-ns", Long.parseLong(m.group(2)));
        }
        figures.put("loop-ps", loopPicosPerTurn(engine, turns));
        return figures;
    }

    /** Best of three timed runs after one warm-up, in picoseconds per loop turn. */
    private static long loopPicosPerTurn(Engine engine, int turns) {
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 4 << 20));
        byte[] code = LOOP.clone();
        for (int i = 0; i < 4; i++) {
            code[3 + i] = (byte) (turns >>> (8 * i));
        }
        memory.write(CODE, code);
        try (Vcpu vcpu = engine.createVcpu(memory, CpuidModel.standard())) {
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 4; round++) {
                vcpu.setState(LongModeSetup.build(memory, 0x10000, CODE, 0x300000));
                long t0 = System.nanoTime();
                Exit e = vcpu.run();
                long t = System.nanoTime() - t0;
                if (e.reason() != ExitReason.HLT) {
                    throw new IllegalStateException("the loop ended with " + e + " on " + engine.name());
                }
                if (round > 0) {
                    best = Math.min(best, t);
                }
            }
            return best * 1000 / turns;
        } finally {
            memory.release();
        }
    }
}
