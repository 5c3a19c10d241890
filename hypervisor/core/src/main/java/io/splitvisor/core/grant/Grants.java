package io.splitvisor.core.grant;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.GrantCopyOp;
import io.splitvisor.abi.proto.GrantCopySegment;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.core.StatusException;
import io.splitvisor.engine.GuestMemory;

import java.util.function.IntFunction;

/**
 * Grant map, unmap and copy across domains (ABI.md section 6, "Grant tables"), for guests through
 * hypercalls and for Java code (dom0's backends) directly.
 */
public final class Grants {
    private static final int PAGE = AbiConstants.PAGE_SIZE;
    private final IntFunction<GrantDomain> domains;
    private final ThreadLocal<byte[]> copyBuffer = ThreadLocal.withInitial(() -> new byte[PAGE]);

    public Grants(IntFunction<GrantDomain> domains) {
        this.domains = domains;
    }

    private GrantTable granterTable(GrantDomain caller, int domid) {
        GrantDomain granter = domid == AbiConstants.DOMID_SELF || domid == caller.domid() ? caller : domains.apply(domid);
        if (granter == null || !granter.alive()) {
            throw new StatusException(Status.STATUS_ESRCH, "no domain " + domid);
        }
        if (granter.grantTable() == null) {
            throw new StatusException(Status.STATUS_EINVAL, "domain " + domid + " has no grant table");
        }
        return granter.grantTable();
    }

    /** Maps a grant into a guest's grant-map window at {@code guestAddr}; returns the handle. */
    public int mapIntoGuest(GrantDomain mapper, int granterDomid, int ref, long guestAddr, boolean readonly) {
        GrantTable granter = granterTable(mapper, granterDomid);
        if (readonly) {
            // Engines cannot yet write-protect a single guest-physical page, so a guest could make
            // a read-only mapping writable through its own page tables. Copy such grants instead.
            throw new StatusException(Status.STATUS_EACCES, "read-only grants cannot be mapped by guests; use grant copy");
        }
        mapper.maps().claimWindowPage(guestAddr);
        long page;
        try {
            page = granter.pin(mapper.domid(), ref, true);
        } catch (StatusException e) {
            mapper.maps().releaseWindowPage(guestAddr);
            throw e;
        }
        int handle;
        try {
            handle = mapper.maps().add(new GrantMaps.Mapping(granter, ref, true, guestAddr, null));
        } catch (StatusException e) {
            granter.unpin(ref, true);
            mapper.maps().releaseWindowPage(guestAddr);
            throw e;
        }
        mapper.memory().mapForeignPage(guestAddr, granter.memory(), page);
        return handle;
    }

    /** Maps a grant for Java code running as {@code mapper} (dom0's backends). */
    public GrantedPage mapForHost(GrantDomain mapper, int granterDomid, int ref, boolean readonly) {
        GrantTable granter = granterTable(mapper, granterDomid);
        long page = granter.pin(mapper.domid(), ref, !readonly);
        GrantedPage[] view = new GrantedPage[1];
        try {
            mapper.maps().add(handle -> {
                view[0] = new GrantedPage(handle, granter.memory(), page, !readonly);
                return new GrantMaps.Mapping(granter, ref, !readonly, -1, view[0]);
            });
        } catch (StatusException e) {
            granter.unpin(ref, !readonly);
            throw e;
        }
        return view[0];
    }

    /** Removes mapping {@code handle} of {@code mapper} and unpins its grant. */
    public void unmap(GrantDomain mapper, int handle) {
        GrantMaps.Mapping m = mapper.maps().remove(handle);
        if (m.guestAddr() >= 0) {
            mapper.memory().unmapForeignPage(m.guestAddr());
        }
        if (m.hostView() != null) {
            m.hostView().invalidate();
        }
        m.granter().unpin(m.ref(), m.write());
    }

    /** Removes every mapping of a dying domain. */
    public void unmapAll(GrantDomain mapper) {
        for (int handle : mapper.maps().handles()) {
            unmap(mapper, handle);
        }
    }

    /** One copy of a GrantCopy hypercall; returns its status, never throws for a bad argument. */
    public Status copy(GrantDomain caller, GrantCopyOp op) {
        int length = op.getLength();
        if (length < 0 || length > PAGE) {
            return Status.STATUS_EXDEV;
        }
        Side src = null;
        Side dst = null;
        try {
            src = Side.open(this, caller, op.getSource(), length, false);
            dst = Side.open(this, caller, op.getDest(), length, true);
            byte[] buffer = copyBuffer.get();
            src.memory.read(src.address, buffer, 0, length);
            dst.memory.write(dst.address, buffer, 0, length);
            return Status.STATUS_OK;
        } catch (StatusException e) {
            return e.status();
        } finally {
            if (src != null) {
                src.close();
            }
            if (dst != null) {
                dst.close();
            }
        }
    }

    /** Copies from a granted page into {@code dst}, as dom0's backends do for writes. */
    public void copyFromGrant(GrantDomain caller, int granterDomid, int ref, int offset, byte[] dst, int dstOffset, int length) {
        GrantTable granter = granterTable(caller, granterDomid);
        checkInPage(offset, length);
        long page = granter.pin(caller.domid(), ref, false);
        try {
            granter.memory().read(page + offset, dst, dstOffset, length);
        } finally {
            granter.unpin(ref, false);
        }
    }

    /** Copies {@code src} into a granted page, as dom0's backends do for reads. */
    public void copyToGrant(GrantDomain caller, int granterDomid, int ref, int offset, byte[] src, int srcOffset, int length) {
        GrantTable granter = granterTable(caller, granterDomid);
        checkInPage(offset, length);
        long page = granter.pin(caller.domid(), ref, true);
        try {
            granter.memory().write(page + offset, src, srcOffset, length);
        } finally {
            granter.unpin(ref, true);
        }
    }

    private static void checkInPage(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > PAGE) {
            throw new StatusException(Status.STATUS_EXDEV, "offset " + offset + " + length " + length + " crosses the page");
        }
    }

    /** One resolved side of a copy, pinned until closed. */
    private static final class Side {
        final GuestMemory memory;
        final long address;
        final GrantTable pinned;
        final int ref;
        final boolean write;

        private Side(GuestMemory memory, long address, GrantTable pinned, int ref, boolean write) {
            this.memory = memory;
            this.address = address;
            this.pinned = pinned;
            this.ref = ref;
            this.write = write;
        }

        static Side open(Grants grants, GrantDomain caller, GrantCopySegment s, int length, boolean write) {
            checkInPage(s.getOffset(), length);
            if (s.getTargetCase() == GrantCopySegment.TargetCase.REF) {
                GrantTable granter = grants.granterTable(caller, s.getDomid());
                long page = granter.pin(caller.domid(), s.getRef(), write);
                return new Side(granter.memory(), page + s.getOffset(), granter, s.getRef(), write);
            }
            if (s.getTargetCase() != GrantCopySegment.TargetCase.GPA) {
                throw new StatusException(Status.STATUS_EINVAL, "a copy segment names neither a grant ref nor an address");
            }
            if (s.getDomid() != AbiConstants.DOMID_SELF && s.getDomid() != caller.domid()) {
                throw new StatusException(Status.STATUS_EACCES, "addresses may only name the caller's own memory");
            }
            GuestMemory own = caller.memory();
            long address = s.getGpa() + s.getOffset();
            if (own == null || s.getGpa() < 0 || address < 0) {
                throw new StatusException(Status.STATUS_EFAULT, "no such address in the caller's memory");
            }
            if ((address & (PAGE - 1)) + length > PAGE) {
                throw new StatusException(Status.STATUS_EXDEV, String.format("0x%x + %d crosses a page", address, length));
            }
            if (!own.isRamRange(address, length)) {
                throw new StatusException(Status.STATUS_EFAULT, String.format("0x%x is not in the caller's memory", address));
            }
            return new Side(own, address, null, 0, write);
        }

        void close() {
            if (pinned != null) {
                pinned.unpin(ref, write);
            }
        }
    }
}
