package io.splitvisor.x86.decode;

/** Handler numbers of decoded instructions (see {@link Insn} for operand conventions). */
public final class Op {
    // data movement
    public static final int NOP = 0;
    public static final int MOV_RR = 1;
    public static final int MOV_MR = 2;
    public static final int MOV_RM = 3;
    public static final int MOV_RI = 4;
    public static final int MOV_MI = 5;
    public static final int MOVZX_RR = 6;
    public static final int MOVZX_RM = 7;
    public static final int MOVSX_RR = 8;
    public static final int MOVSX_RM = 9;
    public static final int LEA = 10;
    public static final int XCHG_RR = 11;
    public static final int XCHG_MR = 12;
    public static final int CMOV_RR = 13;
    public static final int CMOV_RM = 14;
    public static final int SETCC_R = 15;
    public static final int SETCC_M = 16;
    public static final int BSWAP = 17;
    public static final int CBW = 18;
    public static final int CWD = 19;
    // ALU: sub = 0 ADD, 1 OR, 2 ADC, 3 SBB, 4 AND, 5 SUB, 6 XOR, 7 CMP, 8 TEST
    public static final int ALU_RR = 20;
    public static final int ALU_MR = 21;
    public static final int ALU_RM = 22;
    public static final int ALU_RI = 23;
    public static final int ALU_MI = 24;
    // sub = 0 INC, 1 DEC, 2 NOT, 3 NEG
    public static final int UNARY_R = 25;
    public static final int UNARY_M = 26;
    // sub = 0 ROL, 1 ROR, 2 RCL, 3 RCR, 4 SHL, 5 SHR, 6 SAL, 7 SAR; variant = count in CL, else imm
    public static final int SHIFT_R = 27;
    public static final int SHIFT_M = 28;
    // sub = 0 SHLD, 1 SHRD
    public static final int DSHIFT_R = 29;
    public static final int DSHIFT_M = 30;
    // sub = 4 MUL, 5 IMUL, 6 DIV, 7 IDIV
    public static final int MULDIV_R = 31;
    public static final int MULDIV_M = 32;
    // IMUL Gv, Ev (variant: times imm)
    public static final int IMUL_RR = 33;
    public static final int IMUL_RM = 34;
    // sub = 0 BT, 1 BTS, 2 BTR, 3 BTC
    public static final int BT_RR = 35;
    public static final int BT_MR = 36;
    public static final int BT_RI = 37;
    public static final int BT_MI = 38;
    // sub = 0 BSF, 1 BSR, 2 TZCNT, 3 LZCNT, 4 POPCNT
    public static final int BITSCAN_RR = 39;
    public static final int BITSCAN_RM = 40;
    public static final int CMPXCHG_RR = 41;
    public static final int CMPXCHG_MR = 42;
    public static final int XADD_RR = 43;
    public static final int XADD_MR = 44;
    public static final int CMPXCHG_WIDE = 45;
    // stack
    public static final int PUSH_R = 46;
    public static final int PUSH_M = 47;
    public static final int PUSH_I = 48;
    public static final int POP_R = 49;
    public static final int POP_M = 50;
    public static final int PUSHF = 51;
    public static final int POPF = 52;
    public static final int ENTER = 53;
    public static final int LEAVE = 54;
    public static final int PUSH_SEG = 55;
    public static final int POP_SEG = 56;
    // control
    public static final int JMP = 57;
    public static final int JCC = 58;
    public static final int JMP_R = 59;
    public static final int JMP_M = 60;
    public static final int CALL = 61;
    public static final int CALL_R = 62;
    public static final int CALL_M = 63;
    public static final int RET = 64;
    // sub = 0 LOOPNE, 1 LOOPE, 2 LOOP, 3 JRCXZ
    public static final int LOOP = 65;
    public static final int INT = 66;
    public static final int IRET = 67;
    public static final int HLT = 68;
    public static final int FAULT = 69;
    public static final int RETF = 70;
    // flags
    public static final int FLAGOP = 71; // sub: 0 CLC 1 STC 2 CMC 3 CLD 4 STD 5 CLI 6 STI 7 LAHF 8 SAHF
    // strings: sub = 0 MOVS, 1 CMPS, 2 STOS, 3 LODS, 4 SCAS, 5 INS, 6 OUTS
    public static final int STRING = 72;
    // port I/O: variant = port from DX
    public static final int IN = 73;
    public static final int OUT = 74;
    // system
    public static final int CPUID = 75;
    public static final int RDTSC = 76;
    public static final int RDTSCP = 77;
    public static final int RDMSR = 78;
    public static final int WRMSR = 79;
    public static final int MOV_FROM_CR = 80;
    public static final int MOV_TO_CR = 81;
    public static final int MOV_FROM_DR = 82;
    public static final int MOV_TO_DR = 83;
    // sub = 0 SGDT 1 SIDT 2 LGDT 3 LIDT
    public static final int DESC_TABLE = 84;
    // sub = 0 SLDT 1 STR 2 LLDT 3 LTR
    public static final int SYS_SEG = 85;
    public static final int SMSW = 86;
    public static final int LMSW = 87;
    public static final int INVLPG = 88;
    public static final int SWAPGS = 89;
    public static final int CLTS = 90;
    public static final int CLFLUSH = 91;
    public static final int MOV_TO_SREG = 92;
    public static final int MOV_FROM_SREG = 93;
    public static final int XLAT = 94;
    public static final int PAUSE = 95;
    // BMI1 (VEX): sub = 0 ANDN, 1 BEXTR, 2 BLSR, 3 BLSMSK, 4 BLSI
    public static final int BMI = 96;

    // size-specialised forms of the hottest ops (see Specializer); same operand conventions
    public static final int MOV_RR64 = 97;
    public static final int MOV_RR32 = 98;
    public static final int MOV_RM64 = 99;
    public static final int MOV_RM32 = 100;
    public static final int MOV_MR64 = 101;
    public static final int MOV_MR32 = 102;
    public static final int MOV_RI64 = 103;
    public static final int MOV_MI64 = 104;
    public static final int MOV_MI32 = 105;
    public static final int ALU_RR64 = 106;
    public static final int ALU_RR32 = 107;
    public static final int ALU_RI64 = 108;
    public static final int ALU_RI32 = 109;
    public static final int ALU_RM64 = 110;
    public static final int ALU_RM32 = 111;
    public static final int LEA64 = 112;
    public static final int LEA32 = 113;
    public static final int MOVZX8_RM = 114;
    public static final int MOVZX16_RM = 115;
    public static final int MOVSXD_RM = 116;
    public static final int PUSH_R64 = 117;
    public static final int POP_R64 = 118;
    public static final int MOVZX8_RR = 119;
    public static final int SHIFT_R64 = 120;
    public static final int SHIFT_R32 = 121;
    public static final int UNARY_R64 = 122;
    public static final int UNARY_R32 = 123;

    /** x87 escape (D8-DF) and FWAIT (variant): #NM when CR0.EM or CR0.TS says so, else #UD / no-op. */
    public static final int X87 = 124;

    // per-kind forms of the commonest ALU instructions and of JE/JNE
    public static final int ADD_RR64 = 125;
    public static final int ADD_RI64 = 126;
    public static final int SUB_RR64 = 127;
    public static final int SUB_RI64 = 128;
    public static final int CMP_RR64 = 129;
    public static final int CMP_RI64 = 130;
    public static final int TEST_RR64 = 131;
    public static final int ADD_RR32 = 132;
    public static final int ADD_RI32 = 133;
    public static final int SUB_RI32 = 134;
    public static final int CMP_RR32 = 135;
    public static final int CMP_RI32 = 136;
    public static final int TEST_RR32 = 137;
    public static final int XOR_RR32 = 138;
    public static final int JE = 139;
    public static final int JNE = 140;

    // loads and stores whose address is just base + displacement
    public static final int MOV_RM64_BD = 141;
    public static final int MOV_RM32_BD = 142;
    public static final int MOV_MR64_BD = 143;
    public static final int MOV_MR32_BD = 144;

    // LOCK-prefixed read-modify-writes with a memory destination, and XCHG with memory (always locked): atomic
    // against other threads (see exec/LockedOps); same operand conventions as the unlocked op named
    public static final int LOCK_ALU_MR = 145;
    public static final int LOCK_ALU_MI = 146;
    public static final int LOCK_UNARY_M = 147;
    public static final int LOCK_BT_MR = 148;
    public static final int LOCK_BT_MI = 149;
    public static final int LOCK_CMPXCHG_MR = 150;
    public static final int LOCK_XADD_MR = 151;
    public static final int LOCK_XCHG_MR = 152;
    public static final int LOCK_CMPXCHG_WIDE = 153;

    public static final int COUNT = 154;

    private Op() {
    }
}
