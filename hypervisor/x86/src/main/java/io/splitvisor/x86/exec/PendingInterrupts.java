package io.splitvisor.x86.exec;

import java.util.concurrent.atomic.AtomicLongArray;

/** External interrupt vectors waiting for delivery: a 256-bit set that any thread may add to. */
final class PendingInterrupts {
    private final AtomicLongArray bits = new AtomicLongArray(4);

    void add(int vector) {
        long bit = 1L << (vector & 63);
        while (true) {
            long old = bits.get(vector >> 6);
            if (bits.compareAndSet(vector >> 6, old, old | bit)) {
                return;
            }
        }
    }

    /** The highest pending vector (the highest priority, as an APIC orders them), or -1. */
    int highest() {
        for (int w = 3; w >= 0; w--) {
            long b = bits.get(w);
            if (b != 0) {
                return w * 64 + 63 - Long.numberOfLeadingZeros(b);
            }
        }
        return -1;
    }

    void remove(int vector) {
        long bit = 1L << (vector & 63);
        while (true) {
            long old = bits.get(vector >> 6);
            if (bits.compareAndSet(vector >> 6, old, old & ~bit)) {
                return;
            }
        }
    }

    /** Whether the highest pending vector beats the task priority in CR8 (priority class above TPR). */
    static boolean beatsTpr(int vector, long cr8) {
        return vector >= 0 && (vector >> 4) > (cr8 & 0xF);
    }
}
