package io.splitvisor.x86.jit;

/**
 * The carry-out vector (see {@code Cpu}) after an immediate-count shift or rotate of a {@code bits}-wide operand,
 * for translated code: the same flags {@code Alu.shift} sets, as functions of the operand v, the result r and the
 * masked, nonzero count. Public because the translated classes live in another package.
 */
public final class ShiftFlags {
    private static final long KEEP = 0x3FFFFFFFFFFFFFFFL;

    private ShiftFlags() {
    }

    private static long bit(long v, int n) {
        return (v >>> n) & 1;
    }

    /** CF at bit 63, CF^OF at bit 62, nothing else (AF and the deltas cleared). */
    private static long cfOf(long cf, long of) {
        return (cf << 63) | ((cf ^ of) << 62);
    }

    public static long shlAux(long v, long r, int count, int bits) {
        long cf = count <= bits ? bit(v, bits - count) : 0;
        return cfOf(cf, bit(r, bits - 1) ^ cf);
    }

    public static long shrAux(long v, long r, int count, int bits) {
        return cfOf(bit(v, count - 1), bit(v, bits - 1));
    }

    public static long sarAux(long v, long r, int count, int bits) {
        long sv = (v << (64 - bits)) >> (64 - bits);
        return cfOf((sv >> (count - 1)) & 1, 0);
    }

    public static long rolAux(long aux, long r, int bits) {
        long cf = r & 1;
        return (aux & KEEP) | cfOf(cf, cf ^ bit(r, bits - 1));
    }

    public static long rorAux(long aux, long r, int bits) {
        long cf = bit(r, bits - 1);
        return (aux & KEEP) | cfOf(cf, cf ^ bit(r, bits - 2));
    }
}
