package io.splitvisor.x86.exec;

import io.splitvisor.x86.cpu.Alu;
import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.ExitSignal;
import io.splitvisor.x86.cpu.GuestFault;
import io.splitvisor.x86.cpu.Mmu;
import io.splitvisor.x86.cpu.MulDiv;
import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.decode.Op;

/**
 * Runs decoded blocks: a loop over the block's instructions with the switch on the handler number inside it, so
 * there is no call per instruction. The common integer instructions are handled here; the rest go to
 * {@link ColdOps}. {@link #runBlock} must stay under HotSpot's 8,000-byte compile limit (a test checks).
 */
final class Executor {
    static final int OK = 0;
    static final int FAULT = 1;
    static final int EXIT = 2;

    final Cpu c;
    final long[] regs;
    final Mmu m;
    final ColdOps cold;
    /** The vCPU whose pending events a translated block's loop checks. */
    InterpreterVcpu vcpu;
    /** Set by a handler to end the block after the current instruction (SMC, pending exit). */
    boolean abort;
    /** The current instruction completed with an exit to report (OUT, MMIO write, HLT). */
    boolean exitPending;
    long retired;
    int faultVector;
    int faultError;
    boolean faultHasError;

    Executor(Cpu c, Mmu m, ColdOps cold) {
        this.c = c;
        this.regs = c.regs;
        this.m = m;
        this.cold = cold;
    }

    /** Runs instructions {@code from} to {@code to - 1} of the block. On FAULT the fault is in the Cpu's GuestFault. */
    int runBlock(Block block, int from, int to) {
        Insn[] code = block.code;
        int n = to;
        int i = from;
        abort = false;
        final Cpu c = this.c;
        final long[] regs = this.regs;
        try {
            do {
                Insn in = code[i];
                final int s = in.size;
                switch (in.op) {
                    case Op.ADD_RR64: {
                        long a = regs[in.rm];
                        long b = regs[in.reg];
                        long r = a + b;
                        c.setAddFlags(8, a, b, r);
                        regs[in.rm] = r;
                        break;
                    }
                    case Op.ADD_RI64: {
                        long a = regs[in.rm];
                        long r = a + in.imm;
                        c.setAddFlags(8, a, in.imm, r);
                        regs[in.rm] = r;
                        break;
                    }
                    case Op.SUB_RR64: {
                        long a = regs[in.rm];
                        long b = regs[in.reg];
                        long r = a - b;
                        c.setSubFlags(8, a, b, r);
                        regs[in.rm] = r;
                        break;
                    }
                    case Op.SUB_RI64: {
                        long a = regs[in.rm];
                        long r = a - in.imm;
                        c.setSubFlags(8, a, in.imm, r);
                        regs[in.rm] = r;
                        break;
                    }
                    case Op.CMP_RR64: {
                        long a = regs[in.rm];
                        long b = regs[in.reg];
                        c.setSubFlags(8, a, b, a - b);
                        break;
                    }
                    case Op.CMP_RI64: {
                        long a = regs[in.rm];
                        c.setSubFlags(8, a, in.imm, a - in.imm);
                        break;
                    }
                    case Op.TEST_RR64:
                        c.flagResult = regs[in.rm] & regs[in.reg];
                        c.flagAux = 0;
                        break;
                    case Op.ADD_RR32: {
                        long a = regs[in.rm] & M32;
                        long b = regs[in.reg] & M32;
                        long r = a + b;
                        c.setAddFlags(4, a, b, r);
                        regs[in.rm] = r & M32;
                        break;
                    }
                    case Op.ADD_RI32: {
                        long a = regs[in.rm] & M32;
                        long r = a + in.imm;
                        c.setAddFlags(4, a, in.imm, r);
                        regs[in.rm] = r & M32;
                        break;
                    }
                    case Op.SUB_RI32: {
                        long a = regs[in.rm] & M32;
                        long r = a - in.imm;
                        c.setSubFlags(4, a, in.imm, r);
                        regs[in.rm] = r & M32;
                        break;
                    }
                    case Op.CMP_RR32: {
                        long a = regs[in.rm] & M32;
                        long b = regs[in.reg] & M32;
                        c.setSubFlags(4, a, b, a - b);
                        break;
                    }
                    case Op.CMP_RI32: {
                        long a = regs[in.rm] & M32;
                        c.setSubFlags(4, a, in.imm, a - in.imm);
                        break;
                    }
                    case Op.TEST_RR32:
                        c.flagResult = (int) (regs[in.rm] & regs[in.reg]);
                        c.flagAux = 0;
                        break;
                    case Op.XOR_RR32: {
                        long r = (regs[in.rm] ^ regs[in.reg]) & M32;
                        regs[in.rm] = r;
                        c.flagResult = (int) r;
                        c.flagAux = 0;
                        break;
                    }
                    case Op.JE:
                        c.rip = c.flagResult == 0 ? in.imm : in.nextRip;
                        break;
                    case Op.JNE:
                        c.rip = c.flagResult != 0 ? in.imm : in.nextRip;
                        break;
                    case Op.MOV_RM64_BD:
                        regs[in.reg] = m.read64(in.disp + regs[in.base]);
                        break;
                    case Op.MOV_RM32_BD:
                        regs[in.reg] = m.read32(in.disp + regs[in.base]);
                        break;
                    case Op.MOV_MR64_BD:
                        m.write64(in.disp + regs[in.base], regs[in.reg]);
                        break;
                    case Op.MOV_MR32_BD:
                        m.write32(in.disp + regs[in.base], regs[in.reg]);
                        break;
                    case Op.MOV_RR64:
                        regs[in.rm] = regs[in.reg];
                        break;
                    case Op.MOV_RR32:
                        regs[in.rm] = regs[in.reg] & M32;
                        break;
                    case Op.MOV_RM64:
                        regs[in.reg] = m.read64(ea(in));
                        break;
                    case Op.MOV_RM32:
                        regs[in.reg] = m.read32(ea(in));
                        break;
                    case Op.MOV_MR64:
                        m.write64(ea(in), regs[in.reg]);
                        break;
                    case Op.MOV_MR32:
                        m.write32(ea(in), regs[in.reg]);
                        break;
                    case Op.MOV_RI64:
                        regs[in.rm] = in.imm;
                        break;
                    case Op.MOV_MI64:
                        m.write64(ea(in), in.imm);
                        break;
                    case Op.MOV_MI32:
                        m.write32(ea(in), in.imm);
                        break;
                    case Op.ALU_RR64: {
                        long r = Alu.alu(c, in.sub, 8, regs[in.rm], regs[in.reg]);
                        if (in.sub < Alu.CMP) {
                            regs[in.rm] = r;
                        }
                        break;
                    }
                    case Op.ALU_RR32: {
                        long r = Alu.alu(c, in.sub, 4, regs[in.rm] & M32, regs[in.reg] & M32);
                        if (in.sub < Alu.CMP) {
                            regs[in.rm] = r & M32;
                        }
                        break;
                    }
                    case Op.ALU_RI64: {
                        long r = Alu.alu(c, in.sub, 8, regs[in.rm], in.imm);
                        if (in.sub < Alu.CMP) {
                            regs[in.rm] = r;
                        }
                        break;
                    }
                    case Op.ALU_RI32: {
                        long r = Alu.alu(c, in.sub, 4, regs[in.rm] & M32, in.imm);
                        if (in.sub < Alu.CMP) {
                            regs[in.rm] = r & M32;
                        }
                        break;
                    }
                    case Op.ALU_RM64: {
                        long r = Alu.alu(c, in.sub, 8, regs[in.reg], m.read64(ea(in)));
                        if (in.sub < Alu.CMP) {
                            regs[in.reg] = r;
                        }
                        break;
                    }
                    case Op.ALU_RM32: {
                        long r = Alu.alu(c, in.sub, 4, regs[in.reg] & M32, m.read32(ea(in)));
                        if (in.sub < Alu.CMP) {
                            regs[in.reg] = r & M32;
                        }
                        break;
                    }
                    case Op.LEA64:
                        regs[in.reg] = in.disp + regs[in.base] + (regs[in.index] << in.scale);
                        break;
                    case Op.LEA32:
                        regs[in.reg] = (in.disp + regs[in.base] + (regs[in.index] << in.scale)) & M32;
                        break;
                    case Op.MOVZX8_RM:
                        regs[in.reg] = m.read8(ea(in));
                        break;
                    case Op.MOVZX16_RM:
                        regs[in.reg] = m.read16(ea(in));
                        break;
                    case Op.MOVZX8_RR:
                        regs[in.rm] = regs[in.reg] & 0xFF;
                        break;
                    case Op.MOVSXD_RM:
                        regs[in.reg] = (int) m.read32(ea(in));
                        break;
                    case Op.PUSH_R64: {
                        long v = regs[in.rm];
                        long sp = regs[4] - 8;
                        m.write64(sp, v);
                        regs[4] = sp;
                        break;
                    }
                    case Op.POP_R64: {
                        long sp = regs[4];
                        long v = m.read64(sp);
                        regs[4] = sp + 8;
                        regs[in.rm] = v;
                        break;
                    }
                    case Op.SHIFT_R64:
                        regs[in.rm] = Alu.shift(c, in.sub, 8, regs[in.rm], shiftCount(in));
                        break;
                    case Op.SHIFT_R32:
                        regs[in.rm] = Alu.shift(c, in.sub, 4, regs[in.rm] & M32, shiftCount(in)) & M32;
                        break;
                    case Op.UNARY_R64:
                        regs[in.rm] = Alu.unary(c, in.sub, 8, regs[in.rm]);
                        break;
                    case Op.UNARY_R32:
                        regs[in.rm] = Alu.unary(c, in.sub, 4, regs[in.rm] & M32) & M32;
                        break;
                    case Op.NOP:
                        break;
                    case Op.MOV_RR:
                        c.set(s, in.rm, c.get(s, in.reg));
                        break;
                    case Op.MOV_MR:
                        m.write(s, ea(in), c.get(s, in.reg));
                        break;
                    case Op.MOV_RM:
                        c.set(s, in.reg, m.read(s, ea(in)));
                        break;
                    case Op.MOV_RI:
                        c.set(s, in.rm, in.imm);
                        break;
                    case Op.MOV_MI:
                        m.write(s, ea(in), in.imm);
                        break;
                    case Op.MOVZX_RR:
                        c.set(s, in.rm, c.get(in.size2, in.reg));
                        break;
                    case Op.MOVZX_RM:
                        c.set(s, in.reg, m.read(in.size2, ea(in)));
                        break;
                    case Op.MOVSX_RR:
                        c.set(s, in.rm, Cpu.sext(in.size2, c.get(in.size2, in.reg)));
                        break;
                    case Op.MOVSX_RM:
                        c.set(s, in.reg, Cpu.sext(in.size2, m.read(in.size2, ea(in))));
                        break;
                    case Op.LEA: {
                        long a = in.disp + regs[in.base] + (regs[in.index] << in.scale);
                        c.set(s, in.reg, in.addr32 ? a & 0xFFFFFFFFL : a);
                        break;
                    }
                    case Op.ALU_RR: {
                        long r = Alu.alu(c, in.sub, s, c.get(s, in.rm), c.get(s, in.reg));
                        if (in.sub < Alu.CMP) {
                            c.set(s, in.rm, r);
                        }
                        break;
                    }
                    case Op.ALU_RI: {
                        long r = Alu.alu(c, in.sub, s, c.get(s, in.rm), in.imm);
                        if (in.sub < Alu.CMP) {
                            c.set(s, in.rm, r);
                        }
                        break;
                    }
                    case Op.ALU_RM: {
                        long r = Alu.alu(c, in.sub, s, c.get(s, in.reg), m.read(s, ea(in)));
                        if (in.sub < Alu.CMP) {
                            c.set(s, in.reg, r);
                        }
                        break;
                    }
                    case Op.ALU_MR:
                        aluMem(in, c.get(s, in.reg));
                        break;
                    case Op.ALU_MI:
                        aluMem(in, in.imm);
                        break;
                    case Op.UNARY_R:
                        c.set(s, in.rm, Alu.unary(c, in.sub, s, c.get(s, in.rm)));
                        break;
                    case Op.UNARY_M: {
                        long a = ea(in);
                        long r = Alu.unary(c, in.sub, s, m.readRmw(s, a));
                        m.write(s, a, r);
                        break;
                    }
                    case Op.SHIFT_R:
                        c.set(s, in.rm, Alu.shift(c, in.sub, s, c.get(s, in.rm), shiftCount(in)));
                        break;
                    case Op.JCC:
                        c.rip = c.cond(in.sub) ? in.imm : in.nextRip;
                        break;
                    case Op.JMP:
                        c.rip = in.imm;
                        break;
                    case Op.CALL:
                        push(8, in.nextRip);
                        c.rip = in.imm;
                        break;
                    case Op.RET: {
                        long t = branchTarget(m.read64(regs[4]));
                        regs[4] += 8 + in.imm;
                        c.rip = t;
                        break;
                    }
                    case Op.PUSH_R:
                        push(s, c.get(s, in.rm));
                        break;
                    case Op.POP_R: {
                        long v = pop(s);
                        c.set(s, in.rm, v);
                        break;
                    }
                    case Op.PUSH_I:
                        push(s, in.imm);
                        break;
                    case Op.CMOV_RR:
                        if (c.cond(in.sub)) {
                            c.set(s, in.rm, c.get(s, in.reg));
                        } else if (s == 4) {
                            regs[in.rm] &= 0xFFFFFFFFL;
                        }
                        break;
                    case Op.CMOV_RM: {
                        long v = m.read(s, ea(in));
                        if (c.cond(in.sub)) {
                            c.set(s, in.reg, v);
                        } else if (s == 4) {
                            regs[in.reg] &= 0xFFFFFFFFL;
                        }
                        break;
                    }
                    case Op.SETCC_R:
                        c.set(1, in.rm, c.cond(in.sub) ? 1 : 0);
                        break;
                    case Op.SETCC_M:
                        m.write8(ea(in), c.cond(in.sub) ? 1 : 0);
                        break;
                    case Op.IMUL_RR:
                        c.set(s, in.rm, MulDiv.imul(c, s, c.get(s, in.reg), in.variant ? in.imm : c.get(s, in.rm)));
                        break;
                    case Op.IMUL_RM: {
                        long v = m.read(s, ea(in));
                        c.set(s, in.reg, MulDiv.imul(c, s, v, in.variant ? in.imm : c.get(s, in.reg)));
                        break;
                    }
                    case Op.JMP_R:
                        c.rip = branchTarget(regs[in.rm]);
                        break;
                    case Op.JMP_M:
                        c.rip = branchTarget(m.read64(ea(in)));
                        break;
                    case Op.CALL_R: {
                        long t = branchTarget(regs[in.rm]);
                        push(8, in.nextRip);
                        c.rip = t;
                        break;
                    }
                    case Op.CALL_M: {
                        long t = branchTarget(m.read64(ea(in)));
                        push(8, in.nextRip);
                        c.rip = t;
                        break;
                    }
                    case Op.LEAVE: {
                        long v = m.read(s, regs[5]);
                        regs[4] = regs[5] + s;
                        c.set(s, 5, v);
                        break;
                    }
                    case Op.CBW:
                        c.set(s, 0, Cpu.sext(s >> 1, c.get(s >> 1, 0)));
                        break;
                    case Op.CWD:
                        c.set(s, 2, Cpu.sext(s, c.get(s, 0)) >> 63);
                        break;
                    case Op.MULDIV_R:
                        MulDiv.exec(c, in.sub, s, c.get(s, in.rm));
                        break;
                    case Op.MULDIV_M:
                        MulDiv.exec(c, in.sub, s, m.read(s, ea(in)));
                        break;
                    case Op.XCHG_RR: {
                        long a = c.get(s, in.rm);
                        c.set(s, in.rm, c.get(s, in.reg));
                        c.set(s, in.reg, a);
                        break;
                    }
                    default:
                        cold.exec(this, in);
                }
                i++;
            } while (i < n && !abort);
        } catch (GuestFault f) {
            faultVector = f.vector;
            faultError = f.errorCode;
            faultHasError = f.hasErrorCode;
            return stopAt(code[i], i - from, FAULT);
        } catch (ExitSignal e) {
            return stopAt(code[i], i - from, EXIT);
        }
        retired += i - from;
        Insn last = code[i - 1];
        if (!last.branch) {
            c.rip = last.nextRip;
        }
        return OK;
    }

    /**
     * Translated code stopped at the instruction at {@code rip}, the {@code idx}-th of its block, with {@code done}
     * instructions of earlier blocks retired: a guest fault or an MMIO read exit, reported as {@link #runBlock}
     * would; anything else is rethrown.
     */
    int jitStop(long rip, int idx, long done, RuntimeException e) {
        int status;
        if (e instanceof GuestFault f) {
            faultVector = f.vector;
            faultError = f.errorCode;
            faultHasError = f.hasErrorCode;
            status = FAULT;
        } else if (e instanceof ExitSignal) {
            status = EXIT;
        } else {
            throw e;
        }
        retired += done + idx;
        c.rip = rip;
        return status;
    }

    private int stopAt(Insn in, int done, int status) {
        retired += done;
        c.rip = in.nextRip - in.len;
        return status;
    }

    long ea(Insn in) {
        long a = in.disp + regs[in.base] + (regs[in.index] << in.scale);
        if (in.eaSpecial != 0) {
            if ((in.eaSpecial & Insn.EA_ADDR32) != 0) {
                a &= 0xFFFFFFFFL;
            }
            if ((in.eaSpecial & Insn.EA_SEGMENT) != 0) {
                a += in.segment == 4 ? c.fsBase : c.gsBase;
            }
        }
        return a;
    }

    void push(int size, long v) {
        long sp = regs[4] - size;
        m.write(size, sp, v);
        regs[4] = sp;
    }

    long pop(int size) {
        long sp = regs[4];
        long v = m.read(size, sp);
        regs[4] = sp + size;
        return v;
    }

    private long branchTarget(long t) {
        if (!Cpu.canonical(t)) {
            throw c.gp0();
        }
        return t;
    }

    private static final long M32 = 0xFFFFFFFFL;

    int shiftCount(Insn in) {
        return in.variant ? (int) regs[1] & 0xFF : (int) in.imm;
    }

    private void aluMem(Insn in, long src) {
        int s = in.size;
        long a = ea(in);
        if (in.sub >= Alu.CMP) {
            Alu.alu(c, in.sub, s, m.read(s, a), src);
        } else {
            long r = Alu.alu(c, in.sub, s, m.readRmw(s, a), src);
            m.write(s, a, r);
        }
    }
}
