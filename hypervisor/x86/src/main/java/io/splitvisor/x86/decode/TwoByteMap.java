package io.splitvisor.x86.decode;

import io.splitvisor.x86.cpu.Vectors;

/** The 0F two-byte opcode map: only the integer and system instructions; SSE and x87 raise #UD. */
final class TwoByteMap {
    private static final String[] BT_NAMES = {"bt", "bts", "btr", "btc"};
    private final Decoder d;

    TwoByteMap(Decoder d) {
        this.d = d;
    }

    void decode(int b) {
        Insn in = d.in;
        if (b >= 0x40 && b <= 0x4F) {
            int size = d.osz();
            d.eg(Op.CMOV_RR, Op.CMOV_RM, Op.CMOV_RM, false, size, size, "cmov" + Decoder.CC[b & 15]);
            in.sub = b & 15;
        } else if (b >= 0x80 && b <= 0x8F) {
            d.set(Op.JCC, 8, "j" + Decoder.CC[b & 15]);
            in.sub = b & 15;
            in.imm = d.imm32();
            d.relTarget();
            d.branch();
        } else if (b >= 0x90 && b <= 0x9F) {
            d.modrm();
            d.e(Op.SETCC_R, Op.SETCC_M, 1, "set" + Decoder.CC[b & 15]);
            in.sub = b & 15;
        } else if (b >= 0xC8 && b <= 0xCF) {
            if (d.p66 && !d.rexW) {
                d.ud();
                return;
            }
            d.set(Op.BSWAP, d.osz(), "bswap");
            in.rm = (b & 7) | d.rexB;
        } else if (b < 0x40) {
            low(b);
        } else {
            high(b);
        }
    }

    private void low(int b) {
        Insn in = d.in;
        switch (b) {
            case 0x00 -> group6();
            case 0x01 -> group7();
            case 0x06 -> {
                d.set(Op.CLTS, 0, "clts");
                d.endBlock();
            }
            case 0x08, 0x09 -> {
                d.set(Op.CLTS, 0, b == 0x08 ? "invd" : "wbinvd");
                in.sub = 1;
            }
            case 0x0B -> {
                d.ud();
                in.mnemonic = "ud2";
            }
            case 0x0D, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F -> {
                d.modrm();
                d.set(Op.NOP, d.osz(), b == 0x1F || b >= 0x19 ? "nop" : "prefetch");
                if (b == 0x1E && d.rep == Insn.REP && !in.mem && (d.rmRaw & 7) == 2 && d.ext() == 7) {
                    in.mnemonic = "endbr64";
                } else {
                    in.form = Form.E;
                }
                if (!in.mem) {
                    in.rm = d.rmRaw;
                }
            }
            case 0x20, 0x21, 0x22, 0x23 -> {
                d.modrm();
                in.mem = false;
                int n = d.regRaw;
                boolean cr = b == 0x20 || b == 0x22;
                if (cr && n != 0 && n != 2 && n != 3 && n != 4 && n != 8 || !cr && n > 7) {
                    d.ud();
                    return;
                }
                boolean load = b >= 0x22;
                d.set(cr ? (load ? Op.MOV_TO_CR : Op.MOV_FROM_CR) : (load ? Op.MOV_TO_DR : Op.MOV_FROM_DR), 8,
                        "mov");
                in.sub = n;
                in.rm = d.rmRaw;
                in.form = cr ? (load ? Form.CR_LOAD : Form.CR_STORE) : (load ? Form.DR_LOAD : Form.DR_STORE);
                if (load) {
                    d.endBlock();
                }
            }
            case 0x30 -> {
                d.set(Op.WRMSR, 0, "wrmsr");
                d.endBlock();
            }
            case 0x31 -> d.set(Op.RDTSC, 0, "rdtsc");
            case 0x32 -> d.set(Op.RDMSR, 0, "rdmsr");
            default -> d.ud(); // SYSCALL/SYSRET, SSE moves, ...
        }
    }

    private void high(int b) {
        Insn in = d.in;
        switch (b) {
            case 0xA0, 0xA8 -> {
                d.set(Op.PUSH_SEG, d.osz64(), "push");
                in.sub = b == 0xA0 ? 4 : 5;
                in.form = Form.SEG;
            }
            case 0xA1, 0xA9 -> {
                d.set(Op.POP_SEG, d.osz64(), "pop");
                in.sub = b == 0xA1 ? 4 : 5;
                in.form = Form.SEG;
            }
            case 0xA2 -> d.set(Op.CPUID, 0, "cpuid");
            case 0xA3, 0xAB, 0xB3, 0xBB -> {
                int kind = (b >> 3) & 3;
                d.eg(Op.BT_RR, Op.BT_MR, Op.BT_MR, true, d.osz(), d.osz(), BT_NAMES[kind]);
                in.sub = kind;
                d.lockable = in.mem && kind != 0;
            }
            case 0xA4, 0xA5, 0xAC, 0xAD -> {
                d.eg(Op.DSHIFT_R, Op.DSHIFT_M, Op.DSHIFT_M, true, d.osz(), d.osz(), b < 0xAC ? "shld" : "shrd");
                in.sub = b < 0xAC ? 0 : 1;
                if ((b & 1) == 0) {
                    in.imm = d.next();
                    in.form = Form.E_G_I;
                } else {
                    in.variant = true;
                    in.form = Form.E_G_CL;
                }
            }
            case 0xAE -> group15();
            case 0xAF -> d.eg(Op.IMUL_RR, Op.IMUL_RM, Op.IMUL_RM, false, d.osz(), d.osz(), "imul");
            case 0xB0, 0xB1 -> {
                int size = b == 0xB0 ? 1 : d.osz();
                d.eg(Op.CMPXCHG_RR, Op.CMPXCHG_MR, Op.CMPXCHG_MR, true, size, size, "cmpxchg");
                d.lockable = in.mem;
            }
            case 0xB6, 0xB7, 0xBE, 0xBF -> {
                boolean sx = b >= 0xBE;
                d.eg(sx ? Op.MOVSX_RR : Op.MOVZX_RR, sx ? Op.MOVSX_RM : Op.MOVZX_RM, sx ? Op.MOVSX_RM : Op.MOVZX_RM,
                        false, d.osz(), (b & 1) == 0 ? 1 : 2, sx ? "movsx" : "movzx");
            }
            case 0xB8 -> {
                if (d.rep != Insn.REP) {
                    d.ud();
                    return;
                }
                bitScan(4, "popcnt");
            }
            case 0xBA -> {
                d.modrm();
                int x = d.ext();
                if (x < 4) {
                    d.ud();
                    return;
                }
                d.e(Op.BT_RI, Op.BT_MI, d.osz(), BT_NAMES[x - 4]);
                in.sub = x - 4;
                in.imm = d.next();
                d.lockable = in.mem && x != 4;
            }
            case 0xBC -> bitScan(d.rep == Insn.REP ? 2 : 0, d.rep == Insn.REP ? "tzcnt" : "bsf");
            case 0xBD -> bitScan(d.rep == Insn.REP ? 3 : 1, d.rep == Insn.REP ? "lzcnt" : "bsr");
            case 0xC0, 0xC1 -> {
                int size = b == 0xC0 ? 1 : d.osz();
                d.eg(Op.XADD_RR, Op.XADD_MR, Op.XADD_MR, true, size, size, "xadd");
                d.lockable = in.mem;
            }
            case 0xC7 -> {
                d.modrm();
                if (d.ext() != 1 || !in.mem) {
                    d.ud();
                    return;
                }
                d.set(Op.CMPXCHG_WIDE, d.rexW ? 16 : 8, d.rexW ? "cmpxchg16b" : "cmpxchg8b");
                d.lockable = true;
            }
            default -> d.ud();
        }
    }

    private void bitScan(int kind, String name) {
        d.eg(Op.BITSCAN_RR, Op.BITSCAN_RM, Op.BITSCAN_RM, false, d.osz(), d.osz(), name);
        d.in.sub = kind;
        d.in.rep = 0;
    }

    private void group6() {
        Insn in = d.in;
        d.modrm();
        int x = d.ext();
        if (x > 3) {
            d.ud();
            return;
        }
        d.e(Op.SYS_SEG, Op.SYS_SEG, x < 2 && !in.mem ? d.osz() : 2, new String[] {"sldt", "str", "lldt", "ltr"}[x]);
        in.sub = x;
        if (x >= 2) {
            d.endBlock();
        }
    }

    private void group7() {
        Insn in = d.in;
        d.modrm();
        int x = d.ext();
        if (in.mem) {
            switch (x) {
                case 0, 1, 2, 3 -> {
                    d.set(Op.DESC_TABLE, 10, new String[] {"sgdt", "sidt", "lgdt", "lidt"}[x]);
                    in.sub = x;
                    in.form = Form.E;
                }
                case 4 -> d.set(Op.SMSW, 2, "smsw");
                case 6 -> {
                    d.set(Op.LMSW, 2, "lmsw");
                    d.endBlock();
                }
                case 7 -> {
                    d.set(Op.INVLPG, 1, "invlpg");
                    d.endBlock();
                }
                default -> d.ud();
            }
            if (in.op != Op.FAULT && in.form == 0) {
                in.form = Form.E;
            }
            return;
        }
        int rm = d.rmRaw & 7;
        if (x == 7 && rm == 0) {
            d.set(Op.SWAPGS, 0, "swapgs");
        } else if (x == 7 && rm == 1) {
            d.set(Op.RDTSCP, 0, "rdtscp");
        } else if (x == 4) {
            d.e(Op.SMSW, Op.SMSW, d.osz(), "smsw");
            in.form = Form.E;
        } else if (x == 6) {
            d.e(Op.LMSW, Op.LMSW, 2, "lmsw");
            in.form = Form.E;
            d.endBlock();
        } else {
            d.ud();
        }
    }

    private void group15() {
        Insn in = d.in;
        d.modrm();
        int x = d.ext();
        if (in.mem) {
            if (x == 7 && !d.p66 && d.rep == 0) {
                d.set(Op.CLFLUSH, 1, "clflush");
                in.form = Form.E;
            } else {
                d.ud();
            }
        } else if (x >= 5 && d.rep == 0 && !d.p66) {
            d.set(Op.NOP, 0, x == 5 ? "lfence" : x == 6 ? "mfence" : "sfence");
        } else {
            d.fault(Vectors.UD);
        }
    }
}
