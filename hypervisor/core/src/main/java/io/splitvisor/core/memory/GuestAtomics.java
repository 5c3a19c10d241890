package io.splitvisor.core.memory;

import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.GuestMemoryException;
import io.splitvisor.engine.NativeAccess;

/**
 * Atomic read-modify-write operations on guest memory, for state the hypervisor shares with a
 * running guest: event-channel bitmaps, grant flags, ring indices. They are atomic with respect
 * to the guest's own LOCK-prefixed instructions on the same words, on both engines, because both
 * reach the same native memory. Every address is checked to be naturally aligned RAM first.
 */
public final class GuestAtomics {
    private static final sun.misc.Unsafe U = NativeAccess.UNSAFE;

    private GuestAtomics() {
    }

    private static long address(GuestMemory memory, long gpa, int size) {
        if ((gpa & (size - 1)) != 0) {
            throw new GuestMemoryException(String.format("0x%x is not %d-byte aligned", gpa, size));
        }
        long page = memory.hostPageAddress(gpa);
        if (page < 0) {
            throw new GuestMemoryException(String.format("0x%x is not RAM", gpa));
        }
        return page + (gpa & (GuestMemory.PAGE_SIZE - 1));
    }

    public static long getAndOrU64(GuestMemory memory, long gpa, long bits) {
        long a = address(memory, gpa, 8);
        while (true) {
            long current = U.getLongVolatile(null, a);
            if ((current | bits) == current || U.compareAndSwapLong(null, a, current, current | bits)) {
                return current;
            }
        }
    }

    public static long getAndAndU64(GuestMemory memory, long gpa, long bits) {
        long a = address(memory, gpa, 8);
        while (true) {
            long current = U.getLongVolatile(null, a);
            if ((current & bits) == current || U.compareAndSwapLong(null, a, current, current & bits)) {
                return current;
            }
        }
    }

    public static long getAndSetU64(GuestMemory memory, long gpa, long value) {
        return U.getAndSetLong(null, address(memory, gpa, 8), value);
    }

    public static long readU64Volatile(GuestMemory memory, long gpa) {
        return U.getLongVolatile(null, address(memory, gpa, 8));
    }

    /** Reads a 32-bit value with acquire semantics: later reads are not moved before it. */
    public static long readU32Acquire(GuestMemory memory, long gpa) {
        return U.getIntVolatile(null, address(memory, gpa, 4)) & 0xFFFFFFFFL;
    }

    /** Writes a 32-bit value with release semantics: earlier writes are visible before it. */
    public static void writeU32Release(GuestMemory memory, long gpa, long value) {
        U.putOrderedInt(null, address(memory, gpa, 4), (int) value);
    }

    public static int readU8Volatile(GuestMemory memory, long gpa) {
        return U.getByteVolatile(null, address(memory, gpa, 1)) & 0xFF;
    }

    public static void writeU8Volatile(GuestMemory memory, long gpa, int value) {
        U.putByteVolatile(null, address(memory, gpa, 1), (byte) value);
    }

    public static int readU16Volatile(GuestMemory memory, long gpa) {
        return U.getShortVolatile(null, address(memory, gpa, 2)) & 0xFFFF;
    }

    /** Sets the 32-bit value at {@code gpa} to {@code update} if it is {@code expect}. */
    public static boolean compareAndSetU32(GuestMemory memory, long gpa, long expect, long update) {
        return U.compareAndSwapInt(null, address(memory, gpa, 4), (int) expect, (int) update);
    }

    /**
     * Sets the 16-bit value at {@code gpa} to {@code update} if it is {@code expect}. Done as a
     * 32-bit compare-and-set on the aligned word holding it, retried while only the other half
     * changes, so the neighbouring 16 bits are never disturbed.
     */
    public static boolean compareAndSetU16(GuestMemory memory, long gpa, int expect, int update) {
        long word = address(memory, gpa & ~3L, 4);
        int shift = (int) (gpa & 2) * 8;
        int mask = 0xFFFF << shift;
        if ((gpa & 1) != 0) {
            throw new GuestMemoryException(String.format("0x%x is not 2-byte aligned", gpa));
        }
        while (true) {
            int current = U.getIntVolatile(null, word);
            if (((current & mask) >>> shift) != (expect & 0xFFFF)) {
                return false;
            }
            int next = (current & ~mask) | ((update & 0xFFFF) << shift);
            if (U.compareAndSwapInt(null, word, current, next)) {
                return true;
            }
        }
    }
}
