package io.splitvisor.x86.cpu;

/** Exception vector numbers. */
public final class Vectors {
    public static final int DE = 0;
    public static final int DB = 1;
    public static final int NMI = 2;
    public static final int BP = 3;
    public static final int OF = 4;
    public static final int BR = 5;
    public static final int UD = 6;
    public static final int NM = 7;
    public static final int DF = 8;
    public static final int TS = 10;
    public static final int NP = 11;
    public static final int SS = 12;
    public static final int GP = 13;
    public static final int PF = 14;
    public static final int MF = 16;
    public static final int AC = 17;

    private Vectors() {
    }

    public static boolean hasErrorCode(int v) {
        return v == DF || v == TS || v == NP || v == SS || v == GP || v == PF || v == AC;
    }

    /** Contributory exceptions for the double-fault rule. */
    public static boolean contributory(int v) {
        return v == DE || v == TS || v == NP || v == SS || v == GP;
    }

    public static String name(int v) {
        return switch (v) {
            case DE -> "#DE";
            case DB -> "#DB";
            case NMI -> "NMI";
            case BP -> "#BP";
            case OF -> "#OF";
            case BR -> "#BR";
            case UD -> "#UD";
            case NM -> "#NM";
            case DF -> "#DF";
            case TS -> "#TS";
            case NP -> "#NP";
            case SS -> "#SS";
            case GP -> "#GP";
            case PF -> "#PF";
            case MF -> "#MF";
            case AC -> "#AC";
            default -> "vector " + v;
        };
    }
}
