package io.splitvisor.core.domain;

import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.x86.decode.Decoder;
import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.disasm.Disassembler;

import java.util.ArrayList;
import java.util.List;

/**
 * Crash reports with the code around the faulting instruction disassembled (Intel syntax): the
 * instructions leading up to RIP, found by decoding forward from a little before it until an
 * instruction boundary lands exactly on RIP, then RIP itself (marked) and a few after it.
 */
public final class DisassemblingCrashReporter implements CrashReporter {
    private static final int BEFORE = 6;
    private static final int AFTER = 3;
    private static final int LOOKBACK = 48;

    private final Decoder decoder = new Decoder();

    @Override
    public CrashReport report(Domain domain, String reason, long faultAddress) {
        GuestContext ctx = domain.guest();
        RegisterState state = ctx == null ? null : ctx.vcpu().state();
        List<String> code = state == null ? List.of() : around(domain.memory(), state.rip);
        return new CrashReport(domain.domid(), domain.name(), reason, faultAddress, state, code);
    }

    /** Disassembly around {@code rip}, reading code at guest-physical = virtual (the loader's identity map). */
    List<String> around(GuestMemory memory, long rip) {
        Decoder.ByteSource bytes = va -> {
            if (!memory.isRam(va)) {
                throw new IllegalArgumentException("not RAM");
            }
            return memory.readU8(va);
        };
        List<String> lines = new ArrayList<>(leadingUpTo(bytes, rip));
        long at = rip;
        for (int i = 0; i <= AFTER; i++) {
            try {
                Insn insn = decoder.decode(bytes, at);
                lines.add(String.format("%s 0x%x: %s", at == rip ? "=>" : "  ", at, Disassembler.format(insn)));
                at += insn.len;
            } catch (RuntimeException e) {
                lines.add(String.format("%s 0x%x: (unreadable)", at == rip ? "=>" : "  ", at));
                break;
            }
        }
        return lines;
    }

    private List<String> leadingUpTo(Decoder.ByteSource bytes, long rip) {
        for (int back = LOOKBACK; back > 0; back--) {
            List<String> found = new ArrayList<>();
            long at = rip - back;
            try {
                while (at < rip) {
                    Insn insn = decoder.decode(bytes, at);
                    found.add(String.format("   0x%x: %s", at, Disassembler.format(insn)));
                    at += insn.len;
                }
            } catch (RuntimeException e) {
                continue;
            }
            if (at == rip) {
                return found.subList(Math.max(0, found.size() - BEFORE), found.size());
            }
        }
        return List.of();
    }
}
