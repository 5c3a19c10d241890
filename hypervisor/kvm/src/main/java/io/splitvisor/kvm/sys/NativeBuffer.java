package io.splitvisor.kvm.sys;

import io.splitvisor.engine.NativeAccess;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A zeroed, little-endian direct buffer used as an ioctl argument: allocated once per structure and reused, so
 * the run loop allocates nothing. The native binding passes its address; a fake binding reads the buffer.
 */
public final class NativeBuffer {
    private final ByteBuffer buffer;
    private final long address;
    /** The binding's cached pointer object for this buffer (a JNA Pointer for the native binding). */
    Object handle;

    public NativeBuffer(int size) {
        this.buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
        this.address = NativeAccess.address(buffer);
    }

    /** Absolute-indexed view of the structure (position and limit are not used). */
    public ByteBuffer bytes() {
        return buffer;
    }

    public long address() {
        return address;
    }

    public int size() {
        return buffer.capacity();
    }

    /** Sets every byte to zero. */
    public NativeBuffer clear() {
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, (byte) 0);
        }
        return this;
    }
}
