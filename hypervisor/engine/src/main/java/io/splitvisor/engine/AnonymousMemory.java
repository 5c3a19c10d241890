package io.splitvisor.engine;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Page-aligned native memory for guest RAM. On Linux it is a private anonymous mapping
 * ({@code mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)}): nothing is touched up front, the kernel supplies a
 * zeroed page when one is first used, and {@code munmap} returns it all at once. Elsewhere (or if the JNA native
 * library cannot be loaded) it falls back to {@link ByteBuffer#allocateDirect}, which zeroes everything up front and
 * is freed only when the garbage collector finds the buffer unreachable.
 */
final class AnonymousMemory {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final long MAP_FAILED = -1;

    /** Why mmap is not used, or null when it is. */
    static final String FALLBACK_REASON = probe();

    private AnonymousMemory() {
    }

    private static String probe() {
        try {
            if (!Platform.isLinux() || !Platform.is64Bit()) {
                return "not 64-bit Linux";
            }
            long a = LibC.mmap(0, GuestMemory.PAGE_SIZE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            LibC.munmap(a, GuestMemory.PAGE_SIZE);
            return null;
        } catch (LinkageError | LastErrorException e) {
            return "mmap is unavailable: " + e;
        }
    }

    static boolean mapped() {
        return FALLBACK_REASON == null;
    }

    /** One allocation: its page-aligned native address and, for the fallback, the buffer that owns it. */
    record Block(long address, long length, ByteBuffer owner) {
        /** A little-endian view of {@code [offset, offset + size)} (size at most 2 GiB - 1). */
        ByteBuffer view(long offset, int size) {
            if (owner == null) {
                return new Pointer(address + offset).getByteBuffer(0, size).order(ByteOrder.LITTLE_ENDIAN);
            }
            int skip = (int) (address - NativeAccess.address(owner) + offset);
            return owner.duplicate().position(skip).limit(skip + size).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Zero-filled, page-aligned memory of {@code length} bytes (a multiple of the page size). */
    static Block allocate(long length) {
        if (mapped()) {
            long a;
            try {
                a = LibC.mmap(0, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            } catch (LastErrorException e) {
                throw new OutOfMemoryError("mmap of " + length + " bytes of guest RAM failed: errno " + e.getErrorCode());
            }
            if (a == MAP_FAILED || a == 0) {
                throw new OutOfMemoryError("mmap of " + length + " bytes of guest RAM failed");
            }
            return new Block(a, length, null);
        }
        if (length > Integer.MAX_VALUE - GuestMemory.PAGE_SIZE) {
            throw new OutOfMemoryError("regions over 2 GiB need mmap (" + FALLBACK_REASON + ")");
        }
        ByteBuffer raw = ByteBuffer.allocateDirect((int) length + GuestMemory.PAGE_SIZE);
        long addr = NativeAccess.address(raw);
        long aligned = (addr + GuestMemory.PAGE_SIZE - 1) & GuestMemory.PAGE_MASK;
        return new Block(aligned, length, raw);
    }

    /** Returns the memory of a block (once; the fallback's buffer is left to the garbage collector). */
    static void free(Block b) {
        if (b.owner() == null) {
            try {
                if (LibC.munmap(b.address(), b.length()) != 0) {
                    throw new IllegalStateException("munmap failed");
                }
            } catch (LastErrorException e) {
                throw new IllegalStateException("munmap of guest RAM at 0x" + Long.toHexString(b.address())
                        + " failed: errno " + e.getErrorCode());
            }
        }
    }

    /** The C library's mmap and munmap, direct-mapped (no per-call reflection). */
    private static final class LibC {
        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        static native long mmap(long addr, long length, int prot, int flags, int fd, long offset)
                throws LastErrorException;

        static native int munmap(long addr, long length) throws LastErrorException;
    }
}
