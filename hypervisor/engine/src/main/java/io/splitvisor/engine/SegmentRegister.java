package io.splitvisor.engine;

/** Segment registers in x86 encoding order (ordinal = Sreg number in a ModRM reg field). */
public enum SegmentRegister {
    ES, CS, SS, DS, FS, GS;

    private static final SegmentRegister[] VALUES = values();

    public static SegmentRegister of(int number) {
        return VALUES[number];
    }
}
