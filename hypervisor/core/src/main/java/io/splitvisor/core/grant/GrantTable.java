package io.splitvisor.core.grant;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.layout.GrantEntryLayout;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.core.StatusException;
import io.splitvisor.core.memory.GuestAtomics;
import io.splitvisor.engine.GuestMemory;

/**
 * The granting side of one domain's grants: its entries live in its own memory (ABI.md section
 * 8); this class validates an entry and pins it while another domain maps or copies the page.
 * While pinned, GTF_READING (and for writers GTF_WRITING) stay set in the entry, so the granter's
 * compare-and-set revoke fails, which is the rule that makes revoking safe.
 * <p>
 * Each pin also holds a reference to the granter's memory ({@link GuestMemory#retain()}), so a dom0 backend using a
 * mapped grant, or a grant copy in flight, never touches freed memory even if the granter is destroyed meanwhile:
 * the memory goes when the last pin does.
 */
public final class GrantTable {
    private final int domid;
    private final GuestMemory memory;
    private final long tableGpa;
    private final int entries;
    private final long ownRamEnd;
    private final int[] readPins;
    private final int[] writePins;

    /**
     * @param ownRamEnd the end of the granter's own RAM: frames must lie below it, so a page mapped
     *                  from a third domain (in the grant-map window) cannot be passed on
     */
    public GrantTable(int domid, GuestMemory memory, long tableGpa, int frames, long ownRamEnd) {
        this.domid = domid;
        this.memory = memory;
        this.tableGpa = tableGpa;
        this.entries = frames * AbiConstants.GRANT_ENTRIES_PER_PAGE;
        this.ownRamEnd = ownRamEnd;
        this.readPins = new int[entries];
        this.writePins = new int[entries];
    }

    public int domid() {
        return domid;
    }

    public int entries() {
        return entries;
    }

    public GuestMemory memory() {
        return memory;
    }

    /**
     * Pins entry {@code ref} for {@code grantee}; returns the guest-physical address of the granted
     * page. EINVAL for a ref out of range, EACCES for an entry that is not a valid grant to the
     * grantee, EROFS for a write pin of a read-only grant.
     */
    public synchronized long pin(int grantee, int ref, boolean write) {
        if (ref < 0 || ref >= entries) {
            throw new StatusException(Status.STATUS_EINVAL, "grant ref " + ref + " of domain " + domid
                    + " is outside its table of " + entries);
        }
        if (!memory.tryRetain()) {
            throw new StatusException(Status.STATUS_ESRCH, "domain " + domid + " is gone");
        }
        try {
            return pinRetained(grantee, ref, write);
        } catch (RuntimeException e) {
            memory.release();
            throw e;
        }
    }

    private long pinRetained(int grantee, int ref, boolean write) {
        long entry = tableGpa + (long) ref * GrantEntryLayout.SIZE;
        while (true) {
            long word = GuestAtomics.readU32Acquire(memory, entry);
            int flags = (int) (word & 0xFFFF);
            int allowed = (int) (word >>> 16);
            if ((flags & AbiConstants.GTF_TYPE_MASK) != AbiConstants.GTF_PERMIT_ACCESS) {
                throw new StatusException(Status.STATUS_EACCES, "grant ref " + ref + " of domain " + domid + " is not a valid grant");
            }
            if (allowed != grantee) {
                throw new StatusException(Status.STATUS_EACCES, "grant ref " + ref + " of domain " + domid
                        + " is for domain " + allowed + ", not " + grantee);
            }
            if (write && (flags & AbiConstants.GTF_READONLY) != 0) {
                throw new StatusException(Status.STATUS_EROFS, "grant ref " + ref + " of domain " + domid + " is read-only");
            }
            int busy = AbiConstants.GTF_READING | (write ? AbiConstants.GTF_WRITING : 0);
            if (GuestAtomics.compareAndSetU32(memory, entry, word, word | busy)) {
                break;
            }
        }
        long frame = GuestAtomics.readU32Acquire(memory, entry + GrantEntryLayout.FRAME);
        long gpa = frame << AbiConstants.PAGE_SHIFT;
        if (gpa >= ownRamEnd || !memory.isRam(gpa)) {
            unpinFlags(ref);
            throw new StatusException(Status.STATUS_EACCES, String.format(
                    "grant ref %d of domain %d names frame 0x%x, which is not its own RAM", ref, domid, frame));
        }
        if (write) {
            writePins[ref]++;
        } else {
            readPins[ref]++;
        }
        return gpa;
    }

    /**
     * Drops one pin taken by {@link #pin}; clears the in-use flags with the last one, and drops the pin's reference
     * to the granter's memory.
     */
    public synchronized void unpin(int ref, boolean write) {
        if (write) {
            writePins[ref]--;
        } else {
            readPins[ref]--;
        }
        try {
            unpinFlags(ref);
        } finally {
            memory.release();
        }
    }

    private void unpinFlags(int ref) {
        int clear = (writePins[ref] == 0 ? AbiConstants.GTF_WRITING : 0)
                | (readPins[ref] + writePins[ref] == 0 ? AbiConstants.GTF_READING : 0);
        if (clear == 0) {
            return;
        }
        long entry = tableGpa + (long) ref * GrantEntryLayout.SIZE;
        while (true) {
            int flags = GuestAtomics.readU16Volatile(memory, entry);
            if ((flags & clear) == 0 || GuestAtomics.compareAndSetU16(memory, entry, flags, flags & ~clear)) {
                return;
            }
        }
    }

    /** Pins currently held on {@code ref}, for tests and diagnostics. */
    public synchronized int pins(int ref) {
        return readPins[ref] + writePins[ref];
    }
}
