package io.splitvisor.x86.decode;

import io.splitvisor.x86.cpu.Vectors;

/** Opcodes 0x80-0xFF of the one-byte map. */
final class OneByteMap {
    private static final String[] SHIFT_NAMES = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
    private static final String[] GRP3_NAMES = {"test", "test", "not", "neg", "mul", "imul", "div", "idiv"};

    private OneByteMap() {
    }

    static void decode8x(Decoder d, int b) {
        Insn in = d.in;
        switch (b) {
            case 0x80, 0x81, 0x83 -> {
                int size = b == 0x80 ? 1 : d.osz();
                d.modrm();
                int kind = d.ext();
                d.e(Op.ALU_RI, Op.ALU_MI, size, Decoder.ALU_NAMES[kind]);
                in.sub = kind;
                in.imm = b == 0x81 ? d.immZ(size) : d.imm8s();
                d.lockable = in.mem && kind != 7;
            }
            case 0x84, 0x85 -> {
                int size = b == 0x84 ? 1 : d.osz();
                d.eg(Op.ALU_RR, Op.ALU_MR, Op.ALU_RM, true, size, size, "test");
                in.sub = 8;
            }
            case 0x86, 0x87 -> {
                int size = b == 0x86 ? 1 : d.osz();
                d.eg(Op.XCHG_RR, Op.XCHG_MR, Op.XCHG_MR, true, size, size, "xchg");
                d.lockable = in.mem;
            }
            case 0x88, 0x89 -> {
                int size = b == 0x88 ? 1 : d.osz();
                d.eg(Op.MOV_RR, Op.MOV_MR, Op.MOV_RM, true, size, size, "mov");
            }
            case 0x8A, 0x8B -> {
                int size = b == 0x8A ? 1 : d.osz();
                d.eg(Op.MOV_RR, Op.MOV_MR, Op.MOV_RM, false, size, size, "mov");
            }
            case 0x8C -> {
                d.modrm();
                if (d.ext() > 5) {
                    d.ud();
                    return;
                }
                d.e(Op.MOV_FROM_SREG, Op.MOV_FROM_SREG, in.mem ? 2 : d.osz(), "mov");
                in.sub = d.ext();
                in.form = Form.SREG_STORE;
            }
            case 0x8D -> {
                d.modrm();
                if (!in.mem) {
                    d.ud();
                    return;
                }
                d.set(Op.LEA, d.osz(), "lea");
                in.reg = d.regRaw;
            }
            case 0x8E -> {
                d.modrm();
                int s = d.ext();
                if (s == 1 || s > 5) {
                    d.ud();
                    return;
                }
                d.e(Op.MOV_TO_SREG, Op.MOV_TO_SREG, 2, "mov");
                in.sub = s;
                in.form = Form.SREG_LOAD;
                d.endBlock(); // MOV SS starts an interrupt shadow
            }
            case 0x8F -> {
                d.modrm();
                if (d.ext() != 0) {
                    d.ud();
                    return;
                }
                d.e(Op.POP_R, Op.POP_M, d.osz64(), "pop");
            }
            case 0x90 -> {
                if (d.rexB != 0) {
                    d.set(Op.XCHG_RR, d.osz(), "xchg");
                    in.rm = 8;
                    in.reg = 0;
                    in.form = Form.XCHG_ACC;
                } else if (d.rep == Insn.REP) {
                    d.set(Op.PAUSE, 0, "pause");
                } else {
                    d.set(Op.NOP, 0, d.p66 ? "xchg ax,ax" : "nop");
                }
            }
            case 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97 -> {
                d.set(Op.XCHG_RR, d.osz(), "xchg");
                in.rm = (b & 7) | d.rexB;
                in.reg = 0;
                in.form = Form.XCHG_ACC;
            }
            case 0x98 -> {
                int s = d.osz();
                d.set(Op.CBW, s, s == 8 ? "cdqe" : s == 4 ? "cwde" : "cbw");
            }
            case 0x99 -> {
                int s = d.osz();
                d.set(Op.CWD, s, s == 8 ? "cqo" : s == 4 ? "cdq" : "cwd");
            }
            case 0x9B -> {
                d.set(Op.X87, 0, "fwait");
                in.variant = true;
            }
            case 0x9C -> d.set(Op.PUSHF, d.osz64(), d.osz64() == 2 ? "pushfw" : "pushf");
            case 0x9D -> {
                d.set(Op.POPF, d.osz64(), d.osz64() == 2 ? "popfw" : "popf");
                d.endBlock();
            }
            case 0x9E -> flagOp(d, 8, "sahf");
            case 0x9F -> flagOp(d, 7, "lahf");
            case 0xA0, 0xA1, 0xA2, 0xA3 -> {
                int size = (b & 1) == 0 ? 1 : d.osz();
                d.set(b < 0xA2 ? Op.MOV_RM : Op.MOV_MR, size, d.p67 ? "mov" : "movabs");
                in.mem = true;
                in.reg = 0;
                in.disp = d.p67 ? d.imm32() & 0xFFFFFFFFL : d.imm64();
                in.form = b < 0xA2 ? Form.MOFFS_LOAD : Form.MOFFS_STORE;
            }
            case 0xA4, 0xA5 -> d.string(0, (b & 1) == 0 ? 1 : d.osz());
            case 0xA6, 0xA7 -> d.string(1, (b & 1) == 0 ? 1 : d.osz());
            case 0xA8, 0xA9 -> {
                int size = b == 0xA8 ? 1 : d.osz();
                d.set(Op.ALU_RI, size, "test");
                in.sub = 8;
                in.rm = 0;
                in.imm = size == 1 ? d.imm8s() : d.immZ(size);
            }
            case 0xAA, 0xAB -> d.string(2, (b & 1) == 0 ? 1 : d.osz());
            case 0xAC, 0xAD -> d.string(3, (b & 1) == 0 ? 1 : d.osz());
            case 0xAE, 0xAF -> d.string(4, (b & 1) == 0 ? 1 : d.osz());
            default -> {
                if (b >= 0xB0 && b <= 0xB7) {
                    d.set(Op.MOV_RI, 1, "mov");
                    in.rm = d.regCode((b & 7) | d.rexB, 1);
                    in.imm = d.imm8s();
                } else if (b >= 0xB8) {
                    int size = d.osz();
                    d.set(Op.MOV_RI, size, size == 8 ? "movabs" : "mov");
                    in.rm = (b & 7) | d.rexB;
                    in.imm = size == 8 ? d.imm64() : size == 4 ? d.imm32() : d.imm16();
                } else {
                    d.ud(); // 0x82, 0x9A
                }
            }
        }
    }

    static void flagOp(Decoder d, int sub, String name) {
        d.set(Op.FLAGOP, 0, name);
        d.in.sub = sub;
    }

    static void decodeCx(Decoder d, int b) {
        Insn in = d.in;
        switch (b) {
            case 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3 -> {
                int size = (b & 1) == 0 ? 1 : d.osz();
                d.modrm();
                d.e(Op.SHIFT_R, Op.SHIFT_M, size, SHIFT_NAMES[d.ext()]);
                in.sub = d.ext();
                if (b <= 0xC1) {
                    in.imm = d.next();
                    in.form = Form.E_I;
                } else if (b <= 0xD1) {
                    in.imm = 1;
                    in.form = Form.E_1;
                } else {
                    in.variant = true;
                    in.form = Form.E_CL;
                }
            }
            case 0xC2, 0xC3 -> {
                d.set(Op.RET, 8, "ret");
                in.imm = b == 0xC2 ? d.imm16() & 0xFFFF : 0;
                in.form = b == 0xC2 ? Form.I : Form.NONE;
                d.branch();
            }
            case 0xC6, 0xC7 -> {
                int size = b == 0xC6 ? 1 : d.osz();
                d.modrm();
                if (d.ext() != 0) {
                    d.ud();
                    return;
                }
                d.e(Op.MOV_RI, Op.MOV_MI, size, "mov");
                in.imm = size == 1 ? d.imm8s() : d.immZ(size);
            }
            case 0xC8 -> {
                d.set(Op.ENTER, d.osz64(), "enter");
                in.imm = d.imm16() & 0xFFFF;
                in.imm2 = d.next();
                in.form = Form.ENTER;
            }
            case 0xC9 -> d.set(Op.LEAVE, d.osz64(), "leave");
            case 0xCA, 0xCB -> {
                d.set(Op.RETF, d.rexW ? 8 : d.p66 ? 2 : 4, "retf");
                in.imm = b == 0xCA ? d.imm16() & 0xFFFF : 0;
                in.form = b == 0xCA ? Form.I : Form.NONE;
                d.branch();
            }
            case 0xCC -> interrupt(d, Vectors.BP, "int3");
            case 0xCD -> {
                interrupt(d, d.next(), "int");
                in.form = Form.I;
                in.imm = in.sub;
            }
            case 0xF1 -> {
                interrupt(d, Vectors.DB, "int1");
                in.variant = true;
            }
            case 0xCF -> {
                d.set(Op.IRET, d.rexW ? 8 : d.p66 ? 2 : 4, d.rexW ? "iretq" : d.p66 ? "iretw" : "iret");
                d.branch();
            }
            case 0xD7 -> {
                d.set(Op.XLAT, 1, "xlat");
                in.mem = true;
                in.base = 3;
            }
            case 0xE0, 0xE1, 0xE2, 0xE3 -> {
                d.set(Op.LOOP, 8, b == 0xE0 ? "loopne" : b == 0xE1 ? "loope" : b == 0xE2 ? "loop"
                        : d.p67 ? "jecxz" : "jrcxz");
                in.sub = b - 0xE0;
                in.imm = d.imm8s();
                d.relTarget();
                d.branch();
            }
            case 0xE4, 0xE5, 0xEC, 0xED -> {
                d.set(Op.IN, (b & 1) == 0 ? 1 : d.p66 ? 2 : 4, "in");
                in.variant = b >= 0xEC;
                in.imm = in.variant ? 0 : d.next();
                in.form = Form.IN;
            }
            case 0xE6, 0xE7, 0xEE, 0xEF -> {
                d.set(Op.OUT, (b & 1) == 0 ? 1 : d.p66 ? 2 : 4, "out");
                in.variant = b >= 0xEE;
                in.imm = in.variant ? 0 : d.next();
                in.form = Form.OUT;
                d.endBlock();
            }
            case 0xE8, 0xE9, 0xEB -> {
                d.set(b == 0xE8 ? Op.CALL : Op.JMP, 8, b == 0xE8 ? "call" : "jmp");
                in.imm = b == 0xEB ? d.imm8s() : d.imm32();
                d.relTarget();
                d.branch();
            }
            case 0xF4 -> {
                d.set(Op.HLT, 0, "hlt");
                d.branch();
            }
            case 0xF5 -> flagOp(d, 2, "cmc");
            case 0xF6, 0xF7 -> group3(d, b == 0xF6 ? 1 : d.osz());
            case 0xF8 -> flagOp(d, 0, "clc");
            case 0xF9 -> flagOp(d, 1, "stc");
            case 0xFA -> flagOp(d, 5, "cli");
            case 0xFB -> {
                flagOp(d, 6, "sti");
                d.endBlock();
            }
            case 0xFC -> flagOp(d, 3, "cld");
            case 0xFD -> flagOp(d, 4, "std");
            case 0xFE -> {
                d.modrm();
                if (d.ext() > 1) {
                    d.ud();
                    return;
                }
                d.e(Op.UNARY_R, Op.UNARY_M, 1, d.ext() == 0 ? "inc" : "dec");
                in.sub = d.ext();
                d.lockable = in.mem;
            }
            case 0xFF -> group5(d);
            case 0xC4, 0xC5 -> Vex.decode(d, b);
            case 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF -> {
                d.modrm();
                d.set(Op.X87, 0, "(bad)");
                d.branch();
            }
            default -> d.ud(); // C4/C5 VEX handled by caller, D4-D6, D8-DF x87, EA, CE, ...
        }
    }

    private static void interrupt(Decoder d, int vector, String name) {
        d.set(Op.INT, 0, name);
        d.in.sub = vector;
        d.branch();
    }

    private static void group3(Decoder d, int size) {
        Insn in = d.in;
        d.modrm();
        int x = d.ext();
        if (x <= 1) {
            d.e(Op.ALU_RI, Op.ALU_MI, size, "test");
            in.sub = 8;
            in.imm = size == 1 ? d.imm8s() : d.immZ(size);
        } else if (x <= 3) {
            d.e(Op.UNARY_R, Op.UNARY_M, size, GRP3_NAMES[x]);
            in.sub = x;
            d.lockable = in.mem;
        } else {
            d.e(Op.MULDIV_R, Op.MULDIV_M, size, GRP3_NAMES[x]);
            in.sub = x;
        }
    }

    private static void group5(Decoder d) {
        Insn in = d.in;
        d.modrm();
        int x = d.ext();
        switch (x) {
            case 0, 1 -> {
                d.e(Op.UNARY_R, Op.UNARY_M, d.osz(), x == 0 ? "inc" : "dec");
                in.sub = x;
                d.lockable = in.mem;
            }
            case 2 -> {
                d.e(Op.CALL_R, Op.CALL_M, 8, "call");
                d.branch();
            }
            case 4 -> {
                d.e(Op.JMP_R, Op.JMP_M, 8, "jmp");
                d.branch();
            }
            case 6 -> d.e(Op.PUSH_R, Op.PUSH_M, d.osz64(), "push");
            default -> d.ud(); // far CALL/JMP through memory are not implemented
        }
    }
}
