package io.splitvisor.x86.cpu;

/** RFLAGS bit masks. */
public final class Flags {
    public static final long CF = 1L;
    public static final long RESERVED1 = 1L << 1;
    public static final long PF = 1L << 2;
    public static final long AF = 1L << 4;
    public static final long ZF = 1L << 6;
    public static final long SF = 1L << 7;
    public static final long TF = 1L << 8;
    public static final long IF = 1L << 9;
    public static final long DF = 1L << 10;
    public static final long OF = 1L << 11;
    public static final long IOPL = 3L << 12;
    public static final long NT = 1L << 14;
    public static final long RF = 1L << 16;
    public static final long VM = 1L << 17;
    public static final long AC = 1L << 18;
    public static final long VIF = 1L << 19;
    public static final long VIP = 1L << 20;
    public static final long ID = 1L << 21;

    /** The six arithmetic flags kept lazily. */
    public static final long OSZAPC = OF | SF | ZF | AF | PF | CF;
    /** Every bit software can set through POPF at CPL 0 (VM, VIF, VIP stay 0 in long mode). */
    public static final long WRITABLE = OSZAPC | TF | IF | DF | IOPL | NT | RF | AC | ID;

    private Flags() {
    }

    /** Even parity of the low byte: the PF value. */
    public static boolean parityEven(long v) {
        return (Integer.bitCount((int) v & 0xFF) & 1) == 0;
    }
}
