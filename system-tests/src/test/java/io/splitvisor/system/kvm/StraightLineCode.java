package io.splitvisor.system.kvm;

import io.splitvisor.x86.cpu.Flags;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;

import static io.splitvisor.x86.cpu.Flags.AF;
import static io.splitvisor.x86.cpu.Flags.CF;
import static io.splitvisor.x86.cpu.Flags.OF;
import static io.splitvisor.x86.cpu.Flags.PF;
import static io.splitvisor.x86.cpu.Flags.SF;
import static io.splitvisor.x86.cpu.Flags.ZF;

/**
 * Random straight-line x86-64 integer programs for comparing engines: ALU operations in 8, 16, 32 and 64 bits on
 * registers, immediates and memory, shifts and rotates, multiplies, flag consumers (ADC, SBB, CMOVcc, SETcc, RCL,
 * LAHF), bit tests, byte swaps, exchanges, CMPXCHG, PUSH/POP, ending in HLT. Values flow from one instruction to the
 * next through registers, flags and memory. The generator tracks which flags the manuals leave undefined; a flag
 * consumer only reads defined flags, and the final comparison masks the flags still undefined at the end.
 *
 * <p>Register use: RBP holds the scratch area's address (memory operands are {@code [rbp + disp8]}) and RSP the stack;
 * neither is ever written except by balanced PUSH/POP. Division is left out (it faults by design on some inputs).
 */
final class StraightLineCode {
    private static final long ARITHMETIC_FLAGS = Flags.OSZAPC;
    static final int RSP = 4;
    static final int RBP = 5;
    /** Scratch bytes addressed by [rbp + 0..127]. */
    static final int SCRATCH_BYTES = 128;

    /** One program: its code (ending in HLT), start registers, start flags, scratch content, and final undefined flags. */
    record Program(byte[] code, long[] registers, long flags, byte[] scratch, long undefinedFlags) {
    }

    /** Flags a condition code reads (cc 0..15: O NO B AE E NE BE A S NS P NP L GE LE G). */
    private static final long[] CONDITION_READS = {OF, OF, CF, CF, ZF, ZF, CF | ZF, CF | ZF, SF, SF, PF, PF,
        SF | OF, SF | OF, ZF | SF | OF, ZF | SF | OF};

    private final SplittableRandom rnd;
    private final long scratchAddress;
    private final long stackTop;
    private ByteArrayOutputStream out;
    private long undefined;

    StraightLineCode(long seed, long scratchAddress, long stackTop) {
        this.rnd = new SplittableRandom(seed);
        this.scratchAddress = scratchAddress;
        this.stackTop = stackTop;
    }

    /** The next program, of {@code instructions} instructions plus the final HLT. */
    Program next(int instructions) {
        out = new ByteArrayOutputStream();
        undefined = 0;
        long[] regs = new long[16];
        for (int r = 0; r < 16; r++) {
            regs[r] = value();
        }
        regs[RSP] = stackTop;
        regs[RBP] = scratchAddress;
        long flags = 0x202 | (rnd.nextLong() & ARITHMETIC_FLAGS);
        byte[] scratch = new byte[SCRATCH_BYTES];
        rnd.nextBytes(scratch);
        for (int i = 0; i < instructions; i++) {
            instruction();
        }
        out.write(0xF4);
        return new Program(out.toByteArray(), regs, flags, scratch, undefined);
    }

    private long value() {
        return switch (rnd.nextInt(5)) {
            case 0 -> new long[] {0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, Long.MIN_VALUE,
                Long.MAX_VALUE}[rnd.nextInt(11)];
            case 1 -> rnd.nextInt(512) - 256;
            case 2 -> rnd.nextLong() & 0xFFFFFFFFL;
            default -> rnd.nextLong();
        };
    }

    private void instruction() {
        switch (rnd.nextInt(16)) {
            case 0, 1, 2 -> aluRegOrMemory();
            case 3, 4 -> aluImmediate();
            case 5 -> incDecNegNot();
            case 6 -> shiftOrRotate();
            case 7 -> multiply();
            case 8 -> conditional();
            case 9 -> bitTest();
            case 10 -> moves();
            case 11 -> exchange();
            case 12 -> pushPop();
            case 13 -> flagOps();
            case 14 -> popcntOrBswap();
            default -> lea();
        }
    }

    // ---- the forms ----------------------------------------------------------------------------------------------

    /** ADD OR ADC SBB AND SUB XOR CMP, register or memory destination, any size. */
    private void aluRegOrMemory() {
        int kind = rnd.nextInt(8);
        if ((kind == 2 || kind == 3) && (undefined & CF) != 0) {
            kind = 0; // ADC/SBB read CF
        }
        int size = size();
        boolean toRegister = rnd.nextBoolean();
        int opcode = kind * 8 + (size == 1 ? 0 : 1) + (toRegister ? 2 : 0);
        if (rnd.nextInt(3) == 0) {
            memoryOperand(size, new int[] {opcode}, anyRegisterForSource(toRegister, kind));
        } else {
            int dst = writableRegister();
            int src = rnd.nextInt(16);
            registerOperand(size, new int[] {opcode}, toRegister ? dst : src, toRegister ? src : dst);
        }
        logicOrArithmetic(kind);
    }

    private int anyRegisterForSource(boolean toRegister, int kind) {
        return toRegister && kind != 7 ? writableRegister() : rnd.nextInt(16);
    }

    private void aluImmediate() {
        int kind = rnd.nextInt(8);
        if ((kind == 2 || kind == 3) && (undefined & CF) != 0) {
            kind = 5;
        }
        int size = size();
        boolean imm8 = size != 1 && rnd.nextBoolean();
        int opcode = size == 1 ? 0x80 : imm8 ? 0x83 : 0x81;
        int immBytes = size == 1 || imm8 ? 1 : Math.min(size, 4);
        if (rnd.nextInt(3) == 0) {
            memoryOperand(size, new int[] {opcode}, kind);
        } else {
            registerOperand(size, new int[] {opcode}, kind, writableRegister());
        }
        immediate(value(), immBytes);
        logicOrArithmetic(kind);
    }

    private void logicOrArithmetic(int kind) {
        boolean logic = kind == 1 || kind == 4 || kind == 6;
        flagsWritten(logic ? ARITHMETIC_FLAGS & ~AF : ARITHMETIC_FLAGS, logic ? AF : 0);
    }

    private void incDecNegNot() {
        int size = size();
        int form = rnd.nextInt(4);
        int[] opcode = {form < 2 ? (size == 1 ? 0xFE : 0xFF) : (size == 1 ? 0xF6 : 0xF7)};
        int extension = form; // INC /0, DEC /1 (FE/FF); NOT /2, NEG /3 (F6/F7)
        if (rnd.nextInt(3) == 0) {
            memoryOperand(size, opcode, extension);
        } else {
            registerOperand(size, opcode, extension, writableRegister());
        }
        if (form < 2) {
            flagsWritten(ARITHMETIC_FLAGS & ~CF, 0);
        } else if (form == 3) {
            flagsWritten(ARITHMETIC_FLAGS, 0);
        }
    }

    /** ROL ROR RCL RCR SHL SHR SAR by an immediate count (SAL /6 is left out: an alias). */
    private void shiftOrRotate() {
        int kind = new int[] {0, 1, 2, 3, 4, 5, 7}[rnd.nextInt(7)];
        if ((kind == 2 || kind == 3) && (undefined & CF) != 0) {
            kind = 4;
        }
        int size = size();
        int count = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt(size * 8 + 1);
        int[] opcode = {size == 1 ? 0xC0 : 0xC1};
        if (rnd.nextInt(4) == 0) {
            memoryOperand(size, opcode, kind);
        } else {
            registerOperand(size, opcode, kind, writableRegister());
        }
        immediate(count, 1);
        int masked = count & (size == 8 ? 63 : 31);
        if (masked == 0) {
            return;
        }
        long of = masked == 1 ? 0 : OF;
        if (kind >= 4) {
            // shifts past the operand width leave CF undefined for SHL/SHR
            long cf = masked >= size * 8 && kind != 7 ? CF : 0;
            flagsWritten((ARITHMETIC_FLAGS & ~AF & ~of & ~cf), AF | of | cf);
        } else {
            flagsWritten((CF | OF) & ~of, of);
        }
    }

    /** IMUL r, r/m (two operands) and MUL/IMUL (one operand, into RDX:RAX). */
    private void multiply() {
        int size = size() == 1 ? 4 : size();
        if (rnd.nextBoolean()) {
            registerOperand(size, new int[] {0x0F, 0xAF}, writableRegister(), rnd.nextInt(16));
        } else {
            registerOperand(size, new int[] {0xF7}, 4 + rnd.nextInt(2), rnd.nextInt(16));
        }
        flagsWritten(CF | OF, SF | ZF | AF | PF);
    }

    /** CMOVcc, SETcc, or ADC with a condition whose flags are all defined now. */
    private void conditional() {
        int cc = rnd.nextInt(16);
        for (int tries = 0; tries < 16 && (CONDITION_READS[cc] & undefined) != 0; tries++) {
            cc = (cc + 1) & 15;
        }
        if ((CONDITION_READS[cc] & undefined) != 0) {
            compare();
            return;
        }
        if (rnd.nextBoolean()) {
            int size = rnd.nextBoolean() ? 8 : rnd.nextBoolean() ? 4 : 2;
            registerOperand(size, new int[] {0x0F, 0x40 + cc}, writableRegister(), rnd.nextInt(16));
        } else if (rnd.nextInt(3) == 0) {
            memoryOperand(1, new int[] {0x0F, 0x90 + cc}, 0);
        } else {
            registerOperand(1, new int[] {0x0F, 0x90 + cc}, 0, writableRegister());
        }
    }

    private void compare() {
        registerOperand(8, new int[] {0x39}, rnd.nextInt(16), rnd.nextInt(16));
        flagsWritten(ARITHMETIC_FLAGS, 0);
    }

    /** BT BTS BTR BTC with an immediate bit number: CF is the bit, the other arithmetic flags are undefined. */
    private void bitTest() {
        int size = new int[] {2, 4, 8}[rnd.nextInt(3)];
        registerOperand(size, new int[] {0x0F, 0xBA}, 4 + rnd.nextInt(4), writableRegister());
        immediate(rnd.nextInt(256), 1);
        flagsWritten(CF, ARITHMETIC_FLAGS & ~CF);
    }

    /** MOV in every direction and size, MOV r, imm64, MOVZX, MOVSX, MOVSXD. */
    private void moves() {
        int size = size();
        switch (rnd.nextInt(5)) {
            case 0 -> memoryOperand(size, new int[] {size == 1 ? 0x88 : 0x89}, rnd.nextInt(16));
            case 1 -> memoryOperand(size, new int[] {size == 1 ? 0x8A : 0x8B}, writableRegister());
            case 2 -> {
                int r = writableRegister();
                out.write(0x48 | (r >> 3));
                out.write(0xB8 + (r & 7));
                immediate(value(), 8);
            }
            case 3 -> {
                int[][] forms = {{0x0F, 0xB6}, {0x0F, 0xB7}, {0x0F, 0xBE}, {0x0F, 0xBF}};
                int pick = rnd.nextInt(4);
                int dstSize = pick % 2 == 1 || rnd.nextBoolean() ? (rnd.nextBoolean() ? 8 : 4) : 2;
                sourceSizedOperand(dstSize, forms[pick], pick % 2 == 0);
            }
            default -> registerOperand(8, new int[] {0x63}, writableRegister(), rnd.nextInt(16));
        }
    }

    /** MOVZX/MOVSX: the source is a byte register (REX form) or a word register. */
    private void sourceSizedOperand(int dstSize, int[] opcode, boolean byteSource) {
        int dst = writableRegister();
        int src = rnd.nextInt(16);
        if (dstSize == 2) {
            out.write(0x66);
        }
        int rex = 0x40 | (dstSize == 8 ? 8 : 0) | (dst >> 3) << 2 | (src >> 3);
        if (rex != 0x40 || byteSource) {
            out.write(rex);
        }
        for (int b : opcode) {
            out.write(b);
        }
        out.write(0xC0 | (dst & 7) << 3 | (src & 7));
    }

    /** XCHG r, r; XADD r, r; CMPXCHG r/m, r (compares with RAX). */
    private void exchange() {
        int size = size();
        int a = writableRegister();
        int b = writableRegister();
        switch (rnd.nextInt(3)) {
            case 0 -> registerOperand(size, new int[] {size == 1 ? 0x86 : 0x87}, a, b);
            case 1 -> {
                registerOperand(size, new int[] {0x0F, size == 1 ? 0xC0 : 0xC1}, a, b);
                flagsWritten(ARITHMETIC_FLAGS, 0);
            }
            default -> {
                if (rnd.nextBoolean()) {
                    memoryOperand(size, new int[] {0x0F, size == 1 ? 0xB0 : 0xB1}, a);
                } else {
                    registerOperand(size, new int[] {0x0F, size == 1 ? 0xB0 : 0xB1}, a, b);
                }
                flagsWritten(ARITHMETIC_FLAGS, 0);
            }
        }
    }

    /** PUSH r; PUSH imm32 or PUSH [mem]; then POP r: the stack ends balanced. */
    private void pushPop() {
        switch (rnd.nextInt(3)) {
            case 0 -> {
                int r = rnd.nextInt(16);
                if (r >= 8) {
                    out.write(0x41);
                }
                out.write(0x50 + (r & 7));
            }
            case 1 -> {
                out.write(0x68);
                immediate(value(), 4);
            }
            default -> memoryOperand(4, new int[] {0xFF}, 6); // PUSH qword [rbp+d8] (operand size 64 by default)
        }
        int r = writableRegister();
        if (r >= 8) {
            out.write(0x41);
        }
        out.write(0x58 + (r & 7));
    }

    /** CLC STC CMC, LAHF (needs SF ZF AF PF CF defined), SAHF. */
    private void flagOps() {
        switch (rnd.nextInt(4)) {
            case 0 -> {
                out.write(new int[] {0xF8, 0xF9}[rnd.nextInt(2)]);
                flagsWritten(CF, 0);
            }
            case 1 -> {
                if ((undefined & CF) == 0) {
                    out.write(0xF5);
                }
            }
            case 2 -> {
                if ((undefined & (SF | ZF | AF | PF | CF)) == 0) {
                    out.write(0x9F);
                }
            }
            default -> {
                out.write(0x9E);
                flagsWritten(SF | ZF | AF | PF | CF, 0);
            }
        }
    }

    /** POPCNT (ZF set from the result, the others cleared) or BSWAP. */
    private void popcntOrBswap() {
        if (rnd.nextBoolean()) {
            out.write(0xF3);
            registerOperand(rnd.nextBoolean() ? 8 : 4, new int[] {0x0F, 0xB8}, writableRegister(), rnd.nextInt(16));
            flagsWritten(ARITHMETIC_FLAGS, 0);
        } else {
            int r = writableRegister();
            out.write((rnd.nextBoolean() ? 0x48 : 0x40) | r >> 3);
            out.write(0x0F);
            out.write(0xC8 + (r & 7));
        }
    }

    /** LEA r, [base + index*scale + disp32] with any registers (no memory access, any value). */
    private void lea() {
        int dst = writableRegister();
        int base = rnd.nextInt(16);
        int index = rnd.nextInt(16);
        if (index == RSP) {
            index = RBP; // RSP cannot be an index
        }
        int size = rnd.nextBoolean() ? 8 : 4;
        out.write(0x40 | (size == 8 ? 8 : 0) | (dst >> 3) << 2 | (index >> 3) << 1 | (base >> 3));
        out.write(0x8D);
        out.write(0x80 | (dst & 7) << 3 | 4);
        out.write(rnd.nextInt(4) << 6 | (index & 7) << 3 | (base & 7));
        immediate(value(), 4);
    }

    // ---- encoding -----------------------------------------------------------------------------------------------

    private int size() {
        return new int[] {1, 2, 4, 8, 8, 4}[rnd.nextInt(6)];
    }

    /** A register the program may overwrite (any but RSP and RBP). */
    private int writableRegister() {
        while (true) {
            int r = rnd.nextInt(16);
            if (r != RSP && r != RBP) {
                return r;
            }
        }
    }

    /** {@code [66] [REX] opcode ModRM(11, reg, rm)}; byte forms always carry a REX so 4..7 mean SPL..DIL. */
    private void registerOperand(int size, int[] opcode, int reg, int rm) {
        if (size == 2) {
            out.write(0x66);
        }
        int rex = 0x40 | (size == 8 ? 8 : 0) | (reg >> 3 & 1) << 2 | (rm >> 3 & 1);
        if (rex != 0x40 || size == 1) {
            out.write(rex);
        }
        for (int b : opcode) {
            out.write(b);
        }
        out.write(0xC0 | (reg & 7) << 3 | (rm & 7));
    }

    /** {@code [66] [REX] opcode ModRM(01, reg, 101) disp8}: the operand is {@code [rbp + disp8]} in the scratch area. */
    private void memoryOperand(int size, int[] opcode, int reg) {
        if (size == 2) {
            out.write(0x66);
        }
        int rex = 0x40 | (size == 8 ? 8 : 0) | (reg >> 3 & 1) << 2;
        if (rex != 0x40 || size == 1) {
            out.write(rex);
        }
        for (int b : opcode) {
            out.write(b);
        }
        out.write(0x40 | (reg & 7) << 3 | RBP);
        out.write(rnd.nextInt(SCRATCH_BYTES - 8 + 1));
    }

    private void immediate(long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)));
        }
    }

    private void flagsWritten(long defined, long undefinedNow) {
        undefined = (undefined & ~(defined | undefinedNow)) | undefinedNow;
    }
}
