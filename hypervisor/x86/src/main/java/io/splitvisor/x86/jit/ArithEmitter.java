package io.splitvisor.x86.jit;

import static io.splitvisor.x86.jit.CodeBuffer.*;

import io.splitvisor.x86.cpu.Alu;
import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.decode.Op;

/**
 * Arithmetic, logic, shifts, multiplies and divides, CMOVcc and SETcc. ADD, ADC, SUB, SBB, CMP, AND, OR, XOR, TEST,
 * INC, DEC, NOT and NEG are inline, their flags computed only when something reads them; the rest call the interpreter's own
 * {@code Alu}/{@code MulDiv} code with the flags handed to the Cpu and back.
 */
final class ArithEmitter {
    private static final String ALU = "io/splitvisor/x86/cpu/Alu";
    private static final String MULDIV = "io/splitvisor/x86/cpu/MulDiv";

    private ArithEmitter() {
    }

    static boolean supports(int op, Insn in) {
        return switch (op) {
            case Op.ALU_RR, Op.ALU_RI, Op.ALU_RM, Op.ALU_MR, Op.ALU_MI, Op.UNARY_R, Op.UNARY_M, Op.SHIFT_R,
                    Op.IMUL_RR, Op.IMUL_RM, Op.MULDIV_R, Op.MULDIV_M, Op.CMOV_RR, Op.CMOV_RM, Op.SETCC_R, Op.SETCC_M,
                    Op.CBW, Op.CWD -> !in.lock;
            default -> false;
        };
    }

    /** How the instruction treats the flags: {@link FlagUse}. */
    static FlagUse flagUse(int op, Insn in) {
        return switch (op) {
            case Op.ALU_RR, Op.ALU_RI, Op.ALU_RM, Op.ALU_MR, Op.ALU_MI ->
                    in.sub == Alu.ADC || in.sub == Alu.SBB ? FlagUse.READS : FlagUse.WRITES;
            case Op.UNARY_R, Op.UNARY_M -> in.sub == 3 ? FlagUse.WRITES : FlagUse.PASSES;
            case Op.SHIFT_R -> ShiftEmitter.inline(in) ? ShiftEmitter.flagUse(in) : FlagUse.READS;
            case Op.IMUL_RR, Op.IMUL_RM -> FlagUse.WRITES;
            case Op.CBW, Op.CWD -> FlagUse.PASSES;
            default -> FlagUse.READS;
        };
    }

    static void emit(Emitter e, int op, Insn in) {
        int s = in.size;
        switch (op) {
            case Op.ALU_RR -> {
                int a = load(e, s, in.rm);
                int b = load(e, s, in.reg);
                alu(e, in, a, b, in.rm);
            }
            case Op.ALU_RI -> {
                int a = load(e, s, in.rm);
                int b = constant(e, in.imm);
                alu(e, in, a, b, in.rm);
            }
            case Op.ALU_RM -> {
                int addr = e.eaTemp(in);
                int b = e.temp();
                e.read(s, addr);
                e.lstore(b);
                int a = load(e, s, in.reg);
                alu(e, in, a, b, in.reg);
            }
            case Op.ALU_MR, Op.ALU_MI -> {
                int addr = e.eaTemp(in);
                int b;
                if (op == Op.ALU_MR) {
                    b = load(e, s, in.reg);
                } else {
                    b = constant(e, in.imm);
                }
                int a = e.temp();
                if (in.sub >= Alu.CMP) {
                    e.read(s, addr);
                } else {
                    e.readRmw(s, addr);
                }
                e.lstore(a);
                int r = aluResult(e, in, a, b);
                if (in.sub < Alu.CMP) {
                    e.write(s, addr, r);
                }
            }
            case Op.UNARY_R -> {
                int v = load(e, s, in.rm);
                int r = unary(e, in, v);
                e.lload(r);
                e.set(s, in.rm);
            }
            case Op.UNARY_M -> {
                int addr = e.eaTemp(in);
                int v = e.temp();
                e.readRmw(s, addr);
                e.lstore(v);
                int r = unary(e, in, v);
                e.write(s, addr, r);
            }
            case Op.SHIFT_R -> {
                if (ShiftEmitter.inline(in)) {
                    ShiftEmitter.emit(e, in);
                    return;
                }
                e.flagsToCpu();
                e.code.local(ALOAD, Emitter.C);
                e.code.iconst(in.sub);
                e.code.iconst(s);
                e.get(s, in.rm);
                if (in.variant) {
                    e.lload(Emitter.reg(1));
                    e.code.op(L2I);
                    e.code.iconst(0xFF);
                    e.code.op(IAND);
                } else {
                    e.code.iconst((int) in.imm);
                }
                e.code.invokestatic(ALU, "shift", "(Lio/splitvisor/x86/cpu/Cpu;IIJI)J");
                e.set(s, in.rm);
                e.flagsFromCpu();
            }
            case Op.IMUL_RR, Op.IMUL_RM -> imul(e, op, in);
            case Op.MULDIV_R, Op.MULDIV_M -> mulDiv(e, op, in);
            case Op.CMOV_RR, Op.CMOV_RM -> cmov(e, op, in);
            case Op.SETCC_R -> {
                e.cond(in.sub);
                e.code.op(I2L);
                e.set(1, in.rm);
            }
            case Op.SETCC_M -> {
                int addr = e.eaTemp(in);
                int v = e.temp();
                e.cond(in.sub);
                e.code.op(I2L);
                e.lstore(v);
                e.write(1, addr, v);
            }
            case Op.CBW -> {
                e.get(s >> 1, 0);
                e.sext(s >> 1);
                e.set(s, 0);
            }
            case Op.CWD -> {
                e.get(s, 0);
                e.sext(s);
                e.code.iconst(63);
                e.code.op(LSHR);
                e.set(s, 2);
            }
            default -> throw new IllegalArgumentException("not an arithmetic op: " + op);
        }
    }

    private static int load(Emitter e, int size, int r) {
        int t = e.temp();
        e.get(size, r);
        e.lstore(t);
        return t;
    }

    /** The source operand into a temporary: register {@code r}, or memory when {@code !register}. */
    private static int source(Emitter e, Insn in, boolean register, int r) {
        int v = e.temp();
        if (register) {
            e.get(in.size, r);
        } else {
            int addr = e.eaTemp(in);
            e.read(in.size, addr);
        }
        e.lstore(v);
        return v;
    }

    private static int constant(Emitter e, long v) {
        int t = e.temp();
        e.code.lconst(v);
        e.lstore(t);
        return t;
    }

    /** Register destination: computes, sets the flags, writes the register unless CMP or TEST. */
    private static void alu(Emitter e, Insn in, int a, int b, int dst) {
        int r = aluResult(e, in, a, b);
        if (in.sub < Alu.CMP) {
            e.lload(r);
            e.set(in.size, dst);
        }
    }

    /** The result of ALU kind {@code in.sub} on slots a and b into a temporary; flags when live. */
    private static int aluResult(Emitter e, Insn in, int a, int b) {
        int s = in.size;
        int r = e.temp();
        e.lload(a);
        e.lload(b);
        int sub = in.sub;
        e.code.op(switch (sub) {
            case Alu.ADD, Alu.ADC -> LADD;
            case Alu.OR -> LOR;
            case Alu.AND, Alu.TEST -> LAND;
            case Alu.XOR -> LXOR;
            default -> LSUB;
        });
        if (sub == Alu.ADC || sub == Alu.SBB) {
            // plus or minus the carry in: CF is bit 63 of the aux word
            e.lload(Emitter.FX);
            e.code.iconst(63);
            e.code.op(LUSHR);
            e.code.op(sub == Alu.ADC ? LADD : LSUB);
        }
        e.lstore(r);
        if (e.flagsLive) {
            if (sub == Alu.ADD || sub == Alu.ADC) {
                e.arithFlags(s, false, a, b, r);
            } else if (sub == Alu.SUB || sub == Alu.CMP || sub == Alu.SBB) {
                e.arithFlags(s, true, a, b, r);
            } else {
                e.logicFlags(s, r);
            }
        }
        return r;
    }

    /** INC, DEC (CF kept), NOT, NEG of slot v into a temporary. */
    private static int unary(Emitter e, Insn in, int v) {
        int s = in.size;
        int r = e.temp();
        int sh = 64 - (s << 3);
        e.lload(v);
        switch (in.sub) {
            case 0 -> {
                e.code.op(LCONST_1);
                e.code.op(LADD);
            }
            case 1 -> {
                e.code.op(LCONST_1);
                e.code.op(LSUB);
            }
            case 2 -> {
                e.code.lconst(-1);
                e.code.op(LXOR);
            }
            default -> e.code.op(LNEG);
        }
        e.lstore(r);
        if (!e.flagsLive || in.sub == 2) {
            return r;
        }
        if (in.sub == 3) {
            int zero = constant(e, 0);
            e.arithFlags(s, true, zero, v, r);
            return r;
        }
        int one = constant(e, 1);
        int oldAux = e.temp();
        e.lload(Emitter.FX);
        e.lstore(oldAux);
        e.arithFlags(s, in.sub == 1, v, one, r);
        e.lload(Emitter.FX);
        e.lload(oldAux);
        e.code.invokestatic(Emitter.CPU, "keepCarryAux", "(JJ)J");
        e.lstore(Emitter.FX);
        return r;
    }

    private static void imul(Emitter e, int op, Insn in) {
        int s = in.size;
        int dst = op == Op.IMUL_RR ? in.rm : in.reg;
        int v = source(e, in, op == Op.IMUL_RR, in.reg);
        e.code.local(ALOAD, Emitter.C);
        e.code.iconst(s);
        e.lload(v);
        if (in.variant) {
            e.code.lconst(in.imm);
        } else {
            e.get(s, dst);
        }
        e.code.invokestatic(MULDIV, "imul", "(Lio/splitvisor/x86/cpu/Cpu;IJJ)J");
        e.set(s, dst);
        e.flagsFromCpu();
    }

    /** MUL, IMUL, DIV, IDIV on RDX:RAX: the interpreter's code runs on the register array. */
    private static void mulDiv(Emitter e, int op, Insn in) {
        int s = in.size;
        int v = source(e, in, op == Op.MULDIV_R, in.rm);
        for (int r : new int[] {0, 2}) {
            e.code.local(ALOAD, Emitter.REGS);
            e.code.iconst(r);
            e.lload(Emitter.reg(r));
            e.code.op(LASTORE);
        }
        e.flagsToCpu();
        e.mayFault();
        e.code.local(ALOAD, Emitter.C);
        e.code.iconst(in.sub);
        e.code.iconst(s);
        e.lload(v);
        e.code.invokestatic(MULDIV, "exec", "(Lio/splitvisor/x86/cpu/Cpu;IIJ)V");
        for (int r : new int[] {0, 2}) {
            e.code.local(ALOAD, Emitter.REGS);
            e.code.iconst(r);
            e.code.op(LALOAD);
            e.lstore(Emitter.reg(r));
        }
        e.flagsFromCpu();
    }

    private static void cmov(Emitter e, int op, Insn in) {
        int s = in.size;
        int dst = op == Op.CMOV_RR ? in.rm : in.reg;
        int v = source(e, in, op == Op.CMOV_RR, in.reg);
        CodeBuffer.Label skip = new CodeBuffer.Label();
        CodeBuffer.Label done = new CodeBuffer.Label();
        e.cond(in.sub);
        e.code.jump(IFEQ, skip);
        e.lload(v);
        e.set(s, dst);
        e.code.jump(GOTO, done);
        e.code.place(skip);
        if (s == 4) {
            e.lload(Emitter.reg(dst));
            e.mask(4);
            e.lstore(Emitter.reg(dst));
        }
        e.code.place(done);
    }
}
