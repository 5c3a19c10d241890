package io.splitvisor.core.grant;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.core.memory.GuestAtomics;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.GuestMemoryException;

/**
 * Another domain's granted page as Java code (dom0's backends) sees it while it is mapped: every
 * access is bounds-checked to the page, writes are refused for a read-only mapping, and nothing
 * works after the unmap.
 */
public final class GrantedPage {
    private final int handle;
    private final GuestMemory memory;
    private final long page;
    private final boolean writable;
    private volatile boolean mapped = true;

    GrantedPage(int handle, GuestMemory memory, long page, boolean writable) {
        this.handle = handle;
        this.memory = memory;
        this.page = page;
        this.writable = writable;
    }

    public int handle() {
        return handle;
    }

    public boolean writable() {
        return writable;
    }

    void invalidate() {
        mapped = false;
    }

    private long at(int offset, int length, boolean write) {
        if (!mapped) {
            throw new GuestMemoryException("grant mapping " + handle + " was unmapped");
        }
        if (write && !writable) {
            throw new GuestMemoryException("grant mapping " + handle + " is read-only");
        }
        if (offset < 0 || length < 0 || offset + length > AbiConstants.PAGE_SIZE) {
            throw new GuestMemoryException("offset " + offset + " length " + length + " lies outside the granted page");
        }
        return page + offset;
    }

    public void read(int offset, byte[] dst, int dstOffset, int length) {
        memory.read(at(offset, length, false), dst, dstOffset, length);
    }

    public void write(int offset, byte[] src, int srcOffset, int length) {
        memory.write(at(offset, length, true), src, srcOffset, length);
    }

    public int readU8(int offset) {
        return memory.readU8(at(offset, 1, false));
    }

    public int readU16(int offset) {
        return memory.readU16(at(offset, 2, false));
    }

    public long readU32(int offset) {
        return memory.readU32(at(offset, 4, false));
    }

    public long readU64(int offset) {
        return memory.readU64(at(offset, 8, false));
    }

    public void writeU8(int offset, int value) {
        memory.writeU8(at(offset, 1, true), value);
    }

    public void writeU16(int offset, int value) {
        memory.writeU16(at(offset, 2, true), value);
    }

    public void writeU32(int offset, long value) {
        memory.writeU32(at(offset, 4, true), value);
    }

    public void writeU64(int offset, long value) {
        memory.writeU64(at(offset, 8, true), value);
    }

    /** A producer or consumer index read: later reads of the page are not moved before it. */
    public long readU32Acquire(int offset) {
        return GuestAtomics.readU32Acquire(memory, at(offset, 4, false));
    }

    /** A producer or consumer index write: earlier writes to the page are visible before it. */
    public void writeU32Release(int offset, long value) {
        GuestAtomics.writeU32Release(memory, at(offset, 4, true), value);
    }
}
