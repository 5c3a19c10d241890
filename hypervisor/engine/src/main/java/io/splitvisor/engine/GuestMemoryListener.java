package io.splitvisor.engine;

/**
 * Told about changes an engine must react to: writes by the host into pages that hold decoded guest code, and
 * changes of the page mapping (grant map/unmap). May be called from any thread; implementations only record the
 * fact and let the vCPU act on it at its next block boundary.
 */
public interface GuestMemoryListener {
    /** Guest-physical pages {@code firstPage..lastPage} (page-aligned addresses) were written by the host. */
    void codeWritten(long firstPage, long lastPage);

    /** The host page behind guest-physical page {@code page} changed (mapped, unmapped or restored). */
    void mappingChanged(long page);
}
