package io.splitvisor.x86.jit;

import static io.splitvisor.x86.jit.CodeBuffer.*;

import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.decode.Op;

/**
 * The control transfer that ends a block: Jcc, JMP, CALL and RET, direct and indirect. Each leaves the block
 * through an exit with the new RIP, or, for a jump back to the block's own start, loops inside the method while
 * the instruction budget allows and no other thread has posted an event.
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

    /**
     * Emits the block's last instruction (index {@code count - 1}). {@code loop} is the label at the block's start
     * when a jump to {@code blockRip} may loop in place, else null.
     */
    static void emit(Emitter e, int op, Insn in, int count, long blockRip, CodeBuffer.Label loop,
                     CodeBuffer.Label exit) {
        switch (op) {
            case Op.JCC -> {
                CodeBuffer.Label taken = new CodeBuffer.Label();
                e.cond(in.sub);
                e.code.jump(IFNE, taken);
                e.code.jump(GOTO, e.stub(count, in.nextRip));
                e.code.place(taken);
                jumpTo(e, in.imm, count, blockRip, loop);
            }
            case Op.JMP -> jumpTo(e, in.imm, count, blockRip, loop);
            case Op.CALL -> {
                int ret = e.temp();
                e.code.lconst(in.nextRip);
                e.lstore(ret);
                e.push(8, ret);
                jumpTo(e, in.imm, count, blockRip, loop);
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
                e.exitDynamic(count, target, exit);
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
                e.exitDynamic(count, target, exit);
            }
            default -> throw new IllegalArgumentException("not a control transfer: " + op);
        }
    }

    private static void jumpTo(Emitter e, long target, int count, long blockRip, CodeBuffer.Label loop) {
        if (loop == null || target != blockRip) {
            e.code.jump(GOTO, e.stub(count, target));
            return;
        }
        // another round needs a whole block of budget and no pending event (stop, interrupt, code written)
        CodeBuffer.Label out = e.stub(0, blockRip);
        e.addDone(count);
        e.lload(Emitter.BUDGET);
        e.lload(Emitter.DONE);
        e.code.op(LSUB);
        e.code.lconst(count);
        e.code.op(LCMP);
        e.code.jump(IFLT, out);
        e.code.local(ALOAD, Emitter.X);
        e.code.getfield(Emitter.EXECUTOR, "vcpu", "L" + Emitter.VCPU + ";");
        e.code.getfield(Emitter.VCPU, "async", "I");
        e.code.jump(IFNE, out);
        e.code.jump(GOTO, loop);
    }
}
