package io.splitvisor.x86.cpu;

/** Integer ALU operations with exact flags. Operands are zero- or sign-extended longs; results are not masked. */
public final class Alu {
    public static final int ADD = 0;
    public static final int OR = 1;
    public static final int ADC = 2;
    public static final int SBB = 3;
    public static final int AND = 4;
    public static final int SUB = 5;
    public static final int XOR = 6;
    public static final int CMP = 7;
    public static final int TEST = 8;

    private Alu() {
    }

    /** Two-operand arithmetic/logic kind 0..8 (x86 ModRM extension order, TEST = 8). */
    public static long alu(Cpu c, int kind, int size, long a, long b) {
        long r;
        switch (kind) {
            case ADD:
                r = a + b;
                c.setAddFlags(size, a, b, r);
                return r;
            case OR:
                r = a | b;
                c.setLogicFlags(size, r);
                return r;
            case ADC:
                r = a + b + (c.cf() ? 1 : 0);
                c.setAddFlags(size, a, b, r);
                return r;
            case SBB:
                r = a - b - (c.cf() ? 1 : 0);
                c.setSubFlags(size, a, b, r);
                return r;
            case AND:
            case TEST:
                r = a & b;
                c.setLogicFlags(size, r);
                return r;
            case XOR:
                r = a ^ b;
                c.setLogicFlags(size, r);
                return r;
            default: // SUB, CMP
                r = a - b;
                c.setSubFlags(size, a, b, r);
                return r;
        }
    }

    /** INC (0), DEC (1), NOT (2), NEG (3). */
    public static long unary(Cpu c, int kind, int size, long v) {
        switch (kind) {
            case 0: {
                boolean cf = c.cf();
                long r = v + 1;
                c.setAddFlags(size, v, 1, r);
                c.keepCarry(cf);
                return r;
            }
            case 1: {
                boolean cf = c.cf();
                long r = v - 1;
                c.setSubFlags(size, v, 1, r);
                c.keepCarry(cf);
                return r;
            }
            case 2:
                return ~v;
            default: {
                long r = -v;
                c.setSubFlags(size, 0, v, r);
                return r;
            }
        }
    }

    private static boolean msb(int size, long v) {
        return ((v >>> ((size << 3) - 1)) & 1) != 0;
    }

    /** Shifts and rotates: kind 0 ROL .. 7 SAR; count is the raw count (masked here). Flags as the manuals say. */
    public static long shift(Cpu c, int kind, int size, long value, int rawCount) {
        int count = rawCount & (size == 8 ? 63 : 31);
        if (count == 0) {
            return value;
        }
        int bits = size << 3;
        long v = Cpu.mask(size, value);
        long r;
        boolean cf;
        switch (kind) {
            case 0: { // ROL
                int n = count & (bits - 1);
                r = n == 0 ? v : Cpu.mask(size, (v << n) | (v >>> (bits - n)));
                cf = (r & 1) != 0;
                c.setCfOf(cf, cf ^ msb(size, r));
                return r;
            }
            case 1: { // ROR
                int n = count & (bits - 1);
                r = n == 0 ? v : Cpu.mask(size, (v >>> n) | (v << (bits - n)));
                c.setCfOf(msb(size, r), msb(size, r) ^ (((r >>> (bits - 2)) & 1) != 0));
                return r;
            }
            case 2: { // RCL
                int n = size >= 4 ? count : count % (bits + 1);
                cf = c.cf();
                r = v;
                for (int i = 0; i < n; i++) {
                    boolean out = msb(size, r);
                    r = Cpu.mask(size, (r << 1) | (cf ? 1 : 0));
                    cf = out;
                }
                c.setCfOf(cf, cf ^ msb(size, r));
                return r;
            }
            case 3: { // RCR
                int n = size >= 4 ? count : count % (bits + 1);
                cf = c.cf();
                boolean of = msb(size, v) ^ cf;
                r = v;
                for (int i = 0; i < n; i++) {
                    boolean out = (r & 1) != 0;
                    r = (r >>> 1) | ((cf ? 1L : 0L) << (bits - 1));
                    cf = out;
                }
                c.setCfOf(cf, of);
                return r;
            }
            case 4:
            case 6: { // SHL/SAL
                r = Cpu.mask(size, v << count);
                cf = count <= bits && ((v >>> (bits - count)) & 1) != 0;
                c.setResultCfOf(size, r, cf, msb(size, r) ^ cf);
                return r;
            }
            case 5: { // SHR
                r = v >>> count;
                cf = ((v >>> (count - 1)) & 1) != 0;
                c.setResultCfOf(size, r, cf, msb(size, v));
                return r;
            }
            default: { // SAR
                long sv = Cpu.sext(size, v);
                r = Cpu.mask(size, sv >> count);
                cf = ((sv >> (count - 1)) & 1) != 0;
                c.setResultCfOf(size, r, cf, false);
                return r;
            }
        }
    }

    /** SHLD (kind 0) and SHRD (kind 1): shifts {@code dst}, filling from {@code src}. */
    public static long doubleShift(Cpu c, int kind, int size, long dst, long src, int rawCount) {
        int count = rawCount & (size == 8 ? 63 : 31);
        if (count == 0) {
            return dst;
        }
        int bits = size << 3;
        long d = Cpu.mask(size, dst);
        long s = Cpu.mask(size, src);
        long r;
        boolean cf;
        if (count > bits) {
            // only 16-bit operands get here; the result is undefined: behave as a 32-bit-wide shift of d:s
            long wide = (d << 16) | s;
            long w = kind == 0 ? (wide << count) | (d >>> (32 - count)) : (wide >>> count) | (s << (32 - count));
            r = Cpu.mask(size, kind == 0 ? w >>> 16 : w);
            cf = false;
        } else if (kind == 0) {
            r = Cpu.mask(size, (d << count) | (count == bits ? s : s >>> (bits - count)));
            cf = ((d >>> (bits - count)) & 1) != 0;
        } else {
            r = Cpu.mask(size, (d >>> count) | (count == bits ? s : s << (bits - count)));
            cf = ((d >>> (count - 1)) & 1) != 0;
        }
        c.setResultCfOf(size, r, cf, msb(size, r) ^ msb(size, d));
        return r;
    }

    /** BSF 0, BSR 1, TZCNT 2, LZCNT 3, POPCNT 4. Returns the new destination (old one if unchanged). */
    public static long bitScan(Cpu c, int kind, int size, long src, long oldDst) {
        long v = Cpu.mask(size, src);
        int bits = size << 3;
        long f = c.oszapc();
        long r;
        switch (kind) {
            case 0:
            case 1:
                if (v == 0) {
                    c.setOszapc((f & ~Flags.ZF) | Flags.ZF);
                    return oldDst;
                }
                r = kind == 0 ? Long.numberOfTrailingZeros(v) : 63 - Long.numberOfLeadingZeros(v);
                c.setOszapc(f & ~Flags.ZF);
                return r;
            case 2:
            case 3:
                r = v == 0 ? bits : kind == 2 ? Long.numberOfTrailingZeros(v)
                        : Long.numberOfLeadingZeros(v) - (64 - bits);
                f &= ~(Flags.ZF | Flags.CF);
                c.setOszapc(f | (v == 0 ? Flags.CF : 0) | (r == 0 ? Flags.ZF : 0));
                return r;
            default:
                r = Long.bitCount(v);
                c.setOszapc(v == 0 ? Flags.ZF : 0);
                return r;
        }
    }

    /** BT 0, BTS 1, BTR 2, BTC 3 on {@code v} with bit number already reduced: CF = old bit, returns new value. */
    public static long bitTest(Cpu c, int kind, long v, int bit) {
        long m = 1L << bit;
        c.setCf((v & m) != 0);
        switch (kind) {
            case 1: return v | m;
            case 2: return v & ~m;
            case 3: return v ^ m;
            default: return v;
        }
    }

    /** Sets or clears ZF only. */
    public static void setZf(Cpu c, boolean zf) {
        long f = c.oszapc();
        c.setOszapc(zf ? f | Flags.ZF : f & ~Flags.ZF);
    }
}
