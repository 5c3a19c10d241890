package io.splitvisor.kvm.abi;

/**
 * {@code struct kvm_regs} (KVM_GET_REGS / KVM_SET_REGS), 18 little-endian u64s:
 * <pre>
 *   0 rax |   8 rbx |  16 rcx |  24 rdx |  32 rsi |  40 rdi |  48 rsp |  56 rbp
 *  64 r8  |  72 r9  |  80 r10 |  88 r11 |  96 r12 | 104 r13 | 112 r14 | 120 r15
 * 128 rip | 136 rflags                                                  sizeof = 144
 * </pre>
 * Note the order differs from the x86 encoding order of {@code Gpr}: see {@link #offsetOf(int)}.
 */
public final class KvmRegs {
    public static final int SIZE = 144;
    public static final int RAX = 0;
    public static final int RBX = 8;
    public static final int RCX = 16;
    public static final int RDX = 24;
    public static final int RSI = 32;
    public static final int RDI = 40;
    public static final int RSP = 48;
    public static final int RBP = 56;
    public static final int R8 = 64;
    public static final int R9 = 72;
    public static final int R10 = 80;
    public static final int R11 = 88;
    public static final int R12 = 96;
    public static final int R13 = 104;
    public static final int R14 = 112;
    public static final int R15 = 120;
    public static final int RIP = 128;
    public static final int RFLAGS = 136;

    /** Offsets in x86 register-number order (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15). */
    private static final int[] BY_NUMBER = {RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14,
        R15};

    private KvmRegs() {
    }

    /** Offset of general register {@code number} in x86 encoding order (0 = rax ... 15 = r15). */
    public static int offsetOf(int number) {
        return BY_NUMBER[number];
    }
}
