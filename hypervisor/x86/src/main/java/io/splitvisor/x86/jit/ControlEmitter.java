package io.splitvisor.x86.jit;

import static io.splitvisor.x86.jit.CodeBuffer.*;

import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.decode.Op;

/**
 * The control transfer that ends a block: Jcc, JMP, CALL and RET, direct and indirect. A direct transfer to a block
 * of the translated region continues inside the method ({@link Exits#jump}); the others leave through an exit
 * with the new RIP.
 */
final class ControlEmitter {
    private ControlEmitter() {
    }

    static boolean supports(int op) {
        return switch (op) {
            case Op.JCC, Op.JMP, Op.CALL, Op.RET, Op.JMP_R, Op.JMP_M, Op.CALL_R, Op.CALL_M -> true;
            default -> false;
        };
    }

    /** Emits the block's last instruction (index {@code count - 1}); {@code exit} is the method's common exit. */
    static void emit(Emitter e, int op, Insn in, int count, CodeBuffer.Label exit) {
        switch (op) {
            case Op.JCC -> {
                CodeBuffer.Label taken = new CodeBuffer.Label();
                e.cond(in.sub);
                e.code.jump(IFNE, taken);
                e.code.jump(GOTO, e.exits.stub(count, in.nextRip));
                e.code.place(taken);
                e.exits.jump(count, in.imm);
            }
            case Op.JMP -> e.exits.jump(count, in.imm);
            case Op.CALL -> {
                int ret = e.temp();
                e.code.lconst(in.nextRip);
                e.lstore(ret);
                e.push(8, ret);
                e.exits.jump(count, in.imm);
            }
            case Op.RET -> {
                int sp = e.temp();
                int target = e.temp();
                e.lload(Emitter.reg(4));
                e.lstore(sp);
                e.read(8, sp);
                e.lstore(target);
                e.checkCanonical(target);
                e.lload(sp);
                e.code.lconst(8 + in.imm);
                e.code.op(LADD);
                e.lstore(Emitter.reg(4));
                e.exits.ret(count, target, exit);
            }
            case Op.JMP_R, Op.JMP_M, Op.CALL_R, Op.CALL_M -> {
                int target = e.temp();
                if (op == Op.JMP_R || op == Op.CALL_R) {
                    e.lload(Emitter.reg(in.rm));
                } else {
                    int addr = e.eaTemp(in);
                    e.read(8, addr);
                }
                e.lstore(target);
                e.checkCanonical(target);
                if (op == Op.CALL_R || op == Op.CALL_M) {
                    int ret = e.temp();
                    e.code.lconst(in.nextRip);
                    e.lstore(ret);
                    e.push(8, ret);
                }
                e.exits.exitDynamic(count, target, exit);
            }
            default -> throw new IllegalArgumentException("not a control transfer: " + op);
        }
    }
}
