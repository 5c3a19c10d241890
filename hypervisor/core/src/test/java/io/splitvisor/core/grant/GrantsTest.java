package io.splitvisor.core.grant;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.GrantCopyOp;
import io.splitvisor.abi.proto.GrantCopySegment;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.core.StatusException;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.memory.GuestAtomics;
import io.splitvisor.core.memory.GuestPhysicalMap;
import io.splitvisor.engine.GuestMemoryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Grant semantics: mapping, copying, in-use flags and revocation, between Java-driven domains. */
class GrantsTest {
    private static final long DATA_PAGE = 0x40000;
    private Hypervisor hv;
    private Grants grants;
    private Domain granter;
    private Domain grantee;

    @BeforeEach
    void setUp() {
        hv = new Hypervisor(new Engines());
        grants = hv.grants();
        granter = hv.createHostDomain("granter", 1 << 20);
        grantee = hv.createHostDomain("grantee", 1 << 20);
        granter.memory().write(DATA_PAGE, "granted data".getBytes(StandardCharsets.US_ASCII));
    }

    @AfterEach
    void tearDown() {
        hv.close();
    }

    /** Writes grant entry {@code ref} the way a guest must: domid and frame first, flags last. */
    private void grant(int ref, int domid, long page, int flags) {
        long entry = GuestPhysicalMap.GRANT_TABLE + ref * 8L;
        granter.memory().writeU16(entry + 2, domid);
        granter.memory().writeU32(entry + 4, page >>> 12);
        granter.memory().writeU16(entry, flags);
    }

    private int flags(int ref) {
        return granter.memory().readU16(GuestPhysicalMap.GRANT_TABLE + ref * 8L);
    }

    /** The guest's revoke: compare-and-set the flags to 0 unless the grant is in use. */
    private boolean revoke(int ref) {
        int f = flags(ref);
        if ((f & (AbiConstants.GTF_READING | AbiConstants.GTF_WRITING)) != 0) {
            return false;
        }
        return GuestAtomics.compareAndSetU16(granter.memory(), GuestPhysicalMap.GRANT_TABLE + ref * 8L, f, 0);
    }

    private static Status statusOf(Runnable r) {
        return assertThrows(StatusException.class, r::run).status();
    }

    @Test
    void aMappedGrantReadsAndWritesTheGrantersPageAndCannotBeRevoked() {
        grant(8, grantee.domid(), DATA_PAGE, AbiConstants.GTF_PERMIT_ACCESS);
        GrantedPage page = grants.mapForHost(grantee, granter.domid(), 8, false);
        byte[] buf = new byte[12];
        page.read(0, buf, 0, 12);
        assertArrayEquals("granted data".getBytes(StandardCharsets.US_ASCII), buf);
        page.writeU32(100, 0xCAFEBABEL);
        assertEquals(0xCAFEBABEL, granter.memory().readU32(DATA_PAGE + 100));
        assertEquals(AbiConstants.GTF_PERMIT_ACCESS | AbiConstants.GTF_READING | AbiConstants.GTF_WRITING, flags(8));
        assertFalse(revoke(8), "a grant cannot be revoked while it is mapped");
        grants.unmap(grantee, page.handle());
        assertEquals(AbiConstants.GTF_PERMIT_ACCESS, flags(8), "the in-use flags go with the last mapping");
        assertTrue(revoke(8));
        assertThrows(GuestMemoryException.class, () -> page.readU8(0), "nothing works after the unmap");
    }

    @Test
    void readOnlyGrantsRefuseWriters() {
        grant(9, grantee.domid(), DATA_PAGE, AbiConstants.GTF_PERMIT_ACCESS | AbiConstants.GTF_READONLY);
        assertEquals(Status.STATUS_EROFS, statusOf(() -> grants.mapForHost(grantee, granter.domid(), 9, false)));
        GrantedPage ro = grants.mapForHost(grantee, granter.domid(), 9, true);
        assertThrows(GuestMemoryException.class, () -> ro.writeU8(0, 1));
        assertEquals(AbiConstants.GTF_PERMIT_ACCESS | AbiConstants.GTF_READONLY | AbiConstants.GTF_READING, flags(9));
        assertThrows(GuestMemoryException.class, () -> ro.readU32(4094), "accesses stay inside the page");
    }

    @Test
    void invalidGrantsAreRefused() {
        grant(10, grantee.domid() + 7, DATA_PAGE, AbiConstants.GTF_PERMIT_ACCESS);
        assertEquals(Status.STATUS_EACCES, statusOf(() -> grants.mapForHost(grantee, granter.domid(), 10, true)), "for another domain");
        assertEquals(Status.STATUS_EACCES, statusOf(() -> grants.mapForHost(grantee, granter.domid(), 11, true)), "never granted");
        assertEquals(Status.STATUS_EINVAL, statusOf(() -> grants.mapForHost(grantee, granter.domid(), 4096, true)), "out of range");
        assertEquals(Status.STATUS_EINVAL, statusOf(() -> grants.mapForHost(grantee, granter.domid(), -1, true)));
        grant(12, grantee.domid(), 0x7FFFF000L, AbiConstants.GTF_PERMIT_ACCESS);
        assertEquals(Status.STATUS_EACCES, statusOf(() -> grants.mapForHost(grantee, granter.domid(), 12, true)), "not its RAM");
        assertEquals(AbiConstants.GTF_PERMIT_ACCESS, flags(12), "a refused pin leaves the flags as they were");
        assertEquals(Status.STATUS_ESRCH, statusOf(() -> grants.mapForHost(grantee, 3000, 8, true)));
        assertEquals(Status.STATUS_EINVAL, statusOf(() -> grants.mapIntoGuest(grantee, granter.domid(), 8, 0x1000, false)),
                "a Java domain has no grant-map window");
    }

    @Test
    void copiesCheckEachSideAndReportAStatusPerCopy() {
        grant(8, grantee.domid(), DATA_PAGE, AbiConstants.GTF_PERMIT_ACCESS);
        grant(9, grantee.domid(), DATA_PAGE + 0x1000, AbiConstants.GTF_PERMIT_ACCESS | AbiConstants.GTF_READONLY);
        long dst = 0x50000;
        GrantCopyOp good = GrantCopyOp.newBuilder().setLength(12)
                .setSource(GrantCopySegment.newBuilder().setRef(8).setDomid(granter.domid()))
                .setDest(GrantCopySegment.newBuilder().setGpa(dst).setDomid(AbiConstants.DOMID_SELF)).build();
        assertEquals(Status.STATUS_OK, grants.copy(grantee, good));
        assertArrayEquals("granted data".getBytes(StandardCharsets.US_ASCII), grantee.memory().read(dst, 12));

        GrantCopyOp crossing = good.toBuilder().setSource(good.getSource().toBuilder().setOffset(4090)).build();
        assertEquals(Status.STATUS_EXDEV, grants.copy(grantee, crossing));
        GrantCopyOp toReadOnly = GrantCopyOp.newBuilder().setLength(4)
                .setSource(GrantCopySegment.newBuilder().setGpa(dst).setDomid(AbiConstants.DOMID_SELF))
                .setDest(GrantCopySegment.newBuilder().setRef(9).setDomid(granter.domid())).build();
        assertEquals(Status.STATUS_EROFS, grants.copy(grantee, toReadOnly));
        GrantCopyOp outside = good.toBuilder().setDest(good.getDest().toBuilder().setGpa(0x7FFF0000L)).build();
        assertEquals(Status.STATUS_EFAULT, grants.copy(grantee, outside));
        GrantCopyOp othersMemory = good.toBuilder().setDest(good.getDest().toBuilder().setDomid(granter.domid())).build();
        assertEquals(Status.STATUS_EACCES, grants.copy(grantee, othersMemory));
        assertEquals(0, granter.grantTable().pins(8), "every copy released its pins");
        assertEquals(AbiConstants.GTF_PERMIT_ACCESS, flags(8));
    }

    @Test
    void mappingsAreLimitedAndReleasedWhenTheMapperDies() {
        grant(8, grantee.domid(), DATA_PAGE, AbiConstants.GTF_PERMIT_ACCESS);
        int n = 0;
        StatusException full = null;
        try {
            while (n < 10_000) {
                grants.mapForHost(grantee, granter.domid(), 8, true);
                n++;
            }
        } catch (StatusException e) {
            full = e;
        }
        assertTrue(full != null && full.status() == Status.STATUS_ENOSPC, "the mapping limit stops the flood");
        assertEquals(n, granter.grantTable().pins(8));
        hv.destroy(grantee);
        assertEquals(0, granter.grantTable().pins(8), "the dead mapper's mappings are gone");
        assertTrue(revoke(8));
    }
}
