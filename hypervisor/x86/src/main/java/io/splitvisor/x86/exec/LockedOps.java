package io.splitvisor.x86.exec;

import io.splitvisor.engine.NativeAccess;
import io.splitvisor.x86.cpu.Alu;
import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.Mmu;
import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.decode.Op;
import java.nio.ByteOrder;

/**
 * LOCK-prefixed read-modify-writes with a memory destination (ADD OR ADC SBB AND SUB XOR, NOT NEG INC DEC, BTS BTR
 * BTC, XADD, CMPXCHG, CMPXCHG8B) and XCHG with memory (locked with or without the prefix), atomic against every
 * other thread that reaches the same native memory: other vCPUs, and the host's atomics on shared guest words
 * (grant flags, event bitmaps, ring indices).
 * <p>
 * Each runs as a compare-and-set loop on the aligned 4- or 8-byte word that contains the operand: read the word,
 * compute the result and flags with the ordinary ALU code, compare-and-set only the operand's own bytes; when
 * another thread changed the word in between, the flags are restored and the result recomputed from the fresh
 * value. An aligned 4- or 8-byte XADD, ADD, SUB, INC, DEC is one getAndAdd and an aligned XCHG one getAndSet.
 * <p>
 * The exceptions, which take the ordinary read-then-write path:
 * <ul>
 *   <li>MMIO: the access becomes exits to the host's device model, which is the only writer of that "memory".
 *   <li>Split locks: an operand crossing a page, or not contained in one aligned 8-byte word (a misaligned 4- or
 *       8-byte operand). These run under {@link #GLOBAL}, a JVM-wide lock, so they are atomic against each other
 *       and against CMPXCHG16B, but not against aligned locked instructions or host atomics on the same bytes. The
 *       host's atomics are always naturally aligned (as are the shared fields of the ABI), so a guest only loses
 *       this if it misaligns a word it shares; real x86 makes split locks atomic with a bus lock, and Linux warns
 *       about them or kills the process.
 *   <li>CMPXCHG16B: Java has no 128-bit compare-and-set, so it runs under {@link #GLOBAL} too: atomic against other
 *       vCPUs' CMPXCHG16B (and split locks), not against anything else writing the same 16 bytes. The host writes
 *       no 16-byte fields, and CPUID's CX16 bit keeps promising the instruction on these terms.
 * </ul>
 * Faults are those of the unlocked instruction: translation for writing first, so a #PF carries the write error
 * code and nothing is written; CMPXCHG16B raises #GP(0) on a misaligned operand. Assumes a little-endian host (as
 * the whole interpreter does). One instance per vCPU (it holds the word of the access in progress).
 */
final class LockedOps {
    /** Serialises split locks and CMPXCHG16B across every vCPU in this JVM. */
    static final Object GLOBAL = new Object();
    private static final sun.misc.Unsafe U = NativeAccess.UNSAFE;
    private static final long M32 = 0xFFFFFFFFL;

    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("the interpreter needs a little-endian host");
        }
    }

    // the aligned word holding the operand of the access in progress
    private long word;
    private boolean wide;
    private int shift;
    private long mask;
    private long seen;

    void exec(Executor x, Insn in) {
        Cpu c = x.c;
        int s = in.size;
        switch (in.op) {
            case Op.LOCK_ALU_MR -> rmw(x, in, x.ea(in), s, c.get(s, in.reg), 0);
            case Op.LOCK_ALU_MI -> rmw(x, in, x.ea(in), s, in.imm, 0);
            case Op.LOCK_UNARY_M -> rmw(x, in, x.ea(in), s, 0, 0);
            case Op.LOCK_BT_MR -> {
                int bits = s << 3;
                long off = Cpu.sext(s, c.get(s, in.reg));
                long a = x.ea(in) + (off >> Integer.numberOfTrailingZeros(bits)) * s;
                rmw(x, in, a, s, 0, (int) off & (bits - 1));
            }
            case Op.LOCK_BT_MI -> rmw(x, in, x.ea(in), s, 0, (int) in.imm & ((s << 3) - 1));
            case Op.LOCK_CMPXCHG_MR -> {
                long old = rmw(x, in, x.ea(in), s, c.get(s, in.reg), 0);
                if (!c.zf()) {
                    c.set(s, 0, old);
                }
            }
            case Op.LOCK_XADD_MR, Op.LOCK_XCHG_MR -> {
                long old = rmw(x, in, x.ea(in), s, c.get(s, in.reg), 0);
                c.set(s, in.reg, old);
            }
            default -> { // LOCK_CMPXCHG_WIDE
                if (s == 16) {
                    compareExchange16(x, in);
                    return;
                }
                long old = rmw(x, in, x.ea(in), 8, 0, 0);
                if (!c.zf()) {
                    c.regs[0] = old & M32;
                    c.regs[2] = old >>> 32;
                }
            }
        }
    }

    /**
     * Atomically replaces the {@code s}-byte operand at {@code va} with {@link #compute}'s result; returns the old
     * value (zero-extended). Flags are those of the computation that won.
     */
    private long rmw(Executor x, Insn in, long va, int s, long src, int bit) {
        Cpu c = x.c;
        long host = x.m.lockedAddress(va, s);
        long old;
        if (host >= 0 && contain(host, s)) {
            boolean whole = s >= 4 && shift == 0 && (s == 8) == wide;
            if (whole && additive(in)) {
                old = getAndAdd(host, s, delta(in, src));
                compute(c, in, s, old, src, bit);
            } else if (whole && in.op == Op.LOCK_XCHG_MR) {
                old = s == 8 ? U.getAndSetLong(null, host, src) : U.getAndSetInt(null, host, (int) src) & M32;
            } else {
                long flagResult = c.flagResult;
                long flagAux = c.flagAux;
                while (true) {
                    old = load();
                    long result = compute(c, in, s, old, src, bit);
                    if (compareAndSet(result)) {
                        break;
                    }
                    c.flagResult = flagResult;
                    c.flagAux = flagAux;
                }
            }
        } else if (host == Mmu.LOCKED_MMIO) {
            old = plain(x, in, va, s, src, bit);
        } else {
            synchronized (GLOBAL) {
                old = plain(x, in, va, s, src, bit);
            }
        }
        return old;
    }

    /** The unlocked read-then-write (MMIO, split locks): write permission of every byte is checked first. */
    private static long plain(Executor x, Insn in, long va, int s, long src, int bit) {
        long old = x.m.readRmw(s, va);
        x.m.write(s, va, compute(x.c, in, s, old, src, bit));
        return old;
    }

    /** The new value of the operand (unmasked) given its old value; sets the flags. */
    private static long compute(Cpu c, Insn in, int s, long old, long src, int bit) {
        switch (in.op) {
            case Op.LOCK_ALU_MR:
            case Op.LOCK_ALU_MI:
                return Alu.alu(c, in.sub, s, old, src);
            case Op.LOCK_UNARY_M:
                return Alu.unary(c, in.sub, s, old);
            case Op.LOCK_BT_MR:
            case Op.LOCK_BT_MI:
                return Alu.bitTest(c, in.sub, old, bit);
            case Op.LOCK_CMPXCHG_MR:
                Alu.alu(c, Alu.CMP, s, c.get(s, 0), old);
                return c.zf() ? src : old; // a failed compare writes the old value back, as the hardware does
            case Op.LOCK_XADD_MR:
                return Alu.alu(c, Alu.ADD, s, old, src);
            case Op.LOCK_XCHG_MR:
                return src;
            default: { // CMPXCHG8B
                long[] r = c.regs;
                boolean eq = old == ((r[2] << 32) | (r[0] & M32));
                Alu.setZf(c, eq);
                return eq ? (r[1] << 32) | (r[3] & M32) : old;
            }
        }
    }

    /** ADD, SUB, INC, DEC and XADD: the result is the old value plus a delta that does not depend on it. */
    private static boolean additive(Insn in) {
        return switch (in.op) {
            case Op.LOCK_XADD_MR -> true;
            case Op.LOCK_ALU_MR, Op.LOCK_ALU_MI -> in.sub == Alu.ADD || in.sub == Alu.SUB;
            case Op.LOCK_UNARY_M -> in.sub <= 1;
            default -> false;
        };
    }

    private static long delta(Insn in, long src) {
        if (in.op == Op.LOCK_UNARY_M) {
            return in.sub == 0 ? 1 : -1;
        }
        return in.op == Op.LOCK_ALU_MR || in.op == Op.LOCK_ALU_MI ? (in.sub == Alu.SUB ? -src : src) : src;
    }

    private static long getAndAdd(long host, int s, long delta) {
        return s == 8 ? U.getAndAddLong(null, host, delta) : U.getAndAddInt(null, host, (int) delta) & M32;
    }

    /** Chooses the aligned int (or, failing that, long) holding {@code [host, host + s)}; false if none does. */
    private boolean contain(long host, int s) {
        int in4 = (int) host & 3;
        int in8 = (int) host & 7;
        if (in4 + s <= 4) {
            word = host - in4;
            wide = false;
            shift = in4 << 3;
        } else if (in8 + s <= 8) {
            word = host - in8;
            wide = true;
            shift = in8 << 3;
        } else {
            return false;
        }
        mask = s == 8 ? -1L : ((1L << (s << 3)) - 1) << shift;
        return true;
    }

    /** Reads the containing word (volatile); returns the operand, zero-extended. */
    private long load() {
        seen = wide ? U.getLongVolatile(null, word) : U.getIntVolatile(null, word) & M32;
        return (seen & mask) >>> shift;
    }

    /** Replaces the operand's bytes of the word last {@link #load}ed, if the whole word is still what was read. */
    private boolean compareAndSet(long operand) {
        long next = (seen & ~mask) | ((operand << shift) & mask);
        return wide ? U.compareAndSwapLong(null, word, seen, next)
                : U.compareAndSwapInt(null, word, (int) seen, (int) next);
    }

    /**
     * CMPXCHG16B: #GP(0) unless 16-byte aligned, write permission checked before anything is written; under
     * {@link #GLOBAL}, since there is no 128-bit compare-and-set.
     */
    private static void compareExchange16(Executor x, Insn in) {
        Cpu c = x.c;
        Mmu m = x.m;
        long[] r = c.regs;
        long a = x.ea(in);
        if ((a & 15) != 0) {
            throw c.gp0();
        }
        synchronized (GLOBAL) {
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
        }
    }
}
