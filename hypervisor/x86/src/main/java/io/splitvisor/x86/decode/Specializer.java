package io.splitvisor.x86.decode;

/**
 * Rewrites decoded instructions into size-specialised ops where one exists (64- and 32-bit register and memory
 * forms of MOV, ALU, LEA, MOVZX, MOVSXD, PUSH, POP, shifts, INC/DEC/NOT/NEG), so the executor's hottest cases do no
 * operand-size dispatch. Semantics are unchanged; the generic ops remain for every other form.
 * <p>
 * Locked read-modify-writes (a LOCK prefix on a memory destination, and XCHG with memory, which is always locked)
 * become {@code LOCK_*} ops, which run in {@code exec.LockedOps} as compare-and-set loops on the native memory, so
 * the unlocked forms on the hot path pay nothing for atomicity.
 */
public final class Specializer {
    private Specializer() {
    }

    /** The generic op a specialised op stands for (itself for generic ops). */
    public static int generic(int op) {
        return switch (op) {
            case Op.MOV_RR64, Op.MOV_RR32 -> Op.MOV_RR;
            case Op.MOV_RM64, Op.MOV_RM32 -> Op.MOV_RM;
            case Op.MOV_MR64, Op.MOV_MR32 -> Op.MOV_MR;
            case Op.MOV_RI64 -> Op.MOV_RI;
            case Op.MOV_MI64, Op.MOV_MI32 -> Op.MOV_MI;
            case Op.ALU_RR64, Op.ALU_RR32 -> Op.ALU_RR;
            case Op.ALU_RI64, Op.ALU_RI32 -> Op.ALU_RI;
            case Op.ALU_RM64, Op.ALU_RM32 -> Op.ALU_RM;
            case Op.LEA64, Op.LEA32 -> Op.LEA;
            case Op.MOVZX8_RM, Op.MOVZX16_RM -> Op.MOVZX_RM;
            case Op.MOVZX8_RR -> Op.MOVZX_RR;
            case Op.MOVSXD_RM -> Op.MOVSX_RM;
            case Op.PUSH_R64 -> Op.PUSH_R;
            case Op.POP_R64 -> Op.POP_R;
            case Op.SHIFT_R64, Op.SHIFT_R32 -> Op.SHIFT_R;
            case Op.UNARY_R64, Op.UNARY_R32 -> Op.UNARY_R;
            case Op.ADD_RR64, Op.SUB_RR64, Op.CMP_RR64, Op.TEST_RR64, Op.ADD_RR32, Op.CMP_RR32, Op.TEST_RR32,
                    Op.XOR_RR32 -> Op.ALU_RR;
            case Op.ADD_RI64, Op.SUB_RI64, Op.CMP_RI64, Op.ADD_RI32, Op.SUB_RI32, Op.CMP_RI32 -> Op.ALU_RI;
            case Op.JE, Op.JNE -> Op.JCC;
            case Op.MOV_RM64_BD, Op.MOV_RM32_BD -> Op.MOV_RM;
            case Op.MOV_MR64_BD, Op.MOV_MR32_BD -> Op.MOV_MR;
            case Op.LOCK_ALU_MR -> Op.ALU_MR;
            case Op.LOCK_ALU_MI -> Op.ALU_MI;
            case Op.LOCK_UNARY_M -> Op.UNARY_M;
            case Op.LOCK_BT_MR -> Op.BT_MR;
            case Op.LOCK_BT_MI -> Op.BT_MI;
            case Op.LOCK_CMPXCHG_MR -> Op.CMPXCHG_MR;
            case Op.LOCK_XADD_MR -> Op.XADD_MR;
            case Op.LOCK_XCHG_MR -> Op.XCHG_MR;
            case Op.LOCK_CMPXCHG_WIDE -> Op.CMPXCHG_WIDE;
            default -> op;
        };
    }

    public static void specialize(Insn in) {
        if (in.mem && (in.lock || in.op == Op.XCHG_MR)) {
            locked(in);
            return;
        }
        bySize(in);
        byKind(in);
    }

    /** The locked form of a memory read-modify-write (the decoder has already refused LOCK elsewhere with #UD). */
    private static void locked(Insn in) {
        in.op = switch (in.op) {
            case Op.ALU_MR -> Op.LOCK_ALU_MR;
            case Op.ALU_MI -> Op.LOCK_ALU_MI;
            case Op.UNARY_M -> Op.LOCK_UNARY_M;
            case Op.BT_MR -> Op.LOCK_BT_MR;
            case Op.BT_MI -> Op.LOCK_BT_MI;
            case Op.CMPXCHG_MR -> Op.LOCK_CMPXCHG_MR;
            case Op.XADD_MR -> Op.LOCK_XADD_MR;
            case Op.XCHG_MR -> Op.LOCK_XCHG_MR;
            case Op.CMPXCHG_WIDE -> Op.LOCK_CMPXCHG_WIDE;
            default -> in.op;
        };
    }

    private static final int[] RR64 = {Op.ADD_RR64, -1, -1, -1, -1, Op.SUB_RR64, -1, Op.CMP_RR64, Op.TEST_RR64};
    private static final int[] RI64 = {Op.ADD_RI64, -1, -1, -1, -1, Op.SUB_RI64, -1, Op.CMP_RI64, -1};
    private static final int[] RR32 = {Op.ADD_RR32, -1, -1, -1, -1, -1, Op.XOR_RR32, Op.CMP_RR32, Op.TEST_RR32};
    private static final int[] RI32 = {Op.ADD_RI32, -1, -1, -1, -1, Op.SUB_RI32, -1, Op.CMP_RI32, -1};

    private static void byKind(Insn in) {
        int[] table = switch (in.op) {
            case Op.ALU_RR64 -> RR64;
            case Op.ALU_RI64 -> RI64;
            case Op.ALU_RR32 -> RR32;
            case Op.ALU_RI32 -> RI32;
            default -> null;
        };
        if (in.mem && in.index == io.splitvisor.x86.cpu.Cpu.ZERO && in.eaSpecial == 0) {
            switch (in.op) {
                case Op.MOV_RM64 -> in.op = Op.MOV_RM64_BD;
                case Op.MOV_RM32 -> in.op = Op.MOV_RM32_BD;
                case Op.MOV_MR64 -> in.op = Op.MOV_MR64_BD;
                case Op.MOV_MR32 -> in.op = Op.MOV_MR32_BD;
                default -> {
                }
            }
        }
        if (table != null && table[in.sub] >= 0) {
            in.op = table[in.sub];
        } else if (in.op == Op.JCC && (in.sub == 4 || in.sub == 5)) {
            in.op = in.sub == 4 ? Op.JE : Op.JNE;
        }
    }

    private static void bySize(Insn in) {
        int s = in.size;
        boolean q = s == 8;
        boolean d = s == 4;
        if (!q && !d) {
            return;
        }
        switch (in.op) {
            case Op.MOV_RR -> in.op = q ? Op.MOV_RR64 : Op.MOV_RR32;
            case Op.MOV_RM -> {
                if (in.form == 0) {
                    in.op = q ? Op.MOV_RM64 : Op.MOV_RM32;
                }
            }
            case Op.MOV_MR -> {
                if (in.form == 0) {
                    in.op = q ? Op.MOV_MR64 : Op.MOV_MR32;
                }
            }
            case Op.MOV_RI -> {
                in.op = Op.MOV_RI64;
                if (d) {
                    in.imm &= 0xFFFFFFFFL;
                }
            }
            case Op.MOV_MI -> in.op = q ? Op.MOV_MI64 : Op.MOV_MI32;
            case Op.ALU_RR -> in.op = q ? Op.ALU_RR64 : Op.ALU_RR32;
            case Op.ALU_RI -> {
                in.op = q ? Op.ALU_RI64 : Op.ALU_RI32;
                if (d) {
                    in.imm &= 0xFFFFFFFFL;
                }
            }
            case Op.ALU_RM -> in.op = q ? Op.ALU_RM64 : Op.ALU_RM32;
            case Op.LEA -> {
                if (!in.addr32) {
                    in.op = q ? Op.LEA64 : Op.LEA32;
                }
            }
            case Op.MOVZX_RM -> in.op = in.size2 == 1 ? Op.MOVZX8_RM : Op.MOVZX16_RM;
            case Op.MOVZX_RR -> {
                if (in.size2 == 1 && (in.reg & 0x20) == 0) {
                    in.op = Op.MOVZX8_RR;
                }
            }
            case Op.MOVSX_RM -> {
                if (q && in.size2 == 4) {
                    in.op = Op.MOVSXD_RM;
                }
            }
            case Op.PUSH_R -> {
                if (q) {
                    in.op = Op.PUSH_R64;
                }
            }
            case Op.POP_R -> {
                if (q) {
                    in.op = Op.POP_R64;
                }
            }
            case Op.SHIFT_R -> in.op = q ? Op.SHIFT_R64 : Op.SHIFT_R32;
            case Op.UNARY_R -> in.op = q ? Op.UNARY_R64 : Op.UNARY_R32;
            default -> {
            }
        }
    }
}
