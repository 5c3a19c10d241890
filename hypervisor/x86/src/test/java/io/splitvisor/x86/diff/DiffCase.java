package io.splitvisor.x86.diff;

import java.util.HexFormat;

/** One randomly generated instruction with its initial state, and the results from both sides. */
final class DiffCase {
    static final long CODE = 0x1000000L;
    static final long INSN_AT = CODE + 0x100;
    static final long TAKEN_AT = CODE + 0x140;
    static final long SCRATCH = 0x1002000L;
    static final int SCRATCH_SIZE = 256;
    /** Initial stack pointer: the upper half of scratch is stack. */
    static final long STACK = SCRATCH + 192;

    static final long CF = 1;
    static final long PF = 4;
    static final long AF = 0x10;
    static final long ZF = 0x40;
    static final long SF = 0x80;
    static final long DF = 0x400;
    static final long OF = 0x800;
    static final long OSZAPC = CF | PF | AF | ZF | SF | OF;
    /** Flags compared unless a form leaves some undefined. */
    static final long COMPARED = OSZAPC | DF | 0x200;

    final String family;
    byte[] code;
    final long[] regs = new long[16];
    long flags;
    final byte[] scratch = new byte[SCRATCH_SIZE];
    /** Flags the manuals leave undefined for this form and these operands. */
    long undefinedFlags;
    /** Registers whose final value the manuals leave undefined (bit per register). */
    int undefinedRegs;

    // results
    final Result nativeResult = new Result();
    final Result interpResult = new Result();

    DiffCase(String family) {
        this.family = family;
    }

    static final class Result {
        /** 0 = ran to the end, else the exception vector (native: mapped from the signal). */
        int fault = -1;
        /** 0 fell through, 1 took the branch, -1 faulted. */
        int path;
        final long[] regs = new long[16];
        long flags;
        final byte[] scratch = new byte[SCRATCH_SIZE];
        String exit = "";
        long rip;
    }

    String describe() {
        StringBuilder b = new StringBuilder();
        b.append(family).append(": ").append(HexFormat.ofDelimiter(" ").formatHex(code));
        b.append("\n  in : flags=").append(Long.toHexString(flags)).append(" undefined=")
                .append(Long.toHexString(undefinedFlags));
        for (int i = 0; i < 16; i++) {
            b.append(i % 4 == 0 ? "\n       " : " ").append(String.format("r%-2d=%016x", i, regs[i]));
        }
        appendResult(b, "native", nativeResult);
        appendResult(b, "interp", interpResult);
        return b.toString();
    }

    private static void appendResult(StringBuilder b, String name, Result r) {
        b.append("\n  ").append(name).append(": fault=").append(r.fault).append(" path=").append(r.path)
                .append(" flags=").append(Long.toHexString(r.flags)).append(" rip=").append(Long.toHexString(r.rip))
                .append(' ').append(r.exit);
        for (int i = 0; i < 16; i++) {
            b.append(i % 4 == 0 ? "\n       " : " ").append(String.format("r%-2d=%016x", i, r.regs[i]));
        }
    }

    /** Null if both sides agree, else what differs. */
    String mismatch() {
        Result n = nativeResult;
        Result i = interpResult;
        boolean nf = n.fault > 0 || n.path < 0;
        boolean jf = i.fault > 0 || i.path < 0;
        if (nf || jf) {
            if (!sameFault(n.fault, i.fault)) {
                return "fault differs: native " + n.fault + ", interpreter " + i.fault;
            }
            for (int r = 0; r < 16; r++) {
                if (r != 4 && n.regs[r] != i.regs[r]) {
                    return "register r" + r + " after fault";
                }
            }
            return null;
        }
        if (n.path != i.path) {
            return "path differs: native " + n.path + ", interpreter " + i.path;
        }
        for (int r = 0; r < 16; r++) {
            if ((undefinedRegs & (1 << r)) == 0 && n.regs[r] != i.regs[r]) {
                return String.format("register r%d: native %016x, interpreter %016x", r, n.regs[r], i.regs[r]);
            }
        }
        long mask = COMPARED & ~undefinedFlags;
        if ((n.flags & mask) != (i.flags & mask)) {
            return String.format("flags: native %x, interpreter %x (compared %x, differ %x)", n.flags & mask,
                    i.flags & mask, mask, (n.flags ^ i.flags) & mask);
        }
        for (int k = 0; k < SCRATCH_SIZE; k++) {
            if (n.scratch[k] != i.scratch[k]) {
                return String.format("memory at scratch+%d: native %02x, interpreter %02x", k, n.scratch[k],
                        i.scratch[k]);
            }
        }
        return null;
    }

    private static boolean sameFault(int nativeVector, int interpVector) {
        if (nativeVector == 13 || nativeVector == 14) {
            return interpVector == 13 || interpVector == 14 || interpVector == 12;
        }
        return nativeVector == interpVector;
    }
}
