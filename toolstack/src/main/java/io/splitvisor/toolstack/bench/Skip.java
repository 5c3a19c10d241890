package io.splitvisor.toolstack.bench;

/**
 * Something the benchmark could not measure, and why (one line).
 *
 * @param what  "all cases", or the result rows concerned ("seq-write, seq-read")
 */
public record Skip(IoPath path, String engine, String what, String reason) {
    public static final String ALL = "all cases";

    /** "emulated on interp (seq-write, seq-read): reason" */
    public String describe() {
        return path.label() + " on " + engine + (what.equals(ALL) ? "" : " (" + what + ")") + ": " + reason;
    }
}
