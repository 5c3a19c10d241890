package io.splitvisor.x86.diff;

import static io.splitvisor.x86.diff.DiffCase.AF;
import static io.splitvisor.x86.diff.DiffCase.CF;
import static io.splitvisor.x86.diff.DiffCase.OF;
import static io.splitvisor.x86.diff.DiffCase.OSZAPC;
import static io.splitvisor.x86.diff.DiffCase.PF;
import static io.splitvisor.x86.diff.DiffCase.SF;
import static io.splitvisor.x86.diff.DiffCase.ZF;

import java.util.SplittableRandom;

/**
 * Random instruction cases, family by family. Each family documents which flags the manuals leave undefined for
 * it; those (and only those) are masked when comparing with the host CPU.
 */
final class CaseGenerator {
    private final SplittableRandom rnd;
    private final Encoder enc;

    CaseGenerator(long seed, long fsBase) {
        rnd = new SplittableRandom(seed);
        enc = new Encoder(rnd, fsBase);
    }

    interface Family {
        void fill(DiffCase c);
    }

    private final Object[][] families = {
        {"alu", 14, (Family) this::alu},
        {"alu-imm", 8, (Family) this::aluImm},
        {"test", 3, (Family) this::test},
        {"unary", 4, (Family) this::unary},
        {"shift", 10, (Family) this::shift},
        {"shld-shrd", 4, (Family) this::doubleShift},
        {"muldiv", 6, (Family) this::mulDiv},
        {"imul", 4, (Family) this::imul},
        {"mov", 8, (Family) this::mov},
        {"movx", 4, (Family) this::movExtend},
        {"lea", 3, (Family) this::lea},
        {"xchg", 3, (Family) this::xchg},
        {"cmov-setcc", 5, (Family) this::cmovSetcc},
        {"bt", 4, (Family) this::bitTest},
        {"bitscan", 4, (Family) this::bitScan},
        {"atomic", 4, (Family) this::atomic},
        {"stack", 6, (Family) this::stack},
        {"branch", 6, (Family) this::branch},
        {"string", 5, (Family) this::string},
        {"misc", 4, (Family) this::misc},
        {"fault", 1, (Family) this::fault},
        {"bmi1", 3, (Family) this::bmi},
    };
    private int totalWeight = -1;

    DiffCase next() {
        if (totalWeight < 0) {
            totalWeight = 0;
            for (Object[] f : families) {
                totalWeight += (Integer) f[1];
            }
        }
        int pick = rnd.nextInt(totalWeight);
        for (Object[] f : families) {
            pick -= (Integer) f[1];
            if (pick < 0) {
                while (true) {
                    DiffCase c = new DiffCase((String) f[0]);
                    randomState(c);
                    ((Family) f[2]).fill(c);
                    if (c.code.length <= 15) {
                        return c;
                    }
                }
            }
        }
        throw new AssertionError();
    }

    // ---- random state ----------------------------------------------------------------------------------------

    private static final long[] SPECIAL = {0, 1, 2, -1, -2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, 0x100000000L, Long.MAX_VALUE, Long.MIN_VALUE, 0x8000000000000001L};

    long value() {
        return switch (rnd.nextInt(6)) {
            case 0 -> SPECIAL[rnd.nextInt(SPECIAL.length)];
            case 1 -> rnd.nextInt(256) - 128;
            case 2 -> rnd.nextLong() & 0xFFFFFFFFL;
            case 3 -> (long) rnd.nextInt();
            default -> rnd.nextLong();
        };
    }

    private void randomState(DiffCase c) {
        for (int i = 0; i < 16; i++) {
            c.regs[i] = value();
        }
        c.regs[4] = DiffCase.STACK;
        c.flags = (rnd.nextLong() & OSZAPC) | 0x202;
        rnd.nextBytes(c.scratch);
    }

    long dataTarget(int size) {
        int align = rnd.nextInt(4) == 0 ? 1 : size;
        long off = rnd.nextInt(128 - size + 1);
        return DiffCase.SCRATCH + (off & -align);
    }

    private Encoder.Mem mem(int size) {
        Encoder.Mem m = new Encoder.Mem();
        m.target = dataTarget(size);
        return m;
    }

    private Encoder.Prefixes sized(int sizeChoice) {
        Encoder.Prefixes p = new Encoder.Prefixes();
        switch (sizeChoice) {
            case 2 -> p.p66 = true;
            case 8 -> {
                p.rexW = true;
                p.p66 = rnd.nextInt(4) == 0;
            }
            default -> {
            }
        }
        p.forceRex = rnd.nextInt(4) == 0;
        return p;
    }

    private int vsize() {
        return new int[] {2, 4, 8, 8, 4}[rnd.nextInt(5)];
    }

    private int anySize() {
        return new int[] {1, 2, 4, 8, 4, 8}[rnd.nextInt(6)];
    }

    /** A ModRM instruction with size-appropriate opcode (byte form = opcode, others opcode + 1 if split). */
    private void modrmCase(DiffCase c, int size, int[] opcode, int reg, boolean memory, Encoder.Mem m, long imm,
            int immSize, boolean lockable) {
        Encoder.Prefixes p = sized(size);
        if (lockable && memory && rnd.nextInt(3) == 0) {
            p.lock = true;
        }
        int rmReg = memory ? -1 : rnd.nextInt(16);
        c.code = enc.modrm(c, p, opcode, reg, rmReg, memory ? (m != null ? m : mem(size)) : null, imm, immSize);
    }

    private static int immSizeZ(int size) {
        return size == 1 ? 1 : size == 2 ? 2 : 4;
    }

    // ---- families --------------------------------------------------------------------------------------------

    private void alu(DiffCase c) {
        int kind = rnd.nextInt(8);
        int form = rnd.nextInt(6);
        int size = (form & 1) == 0 ? 1 : vsize();
        if (kind == 1 || kind == 4 || kind == 6) {
            c.undefinedFlags = AF;
        }
        int op = kind * 8 + form;
        if (form >= 4) {
            c.code = enc.plain(sized(size), 0, new int[] {op}, value(), immSizeZ(size));
            return;
        }
        boolean memory = rnd.nextInt(3) == 0;
        modrmCase(c, size, new int[] {op}, rnd.nextInt(16), memory, null, 0, 0, form < 2 && kind != 7);
    }

    private void aluImm(DiffCase c) {
        int kind = rnd.nextInt(8);
        int which = rnd.nextInt(3);
        int size = which == 0 ? 1 : vsize();
        int op = which == 0 ? 0x80 : which == 1 ? 0x81 : 0x83;
        if (kind == 1 || kind == 4 || kind == 6) {
            c.undefinedFlags = AF;
        }
        int immSize = which == 1 ? immSizeZ(size) : 1;
        modrmCase(c, size, new int[] {op}, kind, rnd.nextBoolean(), null, value(), immSize, kind != 7);
    }

    private void test(DiffCase c) {
        c.undefinedFlags = AF;
        int size = anySize();
        int w = size == 1 ? 0 : 1;
        switch (rnd.nextInt(3)) {
            case 0 -> modrmCase(c, size, new int[] {0x84 + w}, rnd.nextInt(16), rnd.nextBoolean(), null, 0, 0, false);
            case 1 -> c.code = enc.plain(sized(size), 0, new int[] {0xA8 + w}, value(), immSizeZ(size));
            default -> modrmCase(c, size, new int[] {0xF6 + w}, rnd.nextInt(2), rnd.nextBoolean(), null, value(),
                    immSizeZ(size), false);
        }
    }

    private void unary(DiffCase c) {
        int size = anySize();
        int w = size == 1 ? 0 : 1;
        if (rnd.nextBoolean()) {
            modrmCase(c, size, new int[] {0xFE + w}, rnd.nextInt(2), rnd.nextBoolean(), null, 0, 0, true);
        } else {
            modrmCase(c, size, new int[] {0xF6 + w}, 2 + rnd.nextInt(2), rnd.nextBoolean(), null, 0, 0, true);
        }
    }

    private void shift(DiffCase c) {
        int kind = rnd.nextInt(8);
        int size = anySize();
        int w = size == 1 ? 0 : 1;
        int form = rnd.nextInt(3);
        int count;
        Encoder.Mem m = mem(size);
        m.avoidMask |= 1 << 1;
        boolean memory = rnd.nextInt(3) == 0;
        if (form == 0) {
            count = rnd.nextInt(3) == 0 ? rnd.nextInt(256) : rnd.nextInt(size * 8 + 2);
            modrmCase(c, size, new int[] {0xC0 + w}, kind, memory, m, count, 1, false);
        } else if (form == 1) {
            count = 1;
            modrmCase(c, size, new int[] {0xD0 + w}, kind, memory, m, 0, 0, false);
        } else {
            count = rnd.nextInt(3) == 0 ? rnd.nextInt(256) : rnd.nextInt(size * 8 + 2);
            modrmCase(c, size, new int[] {0xD2 + w}, kind, memory, m, 0, 0, false);
            c.regs[1] = (c.regs[1] & ~0xFFL) | count;
            if (!memory && c.code.length > 0) {
                count = (int) c.regs[1] & 0xFF; // the register operand may be RCX itself
            }
        }
        int masked = count & (size == 8 ? 63 : 31);
        if (masked == 0) {
            return;
        }
        long undef = 0;
        if (masked != 1) {
            undef |= OF;
        }
        if (kind >= 4) {
            undef |= AF;
            if ((kind == 4 || kind == 5 || kind == 6) && masked >= size * 8) {
                undef |= CF;
            }
        }
        c.undefinedFlags = undef;
    }

    private void doubleShift(DiffCase c) {
        int size = vsize();
        boolean cl = rnd.nextBoolean();
        int base = rnd.nextBoolean() ? 0xA4 : 0xAC;
        int count = size == 2 ? rnd.nextInt(17) : rnd.nextInt(3) == 0 ? rnd.nextInt(256) : rnd.nextInt(size * 8);
        if (size == 2 && rnd.nextBoolean()) {
            count += 32 * rnd.nextInt(8);
        }
        Encoder.Mem m = mem(size);
        m.avoidMask |= 1 << 1;
        int reg = enc.pickReg(cl ? 1 << 1 : 0);
        Encoder.Prefixes p = sized(size);
        boolean memory = rnd.nextInt(3) == 0;
        int rmReg = memory ? -1 : enc.pickReg(cl ? 1 << 1 : 0);
        c.code = enc.modrm(c, p, new int[] {0x0F, base + (cl ? 1 : 0)}, reg, rmReg, memory ? m : null, count,
                cl ? 0 : 1);
        if (cl) {
            c.regs[1] = (c.regs[1] & ~0xFFL) | count;
        }
        int masked = count & (size == 8 ? 63 : 31);
        if (masked != 0) {
            c.undefinedFlags = AF | (masked != 1 ? OF : 0);
        }
    }

    private void mulDiv(DiffCase c) {
        int kind = 4 + rnd.nextInt(4);
        int size = anySize();
        int w = size == 1 ? 0 : 1;
        Encoder.Mem m = mem(size);
        m.avoidMask |= 1 | 1 << 2;
        boolean memory = rnd.nextInt(3) == 0;
        int rmReg = memory ? -1 : enc.pickReg(rnd.nextInt(8) == 0 ? 0 : 1 | 1 << 2);
        c.code = enc.modrm(c, sized(size), new int[] {0xF6 + w}, kind, rmReg, memory ? m : null, 0, 0);
        if (kind >= 6 && rnd.nextInt(4) != 0) {
            // keep most divisions in range
            if (kind == 6) {
                c.regs[2] = size == 8 ? rnd.nextLong() & 0xFF : 0;
            } else {
                c.regs[2] = c.regs[0] < 0 ? -1 : 0;
            }
            if (size == 1) {
                c.regs[0] = (c.regs[0] & ~0xFF00L) | (kind == 6 ? 0 : ((c.regs[0] & 0x80) != 0 ? 0xFF00 : 0));
            } else if (size == 2 && kind == 7) {
                c.regs[2] = (c.regs[0] & 0x8000) != 0 ? -1 : 0;
            } else if (size == 4 && kind == 7) {
                c.regs[2] = (c.regs[0] & 0x80000000L) != 0 ? -1 : 0;
            }
        }
        c.undefinedFlags = kind < 6 ? SF | ZF | AF | PF : OSZAPC;
    }

    private void imul(DiffCase c) {
        int size = vsize();
        c.undefinedFlags = SF | ZF | AF | PF;
        boolean memory = rnd.nextInt(3) == 0;
        switch (rnd.nextInt(3)) {
            case 0 -> modrmCase(c, size, new int[] {0x0F, 0xAF}, rnd.nextInt(16), memory, null, 0, 0, false);
            case 1 -> modrmCase(c, size, new int[] {0x69}, rnd.nextInt(16), memory, null, value(), immSizeZ(size),
                    false);
            default -> modrmCase(c, size, new int[] {0x6B}, rnd.nextInt(16), memory, null, value(), 1, false);
        }
    }

    private void mov(DiffCase c) {
        int size = anySize();
        int w = size == 1 ? 0 : 1;
        boolean memory = rnd.nextBoolean();
        switch (rnd.nextInt(5)) {
            case 0 -> modrmCase(c, size, new int[] {0x88 + w}, rnd.nextInt(16), memory, null, 0, 0, false);
            case 1 -> modrmCase(c, size, new int[] {0x8A + w}, rnd.nextInt(16), memory, null, 0, 0, false);
            case 2 -> modrmCase(c, size, new int[] {0xC6 + w}, 0, memory, null, value(), immSizeZ(size), false);
            case 3 -> {
                Encoder.Prefixes p = sized(size);
                int r = rnd.nextInt(16);
                int immSize = size == 8 ? 8 : size;
                c.code = enc.plain(p, r >> 3, new int[] {(size == 1 ? 0xB0 : 0xB8) + (r & 7)}, value(), immSize);
            }
            default -> {
                Encoder.Prefixes p = sized(size);
                long target = dataTarget(size);
                int op = (rnd.nextBoolean() ? 0xA0 : 0xA2) + w;
                c.code = enc.plain(p, 0, new int[] {op}, target, 8);
            }
        }
    }

    private void movExtend(DiffCase c) {
        int size = vsize();
        boolean memory = rnd.nextInt(3) == 0;
        int pick = rnd.nextInt(5);
        if (pick == 4) {
            modrmCase(c, size, new int[] {0x63}, rnd.nextInt(16), memory, null, 0, 0, false);
            return;
        }
        int[] ops = {0xB6, 0xB7, 0xBE, 0xBF};
        modrmCase(c, size, new int[] {0x0F, ops[pick]}, rnd.nextInt(16), memory, null, 0, 0, false);
    }

    private void lea(DiffCase c) {
        modrmCase(c, vsize(), new int[] {0x8D}, rnd.nextInt(16), true, null, 0, 0, false);
    }

    private void xchg(DiffCase c) {
        int size = anySize();
        if (size != 1 && rnd.nextInt(3) == 0) {
            Encoder.Prefixes p = sized(size);
            int r = rnd.nextInt(16);
            if (r == 0 && !p.rexW && size == 4) {
                r = 1; // 90 is NOP, not xchg eax,eax
            }
            c.code = enc.plain(p, r >> 3, new int[] {0x90 + (r & 7)}, 0, 0);
            return;
        }
        modrmCase(c, size, new int[] {size == 1 ? 0x86 : 0x87}, rnd.nextInt(16), rnd.nextBoolean(), null, 0, 0,
                true);
    }

    private void cmovSetcc(DiffCase c) {
        int cc = rnd.nextInt(16);
        boolean memory = rnd.nextInt(3) == 0;
        if (rnd.nextBoolean()) {
            modrmCase(c, vsize(), new int[] {0x0F, 0x40 + cc}, rnd.nextInt(16), memory, null, 0, 0, false);
        } else {
            modrmCase(c, 1, new int[] {0x0F, 0x90 + cc}, 0, memory, null, 0, 0, false);
        }
    }

    private void bitTest(DiffCase c) {
        c.undefinedFlags = OF | SF | AF | PF;
        int size = vsize();
        int kind = rnd.nextInt(4);
        boolean memory = rnd.nextInt(3) == 0;
        if (rnd.nextBoolean()) {
            Encoder.Mem m = new Encoder.Mem();
            m.target = DiffCase.SCRATCH + 48 + (rnd.nextInt(4) * size);
            int reg = enc.pickReg(1 << 4);
            m.avoidMask |= 1 << reg;
            Encoder.Prefixes p = sized(size);
            p.lock = memory && kind != 0 && rnd.nextInt(3) == 0;
            int rmReg = memory ? -1 : enc.pickReg(0);
            c.code = enc.modrm(c, p, new int[] {0x0F, 0xA3 + 8 * kind}, reg, rmReg, memory ? m : null, 0, 0);
            if (memory) {
                c.regs[reg] = rnd.nextInt(128) - 64;
            }
        } else {
            Encoder.Prefixes p = sized(size);
            p.lock = memory && kind != 0 && rnd.nextInt(3) == 0;
            c.code = enc.modrm(c, p, new int[] {0x0F, 0xBA}, 4 + kind, memory ? -1 : enc.pickReg(0),
                    memory ? mem(size) : null, rnd.nextInt(256), 1);
        }
    }

    private void bitScan(DiffCase c) {
        int size = vsize();
        int pick = rnd.nextInt(5);
        boolean memory = rnd.nextInt(3) == 0;
        Encoder.Prefixes p = sized(size);
        int[] op;
        switch (pick) {
            case 0, 1 -> {
                op = new int[] {0x0F, 0xBC + pick};
                c.undefinedFlags = CF | OF | SF | AF | PF;
            }
            case 2, 3 -> {
                op = new int[] {0x0F, 0xBC + pick - 2};
                p.rep = 0xF3;
                c.undefinedFlags = OF | SF | AF | PF;
            }
            default -> {
                op = new int[] {0x0F, 0xB8};
                p.rep = 0xF3;
            }
        }
        int src = rnd.nextInt(16);
        Encoder.Mem m = mem(size);
        c.code = enc.modrm(c, p, op, rnd.nextInt(16), src, memory ? m : null, 0, 0);
        if (rnd.nextInt(5) == 0) {
            if (memory) {
                for (int i = 0; i < size; i++) {
                    c.scratch[(int) (m.target - DiffCase.SCRATCH) + i] = 0;
                }
            } else {
                c.regs[src] = rnd.nextBoolean() ? 0 : c.regs[src] & ~Cpu32.mask(size);
            }
        }
    }

    private void atomic(DiffCase c) {
        int pick = rnd.nextInt(5);
        if (pick >= 3) {
            boolean wide = pick == 4;
            Encoder.Mem m = new Encoder.Mem();
            m.target = DiffCase.SCRATCH + (wide ? 16 * rnd.nextInt(7) : 8 * rnd.nextInt(15));
            m.avoidMask |= 0xF;
            Encoder.Prefixes p = new Encoder.Prefixes();
            p.rexW = wide;
            p.lock = rnd.nextBoolean();
            c.code = enc.modrm(c, p, new int[] {0x0F, 0xC7}, 1, -1, m, 0, 0);
            if (rnd.nextBoolean()) {
                int off = (int) (m.target - DiffCase.SCRATCH);
                long lo = bytesToLong(c.scratch, off);
                long hi = wide ? bytesToLong(c.scratch, off + 8) : 0;
                if (wide) {
                    c.regs[0] = lo;
                    c.regs[2] = hi;
                } else {
                    c.regs[0] = lo & 0xFFFFFFFFL | (c.regs[0] & 0xFFFFFFFF00000000L);
                    c.regs[2] = lo >>> 32 | (c.regs[2] & 0xFFFFFFFF00000000L);
                }
            }
            return;
        }
        int size = anySize();
        int w = size == 1 ? 0 : 1;
        int op = pick == 0 ? 0xB0 : 0xC0;
        boolean memory = rnd.nextBoolean();
        Encoder.Mem m = mem(size);
        m.avoidMask |= 1;
        int rmReg = memory ? -1 : rnd.nextInt(16);
        if (pick == 0 && rnd.nextBoolean()) {
            // make the comparison succeed sometimes
            c.regs[0] = memory ? bytesToLong(c.scratch, (int) (m.target - DiffCase.SCRATCH)) : c.regs[rmReg];
        }
        Encoder.Prefixes p = sized(size);
        p.lock = memory && rnd.nextInt(3) == 0;
        c.code = enc.modrm(c, p, new int[] {0x0F, op + w}, rnd.nextInt(16), rmReg, memory ? m : null, 0, 0);
    }

    static long bytesToLong(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    private void stack(DiffCase c) {
        Encoder.Prefixes p = new Encoder.Prefixes();
        p.p66 = rnd.nextInt(5) == 0;
        int r = rnd.nextInt(16);
        switch (rnd.nextInt(9)) {
            case 0 -> c.code = enc.plain(p, r >> 3, new int[] {0x50 + (r & 7)}, 0, 0);
            case 1 -> c.code = enc.plain(p, r >> 3, new int[] {0x58 + (r & 7)}, 0, 0);
            case 2 -> c.code = enc.plain(p, 0, new int[] {0x68}, value(), p.p66 ? 2 : 4);
            case 3 -> c.code = enc.plain(p, 0, new int[] {0x6A}, value(), 1);
            case 4 -> {
                boolean memory = rnd.nextBoolean();
                c.code = enc.modrm(c, p, new int[] {0xFF}, 6, memory ? -1 : r, memory ? mem(8) : null, 0, 0);
            }
            case 5 -> {
                Encoder.Mem m = mem(8);
                boolean memory = rnd.nextBoolean();
                c.code = enc.modrm(c, p, new int[] {0x8F}, 0, memory ? -1 : r, memory ? m : null, 0, 0);
            }
            case 6 -> {
                c.code = enc.plain(p, 0, new int[] {rnd.nextBoolean() ? 0x9C : 0x9D}, 0, 0);
                long v = (rnd.nextLong() & (OSZAPC | 0x400 | 0x4000)) | 0x202;
                for (int i = 0; i < 8; i++) {
                    c.scratch[192 + i] = (byte) (v >>> (8 * i));
                }
            }
            case 7 -> {
                c.regs[5] = DiffCase.SCRATCH + 128 + rnd.nextInt(64);
                c.code = enc.plain(p, 0, new int[] {0xC9}, 0, 0);
            }
            default -> {
                c.regs[5] = DiffCase.SCRATCH + 200 + rnd.nextInt(40);
                int level = rnd.nextInt(3);
                c.code = enc.plain(p, 0, new int[] {0xC8}, rnd.nextInt(64) | (long) level << 16, 3);
            }
        }
    }

    private void branch(DiffCase c) {
        Encoder.Prefixes p = new Encoder.Prefixes();
        int kind = rnd.nextInt(9);
        switch (kind) {
            case 0, 1 -> { // Jcc rel8 / rel32
                int cc = rnd.nextInt(16);
                boolean shortForm = kind == 0;
                int len = shortForm ? 2 : 6;
                long rel = DiffCase.TAKEN_AT - (DiffCase.INSN_AT + len);
                c.code = shortForm ? enc.plain(p, 0, new int[] {0x70 + cc}, rel, 1)
                        : enc.plain(p, 0, new int[] {0x0F, 0x80 + cc}, rel, 4);
                fixRel(c, shortForm ? 1 : 4);
            }
            case 2 -> {
                boolean shortForm = rnd.nextBoolean();
                c.code = shortForm ? enc.plain(p, 0, new int[] {0xEB}, 0, 1) : enc.plain(p, 0, new int[] {0xE9}, 0, 4);
                fixRel(c, shortForm ? 1 : 4);
            }
            case 3 -> {
                c.code = enc.plain(p, 0, new int[] {0xE8}, 0, 4);
                fixRel(c, 4);
            }
            case 4, 5 -> { // JMP/CALL r/m
                int r = enc.pickReg(1 << 4);
                Encoder.Mem m = mem(8);
                boolean memory = rnd.nextBoolean();
                c.code = enc.modrm(c, p, new int[] {0xFF}, kind == 4 ? 4 : 2, memory ? -1 : r, memory ? m : null, 0, 0);
                if (memory) {
                    putLong(c.scratch, (int) (m.target - DiffCase.SCRATCH), DiffCase.TAKEN_AT);
                } else {
                    c.regs[r] = DiffCase.TAKEN_AT;
                }
            }
            case 6 -> { // RET, RET imm16
                putLong(c.scratch, 192, DiffCase.TAKEN_AT);
                c.code = rnd.nextBoolean() ? enc.plain(p, 0, new int[] {0xC3}, 0, 0)
                        : enc.plain(p, 0, new int[] {0xC2}, rnd.nextInt(64), 2);
            }
            default -> { // LOOPcc, JRCXZ
                int op = 0xE0 + rnd.nextInt(4);
                c.regs[1] = rnd.nextInt(3) == 0 ? rnd.nextInt(3) : value();
                if (rnd.nextInt(4) == 0) {
                    c.regs[1] &= 0xFFFFFFFF00000000L;
                    c.regs[1] |= rnd.nextInt(2);
                }
                Encoder.Prefixes pp = new Encoder.Prefixes();
                boolean a32 = rnd.nextInt(4) == 0;
                byte[] body = enc.plain(pp, 0, new int[] {op}, 0, 1);
                c.code = a32 ? concat(new byte[] {0x67}, body) : body;
                fixRel(c, 1);
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void fixRel(DiffCase c, int size) {
        long rel = DiffCase.TAKEN_AT - (DiffCase.INSN_AT + c.code.length);
        for (int i = 0; i < size; i++) {
            c.code[c.code.length - size + i] = (byte) (rel >> (8 * i));
        }
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    private void string(DiffCase c) {
        int kind = rnd.nextInt(5);
        int size = anySize();
        int w = size == 1 ? 0 : 1;
        int[] ops = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE};
        Encoder.Prefixes p = sized(size);
        p.forceRex = false;
        boolean rep = rnd.nextBoolean();
        if (rep) {
            p.rep = rnd.nextBoolean() ? 0xF3 : 0xF2;
            c.regs[1] = rnd.nextInt(7);
        }
        boolean down = rnd.nextBoolean();
        if (down) {
            c.flags |= DiffCase.DF;
        }
        long si = DiffCase.SCRATCH + (down ? 72 + rnd.nextInt(48) : rnd.nextInt(64));
        long di = DiffCase.SCRATCH + (down ? 72 + rnd.nextInt(48) : rnd.nextInt(64));
        boolean gs = (kind == 0 || kind == 1 || kind == 3) && rnd.nextInt(5) == 0;
        c.regs[6] = gs ? si - DiffCase.SCRATCH : si;
        c.regs[7] = di;
        byte[] body = enc.plain(p, 0, new int[] {ops[kind] + w}, 0, 0);
        c.code = gs ? concat(new byte[] {0x65}, body) : body;
        if (kind == 1 || kind == 4) {
            // make runs of equal bytes likely so REPE/REPNE stop at varied points
            for (int i = 0; i < 64; i++) {
                if (rnd.nextInt(3) != 0) {
                    c.scratch[72 + (i % 56)] = c.scratch[i];
                }
            }
        }
    }

    private void misc(DiffCase c) {
        Encoder.Prefixes p = new Encoder.Prefixes();
        switch (rnd.nextInt(12)) {
            case 0 -> c.code = enc.plain(p, 0, new int[] {new int[] {0xF5, 0xF8, 0xF9, 0xFC, 0xFD}[rnd.nextInt(5)]},
                    0, 0);
            case 1 -> c.code = enc.plain(p, 0, new int[] {rnd.nextBoolean() ? 0x9E : 0x9F}, 0, 0);
            case 2 -> {
                int size = new int[] {2, 4, 8}[rnd.nextInt(3)];
                c.code = enc.plain(sized(size), 0, new int[] {rnd.nextBoolean() ? 0x98 : 0x99}, 0, 0);
            }
            case 3 -> {
                int r = rnd.nextInt(16);
                Encoder.Prefixes q = new Encoder.Prefixes();
                q.rexW = rnd.nextBoolean();
                c.code = enc.plain(q, r >> 3, new int[] {0x0F, 0xC8 + (r & 7)}, 0, 0);
            }
            case 4 -> {
                c.regs[3] = DiffCase.SCRATCH;
                c.code = enc.plain(p, 0, new int[] {0xD7}, 0, 0);
            }
            case 5 -> c.code = new byte[][] {{(byte) 0x90}, {0x66, (byte) 0x90}, {(byte) 0xF3, (byte) 0x90},
                {0x0F, 0x1F, 0x00}, {0x0F, 0x1F, 0x40, 0x00}, {0x0F, 0x1F, 0x44, 0x00, 0x00},
                {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00}, {0x0F, 0x1F, (byte) 0x80, 0, 0, 0, 0},
                {0x0F, 0x1F, (byte) 0x84, 0, 0, 0, 0, 0}, {0x66, 0x0F, 0x1F, (byte) 0x84, 0, 0, 0, 0, 0},
                {0x66, 0x2E, 0x0F, 0x1F, (byte) 0x84, 0, 0, 0, 0, 0},
                {(byte) 0xF3, 0x0F, 0x1E, (byte) 0xFA}}[rnd.nextInt(12)];
            case 6 -> modrmCase(c, 4, new int[] {0x0F, 0x18}, rnd.nextInt(4), true, null, 0, 0, false);
            default -> aluImm(c);
        }
    }

    /** BMI1 (VEX): ANDN, BEXTR, BLSR, BLSMSK, BLSI. Built with a REX placeholder that is then turned into VEX. */
    private void bmi(DiffCase c) {
        int kind = rnd.nextInt(5);
        boolean w = rnd.nextBoolean();
        int size = w ? 8 : 4;
        int vvvv = rnd.nextInt(16);
        int op = kind == 0 ? 0xF2 : kind == 1 ? 0xF7 : 0xF3;
        int regField = kind <= 1 ? rnd.nextInt(16) : kind - 1;
        boolean memory = rnd.nextInt(3) == 0;
        Encoder.Mem m = mem(size);
        m.avoidMask |= 1 << vvvv;
        Encoder.Prefixes p = new Encoder.Prefixes();
        p.forceRex = true;
        byte[] raw = enc.modrm(c, p, new int[] {0x90}, regField, memory ? -1 : rnd.nextInt(16), memory ? m : null, 0,
                0);
        int at = 0;
        while ((raw[at] & 0xF0) != 0x40) {
            at++;
        }
        int rex = raw[at];
        byte[] code = new byte[raw.length + 2];
        System.arraycopy(raw, 0, code, 0, at);
        code[at] = (byte) 0xC4;
        code[at + 1] = (byte) ((((~rex >> 2) & 1) << 7) | (((~rex >> 1) & 1) << 6) | ((~rex & 1) << 5) | 2);
        code[at + 2] = (byte) ((w ? 0x80 : 0) | ((~vvvv & 15) << 3));
        code[at + 3] = (byte) op;
        System.arraycopy(raw, at + 2, code, at + 4, raw.length - at - 2);
        c.code = code;
        if (kind == 1) {
            c.regs[vvvv] = (c.regs[vvvv] & ~0xFFFFL) | rnd.nextInt(72) | (long) rnd.nextInt(72) << 8;
        }
        c.undefinedFlags = AF | PF | (kind == 1 ? SF : 0);
    }

    private void fault(DiffCase c) {
        byte[][] ud = {{0x06}, {0x07}, {0x0E}, {0x16}, {0x17}, {0x1E}, {0x1F}, {0x27}, {0x2F}, {0x37}, {0x3F},
            {0x60}, {0x61}, {(byte) 0x82, (byte) 0xC0, 1}, {(byte) 0xD4, 10}, {(byte) 0xD5, 10}, {(byte) 0xD6},
            {0x0F, 0x0B}, {0x0F, (byte) 0xFF, (byte) 0xC0}, {0x0F, (byte) 0xB9, (byte) 0xC0},
            {(byte) 0xF4}, {(byte) 0xFA}, {(byte) 0xFB}, {(byte) 0xE4, 0x60}, {(byte) 0xEC}, {(byte) 0xEE},
            {0x0F, 0x20, (byte) 0xC0}, {0x0F, 0x22, (byte) 0xD8}, {0x0F, 0x01, (byte) 0xF8}, {0x0F, 0x30},
            {0x0F, 0x32}, {(byte) 0xCC}, {(byte) 0xF0, (byte) 0x90}, {(byte) 0xF0, 0x01, (byte) 0xC0},
            {0x0F, 0x01, 0x14, 0x25, 0, 0x20, 0, 1}};
        c.code = ud[rnd.nextInt(ud.length)];
    }

    /** Size masks. */
    static final class Cpu32 {
        static long mask(int size) {
            return size == 8 ? -1L : (1L << (size * 8)) - 1;
        }
    }
}
