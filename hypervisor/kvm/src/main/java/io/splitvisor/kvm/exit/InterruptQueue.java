package io.splitvisor.kvm.exit;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * External interrupt vectors waiting for injection (the role of the interrupt controller, which lives in user
 * space here): a 256-bit set any thread adds to; the vCPU thread takes the highest vector, as an APIC orders them.
 */
public final class InterruptQueue {
    private final AtomicLongArray bits = new AtomicLongArray(4);

    public void add(int vector) {
        long bit = 1L << (vector & 63);
        int w = (vector >> 6) & 3;
        long old;
        do {
            old = bits.get(w);
        } while (!bits.compareAndSet(w, old, old | bit));
    }

    /** The highest pending vector, or -1. */
    public int highest() {
        for (int w = 3; w >= 0; w--) {
            long b = bits.get(w);
            if (b != 0) {
                return w * 64 + 63 - Long.numberOfLeadingZeros(b);
            }
        }
        return -1;
    }

    public void remove(int vector) {
        long bit = 1L << (vector & 63);
        int w = (vector >> 6) & 3;
        long old;
        do {
            old = bits.get(w);
        } while (!bits.compareAndSet(w, old, old & ~bit));
    }

    /** Whether the vector's priority class is above the task priority in CR8 (as the interpreter decides). */
    public static boolean beatsTpr(int vector, long cr8) {
        return vector >= 0 && (vector >> 4) > (cr8 & 0xF);
    }
}
