package io.splitvisor.kvm;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.engine.Vcpu;
import io.splitvisor.kvm.abi.KvmCap;
import io.splitvisor.kvm.abi.KvmCpuid2;
import io.splitvisor.kvm.abi.KvmSregs;
import io.splitvisor.kvm.sys.Errno;
import io.splitvisor.kvm.sys.KvmException;
import io.splitvisor.x86.loader.LongModeSetup;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order of the setup calls, what reaches KVM, and the one-line refusals of an unusable /dev/kvm. */
class KvmSetupTest {
    @Test
    void setupCallsComeInTheOrderKvmNeeds() {
        FakeKvm fake = new FakeKvm();
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 32 << 20));
        try (KvmEngine engine = KvmEngine.open(fake, "/dev/kvm", KvmEngine.CpuidSource.MODEL)) {
            Vcpu vcpu = engine.createVcpu(memory, CpuidModel.standard());
            vcpu.setState(LongModeSetup.build(memory, 0x10000, 0x100000, 0x80000));
            List<String> calls = fake.callNames();
            assertEquals(List.of("open /dev/kvm", "kvm KVM_GET_API_VERSION",
                    "kvm KVM_CHECK_EXTENSION " + KvmCap.KVM_CAP_USER_MEMORY,
                    "kvm KVM_CHECK_EXTENSION " + KvmCap.KVM_CAP_SET_TSS_ADDR,
                    "kvm KVM_CHECK_EXTENSION " + KvmCap.KVM_CAP_EXT_CPUID,
                    "kvm KVM_GET_VCPU_MMAP_SIZE"), calls.subList(0, 6), "the mmap size is asked of the system fd");
            assertOrder(calls, "kvm KVM_CREATE_VM", "vm KVM_SET_TSS_ADDR", "vm KVM_SET_USER_MEMORY_REGION",
                    "vm KVM_CREATE_VCPU", "mmap vcpu0 " + FakeKvm.MMAP_SIZE, "vcpu0 KVM_SET_CPUID2",
                    "vcpu0 KVM_GET_SREGS", "vcpu0 KVM_SET_SREGS", "vcpu0 KVM_SET_REGS");
            assertFalse(calls.stream().anyMatch(c -> c.contains("IRQCHIP")),
                    "no in-kernel irqchip: HLT must exit to user space and KVM_INTERRUPT must be usable");
            assertEquals(List.of(String.format("0 0x0+0x%x@0x%x", 32 << 20, memory.chunks().get(0).hostAddress())),
                    fake.slots, "the guest memory itself is the slot: same native address, no copy");

            ByteBuffer sregs = fake.sregs(0);
            assertEquals(0x80010033L, sregs.getLong(KvmSregs.CR0));
            assertEquals(0xD00L, sregs.getLong(KvmSregs.EFER), "EFER.LME|LMA|NXE");
            assertEquals(0x10000L, sregs.getLong(KvmSregs.CR3));
            assertEquals(1, sregs.get(KvmSregs.CS + KvmSregs.SEGMENT_L));
            assertEquals(0, sregs.get(KvmSregs.CS + KvmSregs.SEGMENT_DB));
            assertEquals(0xB, sregs.get(KvmSregs.TR + KvmSregs.SEGMENT_TYPE), "a usable busy TSS for VMX");
            assertEquals(0xFEE00900L, sregs.getLong(KvmSregs.APIC_BASE), "kept from KVM_GET_SREGS");
            vcpu.close();
            assertTrue(fake.callNames().contains("close vm"), "the last vCPU takes the VM with it");
        } finally {
            memory.release();
        }
        assertTrue(memory.isReleased(), "the VM's reference to the memory is dropped");
    }

    @Test
    void cpuidIsTheInterpretersModel() {
        FakeKvm fake = new FakeKvm();
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
        try (KvmEngine engine = KvmEngine.open(fake, "/dev/kvm", KvmEngine.CpuidSource.MODEL)) {
            CpuidModel model = CpuidModel.standard();
            engine.createVcpu(memory, model).close();
            ByteBuffer b = ByteBuffer.wrap(fake.cpuid2).order(ByteOrder.LITTLE_ENDIAN);
            List<CpuidModel.Entry> expected = model.entries();
            assertEquals(expected.size(), b.getInt(KvmCpuid2.NENT));
            int[] out = new int[4];
            for (int i = 0; i < expected.size(); i++) {
                int at = KvmCpuid2.entry(i);
                int leaf = b.getInt(at + KvmCpuid2.ENTRY_FUNCTION);
                model.query(leaf, b.getInt(at + KvmCpuid2.ENTRY_INDEX), out);
                assertEquals(out[0], b.getInt(at + KvmCpuid2.ENTRY_EAX));
                assertEquals(out[1], b.getInt(at + KvmCpuid2.ENTRY_EBX));
                assertEquals(out[2], b.getInt(at + KvmCpuid2.ENTRY_ECX));
                assertEquals(out[3], b.getInt(at + KvmCpuid2.ENTRY_EDX));
                assertEquals(leaf == 7 ? 1 : 0, b.getInt(at + KvmCpuid2.ENTRY_FLAGS), "leaf 7 is indexed");
            }
            model.query(1, 0, out);
            assertTrue((out[2] & CpuidModel.L1_ECX_HYPERVISOR) != 0);
        } finally {
            memory.release();
        }
    }

    @Test
    void modelFeaturesTheHostLacksAreNamed() {
        FakeKvm fake = new FakeKvm();
        int[] ext = new int[4];
        CpuidModel.standard().query(0x80000001, 0, ext);
        int[] l1 = new int[4];
        CpuidModel.standard().query(1, 0, l1);
        int[] l7 = new int[4];
        CpuidModel.standard().query(7, 0, l7);
        // a host like the one measured: everything but 1 GiB pages
        fake.supportedCpuid = new int[][] {{1, 0, 0, 0, l1[2], l1[3]}, {7, 0, 0, l7[1], 0, 0},
            {0x80000001, 0, 0, 0, ext[2], ext[3] & ~CpuidModel.X1_EDX_PAGE1GB}};
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
        try (KvmEngine engine = KvmEngine.open(fake, "/dev/kvm", KvmEngine.CpuidSource.MODEL)) {
            engine.createVcpu(memory, CpuidModel.standard()).close();
            assertEquals(List.of("leaf 0x80000001 EDX bits 0x4000000"), engine.unsupportedModelFeatures());
        } finally {
            memory.release();
        }
    }

    @Test
    void unusableDevicesAreRefusedWithOneLineNamingReasonAndErrno() {
        assertRefused(f -> f.openErrno = Errno.ENOENT, "/dev/kvm does not exist", Errno.ENOENT);
        assertRefused(f -> f.openErrno = Errno.EACCES, "permission denied", Errno.EACCES);
        assertRefused(f -> f.apiVersion = 11, "API version 11, not 12", 0);
        assertRefused(f -> f.missingCaps = Set.of(KvmCap.KVM_CAP_USER_MEMORY), "lacks the capability KVM_CAP_USER_MEMORY", 0);
        assertRefused(f -> f.missingCaps = Set.of(KvmCap.KVM_CAP_EXT_CPUID), "KVM_CAP_EXT_CPUID", 0);
    }

    private static void assertRefused(java.util.function.Consumer<FakeKvm> setup, String text, int errno) {
        FakeKvm fake = new FakeKvm();
        setup.accept(fake);
        KvmException e = assertThrows(KvmException.class, () -> KvmEngine.open(fake, "/dev/kvm", KvmEngine.CpuidSource.MODEL));
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(errno, e.errno());
        if (errno != 0) {
            assertTrue(e.getMessage().contains("errno " + errno), e.getMessage());
        }
        if (fake.openErrno == 0) {
            assertTrue(fake.callNames().contains("close kvm"), "the fd is closed again");
        }
    }

    @Test
    void stateKvmWouldRefuseIsRejectedBeforeReachingIt() {
        FakeKvm fake = new FakeKvm();
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
        try (KvmEngine engine = KvmEngine.open(fake, "/dev/kvm", KvmEngine.CpuidSource.MODEL)) {
            Vcpu vcpu = engine.createVcpu(memory, CpuidModel.standard());
            RegisterState s = LongModeSetup.build(memory, 0x10000, 0x100000, 0x80000);
            s.cr0 &= ~(1L << 31);  // paging off while EFER.LMA stays set
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vcpu.setState(s));
            assertTrue(e.getMessage().contains("EFER.LMA"), e.getMessage());
            assertFalse(fake.callNames().contains("vcpu0 KVM_SET_SREGS"));
            vcpu.close();
        } finally {
            memory.release();
        }
    }

    @Test
    void tssRegionAvoidsGuestRam() {
        GuestMemory low = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
        GuestMemory high = GuestMemory.allocate(new MemoryRegion(0xFFF00000L, 1 << 20));
        try {
            assertEquals(KvmVm.PREFERRED_TSS, KvmVm.tssAddress(low));
            long a = KvmVm.tssAddress(high);
            assertTrue(a + 3 * 4096 <= 0xFFF00000L, Long.toHexString(a));
        } finally {
            low.release();
            high.release();
        }
    }

    private static void assertOrder(List<String> calls, String... inOrder) {
        int last = -1;
        for (String c : inOrder) {
            int i = calls.indexOf(c);
            assertTrue(i > last, c + " out of order in " + calls);
            last = i;
        }
    }
}
