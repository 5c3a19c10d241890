package io.splitvisor.x86.disasm;

import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.decode.Decoder;
import io.splitvisor.x86.decode.Form;
import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.decode.Op;

/**
 * Intel-syntax disassembly of decoded instructions, following GNU objdump's {@code -M intel} conventions
 * ("mov DWORD PTR [rbp-0x4],eax", immediates in hex masked to the operand size, absolute branch targets).
 * It prints what the interpreter decoded, so a crash report shows exactly what ran.
 */
public final class Disassembler {
    private static final String[] R64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10",
        "r11", "r12", "r13", "r14", "r15"};
    private static final String[] R32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d",
        "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
    private static final String[] R16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w",
        "r11w", "r12w", "r13w", "r14w", "r15w"};
    private static final String[] R8 = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b",
        "r11b", "r12b", "r13b", "r14b", "r15b"};
    private static final String[] R8H = {"ah", "ch", "dh", "bh"};
    private static final String[] SREG = {"es", "cs", "ss", "ds", "fs", "gs"};

    private final Decoder decoder = new Decoder();

    /** Decodes and formats the instruction at {@code rip}. */
    public String disassemble(Decoder.ByteSource bytes, long rip) {
        return format(decoder.decode(bytes, rip));
    }

    public static String reg(int size, int r) {
        return switch (size) {
            case 8 -> R64[r];
            case 4 -> R32[r];
            case 2 -> R16[r];
            default -> (r & Cpu.HIGH_BYTE) != 0 ? R8H[r & 3] : R8[r];
        };
    }

    private static String ptr(int size) {
        return switch (size) {
            case 1 -> "BYTE PTR ";
            case 2 -> "WORD PTR ";
            case 4 -> "DWORD PTR ";
            case 8 -> "QWORD PTR ";
            case 10 -> "";
            case 16 -> "XMMWORD PTR ";
            default -> "";
        };
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String imm(int size, long v) {
        return hex(Cpu.mask(Math.min(size, 8), v));
    }

    /** The memory operand without its size, e.g. "fs:[rax+rbx*4-0x8]". */
    public static String address(Insn in) {
        StringBuilder b = new StringBuilder();
        String seg = in.segment == 4 ? "fs:" : in.segment == 5 ? "gs:" : "";
        boolean a32 = in.addr32;
        String[] names = a32 ? R32 : R64;
        if (in.ripRelative) {
            long rel = in.disp - in.nextRip;
            if (a32) {
                rel = (int) rel;
            }
            return b.append(seg).append('[').append(a32 ? "eip" : "rip").append(rel < 0 ? "-" : "+")
                    .append(hex(Math.abs(rel))).append(']').toString();
        }
        boolean hasBase = in.base != Cpu.ZERO;
        boolean hasIndex = in.index != Cpu.ZERO;
        if (!hasBase && !hasIndex) {
            return b.append(seg.isEmpty() ? "ds:" : seg).append(hex(a32 ? in.disp & 0xFFFFFFFFL : in.disp))
                    .toString();
        }
        b.append(seg).append('[');
        if (hasBase) {
            b.append(names[in.base]);
        }
        if (hasIndex) {
            if (hasBase) {
                b.append('+');
            }
            b.append(names[in.index]).append('*').append(1 << in.scale);
        }
        if (in.dispBytes > 0 || !hasBase) {
            long d = in.disp;
            if (!hasBase && in.dispBytes == 4) {
                b.append('+').append(hex(a32 ? d & 0xFFFFFFFFL : (int) d & 0xFFFFFFFFL));
            } else {
                b.append(d < 0 ? '-' : '+').append(hex(Math.abs(d)));
            }
        }
        return b.append(']').toString();
    }

    private static String mem(Insn in, int size) {
        return ptr(size) + address(in);
    }

    public static String format(Insn in) {
        String m = in.mnemonic;
        int s = in.size;
        String ops = operands(in, s);
        String prefix = in.inertPrefixes + (in.op == Op.STRING ? StringForms.repPrefix(in) : "");
        if (in.lock) {
            prefix = "lock " + prefix;
        }
        return ops.isEmpty() ? prefix + m : prefix + m + " " + ops;
    }

    private static String operands(Insn in, int s) {
        switch (io.splitvisor.x86.decode.Specializer.generic(in.op)) {
            case Op.MOV_RR: case Op.ALU_RR: case Op.XCHG_RR: case Op.CMPXCHG_RR: case Op.XADD_RR:
            case Op.BT_RR:
                if (in.form == Form.XCHG_ACC) {
                    return reg(s, in.rm) + "," + reg(s, in.reg);
                }
                return reg(s, in.rm) + "," + reg(s, in.reg);
            case Op.CMOV_RR: case Op.IMUL_RR: case Op.BITSCAN_RR:
                if (in.op == Op.IMUL_RR && in.variant) {
                    return reg(s, in.rm) + "," + reg(s, in.reg) + "," + imm(s, in.imm);
                }
                return reg(s, in.rm) + "," + reg(s, in.reg);
            case Op.MOVZX_RR: case Op.MOVSX_RR:
                return reg(s, in.rm) + "," + reg(in.size2, in.reg);
            case Op.MOV_MR: case Op.ALU_MR: case Op.XCHG_MR: case Op.CMPXCHG_MR: case Op.XADD_MR: case Op.BT_MR:
                if (in.form == Form.MOFFS_STORE) {
                    return address(in) + "," + reg(s, 0);
                }
                return mem(in, s) + "," + reg(s, in.reg);
            case Op.MOV_RM: case Op.ALU_RM: case Op.CMOV_RM: case Op.BITSCAN_RM:
                if (in.form == Form.MOFFS_LOAD) {
                    return reg(s, 0) + "," + address(in);
                }
                return reg(s, in.reg) + "," + mem(in, s);
            case Op.IMUL_RM:
                return reg(s, in.reg) + "," + mem(in, s) + (in.variant ? "," + imm(s, in.imm) : "");
            case Op.MOVZX_RM: case Op.MOVSX_RM:
                return reg(s, in.reg) + "," + mem(in, in.size2);
            case Op.MOV_RI: case Op.ALU_RI:
                return reg(s, in.rm) + "," + imm(s, in.imm);
            case Op.MOV_MI: case Op.ALU_MI:
                return mem(in, s) + "," + imm(s, in.imm);
            case Op.BT_RI:
                return reg(s, in.rm) + "," + imm(1, in.imm);
            case Op.BT_MI:
                return mem(in, s) + "," + imm(1, in.imm);
            case Op.LEA:
                return reg(s, in.reg) + "," + address(in);
            case Op.UNARY_R: case Op.MULDIV_R: case Op.PUSH_R: case Op.POP_R: case Op.SETCC_R:
                return reg(s, in.rm);
            case Op.BSWAP:
                return reg(s, in.rm);
            case Op.UNARY_M: case Op.MULDIV_M: case Op.PUSH_M: case Op.POP_M: case Op.SETCC_M:
                return mem(in, s);
            case Op.SHIFT_R: case Op.SHIFT_M: {
                String dst = !in.mem ? reg(s, in.rm) : mem(in, s);
                return dst + "," + (in.variant ? "cl" : in.form == Form.E_1 ? "1" : imm(1, in.imm));
            }
            case Op.DSHIFT_R: case Op.DSHIFT_M: {
                String dst = in.op == Op.DSHIFT_R ? reg(s, in.rm) : mem(in, s);
                return dst + "," + reg(s, in.reg) + "," + (in.variant ? "cl" : imm(1, in.imm));
            }
            case Op.PUSH_I:
                return imm(s, in.imm);
            case Op.JCC: case Op.JMP: case Op.CALL: case Op.LOOP:
                return hex(in.imm);
            case Op.JMP_R: case Op.CALL_R:
                return reg(8, in.rm);
            case Op.JMP_M: case Op.CALL_M:
                return mem(in, 8);
            case Op.RET: case Op.RETF:
                return in.imm != 0 ? imm(2, in.imm) : "";
            case Op.ENTER:
                return imm(2, in.imm) + "," + imm(1, in.imm2);
            case Op.INT:
                return in.form == Form.I ? imm(1, in.imm) : "";
            case Op.STRING:
                return StringForms.operands(in);
            case Op.IN:
                return reg(s, 0) + "," + (in.variant ? "dx" : imm(1, in.imm));
            case Op.OUT:
                return (in.variant ? "dx" : imm(1, in.imm)) + "," + reg(s, 0);
            case Op.MOV_FROM_CR:
                return reg(8, in.rm) + ",cr" + in.sub;
            case Op.MOV_TO_CR:
                return "cr" + in.sub + "," + reg(8, in.rm);
            case Op.MOV_FROM_DR:
                return reg(8, in.rm) + ",db" + in.sub;
            case Op.MOV_TO_DR:
                return "db" + in.sub + "," + reg(8, in.rm);
            case Op.MOV_FROM_SREG:
                return (in.mem ? mem(in, 2) : reg(s, in.rm)) + "," + SREG[in.sub];
            case Op.MOV_TO_SREG:
                return SREG[in.sub] + "," + (in.mem ? mem(in, 2) : reg(4, in.rm));
            case Op.PUSH_SEG: case Op.POP_SEG:
                return SREG[in.sub];
            case Op.NOP:
                if (in.form == Form.E) {
                    return in.mem ? mem(in, in.size) : reg(in.size, in.rm);
                }
                return "";
            case Op.DESC_TABLE: case Op.INVLPG: case Op.CLFLUSH:
                return in.op == Op.INVLPG || in.op == Op.CLFLUSH ? mem(in, 1) : address(in);
            case Op.SYS_SEG: case Op.SMSW: case Op.LMSW:
                return in.mem ? mem(in, 2) : reg(in.size, in.rm);
            case Op.CMPXCHG_WIDE:
                return (in.size == 16 ? "OWORD PTR " : "QWORD PTR ") + address(in);
            case Op.BMI: {
                String src = in.mem ? mem(in, s) : reg(s, in.rm);
                return switch (in.sub) {
                    case 0 -> reg(s, in.reg) + "," + reg(s, in.vreg) + "," + src;
                    case 1 -> reg(s, in.reg) + "," + src + "," + reg(s, in.vreg);
                    default -> reg(s, in.vreg) + "," + src;
                };
            }
            case Op.XLAT:
                return "BYTE PTR ds:[rbx]";
            default:
                return "";
        }
    }
}
