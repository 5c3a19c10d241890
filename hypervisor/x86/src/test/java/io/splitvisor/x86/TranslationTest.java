package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.x86.support.Rig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hot blocks translated to JVM bytecode behave exactly as the interpreter: each guest runs twice, with translation
 * on and off, and everything the guest can see is compared (registers, flags, RIP, the exception frame, retired
 * instruction counts at every exit). The loops run more often than the translation threshold.
 */
class TranslationTest {
    /** The registers, RIP, RFLAGS, CR2 and the 4 words on the stack, as text for a readable diff. */
    private static String state(Rig r) {
        StringBuilder b = new StringBuilder();
        for (Gpr g : Gpr.values()) {
            b.append(g).append('=').append(Long.toHexString(r.reg(g))).append(' ');
        }
        b.append("rip=").append(Long.toHexString(r.vcpu.rip())).append(" rflags=")
                .append(Long.toHexString(r.vcpu.rflags())).append(" cr2=").append(Long.toHexString(r.vcpu.cr(2)));
        for (int i = 0; i < 4; i++) {
            b.append(" [").append(i).append("]=").append(Long.toHexString(r.stack(i)));
        }
        return b.toString();
    }

    /** Runs {@code asm} in chunks of 1, 2, ... 17 instructions until HLT; the states after every chunk. */
    private static List<String> trace(String asm, boolean translate, boolean chunks, Rig.Setup setup) {
        List<String> states = new ArrayList<>();
        try (Rig r = new Rig().withIdt()) {
            r.vcpu.setTranslation(translate);
            setup.apply(r);
            r.load(asm);
            for (int k = 0; k < 100_000; k++) {
                Exit e = r.run(chunks ? 1 + k % 17 : 10_000_000);
                states.add(e.reason() + " " + state(r));
                if (e.reason() != ExitReason.INSTRUCTION_LIMIT) {
                    break;
                }
            }
        }
        return states;
    }

    private static void assertSame(String asm, Rig.Setup setup) {
        for (boolean chunks : new boolean[] {false, true}) {
            List<String> interpreted = trace(asm, false, chunks, setup);
            List<String> translated = trace(asm, true, chunks, setup);
            assertEquals(interpreted.size(), translated.size(), "exits");
            for (int i = 0; i < interpreted.size(); i++) {
                assertEquals(interpreted.get(i), translated.get(i), "exit " + i + (chunks ? " (chunks)" : ""));
            }
        }
    }

    @Test
    void pageFaultInsideTranslatedLoopSeesPreciseState() {
        // the load faults on the 513th round, after SUB set the flags and before ADD/INC change RSI, RDX
        String asm = """
                mov rsi, 0x6000
                xor eax, eax
                mov rbx, 1000
                1: sub rbx, 3
                add rax, [rsi]
                lea rsi, [rsi + 8]
                inc rdx
                cmp rsi, 0x9000
                jne 1b
                hlt
                """;
        assertSame(asm, r -> {
            long pte = Rig.TABLES + 0x3000 + 7 * 8;
            r.memory.writeU64(pte, r.memory.readU64(pte) & ~1L); // page 0x7000 not present
        });
    }

    @Test
    void codeWrittenByTheRunningBlockTakesEffectAtOnce() {
        // the store rewrites the immediate of the very next instruction: ADD EAX, 1 becomes ADD EAX, 5
        String asm = """
                xor eax, eax
                mov ecx, 300
                1: mov byte ptr [rip + 2f + 2], 5
                2: add eax, 1
                dec ecx
                jnz 1b
                hlt
                """;
        assertSame(asm, r -> { });
        try (Rig r = new Rig()) {
            r.load(asm);
            assertEquals(ExitReason.HLT, r.run(1_000_000).reason());
            assertEquals(1500, r.reg(Gpr.RAX));
        }
    }

    @Test
    void flagsAndPartialRegistersMatchTheInterpreter() {
        // byte and word registers, high bytes, ADC/SBB chains, shifts and rotates by immediates and CL, CMOV, SETcc
        String asm = """
                mov rax, 0x123456789abcdef0
                mov rbx, 0x0fedcba987654321
                mov ecx, 700
                1: add al, bl
                adc ah, bh
                sbb bx, ax
                rol rax, 7
                ror ebx, 3
                shl dx, 5
                sar rdx, 2
                shr eax, 1
                mov r8, rcx
                and r8, 7
                xchg cl, r8b
                rcl rbx, cl
                shr rax, cl
                xchg cl, r8b
                setc r9b
                cmovo r10, rbx
                imul r11, rax, 77
                neg r12
                not r13
                inc r14
                dec ecx
                jnz 1b
                hlt
                """;
        assertSame(asm, r -> { });
    }

    @Test
    void callsReturnsAndDivisionFaults() {
        // recursion through CALL/RET and a divide that reaches #DE on the last round
        String asm = """
                mov ecx, 200
                mov rsi, 200
                1: call 3f
                dec ecx
                jnz 1b
                hlt
                3: push rbp
                mov rbp, rsp
                push rcx
                mov rax, 1000000
                xor edx, edx
                dec rsi
                div rsi
                pop rcx
                leave
                ret
                """;
        assertSame(asm, r -> { });
    }
}
