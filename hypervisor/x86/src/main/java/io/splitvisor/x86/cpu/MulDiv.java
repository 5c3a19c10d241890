package io.splitvisor.x86.cpu;

/** MUL, IMUL and DIV, IDIV on the accumulator (RDX:RAX, EDX:EAX, DX:AX, AX), with #DE. */
public final class MulDiv {
    private MulDiv() {
    }

    static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** One-operand MUL (kind 4), IMUL (5), DIV (6), IDIV (7) by {@code src} (zero-extended). */
    public static void exec(Cpu c, int kind, int size, long src) {
        switch (kind) {
            case 4: mul(c, size, src, false); break;
            case 5: mul(c, size, src, true); break;
            case 6: div(c, size, src); break;
            default: idiv(c, size, src); break;
        }
    }

    private static void mul(Cpu c, int size, long src, boolean signed) {
        long[] r = c.regs;
        if (size == 8) {
            long a = r[0];
            long lo = a * src;
            long hi = signed ? Math.multiplyHigh(a, src) : unsignedMultiplyHigh(a, src);
            r[0] = lo;
            r[2] = hi;
            boolean over = signed ? hi != (lo >> 63) : hi != 0;
            c.setResultCfOf(8, lo, over, over);
            return;
        }
        int bits = size << 3;
        long a = c.get(size, 0);
        long p = signed ? Cpu.sext(size, a) * Cpu.sext(size, src) : a * src;
        boolean over = signed ? Cpu.sext(size, p) != p : (p >>> bits) != 0;
        if (size == 1) {
            c.set(2, 0, p);
        } else {
            c.set(size, 0, p);
            c.set(size, 2, p >>> bits);
        }
        c.setResultCfOf(size, p, over, over);
    }

    private static void div(Cpu c, int size, long src) {
        long[] r = c.regs;
        long d = Cpu.mask(size, src);
        if (d == 0) {
            throw c.fault(Vectors.DE);
        }
        if (size == 8) {
            long hi = r[2];
            long lo = r[0];
            if (Long.compareUnsigned(hi, d) >= 0) {
                throw c.fault(Vectors.DE);
            }
            if (hi == 0) {
                r[0] = Long.divideUnsigned(lo, d);
                r[2] = Long.remainderUnsigned(lo, d);
            } else {
                long q = 0;
                for (int i = 0; i < 64; i++) {
                    boolean top = hi < 0;
                    hi = (hi << 1) | (lo >>> 63);
                    lo <<= 1;
                    q <<= 1;
                    if (top || Long.compareUnsigned(hi, d) >= 0) {
                        hi -= d;
                        q |= 1;
                    }
                }
                r[0] = q;
                r[2] = hi;
            }
            return;
        }
        int bits = size << 3;
        long dividend = size == 1 ? c.get(2, 0) : (c.get(size, 2) << bits) | c.get(size, 0);
        long q = Long.divideUnsigned(dividend, d);
        long rem = Long.remainderUnsigned(dividend, d);
        if ((q >>> bits) != 0) {
            throw c.fault(Vectors.DE);
        }
        store(c, size, q, rem);
    }

    private static void idiv(Cpu c, int size, long src) {
        long[] r = c.regs;
        long d = Cpu.sext(size, src);
        if (d == 0) {
            throw c.fault(Vectors.DE);
        }
        if (size == 8) {
            long hi = r[2];
            long lo = r[0];
            if (hi == (lo >> 63)) {
                if (lo == Long.MIN_VALUE && d == -1) {
                    throw c.fault(Vectors.DE);
                }
                r[0] = lo / d;
                r[2] = lo % d;
                return;
            }
            idiv128(c, hi, lo, d);
            return;
        }
        int bits = size << 3;
        long dividend = size == 1 ? Cpu.sext(2, c.get(2, 0)) : (Cpu.sext(size, c.get(size, 2)) << bits) | c.get(size, 0);
        long q = dividend / d;
        long rem = dividend % d;
        if (Cpu.sext(size, q) != q) {
            throw c.fault(Vectors.DE);
        }
        store(c, size, q, rem);
    }

    private static void idiv128(Cpu c, long hi, long lo, long d) {
        boolean neg = hi < 0;
        if (neg) { // negate the 128-bit dividend
            lo = -lo;
            hi = ~hi + (lo == 0 ? 1 : 0);
        }
        long ad = Math.abs(d);
        if (Long.compareUnsigned(hi, ad) >= 0) {
            throw c.fault(Vectors.DE);
        }
        long q = 0;
        for (int i = 0; i < 64; i++) {
            boolean top = hi < 0;
            hi = (hi << 1) | (lo >>> 63);
            lo <<= 1;
            q <<= 1;
            if (top || Long.compareUnsigned(hi, ad) >= 0) {
                hi -= ad;
                q |= 1;
            }
        }
        boolean qneg = neg != (d < 0);
        if (qneg ? Long.compareUnsigned(q, 1L << 63) > 0 : q < 0) {
            throw c.fault(Vectors.DE);
        }
        c.regs[0] = qneg ? -q : q;
        c.regs[2] = neg ? -hi : hi;
    }

    private static void store(Cpu c, int size, long q, long rem) {
        if (size == 1) {
            c.set(2, 0, (q & 0xFF) | ((rem & 0xFF) << 8));
        } else {
            c.set(size, 0, q);
            c.set(size, 2, rem);
        }
    }

    /** Two- and three-operand IMUL: returns the truncated product and sets CF = OF = overflow. */
    public static long imul(Cpu c, int size, long a, long b) {
        long p;
        boolean over;
        if (size == 8) {
            p = a * b;
            over = Math.multiplyHigh(a, b) != (p >> 63);
        } else {
            long full = Cpu.sext(size, a) * Cpu.sext(size, b);
            p = full;
            over = Cpu.sext(size, full) != full;
        }
        c.setResultCfOf(size, p, over, over);
        return p;
    }
}
