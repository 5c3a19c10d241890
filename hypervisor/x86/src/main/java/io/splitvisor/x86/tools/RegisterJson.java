package io.splitvisor.x86.tools;

import io.splitvisor.engine.Exit;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.RegisterState;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Register state to and from the raw runner's JSON (numbers as "0x..." strings). */
public final class RegisterJson {
    private static final String[] FLAG_NAMES = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF"};

    private RegisterJson() {
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** Parses "0x1f", "31", "64M", "4K", "1G" (suffixes are binary multiples). */
    public static long number(Object o, String what) {
        if (o instanceof Long l) {
            return l;
        }
        if (!(o instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException(what + ": expected a number, got " + o);
        }
        String t = s.trim().toLowerCase(Locale.ROOT).replace("_", "");
        long mult = 1;
        char last = t.charAt(t.length() - 1);
        if (!t.startsWith("0x") && (last == 'k' || last == 'm' || last == 'g')) {
            mult = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(what + ": not a number: " + s);
        }
    }

    public static Map<String, Object> registers(RegisterState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Gpr g : Gpr.values()) {
            m.put(g.asmName(), hex(s.get(g)));
        }
        m.put("rip", hex(s.rip));
        m.put("rflags", hex(s.rflags));
        return m;
    }

    public static Map<String, Object> flags(long rflags) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int bit = 0; bit < FLAG_NAMES.length; bit++) {
            if (!FLAG_NAMES[bit].isEmpty()) {
                m.put(FLAG_NAMES[bit], (rflags >>> bit) & 1);
            }
        }
        return m;
    }

    public static Map<String, Object> control(RegisterState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cr0", hex(s.cr0));
        m.put("cr2", hex(s.cr2));
        m.put("cr3", hex(s.cr3));
        m.put("cr4", hex(s.cr4));
        m.put("cr8", hex(s.cr8));
        m.put("efer", hex(s.efer));
        return m;
    }

    public static Map<String, Object> exit(Exit e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reason", e.reason().name());
        if (e.isIo()) {
            m.put("port", hex(e.port()));
            m.put("size", (long) e.size());
            m.put("data", hex(e.data()));
            m.put("count", (long) e.count());
        } else if (e.isMmio()) {
            m.put("address", hex(e.address()));
            m.put("size", (long) e.size());
            m.put("data", hex(e.data()));
        }
        if (e.faultVector() >= 0) {
            m.put("vector", (long) e.faultVector());
            m.put("errorCode", hex(e.faultErrorCode()));
        }
        if (!e.detail().isEmpty()) {
            m.put("detail", e.detail());
        }
        return m;
    }

    /**
     * Applies registers from JSON onto a state: keys rax..r15, rip, rflags, cr0, cr2, cr3, cr4, cr8, efer, either at
     * the top level or under "registers" and "control". Unknown keys are refused.
     */
    @SuppressWarnings("unchecked")
    public static void apply(Object json, RegisterState s) {
        if (!(json instanceof Map<?, ?> top)) {
            throw new IllegalArgumentException("register file must hold a JSON object");
        }
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String k = String.valueOf(e.getKey());
            if ((k.equals("registers") || k.equals("control")) && e.getValue() instanceof Map<?, ?> inner) {
                apply(inner, s);
                continue;
            }
            if (k.equals("flags") || k.equals("exit") || k.equals("exitCode") || k.equals("instructions")
                    || k.equals("console") || k.equals("at")) {
                continue; // output fields, so a result file can be fed back
            }
            long v = number(e.getValue(), k);
            switch (k) {
                case "rip" -> s.rip = v;
                case "rflags" -> s.rflags = v;
                case "cr0" -> s.cr0 = v;
                case "cr2" -> s.cr2 = v;
                case "cr3" -> s.cr3 = v;
                case "cr4" -> s.cr4 = v;
                case "cr8" -> s.cr8 = v;
                case "efer" -> s.efer = v;
                default -> {
                    Gpr g = null;
                    for (Gpr x : Gpr.values()) {
                        if (x.asmName().equals(k)) {
                            g = x;
                        }
                    }
                    if (g == null) {
                        throw new IllegalArgumentException("unknown register \"" + k + "\" in register file");
                    }
                    s.set(g, v);
                }
            }
        }
    }
}
