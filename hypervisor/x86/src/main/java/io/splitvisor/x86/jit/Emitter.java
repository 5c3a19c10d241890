package io.splitvisor.x86.jit;

import static io.splitvisor.x86.jit.CodeBuffer.*;

import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.decode.Insn;

/**
 * The state of one block's translation shared by the instruction-family emitters: the method's locals (guest
 * registers and the two lazy-flag words live in JVM locals while the block runs), operand access by size, effective
 * addresses, guest memory through the {@code Mmu}'s TLB fast paths, and exits.
 *
 * <p>Every instruction does all of its faulting work (memory access, checks) before it writes a register or the
 * flag locals, so a fault leaves the locals exactly as they were before the instruction; the handler writes them
 * back and the guest sees the precise state at the faulting instruction.
 */
final class Emitter {
    static final String EXECUTOR = "io/splitvisor/x86/exec/Executor";
    static final String BLOCK = "io/splitvisor/x86/exec/Block";
    static final String VCPU = "io/splitvisor/x86/exec/InterpreterVcpu";
    static final String CPU = "io/splitvisor/x86/cpu/Cpu";
    static final String MMU = "io/splitvisor/x86/cpu/Mmu";
    static final String GUEST_FAULT = "io/splitvisor/x86/cpu/GuestFault";
    static final long M32 = 0xFFFFFFFFL;

    // locals of run(Executor x, Block b, long budget)
    static final int X = 1;
    static final int B = 2;
    static final int BUDGET = 3;
    static final int C = 5;
    static final int M = 6;
    static final int REGS = 7;
    static final int IDX = 8;
    static final int STATUS = 9;
    static final int DONE = 10;
    static final int FR = 12;
    static final int FX = 14;
    static final int TRIP = 16;
    static final int FRIP = 18;
    private static final int REG0 = 20;
    private static final int TEMP0 = REG0 + 2 * 16;
    private static final int TEMPS = 8;
    static final int EXCEPTION = TEMP0 + 2 * TEMPS;
    static final int MAX_LOCALS = EXCEPTION + 1;

    final CodeBuffer code;
    /** Index of the instruction being emitted, and whether its flags are needed after it. */
    int index;
    Insn insn;
    boolean flagsLive;
    private int tempsUsed;
    /** Guest registers the code reads or writes, and whether it writes the flags (what the exits store back). */
    final boolean[] used = new boolean[16];
    final boolean[] written = new boolean[16];
    boolean flagsWritten;
    /** The finished class (set by the translator on its final pass). */
    byte[] classBytes;
    /** Where the code leaves the block: exits and the region's internal jumps. */
    final Exits exits = new Exits(this);

    Emitter(CodeBuffer code) {
        this.code = code;
    }

    // ---- locals ---------------------------------------------------------------------------------------------

    static int reg(int r) {
        return REG0 + 2 * r;
    }

    /** A fresh long temporary for the current instruction. */
    int temp() {
        if (tempsUsed == TEMPS) {
            throw new IllegalStateException("out of temporaries");
        }
        return TEMP0 + 2 * tempsUsed++;
    }

    void startInstruction(int i, Insn in, boolean liveAfter) {
        index = i;
        insn = in;
        flagsLive = liveAfter;
        tempsUsed = 0;
    }

    void lload(int slot) {
        if (slot >= REG0 && slot < TEMP0) {
            used[(slot - REG0) >> 1] = true;
        }
        code.local(LLOAD, slot);
    }

    void lstore(int slot) {
        if (slot >= REG0 && slot < TEMP0) {
            written[(slot - REG0) >> 1] = true;
        } else if (slot == FR || slot == FX) {
            flagsWritten = true;
        }
        code.local(LSTORE, slot);
    }

    /** Marks the current instruction as the one a fault would stop at (its index in its block, its RIP). */
    void mayFault() {
        code.iconst(index);
        code.local(ISTORE, IDX);
        code.lconst(insn.startRip());
        code.local(LSTORE, FRIP);
    }

    // ---- registers by size (byte registers use Cpu.HIGH_BYTE codes) -------------------------------------------

    /** Pushes the low {@code size} bytes of register {@code r}, zero-extended. */
    void get(int size, int r) {
        if (size == 1 && (r & Cpu.HIGH_BYTE) != 0) {
            lload(reg(r & 15));
            code.iconst(8);
            code.op(LUSHR);
            mask(1);
            return;
        }
        lload(reg(r));
        if (size < 8) {
            mask(size);
        }
    }

    /** Pops a long and writes it to register {@code r} as the {@code size}-byte operand (the x86 rules). */
    void set(int size, int r) {
        switch (size) {
            case 8 -> lstore(reg(r));
            case 4 -> {
                mask(4);
                lstore(reg(r));
            }
            default -> {
                int i = size == 1 ? r & 15 : r;
                int shift = size == 1 && (r & Cpu.HIGH_BYTE) != 0 ? 8 : 0;
                long m = size == 1 ? 0xFFL : 0xFFFFL;
                code.lconst(m);
                code.op(LAND);
                if (shift != 0) {
                    code.iconst(shift);
                    code.op(LSHL);
                }
                lload(reg(i));
                code.lconst(~(m << shift));
                code.op(LAND);
                code.op(LOR);
                lstore(reg(i));
            }
        }
    }

    void mask(int size) {
        if (size < 8) {
            code.lconst(size == 4 ? M32 : (1L << (size << 3)) - 1);
            code.op(LAND);
        }
    }

    /** Sign-extends the long on the stack from {@code size} bytes. */
    void sext(int size) {
        if (size < 8) {
            int sh = 64 - (size << 3);
            code.iconst(sh);
            code.op(LSHL);
            code.iconst(sh);
            code.op(LSHR);
        }
    }

    // ---- memory ---------------------------------------------------------------------------------------------

    /** Pushes the instruction's effective address (segment base and 32-bit wrap included). */
    void ea(Insn in) {
        offset(in);
        if ((in.eaSpecial & Insn.EA_ADDR32) != 0) {
            mask(4);
        }
        if ((in.eaSpecial & Insn.EA_SEGMENT) != 0) {
            code.local(ALOAD, C);
            code.getfield(CPU, in.segment == 4 ? "fsBase" : "gsBase", "J");
            code.op(LADD);
        }
    }

    /** Pushes disp + base + index * scale (what LEA computes). */
    void offset(Insn in) {
        code.lconst(in.disp);
        if (in.base != Cpu.ZERO) {
            lload(reg(in.base));
            code.op(LADD);
        }
        if (in.index != Cpu.ZERO) {
            lload(reg(in.index));
            if (in.scale != 0) {
                code.iconst(in.scale);
                code.op(LSHL);
            }
            code.op(LADD);
        }
    }

    /** Effective address into a new temporary. */
    int eaTemp(Insn in) {
        int t = temp();
        ea(in);
        lstore(t);
        return t;
    }

    /** Pushes the {@code size}-byte value at the address in {@code addrSlot}, zero-extended. */
    void read(int size, int addrSlot) {
        mayFault();
        code.local(ALOAD, M);
        lload(addrSlot);
        code.invokevirtual(MMU, "read" + (size << 3), "(J)J");
    }

    /** A read for a read-modify-write: faults as a write, before anything changes. */
    void readRmw(int size, int addrSlot) {
        mayFault();
        code.local(ALOAD, M);
        code.iconst(size);
        lload(addrSlot);
        code.invokevirtual(MMU, "readRmw", "(IJ)J");
    }

    /** Writes the long in {@code valueSlot} to the address in {@code addrSlot}; ends the block if it must stop. */
    void write(int size, int addrSlot, int valueSlot) {
        mayFault();
        code.local(ALOAD, M);
        lload(addrSlot);
        lload(valueSlot);
        code.invokevirtual(MMU, "write" + (size << 3), "(JJ)V");
        if (!insn.branch) {
            // a store to a page holding decoded code (this block's included) or to MMIO ends the block after it;
            // a branch ends the block anyway
            code.local(ALOAD, X);
            code.getfield(EXECUTOR, "abort", "Z");
            code.jump(IFNE, exits.stub(index + 1, insn.nextRip));
        }
    }

    /** Pushes register 4 minus size, writes the value in {@code valueSlot} there, then updates RSP. */
    void push(int size, int valueSlot) {
        int sp = temp();
        lload(reg(4));
        code.lconst(size);
        code.op(LSUB);
        lstore(sp);
        write(size, sp, valueSlot);
        lload(sp);
        lstore(reg(4));
    }

    /** Throws #GP(0) unless the address in {@code slot} is canonical (branch targets). */
    void checkCanonical(int slot) {
        mayFault();
        CodeBuffer.Label ok = new CodeBuffer.Label();
        lload(slot);
        code.iconst(16);
        code.op(LSHL);
        code.iconst(16);
        code.op(LSHR);
        lload(slot);
        code.op(LCMP);
        code.jump(IFEQ, ok);
        code.local(ALOAD, C);
        code.invokevirtual(CPU, "gp0", "()L" + GUEST_FAULT + ";");
        code.op(ATHROW);
        code.place(ok);
    }

    // ---- flags ----------------------------------------------------------------------------------------------

    /** Flags of an add-like (sub=false) or subtract-like operation of {@code size} on slots a, b and result r. */
    void arithFlags(int size, boolean sub, int a, int b, int r) {
        int sh = 64 - (size << 3);
        resultFlag(sh, r);
        code.iconst(sh);
        lload(a);
        lload(b);
        lload(r);
        code.invokestatic(CPU, sub ? "subAux" : "addAux", "(IJJJ)J");
        lstore(FX);
    }

    /** Flags of a logical operation: CF = OF = AF = 0. */
    void logicFlags(int size, int r) {
        resultFlag(64 - (size << 3), r);
        code.op(LCONST_0);
        lstore(FX);
    }

    private void resultFlag(int sh, int r) {
        lload(r);
        if (sh != 0) {
            code.iconst(sh);
            code.op(LSHL);
            code.iconst(sh);
            code.op(LSHR);
        }
        lstore(FR);
    }

    /** Pushes condition code {@code cc} as an int (0 or 1). */
    void cond(int cc) {
        code.iconst(cc);
        lload(FR);
        lload(FX);
        code.invokestatic(CPU, "cond", "(IJJ)Z");
    }

    /** Hands the flag locals to the Cpu before a helper that reads them there. */
    void flagsToCpu() {
        code.local(ALOAD, C);
        lload(FR);
        code.putfield(CPU, "flagResult", "J");
        code.local(ALOAD, C);
        lload(FX);
        code.putfield(CPU, "flagAux", "J");
    }

    /** Takes the flags back from the Cpu after such a helper. */
    void flagsFromCpu() {
        code.local(ALOAD, C);
        code.getfield(CPU, "flagResult", "J");
        lstore(FR);
        code.local(ALOAD, C);
        code.getfield(CPU, "flagAux", "J");
        lstore(FX);
    }


}
