package io.splitvisor.core.grant;

import io.splitvisor.abi.proto.Status;
import io.splitvisor.core.StatusException;

import java.util.ArrayList;
import java.util.List;

/**
 * One domain's mappings of other domains' grants, by handle (Xen's maptrack). Bounded per
 * domain; a guest mapper also owns the pages of its grant-map window.
 */
public final class GrantMaps {
    /** One live mapping. {@code guestAddr} is -1 for a mapping made by Java code. */
    record Mapping(GrantTable granter, int ref, boolean write, long guestAddr, GrantedPage hostView) {
    }

    private final Mapping[] handles;
    private final long windowBase;
    private final boolean[] windowUsed;

    /** @param windowBase the grant-map window of a guest mapper, or -1 when it has none */
    public GrantMaps(int limit, long windowBase, int windowPages) {
        this.handles = new Mapping[limit];
        this.windowBase = windowBase;
        this.windowUsed = new boolean[Math.max(windowPages, 0)];
    }

    synchronized int add(Mapping m) {
        return add(h -> m);
    }

    /** Adds the mapping {@code make} builds for its handle. */
    synchronized int add(java.util.function.IntFunction<Mapping> make) {
        for (int h = 0; h < handles.length; h++) {
            if (handles[h] == null) {
                handles[h] = make.apply(h);
                return h;
            }
        }
        throw new StatusException(Status.STATUS_ENOSPC, "all " + handles.length + " grant mappings are in use");
    }

    synchronized Mapping remove(int handle) {
        if (handle < 0 || handle >= handles.length || handles[handle] == null) {
            throw new StatusException(Status.STATUS_ENOENT, "no grant mapping with handle " + handle);
        }
        Mapping m = handles[handle];
        handles[handle] = null;
        if (m.guestAddr() >= 0) {
            windowUsed[windowIndex(m.guestAddr())] = false;
        }
        return m;
    }

    /** Claims the window page at {@code guestAddr}; EINVAL if it is not a free page of the window. */
    synchronized void claimWindowPage(long guestAddr) {
        int index = windowIndex(guestAddr);
        if (windowBase < 0 || (guestAddr & 0xFFF) != 0 || index < 0 || index >= windowUsed.length) {
            throw new StatusException(Status.STATUS_EINVAL, String.format(
                    "0x%x is not a page of this domain's grant-map window", guestAddr));
        }
        if (windowUsed[index]) {
            throw new StatusException(Status.STATUS_EBUSY, String.format("0x%x already holds a mapping", guestAddr));
        }
        windowUsed[index] = true;
    }

    synchronized void releaseWindowPage(long guestAddr) {
        windowUsed[windowIndex(guestAddr)] = false;
    }

    private int windowIndex(long guestAddr) {
        long offset = guestAddr - windowBase;
        return offset < 0 || offset >= (long) windowUsed.length << 12 ? -1 : (int) (offset >>> 12);
    }

    /** Every handle in use, for teardown. */
    synchronized List<Integer> handles() {
        List<Integer> out = new ArrayList<>();
        for (int h = 0; h < handles.length; h++) {
            if (handles[h] != null) {
                out.add(h);
            }
        }
        return out;
    }

    public synchronized int count() {
        return handles().size();
    }
}
