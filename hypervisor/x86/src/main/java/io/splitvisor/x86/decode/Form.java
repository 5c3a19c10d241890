package io.splitvisor.x86.decode;

/** How the disassembler prints an instruction's operands. E = rm register or memory, G = reg field. */
public final class Form {
    public static final int NONE = 0;
    public static final int E_G = 1;
    public static final int G_E = 2;
    public static final int E_I = 3;
    public static final int E = 4;
    public static final int G_E_I = 5;
    public static final int E_G_I = 6;
    public static final int E_G_CL = 7;
    public static final int E_1 = 8;
    public static final int E_CL = 9;
    public static final int I = 11;
    public static final int IN = 13;
    public static final int OUT = 14;
    public static final int CR_LOAD = 15;
    public static final int CR_STORE = 16;
    public static final int SREG_LOAD = 17;
    public static final int SREG_STORE = 18;
    public static final int MOFFS_LOAD = 19;
    public static final int MOFFS_STORE = 20;
    public static final int XCHG_ACC = 22;
    public static final int SEG = 23;
    public static final int DR_LOAD = 24;
    public static final int DR_STORE = 25;
    public static final int ENTER = 26;

    private Form() {
    }
}
