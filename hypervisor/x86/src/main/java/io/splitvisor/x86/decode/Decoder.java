package io.splitvisor.x86.decode;

import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.Vectors;

/**
 * Decodes one 64-bit-mode instruction into an {@link Insn}: legacy and REX prefixes in any valid order, every
 * ModRM/SIB form, RIP-relative addressing, immediates. Undefined or unimplemented opcodes decode to an instruction
 * that raises #UD; more than 15 bytes decode to one that raises #GP(0). Not thread-safe; one per vCPU.
 */
public final class Decoder {
    /** Supplies instruction bytes; may throw a guest #PF or #GP for bytes that cannot be fetched. */
    @FunctionalInterface
    public interface ByteSource {
        int byteAt(long va);
    }

    static final class TooLong extends RuntimeException {
        static final TooLong INSTANCE = new TooLong();

        private TooLong() {
            super(null, null, false, false);
        }
    }

    static final String[] ALU_NAMES = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test"};
    static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le",
        "g"};

    private ByteSource src;
    private long start;
    private int pos;
    Insn in;
    // prefixes
    boolean rexPresent;
    boolean rexW;
    int rexR;
    int rexX;
    int rexB;
    boolean p66;
    boolean p67;
    int rep; // 0, Insn.REP or Insn.REPNE (the last one given)
    // ModRM
    int mod;
    int regRaw;
    int rmRaw;
    boolean lockable;
    /** Set by a VEX prefix: the operand size comes from VEX.W. */
    boolean vexW;

    private final TwoByteMap twoByte = new TwoByteMap(this);

    /** Decodes the instruction at virtual address {@code rip}. */
    public Insn decode(ByteSource source, long rip) {
        this.src = source;
        this.start = rip;
        this.pos = 0;
        in = new Insn();
        rexPresent = rexW = p66 = p67 = lockable = false;
        rexR = rexX = rexB = rep = 0;
        try {
            int b = prefixes();
            if (b == 0x0F) {
                twoByte.decode(next());
            } else {
                primary(b);
            }
            if (in.lock && !lockable) {
                fault(Vectors.UD);
            }
        } catch (TooLong e) {
            in = new Insn();
            pos = 15;
            fault(Vectors.GP);
            in.mnemonic = "(bad)";
        }
        finish();
        Specializer.specialize(in);
        return in;
    }

    private final StringBuilder inert = new StringBuilder();

    private int prefixes() {
        inert.setLength(0);
        while (true) {
            int b = next();
            switch (b) {
                case 0x66 -> {
                    if (p66) {
                        inert.append("data16 ");
                    }
                    p66 = true;
                }
                case 0x67 -> p67 = true;
                case 0xF0 -> in.lock = true;
                case 0xF2 -> rep = Insn.REPNE;
                case 0xF3 -> rep = Insn.REP;
                case 0x26, 0x2E, 0x36, 0x3E -> // ES, CS, SS, DS overrides: no effect in 64-bit mode
                    inert.append(b == 0x26 ? "es " : b == 0x2E ? "cs " : b == 0x36 ? "ss " : "ds ");
                case 0x64 -> in.segment = 4;
                case 0x65 -> in.segment = 5;
                default -> {
                    if ((b & 0xF0) == 0x40) {
                        int next = peek();
                        if (isLegacyPrefix(next) || (next & 0xF0) == 0x40) {
                            continue; // a REX not directly before the opcode is ignored
                        }
                        rexPresent = true;
                        rexW = (b & 8) != 0;
                        rexR = (b & 4) << 1;
                        rexX = (b & 2) << 2;
                        rexB = (b & 1) << 3;
                        return next();
                    }
                    return b;
                }
            }
        }
    }

    private static boolean isLegacyPrefix(int b) {
        return b == 0x66 || b == 0x67 || b == 0xF0 || b == 0xF2 || b == 0xF3 || b == 0x26 || b == 0x2E
                || b == 0x36 || b == 0x3E || b == 0x64 || b == 0x65;
    }

    private void finish() {
        in.len = pos;
        in.nextRip = start + pos;
        in.rep = rep;
        in.addr32 = p67;
        in.inertPrefixes = inert.toString();
        if (in.ripRelative) {
            in.disp += in.nextRip;
        }
        if (in.mem && (in.segment == 4 || in.segment == 5)) {
            in.eaSpecial |= Insn.EA_SEGMENT;
        }
        if (p67) {
            in.eaSpecial |= Insn.EA_ADDR32;
        }
    }

    // ---- byte reading --------------------------------------------------------------------------------------

    int next() {
        if (pos >= 15) {
            throw TooLong.INSTANCE;
        }
        return src.byteAt(start + pos++) & 0xFF;
    }

    private int peek() {
        if (pos >= 15) {
            throw TooLong.INSTANCE;
        }
        return src.byteAt(start + pos) & 0xFF;
    }

    long imm8s() {
        return (byte) next();
    }

    long imm16() {
        int lo = next();
        return (short) (lo | next() << 8);
    }

    long imm32() {
        int v = next();
        v |= next() << 8;
        v |= next() << 16;
        v |= next() << 24;
        return v;
    }

    long imm64() {
        long lo = imm32() & 0xFFFFFFFFL;
        return lo | imm32() << 32;
    }

    /** Iz: 16 bits for a 16-bit operand, else 32 bits sign-extended. */
    long immZ(int size) {
        return size == 2 ? imm16() : imm32();
    }

    // ---- operand sizes and registers ------------------------------------------------------------------------

    int osz() {
        return rexW ? 8 : p66 ? 2 : 4;
    }

    /** Operand size of instructions that default to 64 bits (stack, near indirect branches). */
    int osz64() {
        return p66 && !rexW ? 2 : 8;
    }

    /** The register code for a raw register number at an operand size (AH..BH without REX). */
    int regCode(int raw, int size) {
        if (size == 1 && !rexPresent && raw >= 4 && raw < 8) {
            return Cpu.HIGH_BYTE | (raw - 4);
        }
        return raw;
    }

    /** Parses ModRM (and SIB and displacement). Sets in.mem and the address fields. */
    void modrm() {
        int m = next();
        mod = m >> 6;
        regRaw = ((m >> 3) & 7) | rexR;
        rmRaw = (m & 7) | rexB;
        if (mod == 3) {
            in.mem = false;
            return;
        }
        in.mem = true;
        int rm = m & 7;
        if (rm == 4) {
            in.sib = true;
            int sib = next();
            in.scale = sib >> 6;
            int idx = ((sib >> 3) & 7) | rexX;
            in.index = idx == 4 ? Cpu.ZERO : idx;
            int base = sib & 7;
            if (base == 5 && mod == 0) {
                in.base = Cpu.ZERO;
                in.disp = imm32();
                in.dispBytes = 4;
            } else {
                in.base = base | rexB;
            }
        } else if (rm == 5 && mod == 0) {
            in.base = Cpu.ZERO;
            in.disp = imm32();
            in.dispBytes = 4;
            in.ripRelative = true;
        } else {
            in.base = rm | rexB;
        }
        if (mod == 1) {
            in.disp += imm8s();
            in.dispBytes = 1;
        } else if (mod == 2) {
            in.disp += imm32();
            in.dispBytes = 4;
        }
    }

    /** ModRM reg field as a 3-bit opcode extension. */
    int ext() {
        return regRaw & 7;
    }

    void fault(int vector) {
        in.op = Op.FAULT;
        in.sub = vector;
        in.branch = true;
        in.endsBlock = true;
        in.mnemonic = vector == Vectors.UD ? "(bad)" : in.mnemonic;
    }

    void ud() {
        fault(Vectors.UD);
    }

    void set(int op, int size, String mnemonic) {
        in.op = op;
        in.size = size;
        in.mnemonic = mnemonic;
    }

    void endBlock() {
        in.endsBlock = true;
    }

    void branch() {
        in.branch = true;
        in.endsBlock = true;
    }

    /**
     * A two-operand instruction with a ModRM: {@code dstIsE} for "E, G" forms. Picks the RR/MR/RM op and fills
     * reg/rm per the {@link Insn} conventions; {@code srcSize} is the size of the source operand.
     */
    void eg(int opRR, int opMR, int opRM, boolean dstIsE, int size, int srcSize, String mnemonic) {
        modrm();
        set(in.mem ? (dstIsE ? opMR : opRM) : opRR, size, mnemonic);
        in.size2 = srcSize;
        if (in.mem) {
            in.reg = regCode(regRaw, dstIsE ? srcSize : size);
        } else if (dstIsE) {
            in.rm = regCode(rmRaw, size);
            in.reg = regCode(regRaw, srcSize);
        } else {
            in.rm = regCode(regRaw, size);
            in.reg = regCode(rmRaw, srcSize);
        }
    }

    /** A one-operand E form (after modrm()): op R or M with rm filled. */
    void e(int opR, int opM, int size, String mnemonic) {
        set(in.mem ? opM : opR, size, mnemonic);
        if (!in.mem) {
            in.rm = regCode(rmRaw, size);
        }
    }

    // ---- the one-byte opcode map ------------------------------------------------------------------------------

    private void primary(int b) {
        if (b < 0x40) {
            if ((b & 7) < 6) {
                alu(b >> 3, b & 7);
            } else {
                ud();
            }
            return;
        }
        if (b < 0x80) {
            primary4x7x(b);
        } else if (b < 0xC0) {
            OneByteMap.decode8x(this, b);
        } else {
            OneByteMap.decodeCx(this, b);
        }
    }

    private void alu(int kind, int form) {
        String name = ALU_NAMES[kind];
        int size = (form & 1) == 0 ? 1 : osz();
        switch (form) {
            case 0, 1 -> {
                eg(Op.ALU_RR, Op.ALU_MR, Op.ALU_RM, true, size, size, name);
                lockable = in.mem && kind != 7;
            }
            case 2, 3 -> eg(Op.ALU_RR, Op.ALU_MR, Op.ALU_RM, false, size, size, name);
            default -> {
                set(Op.ALU_RI, size, name);
                in.rm = 0;
                in.imm = size == 1 ? imm8s() : immZ(size);
            }
        }
        in.sub = kind;
    }

    private void primary4x7x(int b) {
        if (b < 0x50) {
            ud(); // REX handled as prefix; a lone REX at the end is impossible
        } else if (b < 0x58) {
            set(Op.PUSH_R, osz64(), "push");
            in.rm = (b & 7) | rexB;
        } else if (b < 0x60) {
            set(Op.POP_R, osz64(), "pop");
            in.rm = (b & 7) | rexB;
        } else if (b == 0x63) {
            int size = osz();
            eg(Op.MOVSX_RR, Op.MOVSX_RM, Op.MOVSX_RM, false, size, Math.min(size, 4), "movsxd");
        } else if (b == 0x68 || b == 0x6A) {
            set(Op.PUSH_I, osz64(), "push");
            in.imm = b == 0x6A ? imm8s() : immZ(in.size);
        } else if (b == 0x69 || b == 0x6B) {
            int size = osz();
            eg(Op.IMUL_RR, Op.IMUL_RM, Op.IMUL_RM, false, size, size, "imul");
            in.variant = true;
            in.imm = b == 0x6B ? imm8s() : immZ(size);
        } else if (b >= 0x6C && b <= 0x6F) {
            string(b < 0x6E ? 5 : 6, (b & 1) == 0 ? 1 : (p66 ? 2 : 4));
        } else if (b >= 0x70) {
            set(Op.JCC, 8, "j" + CC[b & 15]);
            in.sub = b & 15;
            in.imm = imm8s();
            relTarget();
            branch();
        } else {
            ud(); // 60-62, 64-67 handled as prefixes, 6x others invalid in 64-bit mode
        }
    }

    /** Converts a relative displacement in in.imm to an absolute target once the length is known. */
    void relTarget() {
        in.imm += start + pos;
    }

    /** A string instruction: kind 0 MOVS .. 6 OUTS. */
    void string(int kind, int size) {
        String[] names = {"movs", "cmps", "stos", "lods", "scas", "ins", "outs"};
        set(Op.STRING, size, names[kind]);
        in.sub = kind;
        in.size2 = p67 ? 4 : 8;
        if (rep != 0) {
            branch(); // REP forms set RIP themselves (they may stop part-way)
        }
        if (kind >= 5) {
            endBlock();
        }
    }
}
