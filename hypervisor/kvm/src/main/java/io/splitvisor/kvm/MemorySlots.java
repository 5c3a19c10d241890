package io.splitvisor.kvm;

import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.GuestMemoryListener;
import io.splitvisor.kvm.abi.KvmIoctl;
import io.splitvisor.kvm.abi.KvmUserspaceMemoryRegion;
import io.splitvisor.kvm.sys.KvmException;
import io.splitvisor.kvm.sys.KvmSyscalls;
import io.splitvisor.kvm.sys.NativeBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VM's memory slots: each native chunk of the domain's {@link GuestMemory} is registered at its own host address
 * (no copy: KVM and the host accessors use the same pages). A page re-pointed at another domain's page (a grant
 * mapping) splits its chunk's slot around a one-page slot on the source page. When the slots run out, such a page
 * is left out of every slot instead: the guest's accesses to it then exit as MMIO and the engine performs them on
 * the guest memory (slower, but they reach the right page).
 * <p>
 * Mapping changes arrive from {@link GuestMemoryListener#mappingChanged} (on the thread that mapped, normally the
 * vCPU thread in a grant hypercall) and are applied by {@link #sync()} before the next KVM_RUN.
 */
final class MemorySlots implements GuestMemoryListener {
    private static final Logger LOG = LoggerFactory.getLogger(MemorySlots.class);

    private record Slot(long gpa, long size, long host) {
    }

    private final KvmSyscalls sys;
    private final int vmFd;
    private final GuestMemory memory;
    private final int maxSlots;
    private final NativeBuffer region = new NativeBuffer(KvmUserspaceMemoryRegion.SIZE);
    /** Slot number to what it maps now. */
    private final Map<Integer, Slot> installed = new TreeMap<>();
    private final BitSet used = new BitSet();
    /** Guest pages (page address) showing a page other than their own, with that page's host address. */
    private final TreeMap<Long, Long> foreign = new TreeMap<>();
    private volatile boolean stale = true;
    private boolean warnedFull;

    MemorySlots(KvmSyscalls sys, int vmFd, GuestMemory memory, int maxSlots) {
        this.sys = sys;
        this.vmFd = vmFd;
        this.memory = memory;
        this.maxSlots = maxSlots;
    }

    @Override
    public void codeWritten(long firstPage, long lastPage) {
        // KVM executes from the pages themselves: nothing is cached here
    }

    @Override
    public synchronized void mappingChanged(long page) {
        long host = memory.hostPageAddress(page);
        if (host < 0 || host == ownHost(page)) {
            foreign.remove(page);
        } else {
            foreign.put(page, host);
        }
        stale = true;
    }

    /** Brings the kernel's slots in line with the memory's current mapping (cheap when nothing changed). */
    void sync() {
        if (stale) {
            apply();
        }
    }

    private synchronized void apply() {
        stale = false;
        List<Slot> wanted = layout();
        if (wanted.size() > maxSlots) {
            if (!warnedFull) {
                warnedFull = true;
                LOG.warn("the guest's memory needs {} KVM memory slots but {} exist: mapped pages beyond them are "
                        + "reached through MMIO exits (slow)", wanted.size(), maxSlots);
            }
            wanted = new ArrayList<>(wanted.subList(0, maxSlots));
        }
        // delete first: KVM refuses overlapping slots
        List<Integer> gone = new ArrayList<>();
        for (Map.Entry<Integer, Slot> e : installed.entrySet()) {
            if (!wanted.remove(e.getValue())) {
                gone.add(e.getKey());
            }
        }
        for (int slot : gone) {
            set(slot, new Slot(installed.get(slot).gpa(), 0, 0));
            installed.remove(slot);
            used.clear(slot);
        }
        for (Slot s : wanted) {
            int slot = used.nextClearBit(0);
            set(slot, s);
            installed.put(slot, s);
            used.set(slot);
        }
    }

    /** The chunks, with every foreign page cut out of them and given a slot of its own. */
    private List<Slot> layout() {
        List<Slot> list = new ArrayList<>();
        List<Slot> singles = new ArrayList<>();
        for (GuestMemory.Chunk c : memory.chunks()) {
            long start = c.guestBase();
            long end = c.guestBase() + c.size();
            for (Map.Entry<Long, Long> f : foreign.subMap(start, end).entrySet()) {
                long page = f.getKey();
                if (page > start) {
                    list.add(new Slot(start, page - start, c.hostAddress() + (start - c.guestBase())));
                }
                singles.add(new Slot(page, GuestMemory.PAGE_SIZE, f.getValue()));
                start = page + GuestMemory.PAGE_SIZE;
            }
            if (end > start) {
                list.add(new Slot(start, end - start, c.hostAddress() + (start - c.guestBase())));
            }
        }
        list.addAll(singles);   // RAM first: if slots run out, only mapped pages fall back to MMIO
        return list;
    }

    private long ownHost(long page) {
        for (GuestMemory.Chunk c : memory.chunks()) {
            if (page >= c.guestBase() && page < c.guestBase() + c.size()) {
                return c.hostAddress() + (page - c.guestBase());
            }
        }
        return -1;
    }

    private void set(int slot, Slot s) {
        java.nio.ByteBuffer b = region.bytes();
        b.putInt(KvmUserspaceMemoryRegion.SLOT, slot);
        b.putInt(KvmUserspaceMemoryRegion.FLAGS, 0);
        b.putLong(KvmUserspaceMemoryRegion.GUEST_PHYS_ADDR, s.gpa());
        b.putLong(KvmUserspaceMemoryRegion.MEMORY_SIZE, s.size());
        b.putLong(KvmUserspaceMemoryRegion.USERSPACE_ADDR, s.host());
        long r = sys.ioctl(vmFd, KvmIoctl.KVM_SET_USER_MEMORY_REGION, region);
        if (r < 0) {
            throw KvmException.of(String.format("KVM_SET_USER_MEMORY_REGION (slot %d, 0x%x+0x%x)", slot, s.gpa(),
                    s.size()), r);
        }
    }

    /** The slots as installed, for tests and diagnostics: "slot gpa+size@host". */
    synchronized List<String> describe() {
        List<String> out = new ArrayList<>();
        installed.forEach((k, s) -> out.add(String.format("%d 0x%x+0x%x@0x%x", k, s.gpa(), s.size(), s.host())));
        return out;
    }
}
