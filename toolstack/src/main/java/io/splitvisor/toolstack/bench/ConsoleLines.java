package io.splitvisor.toolstack.bench;

/**
 * The console case's lines as the benchmark guest writes them: line i is "iobench-line", i in
 * eight digits, and 64 letters starting at letter i mod 26. The host checks every line it gets.
 */
final class ConsoleLines {
    static final String PREFIX = "iobench-line ";

    private ConsoleLines() {
    }

    static String expected(long i) {
        StringBuilder b = new StringBuilder(80).append(PREFIX).append(String.format("%08d ", i));
        for (int k = 0; k < 64; k++) {
            b.append((char) ('a' + (i + k) % 26));
        }
        return b.toString();
    }
}
