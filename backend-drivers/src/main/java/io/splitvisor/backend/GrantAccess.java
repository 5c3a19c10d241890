package io.splitvisor.backend;

import io.splitvisor.core.StatusException;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.grant.GrantedPage;
import io.splitvisor.core.grant.Grants;

/**
 * A backend's only way into its frontend's memory: grant copy for data pages (always safe, and it
 * lets frontends grant pages read-only for writes) and grant mapping for ring pages, as dom0.
 * Every method may throw {@link StatusException} for a bad, foreign or read-only grant or a
 * range outside the page; drivers answer that request with an error.
 */
public final class GrantAccess {
    private final Grants grants;
    private final Domain dom0;
    private final int frontend;

    public GrantAccess(Hypervisor hypervisor, int frontend) {
        this.grants = hypervisor.grants();
        this.dom0 = hypervisor.dom0();
        this.frontend = frontend;
    }

    public int frontend() {
        return frontend;
    }

    /** Copies {@code length} bytes at {@code offset} of the page granted as {@code ref} into {@code dst}. */
    public void copyFrom(int ref, int offset, byte[] dst, int dstOffset, int length) {
        grants.copyFromGrant(dom0, frontend, ref, offset, dst, dstOffset, length);
    }

    /** Copies {@code length} bytes of {@code src} to {@code offset} of the page granted as {@code ref} (it must be writable). */
    public void copyTo(int ref, int offset, byte[] src, int srcOffset, int length) {
        grants.copyToGrant(dom0, frontend, ref, offset, src, srcOffset, length);
    }

    /** Maps the page granted as {@code ref}; keep it until {@link #unmap}. */
    public GrantedPage map(int ref, boolean readonly) {
        return grants.mapForHost(dom0, frontend, ref, readonly);
    }

    public void unmap(GrantedPage page) {
        grants.unmap(dom0, page.handle());
    }
}
