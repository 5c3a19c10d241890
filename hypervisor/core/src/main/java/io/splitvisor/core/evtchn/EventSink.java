package io.splitvisor.core.evtchn;

/**
 * Where a domain's events land. A guest's sink marks the shared-info bitmaps and wakes or
 * interrupts its vCPU; a host domain's sink (dom0, Java frontends) runs Java handlers.
 */
public interface EventSink {
    /** Marks {@code port} pending and notifies if it was not already pending and is unmasked. */
    void raise(int port);

    /** Clears the pending and mask bits of a newly allocated or freed port. */
    void reset(int port);

    /** Clears the mask bit of {@code port}; raises the notification if it is pending. */
    void unmask(int port);

    /** True if {@code port} is pending (masked or not). */
    boolean isPending(int port);
}
