package io.splitvisor.toolstack.bench;

import java.util.Locale;

/** The two ways a guest reaches its devices: split drivers (PV) or emulated PC devices. */
public enum IoPath {
    PV,
    EMULATED;

    /** "pv" or "emulated": the benchmark guest's {@code io=} value and the report's name. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a label; IllegalArgumentException naming the choices otherwise. */
    public static IoPath parse(String text) {
        for (IoPath p : values()) {
            if (p.label().equals(text)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown I/O path '" + text + "' (expected pv or emulated)");
    }
}
