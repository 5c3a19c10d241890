package io.splitvisor.engine;

/** The sixteen 64-bit general registers, in x86 encoding order (ordinal = register number). */
public enum Gpr {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15;

    private static final Gpr[] VALUES = values();

    /** The register with x86 encoding {@code number} (0..15). */
    public static Gpr of(int number) {
        return VALUES[number];
    }

    /** Lower-case name as assemblers write it ("rax", "r8"). */
    public String asmName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
