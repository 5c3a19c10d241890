package io.splitvisor.x86.jit;

import static io.splitvisor.x86.jit.CodeBuffer.*;

import io.splitvisor.x86.decode.Insn;

/**
 * Shifts and rotates of a register by an immediate count: SHL, SHR, SAR, ROL and ROR inline, the count known when
 * translating; flags (as {@code Alu.shift} sets them) only where live. A count that masks to zero changes nothing.
 * RCL, RCR and counts in CL are left to {@link ArithEmitter}, which calls the interpreter's code.
 */
final class ShiftEmitter {
    private static final String RUNTIME = "io/splitvisor/x86/jit/ShiftFlags";

    private ShiftEmitter() {
    }

    /** The count after masking, for an immediate-count shift of a register. */
    static int count(Insn in) {
        return (int) in.imm & (in.size == 8 ? 63 : 31);
    }

    static boolean inline(Insn in) {
        return !in.variant && in.sub != 2 && in.sub != 3;
    }

    static FlagUse flagUse(Insn in) {
        boolean rotate = in.sub == 0 || in.sub == 1;
        return count(in) == 0 || rotate ? FlagUse.PASSES : FlagUse.WRITES;
    }

    static void emit(Emitter e, Insn in) {
        int s = in.size;
        int bits = s << 3;
        int count = count(in);
        int v = e.temp();
        e.get(s, in.rm);
        e.lstore(v);
        if (count == 0) {
            e.lload(v);
            e.set(s, in.rm);
            return;
        }
        int r = e.temp();
        int kind = in.sub;
        switch (kind) {
            case 0, 1 -> {
                int n = count & (bits - 1);
                e.lload(v);
                if (n != 0) {
                    e.code.iconst(kind == 0 ? n : bits - n);
                    e.code.op(LSHL);
                    e.lload(v);
                    e.code.iconst(kind == 0 ? bits - n : n);
                    e.code.op(LUSHR);
                    e.code.op(LOR);
                    e.mask(s);
                }
            }
            case 4, 6 -> {
                e.lload(v);
                e.code.iconst(count);
                e.code.op(LSHL);
                e.mask(s);
            }
            case 5 -> {
                e.lload(v);
                e.code.iconst(count);
                e.code.op(LUSHR);
            }
            default -> {
                e.lload(v);
                e.sext(s);
                e.code.iconst(count);
                e.code.op(LSHR);
                e.mask(s);
            }
        }
        e.lstore(r);
        e.lload(r);
        e.set(s, in.rm);
        if (!e.flagsLive) {
            return;
        }
        if (kind == 0 || kind == 1) {
            // CF and OF change; the result flags and AF stay
            e.lload(Emitter.FX);
            e.lload(r);
            e.code.iconst(bits);
            e.code.invokestatic(RUNTIME, kind == 0 ? "rolAux" : "rorAux", "(JJI)J");
            e.lstore(Emitter.FX);
            return;
        }
        e.lload(r);
        e.sext(s);
        e.lstore(Emitter.FR);
        e.lload(v);
        e.lload(r);
        e.code.iconst(count);
        e.code.iconst(bits);
        e.code.invokestatic(RUNTIME, kind == 5 ? "shrAux" : kind == 7 ? "sarAux" : "shlAux", "(JJII)J");
        e.lstore(Emitter.FX);
    }
}
