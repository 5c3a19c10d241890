package io.splitvisor.x86.jit;

import static io.splitvisor.x86.jit.CodeBuffer.*;

import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.decode.Op;

/** Data movement: MOV, MOVZX, MOVSX, LEA, XCHG of registers, PUSH, POP, LEAVE and NOP. None touches the flags. */
final class MoveEmitter {
    private MoveEmitter() {
    }

    static boolean supports(int op, Insn in) {
        return switch (op) {
            case Op.NOP, Op.MOV_RR, Op.MOV_RM, Op.MOV_MR, Op.MOV_RI, Op.MOV_MI, Op.MOVZX_RR, Op.MOVZX_RM,
                    Op.MOVSX_RR, Op.MOVSX_RM, Op.LEA, Op.XCHG_RR, Op.PUSH_R, Op.PUSH_I, Op.POP_R, Op.LEAVE -> true;
            default -> false;
        };
    }

    static void emit(Emitter e, int op, Insn in) {
        int s = in.size;
        switch (op) {
            case Op.NOP -> {
            }
            case Op.MOV_RR -> {
                e.get(s, in.reg);
                e.set(s, in.rm);
            }
            case Op.MOV_RM -> load(e, in, s, s, false);
            case Op.MOVZX_RM -> load(e, in, s, in.size2, false);
            case Op.MOVSX_RM -> load(e, in, s, in.size2, true);
            case Op.MOV_MR, Op.MOV_MI -> {
                int addr = e.eaTemp(in);
                int v = e.temp();
                if (op == Op.MOV_MR) {
                    e.get(s, in.reg);
                } else {
                    e.code.lconst(in.imm);
                }
                e.lstore(v);
                e.write(s, addr, v);
            }
            case Op.MOV_RI -> {
                e.code.lconst(in.imm);
                e.set(s, in.rm);
            }
            case Op.MOVZX_RR -> {
                e.get(in.size2, in.reg);
                e.set(s, in.rm);
            }
            case Op.MOVSX_RR -> {
                e.get(in.size2, in.reg);
                e.sext(in.size2);
                e.set(s, in.rm);
            }
            case Op.LEA -> {
                e.offset(in);
                if (in.addr32) {
                    e.mask(4);
                }
                e.set(s, in.reg);
            }
            case Op.XCHG_RR -> {
                int a = e.temp();
                e.get(s, in.rm);
                e.lstore(a);
                e.get(s, in.reg);
                e.set(s, in.rm);
                e.lload(a);
                e.set(s, in.reg);
            }
            case Op.PUSH_R, Op.PUSH_I -> {
                int v = e.temp();
                if (op == Op.PUSH_R) {
                    e.get(s, in.rm);
                } else {
                    e.code.lconst(in.imm);
                }
                e.lstore(v);
                e.push(s, v);
            }
            case Op.POP_R -> pop(e, s, 4, in.rm);
            case Op.LEAVE -> pop(e, s, 5, 5);
            default -> throw new IllegalArgumentException("not a move: " + op);
        }
    }

    /** POP (from RSP) or LEAVE (from RBP): RSP = from + size, then the value read at {@code from} goes to dst. */
    private static void pop(Emitter e, int size, int from, int dst) {
        int v = e.temp();
        int sp = e.temp();
        e.lload(Emitter.reg(from));
        e.lstore(sp);
        e.read(size, sp);
        e.lstore(v);
        e.lload(sp);
        e.code.lconst(size);
        e.code.op(LADD);
        e.lstore(Emitter.reg(4));
        e.lload(v);
        e.set(size, dst);
    }

    /** A load of {@code srcSize} bytes into a {@code size}-byte register, zero- or sign-extended. */
    private static void load(Emitter e, Insn in, int size, int srcSize, boolean signed) {
        int addr = e.eaTemp(in);
        e.read(srcSize, addr);
        if (signed) {
            e.sext(srcSize);
        }
        e.set(size, in.reg);
    }
}
