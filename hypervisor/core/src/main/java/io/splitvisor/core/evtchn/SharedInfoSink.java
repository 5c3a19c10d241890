package io.splitvisor.core.evtchn;

import io.splitvisor.abi.layout.SharedInfoLayout;
import io.splitvisor.core.memory.GuestAtomics;
import io.splitvisor.engine.GuestMemory;

/**
 * A guest's events, in Xen's 2-level layout in its shared-info page (ABI.md section 8). All
 * updates are atomic read-modify-writes, because the guest changes the same words concurrently.
 */
public final class SharedInfoSink implements EventSink {
    /** Told when vCPU 0 has a new upcall pending: wake it if blocked, interrupt it if upcalls are on. */
    public interface Kick {
        void eventPending();

        /** A port became pending, masked or not: wake a vCPU polling for it. */
        void portRaised();
    }

    private final GuestMemory memory;
    private final long sharedInfo;
    private final long vcpu0;
    private final Kick kick;

    public SharedInfoSink(GuestMemory memory, long sharedInfoGpa, Kick kick) {
        this.memory = memory;
        this.sharedInfo = sharedInfoGpa;
        this.vcpu0 = sharedInfoGpa + SharedInfoLayout.vcpuInfo(0);
        this.kick = kick;
    }

    private long pendingWord(int port) {
        return sharedInfo + SharedInfoLayout.EVTCHN_PENDING + (long) (port >>> 6) * 8;
    }

    private long maskWord(int port) {
        return sharedInfo + SharedInfoLayout.EVTCHN_MASK + (long) (port >>> 6) * 8;
    }

    /*
     * Every operation holds a reference to the guest's memory while it touches it: a send from
     * another domain may race with this domain's destruction, and must then do nothing rather
     * than reach released memory.
     */

    @Override
    public void raise(int port) {
        if (!memory.tryRetain()) {
            return;
        }
        try {
            raiseRetained(port);
        } finally {
            memory.release();
        }
    }

    private void raiseRetained(int port) {
        long bit = 1L << (port & 63);
        if ((GuestAtomics.getAndOrU64(memory, pendingWord(port), bit) & bit) != 0) {
            return;   // already pending: the guest has not seen the previous one yet
        }
        if ((GuestAtomics.readU64Volatile(memory, maskWord(port)) & bit) == 0) {
            markUpcall(port);   // a masked port raises nothing now; unmask re-raises it
        }
        kick.portRaised();
    }

    private void markUpcall(int port) {
        long selector = 1L << (port >>> 6);
        if ((GuestAtomics.getAndOrU64(memory, vcpu0 + SharedInfoLayout.VCPU_PENDING_SEL, selector) & selector) == 0) {
            GuestAtomics.writeU8Volatile(memory, vcpu0 + SharedInfoLayout.VCPU_UPCALL_PENDING, 1);
            kick.eventPending();
        }
    }

    @Override
    public void reset(int port) {
        if (!memory.tryRetain()) {
            return;
        }
        try {
            long keep = ~(1L << (port & 63));
            GuestAtomics.getAndAndU64(memory, pendingWord(port), keep);
            GuestAtomics.getAndAndU64(memory, maskWord(port), keep);
        } finally {
            memory.release();
        }
    }

    @Override
    public void unmask(int port) {
        if (!memory.tryRetain()) {
            return;
        }
        try {
            long bit = 1L << (port & 63);
            if ((GuestAtomics.getAndAndU64(memory, maskWord(port), ~bit) & bit) != 0 && isPending(port)) {
                markUpcall(port);
            }
        } finally {
            memory.release();
        }
    }

    @Override
    public boolean isPending(int port) {
        return (GuestAtomics.readU64Volatile(memory, pendingWord(port)) & (1L << (port & 63))) != 0;
    }

    /** True when vCPU 0 has an upcall pending: what SchedBlock waits for. */
    public boolean upcallPending() {
        return GuestAtomics.readU8Volatile(memory, vcpu0 + SharedInfoLayout.VCPU_UPCALL_PENDING) != 0;
    }

    /** True while the guest holds upcalls back (evtchn_upcall_mask). */
    public boolean upcallMasked() {
        return GuestAtomics.readU8Volatile(memory, vcpu0 + SharedInfoLayout.VCPU_UPCALL_MASK) != 0;
    }

    /** Re-enables upcalls, as SchedBlock does before it waits (Xen's rule). */
    public void clearUpcallMask() {
        GuestAtomics.writeU8Volatile(memory, vcpu0 + SharedInfoLayout.VCPU_UPCALL_MASK, 0);
    }

    /** True if any of {@code ports} is pending, masked or not (SchedPoll's condition). */
    public boolean anyPending(int[] ports) {
        for (int p : ports) {
            if (isPending(p)) {
                return true;
            }
        }
        return false;
    }
}
