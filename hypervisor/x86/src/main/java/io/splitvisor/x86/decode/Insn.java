package io.splitvisor.x86.decode;

import io.splitvisor.x86.cpu.Cpu;

/**
 * One decoded instruction, resolved once so execution never parses bytes: handler op, operand size, registers,
 * the effective-address shape and immediates. Operand conventions for two-operand ops: {@code *_RR}: destination
 * register {@code rm}, source register {@code reg}; {@code *_MR}: memory destination, source {@code reg};
 * {@code *_RM}: destination {@code reg}, memory source; {@code *_RI}/{@code *_MI}: destination rm/memory, source
 * {@code imm}. Byte registers use {@link Cpu#HIGH_BYTE} codes for AH..BH.
 */
public final class Insn {
    public int op;
    /** Operand size in bytes: 1, 2, 4 or 8. */
    public int size;
    /** Second size: source size of MOVZX/MOVSX, address size of string ops. */
    public int size2;
    public int len;
    public long nextRip;
    public int reg;
    public int rm;
    public boolean mem;
    public int base = Cpu.ZERO;
    public int index = Cpu.ZERO;
    public int scale;
    public long disp;
    /** Nonzero when the address needs a segment base (FS/GS) or 32-bit truncation. */
    public int eaSpecial;
    public int segment = -1;
    public boolean addr32;
    public long imm;
    public long imm2;
    /** Sub-operation: ALU kind, condition code, shift kind, string kind, register number. */
    public int sub;
    /** Count comes from CL (shifts) or a variant flag. */
    public boolean variant;
    public int rep;
    /** VEX.vvvv register (BMI1). */
    public int vreg;
    public boolean lock;
    /** The handler itself sets RIP (branches, REP string instructions, interrupts). */
    public boolean branch;
    /** Ends the block after it (control transfer or state that affects decoding or interrupts). */
    public boolean endsBlock;

    // For the disassembler.
    public String mnemonic = "(bad)";
    public int form;
    public boolean ripRelative;
    /** Displacement bytes encoded (0, 1 or 4); objdump prints "+0x0" for an encoded zero. */
    public int dispBytes;
    /** SIB byte present (objdump prints "*1" scales only then). */
    public boolean sib;
    /** Prefixes without effect that objdump names before the mnemonic ("cs", "data16"). */
    public String inertPrefixes = "";

    public long startRip() {
        return nextRip - len;
    }

    public static final int EA_SEGMENT = 1;
    public static final int EA_ADDR32 = 2;
    public static final int REP = 1;
    public static final int REPNE = 2;
}
