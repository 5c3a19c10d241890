package io.splitvisor.bench.ring;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.layout.GrantEntryLayout;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.grant.GrantedPage;
import io.splitvisor.core.memory.GuestPhysicalMap;

/**
 * One ring page as the platform shares it: in a frontend host domain's memory, granted to dom0
 * and mapped by dom0 as a {@link GrantedPage}, exactly as a backend sees a guest's ring.
 */
final class SharedPage implements AutoCloseable {
    static final long RING = 0x100000;
    final Hypervisor hv = new Hypervisor(new Engines());
    final Domain frontend = hv.createHostDomain("bench-front", 4 << 20);
    final GrantedPage backendView;

    SharedPage() {
        long entry = GuestPhysicalMap.GRANT_TABLE + AbiConstants.GRANT_RESERVED_ENTRIES * GrantEntryLayout.SIZE;
        frontend.memory().writeU16(entry + GrantEntryLayout.DOMID, 0);
        frontend.memory().writeU32(entry + GrantEntryLayout.FRAME, RING >>> AbiConstants.PAGE_SHIFT);
        frontend.memory().writeU16(entry + GrantEntryLayout.FLAGS, AbiConstants.GTF_PERMIT_ACCESS);
        backendView = hv.grants().mapForHost(hv.dom0(), frontend.domid(), AbiConstants.GRANT_RESERVED_ENTRIES, false);
    }

    @Override
    public void close() {
        hv.close();
    }
}
