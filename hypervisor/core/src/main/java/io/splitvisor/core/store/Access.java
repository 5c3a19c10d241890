package io.splitvisor.core.store;

/** What a domain may do with a store node: Xen's permission letters n, r, w and b. */
public enum Access {
    NONE('n'), READ('r'), WRITE('w'), BOTH('b');

    private final char letter;

    Access(char letter) {
        this.letter = letter;
    }

    public char letter() {
        return letter;
    }

    public boolean canRead() {
        return this == READ || this == BOTH;
    }

    public boolean canWrite() {
        return this == WRITE || this == BOTH;
    }

    /** The access for a Xen letter ({@code n r w b}); {@code null} for any other character. */
    public static Access fromLetter(char c) {
        for (Access a : values()) {
            if (a.letter == c) {
                return a;
            }
        }
        return null;
    }
}
