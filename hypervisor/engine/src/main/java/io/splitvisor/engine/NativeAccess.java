package io.splitvisor.engine;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Raw native memory access for engines. Every address handed to these methods must come from
 * {@link GuestMemory#hostPageAddress(long)} plus an in-page offset: nothing else is ever valid.
 */
@SuppressWarnings("removal")
public final class NativeAccess {
    public static final sun.misc.Unsafe UNSAFE;
    private static final long BUFFER_ADDRESS;

    static {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            UNSAFE = (sun.misc.Unsafe) f.get(null);
            BUFFER_ADDRESS = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private NativeAccess() {
    }

    /** The native address of a direct buffer's first byte. */
    public static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return UNSAFE.getLong(direct, BUFFER_ADDRESS);
    }
}
