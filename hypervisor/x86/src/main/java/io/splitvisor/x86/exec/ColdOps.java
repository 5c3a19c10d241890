package io.splitvisor.x86.exec;

import io.splitvisor.x86.cpu.Alu;
import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.Flags;
import io.splitvisor.x86.cpu.Mmu;
import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.decode.Op;

/**
 * The less frequent integer instructions: memory shifts, bit tests, atomics, flags, ENTER, LOOP, strings. Locked
 * read-modify-writes go to {@link LockedOps}; the unlocked CMPXCHG, XADD, CMPXCHG8B/16B and bit tests stay here.
 */
final class ColdOps {
    private final SystemOps sys;
    private final StringOps strings;
    private final LockedOps locked = new LockedOps();

    ColdOps(SystemOps sys, StringOps strings) {
        this.sys = sys;
        this.strings = strings;
    }

    void exec(Executor x, Insn in) {
        Cpu c = x.c;
        Mmu m = x.m;
        int s = in.size;
        switch (in.op) {
            case Op.SHIFT_M: {
                long a = x.ea(in);
                long r = Alu.shift(c, in.sub, s, m.readRmw(s, a), x.shiftCount(in));
                m.write(s, a, r);
                break;
            }
            case Op.DSHIFT_R:
                c.set(s, in.rm, Alu.doubleShift(c, in.sub, s, c.get(s, in.rm), c.get(s, in.reg), x.shiftCount(in)));
                break;
            case Op.DSHIFT_M: {
                long a = x.ea(in);
                long r = Alu.doubleShift(c, in.sub, s, m.readRmw(s, a), c.get(s, in.reg), x.shiftCount(in));
                m.write(s, a, r);
                break;
            }
            case Op.BT_RR:
            case Op.BT_RI: {
                int bit = (int) (in.op == Op.BT_RR ? c.get(s, in.reg) : in.imm) & ((s << 3) - 1);
                long r = Alu.bitTest(c, in.sub, c.get(s, in.rm), bit);
                if (in.sub != 0) {
                    c.set(s, in.rm, r);
                }
                break;
            }
            case Op.BT_MR:
            case Op.BT_MI:
                bitTestMemory(x, in);
                break;
            case Op.BITSCAN_RR:
                bitScan(c, in, in.rm, c.get(s, in.reg));
                break;
            case Op.BITSCAN_RM:
                bitScan(c, in, in.reg, m.read(s, x.ea(in)));
                break;
            case Op.CMPXCHG_RR: {
                long dst = c.get(s, in.rm);
                Alu.alu(c, Alu.CMP, s, c.get(s, 0), dst);
                if (c.zf()) {
                    c.set(s, in.rm, c.get(s, in.reg));
                } else {
                    c.set(s, 0, dst);
                }
                break;
            }
            case Op.CMPXCHG_MR: {
                long a = x.ea(in);
                long dst = m.readRmw(s, a);
                Alu.alu(c, Alu.CMP, s, c.get(s, 0), dst);
                if (c.zf()) {
                    m.write(s, a, c.get(s, in.reg));
                } else {
                    m.write(s, a, dst);
                    c.set(s, 0, dst);
                }
                break;
            }
            case Op.XADD_RR: {
                long d = c.get(s, in.rm);
                long src = c.get(s, in.reg);
                long sum = Alu.alu(c, Alu.ADD, s, d, src);
                c.set(s, in.reg, d);
                c.set(s, in.rm, sum);
                break;
            }
            case Op.XADD_MR: {
                long a = x.ea(in);
                long d = m.readRmw(s, a);
                long sum = Alu.alu(c, Alu.ADD, s, d, c.get(s, in.reg));
                m.write(s, a, sum);
                c.set(s, in.reg, d);
                break;
            }
            case Op.CMPXCHG_WIDE:
                compareExchangeWide(x, in);
                break;
            case Op.BSWAP:
                if (s == 8) {
                    c.regs[in.rm] = Long.reverseBytes(c.regs[in.rm]);
                } else {
                    c.regs[in.rm] = Integer.reverseBytes((int) c.regs[in.rm]) & 0xFFFFFFFFL;
                }
                break;
            case Op.PUSH_M:
                x.push(s, m.read(s, x.ea(in)));
                break;
            case Op.POP_M: {
                long v = m.read(s, c.regs[4]);
                c.regs[4] += s;
                try {
                    m.write(s, x.ea(in), v);
                } catch (RuntimeException e) {
                    c.regs[4] -= s;
                    throw e;
                }
                break;
            }
            case Op.PUSHF:
                x.push(s, c.rflags() & ~(Flags.RF | Flags.VM));
                break;
            case Op.POPF:
                sys.popf(x, in);
                break;
            case Op.ENTER:
                enter(x, in);
                break;
            case Op.LOOP:
                loop(x, in);
                break;
            case Op.FLAGOP:
                flagOp(x, in);
                break;
            case Op.XLAT:
                c.set(1, 0, m.read8(x.ea(in) + (c.regs[0] & 0xFF)));
                break;
            case Op.STRING:
                strings.exec(x, in);
                break;
            case Op.BMI:
                Bmi.exec(x, in);
                break;
            case Op.LOCK_ALU_MR:
            case Op.LOCK_ALU_MI:
            case Op.LOCK_UNARY_M:
            case Op.LOCK_BT_MR:
            case Op.LOCK_BT_MI:
            case Op.LOCK_CMPXCHG_MR:
            case Op.LOCK_XADD_MR:
            case Op.LOCK_XCHG_MR:
            case Op.LOCK_CMPXCHG_WIDE:
                locked.exec(x, in);
                break;
            default:
                sys.exec(x, in);
        }
    }

    /** BSF and BSR leave the whole destination register unchanged when the source is zero. */
    private static void bitScan(Cpu c, Insn in, int dst, long src) {
        long r = Alu.bitScan(c, in.sub, in.size, src, 0);
        if (in.sub > 1 || Cpu.mask(in.size, src) != 0) {
            c.set(in.size, dst, r);
        }
    }

    private void bitTestMemory(Executor x, Insn in) {
        Cpu c = x.c;
        int s = in.size;
        int bits = s << 3;
        long a = x.ea(in);
        int bit;
        if (in.op == Op.BT_MR) {
            long off = Cpu.sext(s, c.get(s, in.reg));
            a += (off >> (Integer.numberOfTrailingZeros(bits))) * s;
            bit = (int) off & (bits - 1);
        } else {
            bit = (int) in.imm & (bits - 1);
        }
        if (in.sub == 0) {
            Alu.bitTest(c, 0, x.m.read(s, a), bit);
        } else {
            long r = Alu.bitTest(c, in.sub, x.m.readRmw(s, a), bit);
            x.m.write(s, a, r);
        }
    }

    private void compareExchangeWide(Executor x, Insn in) {
        Cpu c = x.c;
        Mmu m = x.m;
        long[] r = c.regs;
        long a = x.ea(in);
        if (in.size == 16) {
            if ((a & 15) != 0) {
                throw c.gp0();
            }
            m.probeWrite(a, 16);
            long lo = m.readRmw(8, a);
            long hi = m.readRmw(8, a + 8);
            boolean eq = lo == r[0] && hi == r[2];
            if (eq) {
                m.write64(a, r[3]);
                m.write64(a + 8, r[1]);
            } else {
                m.write64(a, lo);
                m.write64(a + 8, hi);
                r[0] = lo;
                r[2] = hi;
            }
            Alu.setZf(c, eq);
        } else {
            long v = m.readRmw(8, a);
            long expect = (r[2] << 32) | (r[0] & 0xFFFFFFFFL);
            boolean eq = v == expect;
            if (eq) {
                m.write64(a, (r[1] << 32) | (r[3] & 0xFFFFFFFFL));
            } else {
                m.write64(a, v);
                r[0] = v & 0xFFFFFFFFL;
                r[2] = v >>> 32;
            }
            Alu.setZf(c, eq);
        }
    }

    private void enter(Executor x, Insn in) {
        Cpu c = x.c;
        long[] r = c.regs;
        int s = in.size;
        int level = (int) in.imm2 & 31;
        long sp0 = r[4];
        long bp0 = r[5];
        try {
            x.push(s, bp0);
            long frame = r[4];
            long bp = bp0;
            for (int i = 1; i < level; i++) {
                bp -= s;
                x.push(s, x.m.read(s, bp));
            }
            if (level > 0) {
                x.push(s, frame);
            }
            long newSp = r[4] - in.imm;
            x.m.probeWrite(newSp, 1);
            c.set(s, 5, frame);
            r[4] = newSp;
        } catch (RuntimeException e) {
            r[4] = sp0;
            r[5] = bp0;
            throw e;
        }
    }

    private void loop(Executor x, Insn in) {
        Cpu c = x.c;
        boolean a32 = in.addr32;
        long count = a32 ? c.regs[1] & 0xFFFFFFFFL : c.regs[1];
        boolean taken;
        if (in.sub == 3) {
            taken = count == 0;
        } else {
            count = a32 ? (count - 1) & 0xFFFFFFFFL : count - 1;
            if (a32) {
                c.set(4, 1, count);
            } else {
                c.regs[1] = count;
            }
            taken = count != 0 && (in.sub == 2 || (in.sub == 1) == c.zf());
        }
        c.rip = taken ? in.imm : in.nextRip;
    }

    private void flagOp(Executor x, Insn in) {
        Cpu c = x.c;
        switch (in.sub) {
            case 0 -> c.setCf(false);
            case 1 -> c.setCf(true);
            case 2 -> c.setCf(!c.cf());
            case 3 -> c.rflagsOther &= ~Flags.DF;
            case 4 -> c.rflagsOther |= Flags.DF;
            case 5, 6 -> sys.cliSti(x, in.sub == 6);
            case 7 -> c.set(1, Cpu.HIGH_BYTE, (c.oszapc() & 0xD5) | 2);
            default -> {
                long ah = (c.regs[0] >>> 8) & 0xD5;
                c.setOszapc((c.oszapc() & Flags.OF) | ah);
            }
        }
    }
}
