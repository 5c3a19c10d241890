package io.splitvisor.x86.diff;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;

/**
 * Encodes one instruction with a ModRM operand (register or a memory address that lands on a chosen target in the
 * scratch area), solving the base and index register values so the address works out.
 */
final class Encoder {
    private final SplittableRandom rnd;
    private final long fsBase;

    Encoder(SplittableRandom rnd, long fsBase) {
        this.rnd = rnd;
        this.fsBase = fsBase;
    }

    /** A memory operand request: where it must point, and which registers it may not use. */
    static final class Mem {
        long target;
        int avoidMask = 1 << 4; // never RSP as base or index by default
        boolean allowSegment = true;
        boolean allowAddr32 = true;
        boolean allowRip = true;
    }

    /** Prefix bytes, chosen by the caller, emitted in a random order (REX always last). */
    static final class Prefixes {
        boolean p66;
        boolean lock;
        int rep; // 0, 0xF2, 0xF3
        boolean rexW;
        boolean forceRex;
    }

    /**
     * Builds {@code [prefixes] [REX] opcode ModRM [SIB] [disp] [imm]} into case c. {@code reg} is the ModRM reg value
     * (0..15, register or extension); {@code rmReg} a register number or -1 with {@code mem} set.
     */
    byte[] modrm(DiffCase c, Prefixes p, int[] opcode, int reg, int rmReg, Mem mem, long imm, int immSize) {
        int rexR = reg >> 3 & 1;
        int rexX = 0;
        int rexB = 0;
        int mod;
        int rm;
        int sib = -1;
        long disp = 0;
        int dispSize = 0;
        int segPrefix = 0;
        boolean addr32 = false;
        boolean ripRel = false;
        int baseReg = -1;
        int indexReg = -1;
        int scale = 0;
        if (mem == null) {
            mod = 3;
            rm = rmReg & 7;
            rexB = rmReg >> 3 & 1;
        } else {
            int kind = rnd.nextInt(10);
            if (mem.allowSegment && rnd.nextInt(12) == 0) {
                segPrefix = rnd.nextBoolean() ? 0x65 : 0x64;
            }
            addr32 = mem.allowAddr32 && rnd.nextInt(10) == 0 && segPrefix != 0x64;
            long segBase = segPrefix == 0x65 ? DiffCase.SCRATCH : segPrefix == 0x64 ? fsBase : 0;
            long ea = mem.target - segBase;
            if (kind == 9 && mem.allowRip && segPrefix == 0 && !addr32) {
                ripRel = true;
                mod = 0;
                rm = 5;
                dispSize = 4;
            } else if (kind == 8 && segPrefix != 0x64) {
                // SIB with no base: [index*scale + disp32] or [disp32]
                mod = 0;
                rm = 4;
                boolean noIndex = rnd.nextBoolean();
                indexReg = noIndex ? -1 : pickReg(mem.avoidMask);
                scale = rnd.nextInt(4);
                long idxVal = indexReg < 0 ? 0 : rnd.nextInt(32) - 16;
                if (indexReg >= 0) {
                    c.regs[indexReg] = addr32 ? (rnd.nextLong() & 0xFFFFFFFF00000000L) | (idxVal & 0xFFFFFFFFL)
                            : idxVal;
                }
                disp = ea - (idxVal << scale);
                dispSize = 4;
                sib = (scale << 6) | ((indexReg < 0 ? 4 : indexReg & 7) << 3) | 5;
                rexX = indexReg < 0 ? 0 : indexReg >> 3 & 1;
            } else {
                baseReg = pickReg(mem.avoidMask);
                boolean useIndex = rnd.nextInt(3) == 0 || (baseReg & 7) == 4;
                if (useIndex) {
                    indexReg = rnd.nextInt(4) == 0 ? baseReg : pickReg(mem.avoidMask);
                    scale = rnd.nextInt(4);
                    if (indexReg == 4) {
                        indexReg = baseReg; // never happens: RSP is avoided
                    }
                }
                dispSize = new int[] {0, 1, 4}[rnd.nextInt(3)];
                if ((baseReg & 7) == 5 && dispSize == 0) {
                    dispSize = 1;
                }
                long idxVal = 0;
                if (indexReg >= 0 && indexReg == baseReg) {
                    long v = rnd.nextInt(64);
                    idxVal = v;
                    dispSize = 4;
                    disp = ea - v - (v << scale);
                    setAddrReg(c, baseReg, v, addr32);
                } else {
                    if (indexReg >= 0) {
                        idxVal = rnd.nextInt(32) - 16;
                        setAddrReg(c, indexReg, idxVal, addr32);
                    }
                    disp = dispSize == 0 ? 0 : dispSize == 1 ? rnd.nextInt(256) - 128 : rnd.nextInt(1 << 20) - (1 << 19);
                    setAddrReg(c, baseReg, ea - disp - (idxVal << scale), addr32);
                }
                mod = dispSize == 0 ? 0 : dispSize == 1 ? 1 : 2;
                if (indexReg >= 0 || (baseReg & 7) == 4) {
                    rm = 4;
                    sib = (scale << 6) | ((indexReg < 0 ? 4 : indexReg & 7) << 3) | (baseReg & 7);
                    rexX = indexReg < 0 ? 0 : indexReg >> 3 & 1;
                } else {
                    rm = baseReg & 7;
                }
                rexB = baseReg >> 3 & 1;
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        legacy(b, p, segPrefix, addr32);
        int rex = (p.rexW ? 8 : 0) | rexR << 2 | rexX << 1 | rexB;
        if (rex != 0 || p.forceRex) {
            b.write(0x40 | rex);
        }
        for (int o : opcode) {
            b.write(o);
        }
        b.write(mod << 6 | (reg & 7) << 3 | rm);
        if (sib >= 0) {
            b.write(sib);
        }
        int dispAt = b.size();
        for (int i = 0; i < dispSize; i++) {
            b.write((int) (disp >> (8 * i)));
        }
        for (int i = 0; i < immSize; i++) {
            b.write((int) (imm >> (8 * i)));
        }
        byte[] code = b.toByteArray();
        if (ripRel) {
            long next = DiffCase.INSN_AT + code.length;
            long d = mem.target - next;
            for (int i = 0; i < 4; i++) {
                code[dispAt + i] = (byte) (d >> (8 * i));
            }
        }
        return code;
    }

    private void setAddrReg(DiffCase c, int reg, long value, boolean addr32) {
        c.regs[reg] = addr32 ? (rnd.nextLong() & 0xFFFFFFFF00000000L) | (value & 0xFFFFFFFFL) : value;
    }

    int pickReg(int avoidMask) {
        while (true) {
            int r = rnd.nextInt(16);
            if ((avoidMask & (1 << r)) == 0) {
                return r;
            }
        }
    }

    /** Legacy prefixes in random order, with random no-op segment prefixes sprinkled in. */
    void legacy(ByteArrayOutputStream b, Prefixes p, int segPrefix, boolean addr32) {
        int[] list = new int[8];
        int n = 0;
        if (p.p66) {
            list[n++] = 0x66;
        }
        if (p.lock) {
            list[n++] = 0xF0;
        }
        if (p.rep != 0) {
            list[n++] = p.rep;
        }
        if (segPrefix != 0) {
            list[n++] = segPrefix;
        }
        if (addr32) {
            list[n++] = 0x67;
        }
        if (rnd.nextInt(16) == 0) {
            list[n++] = new int[] {0x2E, 0x3E, 0x26, 0x36}[rnd.nextInt(4)];
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = list[i];
            list[i] = list[j];
            list[j] = t;
        }
        for (int i = 0; i < n; i++) {
            b.write(list[i]);
        }
    }

    /** An instruction without ModRM: prefixes, optional REX, opcode bytes, immediate. */
    byte[] plain(Prefixes p, int rexB, int[] opcode, long imm, int immSize) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        legacy(b, p, 0, false);
        int rex = (p.rexW ? 8 : 0) | rexB;
        if (rex != 0 || p.forceRex) {
            b.write(0x40 | rex);
        }
        for (int o : opcode) {
            b.write(o);
        }
        for (int i = 0; i < immSize; i++) {
            b.write((int) (imm >> (8 * i)));
        }
        return b.toByteArray();
    }
}
