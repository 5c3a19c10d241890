package io.splitvisor.frontend;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.layout.GrantEntryLayout;
import io.splitvisor.backend.xenbus.StoreIO;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.evtchn.HostEventSink;
import io.splitvisor.core.memory.GuestAtomics;
import io.splitvisor.core.memory.GuestPhysicalMap;
import io.splitvisor.engine.GuestMemory;

import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A domain driven from Java that plays a guest for Java frontends: its pages are its own guest
 * memory, it grants them to dom0 through grant entries in its own grant table (written exactly as
 * a C guest writes them), its events arrive through a {@link HostEventSink}, and it talks to the
 * store as itself (so store permissions apply to it as to a guest).
 */
public final class FrontendDomain implements AutoCloseable {
    private static final long FIRST_PAGE = AbiConstants.GUEST_LINK_ADDRESS;
    private static final int PAGE = AbiConstants.PAGE_SIZE;

    private final Hypervisor hypervisor;
    private final Domain domain;
    private final GuestMemory memory;
    private final StoreIO store;
    private final Deque<Long> freePages = new ArrayDeque<>();
    private final Deque<Integer> freeRefs = new ArrayDeque<>();
    private final long memoryBytes;
    private long nextPage = FIRST_PAGE;
    private int nextRef = AbiConstants.GRANT_RESERVED_ENTRIES;

    private FrontendDomain(Hypervisor hypervisor, Domain domain, long memoryBytes) {
        this.hypervisor = hypervisor;
        this.domain = domain;
        this.memory = domain.memory();
        this.memoryBytes = memoryBytes;
        this.store = new StoreIO(hypervisor.store(), domain.domid());
    }

    /** Creates a host domain with {@code memoryBytes} of memory (at least 2 MiB). */
    public static FrontendDomain create(Hypervisor hypervisor, String name, long memoryBytes) {
        return new FrontendDomain(hypervisor, hypervisor.createHostDomain(name, memoryBytes), memoryBytes);
    }

    public Hypervisor hypervisor() {
        return hypervisor;
    }

    public Domain domain() {
        return domain;
    }

    public int domid() {
        return domain.domid();
    }

    public GuestMemory memory() {
        return memory;
    }

    /** The store, as this domain. */
    public StoreIO store() {
        return store;
    }

    // ---- pages --------------------------------------------------------------------------------------------

    /** A zeroed page of this domain's memory; returns its guest-physical address. */
    public synchronized long allocPage() {
        long gpa;
        if (!freePages.isEmpty()) {
            gpa = freePages.pop();
        } else {
            if (nextPage + PAGE > memoryBytes) {
                throw new FrontendException(domain + " is out of pages");
            }
            gpa = nextPage;
            nextPage += PAGE;
        }
        memory.fill(gpa, PAGE, (byte) 0);
        return gpa;
    }

    public synchronized void freePage(long gpa) {
        freePages.push(gpa);
    }

    // ---- grants (ABI.md section 8) ------------------------------------------------------------------------

    /** Grants {@code domid} access to the page at {@code gpa}: domid and frame, a release fence, then flags. */
    public int grant(int domid, long gpa, boolean readonly) {
        int ref;
        synchronized (this) {
            if (!freeRefs.isEmpty()) {
                ref = freeRefs.pop();
            } else {
                if (nextRef >= GuestPhysicalMap.GRANT_FRAMES * AbiConstants.GRANT_ENTRIES_PER_PAGE) {
                    throw new FrontendException(domain + " has no free grant references");
                }
                ref = nextRef++;
            }
        }
        long entry = entry(ref);
        memory.writeU16(entry + GrantEntryLayout.DOMID, domid);
        memory.writeU32(entry + GrantEntryLayout.FRAME, gpa >>> AbiConstants.PAGE_SHIFT);
        VarHandle.releaseFence();   // domid and frame are visible before the flags that validate them
        memory.writeU16(entry + GrantEntryLayout.FLAGS,
                AbiConstants.GTF_PERMIT_ACCESS | (readonly ? AbiConstants.GTF_READONLY : 0));
        return ref;
    }

    /**
     * Revokes grant {@code ref} with a compare-and-set of its flags to 0, and frees the reference;
     * returns false (nothing changed) while the grantee maps or copies the page.
     */
    public boolean endGrant(int ref) {
        long entry = entry(ref);
        int flags = GuestAtomics.readU16Volatile(memory, entry + GrantEntryLayout.FLAGS);
        if ((flags & (AbiConstants.GTF_READING | AbiConstants.GTF_WRITING)) != 0
                || !GuestAtomics.compareAndSetU16(memory, entry + GrantEntryLayout.FLAGS, flags, 0)) {
            return false;
        }
        synchronized (this) {
            freeRefs.push(ref);
        }
        return true;
    }

    /** The current flags of grant entry {@code ref}. */
    public int grantFlags(int ref) {
        return GuestAtomics.readU16Volatile(memory, entry(ref) + GrantEntryLayout.FLAGS);
    }

    private static long entry(int ref) {
        return GuestPhysicalMap.GRANT_TABLE + (long) ref * GrantEntryLayout.SIZE;
    }

    // ---- event channels -----------------------------------------------------------------------------------

    /** A port {@code remote} may bind to. */
    public int allocUnbound(int remote) {
        return hypervisor.events().allocUnbound(domain, remote);
    }

    /** Runs {@code handler} on the event executor once per pending edge of {@code port}; null removes it. */
    public void onEvent(int port, Runnable handler) {
        ((HostEventSink) domain.sink()).setHandler(port, handler == null ? null : p -> handler.run());
    }

    /** Sends on {@code port}. */
    public void notify(int port) {
        hypervisor.events().send(domain, port);
    }

    public void closePort(int port) {
        hypervisor.events().close(domain, port);
    }

    /** Destroys the domain (as a guest crash or shutdown would end it). */
    @Override
    public void close() {
        if (hypervisor.domain(domain.domid()) == domain) {
            hypervisor.destroy(domain);
        }
    }

    @Override
    public String toString() {
        return domain.toString();
    }
}
