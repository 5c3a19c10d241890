package io.splitvisor.x86.cpu;

import io.splitvisor.engine.DescriptorTable;
import io.splitvisor.engine.Segment;

/**
 * The architectural state of one x86-64 CPU, with the arithmetic flags kept lazily in the Bochs style: the last
 * result (sign-extended to 64 bits) and a carry-out vector {@code flagAux} holding CF at bit 63, CF^OF at bit 62,
 * AF at bit 3, a parity delta byte at bits 8-15 and a sign delta at bit 0. Fields are public for the interpreter's
 * hot paths; nothing outside this module sees this class.
 */
public final class Cpu {
    /** A pseudo-register that always reads 0: the base or index of an address that has none. */
    public static final int ZERO = 16;
    /** Byte-register code for AH, CH, DH, BH: {@code HIGH_BYTE | n} is bits 8-15 of register n. */
    public static final int HIGH_BYTE = 32;

    public static final long CR0_PE = 1L;
    public static final long CR0_MP = 1L << 1;
    public static final long CR0_EM = 1L << 2;
    public static final long CR0_TS = 1L << 3;
    public static final long CR0_ET = 1L << 4;
    public static final long CR0_NE = 1L << 5;
    public static final long CR0_WP = 1L << 16;
    public static final long CR0_AM = 1L << 18;
    public static final long CR0_NW = 1L << 29;
    public static final long CR0_CD = 1L << 30;
    public static final long CR0_PG = 1L << 31;
    public static final long CR4_TSD = 1L << 2;
    public static final long CR4_DE = 1L << 3;
    public static final long CR4_PSE = 1L << 4;
    public static final long CR4_PAE = 1L << 5;
    public static final long CR4_MCE = 1L << 6;
    public static final long CR4_PGE = 1L << 7;
    public static final long CR4_PCE = 1L << 8;
    public static final long EFER_SCE = 1L;
    public static final long EFER_LME = 1L << 8;
    public static final long EFER_LMA = 1L << 10;
    public static final long EFER_NXE = 1L << 11;

    public final long[] regs = new long[17];
    public long rip;
    public long flagResult = 1;
    public long flagAux;
    /** Every RFLAGS bit except the six arithmetic flags. */
    public long rflagsOther = Flags.RESERVED1;

    public long cr0 = CR0_PE | CR0_ET | CR0_PG;
    public long cr2;
    public long cr3;
    public long cr4 = CR4_PAE;
    public long cr8;
    public long efer = EFER_LME | EFER_LMA;
    public final long[] dr = new long[8];
    public int cpl;
    public final Segment[] segs = new Segment[6];
    public long fsBase;
    public long gsBase;
    public long kernelGsBase;
    public long tscAux;
    public long tscOffset;
    public DescriptorTable gdt = DescriptorTable.EMPTY;
    public DescriptorTable idt = DescriptorTable.EMPTY;
    public Segment tr = Segment.NULL;
    public Segment ldtr = Segment.NULL;
    public final long[] msrStar = new long[4]; // STAR, LSTAR, CSTAR, SFMASK: stored only

    private final GuestFault fault = new GuestFault();

    public Cpu() {
        java.util.Arrays.fill(segs, Segment.NULL);
        segs[1] = Segment.code64(0x8, 0);
        segs[2] = Segment.flatData(0x10, 0);
    }

    // ---- faults -----------------------------------------------------------------------------------------------

    public GuestFault fault(int vector) {
        return fault.set(vector, 0, Vectors.hasErrorCode(vector));
    }

    public GuestFault fault(int vector, int errorCode) {
        return fault.set(vector, errorCode, true);
    }

    /** #UD, the answer to every undefined or unimplemented opcode. */
    public GuestFault ud() {
        return fault.set(Vectors.UD, 0, false);
    }

    public GuestFault gp0() {
        return fault.set(Vectors.GP, 0, true);
    }

    // ---- registers by operand size (size in bytes; byte registers use HIGH_BYTE codes) ------------------------

    public long get(int size, int r) {
        switch (size) {
            case 8:
                return regs[r];
            case 4:
                return regs[r] & 0xFFFFFFFFL;
            case 2:
                return regs[r] & 0xFFFFL;
            default:
                return (regs[r & 15] >>> ((r >>> 2) & 8)) & 0xFF;
        }
    }

    public void set(int size, int r, long v) {
        switch (size) {
            case 8:
                regs[r] = v;
                break;
            case 4:
                regs[r] = v & 0xFFFFFFFFL;
                break;
            case 2:
                regs[r] = (regs[r] & ~0xFFFFL) | (v & 0xFFFFL);
                break;
            default: {
                int i = r & 15;
                int sh = (r >>> 2) & 8;
                regs[i] = (regs[i] & ~(0xFFL << sh)) | ((v & 0xFFL) << sh);
            }
        }
    }

    /** Zero-extends the low {@code size} bytes of v. */
    public static long mask(int size, long v) {
        return size == 8 ? v : v & ((1L << (size << 3)) - 1);
    }

    /** Sign-extends the low {@code size} bytes of v. */
    public static long sext(int size, long v) {
        int sh = 64 - (size << 3);
        return (v << sh) >> sh;
    }

    // ---- lazy flags ------------------------------------------------------------------------------------------

    public boolean cf() {
        return flagAux < 0;
    }

    public boolean zf() {
        return flagResult == 0;
    }

    public boolean sf() {
        return sf(flagResult, flagAux);
    }

    public boolean of() {
        return of(flagAux);
    }

    public boolean af() {
        return (flagAux & 8) != 0;
    }

    public boolean pf() {
        return (Integer.bitCount((int) (flagResult ^ (flagAux >>> 8)) & 0xFF) & 1) == 0;
    }

    /** Evaluates condition code {@code cc} (the low nibble of Jcc/SETcc/CMOVcc). */
    public boolean cond(int cc) {
        return cond(cc, flagResult, flagAux);
    }

    // The lazy-flag arithmetic as pure functions of (result, aux): the translated code keeps both in locals.

    public static boolean sf(long result, long aux) {
        return (result ^ (aux << 63)) < 0;
    }

    public static boolean of(long aux) {
        return (aux + (1L << 62)) < 0;
    }

    /** Condition code {@code cc} over a lazy-flag pair. */
    public static boolean cond(int cc, long result, long aux) {
        boolean r;
        switch (cc >> 1) {
            case 0: r = of(aux); break;
            case 1: r = aux < 0; break;
            case 2: r = result == 0; break;
            case 3: r = aux < 0 || result == 0; break;
            case 4: r = sf(result, aux); break;
            case 5: r = (Integer.bitCount((int) (result ^ (aux >>> 8)) & 0xFF) & 1) == 0; break;
            case 6: r = sf(result, aux) != of(aux); break;
            default: r = result == 0 || sf(result, aux) != of(aux); break;
        }
        return r ^ ((cc & 1) != 0);
    }

    /** The flag result of r for an operation {@code sh = 64 - bits} wide: r sign-extended from its size. */
    public static long flagResult(int sh, long r) {
        return (r << sh) >> sh;
    }

    /** The carry-out vector of a + b = r, {@code sh = 64 - bits}. */
    public static long addAux(int sh, long a, long b, long r) {
        long cout = (a & b) | ((a | b) & ~r);
        return (cout & 8) | ((cout << sh) & 0xC000000000000000L);
    }

    /** The carry-out vector of a - b = r, {@code sh = 64 - bits}. */
    public static long subAux(int sh, long a, long b, long r) {
        long cout = (~a & b) | ((~a ^ b) & r);
        return (cout & 8) | ((cout << sh) & 0xC000000000000000L);
    }

    /** {@code aux} with CF replaced by {@code oldAux}'s CF and OF kept (INC, DEC). */
    public static long keepCarryAux(long aux, long oldAux) {
        long delta = (aux ^ oldAux) & 0x8000000000000000L;
        return aux ^ (delta | (delta >>> 1));
    }

    /** After an add-like operation of the given size: result and carry-out vector. */
    public void setAddFlags(int size, long a, long b, long r) {
        int sh = 64 - (size << 3);
        flagResult = flagResult(sh, r);
        flagAux = addAux(sh, a, b, r);
    }

    /** After a subtract-like operation a - b = r of the given size. */
    public void setSubFlags(int size, long a, long b, long r) {
        int sh = 64 - (size << 3);
        flagResult = flagResult(sh, r);
        flagAux = subAux(sh, a, b, r);
    }

    /** After a logical operation: CF = OF = 0. */
    public void setLogicFlags(int size, long r) {
        flagResult = flagResult(64 - (size << 3), r);
        flagAux = 0;
    }

    /** Replaces CF (and keeps OF) after an add/sub whose CF must be preserved (INC, DEC). */
    public void keepCarry(boolean oldCf) {
        flagAux = keepCarryAux(flagAux, oldCf ? 0x8000000000000000L : 0);
    }

    /** Sets CF and OF, keeping SF, ZF, AF, PF. */
    public void setCfOf(boolean cf, boolean of) {
        long c = cf ? 1 : 0;
        long o = of ? 1 : 0;
        flagAux = (flagAux & 0x3FFFFFFFFFFFFFFFL) | (c << 63) | ((c ^ o) << 62);
    }

    /** Sets CF, keeping every other flag (OF included). */
    public void setCf(boolean cf) {
        setCfOf(cf, of());
    }

    /** ZF, SF, PF from the result, CF and OF given, AF cleared (shifts and multiplies). */
    public void setResultCfOf(int size, long r, boolean cf, boolean of) {
        int sh = 64 - (size << 3);
        flagResult = (r << sh) >> sh;
        long c = cf ? 1 : 0;
        long o = of ? 1 : 0;
        flagAux = (c << 63) | ((c ^ o) << 62);
    }

    /** The six arithmetic flags as RFLAGS bits. */
    public long oszapc() {
        long f = 0;
        if (cf()) f |= Flags.CF;
        if (pf()) f |= Flags.PF;
        if (af()) f |= Flags.AF;
        if (flagResult == 0) f |= Flags.ZF;
        if (sf()) f |= Flags.SF;
        if (of()) f |= Flags.OF;
        return f;
    }

    /** Loads the six arithmetic flags from RFLAGS bits. */
    public void setOszapc(long f) {
        boolean zf = (f & Flags.ZF) != 0;
        flagResult = zf ? 0 : 1;
        long pdb = (((f & Flags.PF) != 0) != Flags.parityEven(flagResult)) ? 1 : 0;
        long c = f & Flags.CF;
        long o = (f >>> 11) & 1;
        flagAux = (c << 63) | ((c ^ o) << 62) | (f & Flags.AF) >>> 1 | (pdb << 8) | ((f >>> 7) & 1);
    }

    public long rflags() {
        return rflagsOther | oszapc();
    }

    /** Raw RFLAGS load (no privilege checks); reserved bits forced. */
    public void setRflags(long v) {
        setOszapc(v);
        rflagsOther = (v & Flags.WRITABLE & ~Flags.OSZAPC) | Flags.RESERVED1;
    }

    public boolean df() {
        return (rflagsOther & Flags.DF) != 0;
    }

    public boolean interruptsEnabled() {
        return (rflagsOther & Flags.IF) != 0;
    }

    public boolean pagingEnabled() {
        return (cr0 & CR0_PG) != 0;
    }

    /** Bits 63:47 all equal. */
    public static boolean canonical(long va) {
        return (va << 16 >> 16) == va;
    }
}
