package io.splitvisor.kvm;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.Engine;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.Vcpu;
import io.splitvisor.kvm.abi.KvmIoctl;
import io.splitvisor.kvm.state.CpuidTable;
import io.splitvisor.kvm.sys.KvmException;
import io.splitvisor.kvm.sys.KvmSyscalls;
import io.splitvisor.kvm.sys.LinuxKvm;
import io.splitvisor.kvm.sys.NativeBuffer;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KVM engine. One KVM VM per guest memory (its vCPUs share it), one vCPU file descriptor and kvm_run mapping
 * per {@link Vcpu}; the core runs each vCPU on its own platform thread. See {@link KvmVcpu} for exits, interrupts
 * and stop requests.
 */
public final class KvmEngine implements Engine, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvmEngine.class);
    /** The guest TSC runs at 1 GHz on the interpreter; KVM is asked for the same where it can scale the TSC. */
    private static final long GUEST_TSC_KHZ = 1_000_000;

    /** Where the guest's CPUID comes from. */
    public enum CpuidSource {
        /** The interpreter's model: the same machine on both engines (the default). */
        MODEL,
        /** The host's features as KVM supports them, plus the hypervisor bit and the Splitvisor leaves. */
        HOST
    }

    private final KvmSystem kvm;
    private final CpuidSource cpuidSource;
    private final Map<GuestMemory, KvmVm> vms = new IdentityHashMap<>();
    private boolean warnedTsc;
    private java.util.List<String> unsupported;

    private KvmEngine(KvmSystem kvm, CpuidSource cpuidSource) {
        this.kvm = kvm;
        this.cpuidSource = cpuidSource;
    }

    /**
     * Opens {@code /dev/kvm} through the native binding. Throws {@link KvmException} with a one-line reason (and
     * the errno) when it is absent, not permitted, speaks another API version or lacks a needed capability.
     */
    public static KvmEngine open(CpuidSource cpuid) {
        return open(LinuxKvm.load(), KvmSystem.DEVICE, cpuid);
    }

    /** The engine on another binding (tests use a fake kernel). */
    public static KvmEngine open(KvmSyscalls sys, String device, CpuidSource cpuid) {
        return new KvmEngine(KvmSystem.open(sys, device), cpuid);
    }

    @Override
    public String name() {
        return "kvm";
    }

    /**
     * Creates a vCPU: KVM_CREATE_VCPU, the kvm_run mapping (its size asked of the system fd), KVM_SET_CPUID2 before
     * any special register is touched (KVM checks CR4 and EFER bits against the guest CPUID), then the TSC rate.
     */
    @Override
    public synchronized Vcpu createVcpu(GuestMemory memory, CpuidModel cpuid) {
        KvmVm vm = vms.get(memory);
        if (vm == null || vm.isClosed()) {
            KvmVm created = KvmVm.create(kvm, memory);
            created.onDestroy(() -> forget(memory, created));
            vms.put(memory, created);
            vm = created;
        }
        KvmSyscalls sys = kvm.sys();
        int fd;
        try {
            fd = vm.createVcpuFd();
        } catch (RuntimeException e) {
            vm.destroyIfUnused();
            throw e;
        }
        ByteBuffer run = null;
        KvmVcpu vcpu = null;
        try {
            run = sys.mapShared(fd, kvm.vcpuMmapSize());
            CpuidTable table = cpuidSource == CpuidSource.HOST
                    ? CpuidTable.hostPassThrough(kvm.supportedCpuid().bytes(), cpuid)
                    : CpuidTable.of(cpuid);
            if (cpuidSource == CpuidSource.MODEL && unsupported == null) {
                checkModelAgainstHost(table);
            }
            NativeBuffer cpuid2 = table.toKvmCpuid2();
            long r = sys.ioctl(fd, KvmIoctl.KVM_SET_CPUID2, cpuid2);
            if (r < 0) {
                throw KvmException.of("KVM_SET_CPUID2", r);
            }
            setTscRate(fd);
            vcpu = new KvmVcpu(vm, fd, run, table);
            return vcpu;
        } finally {
            if (vcpu == null) {
                if (run != null) {
                    sys.unmap(run);
                }
                sys.close(fd);
                vm.vcpuClosed();
            }
        }
    }

    /**
     * The model's features this host's KVM cannot give the guest (KVM_GET_SUPPORTED_CPUID), as "leaf register
     * bits" strings; empty when the model is fully supported. Known after the first vCPU was created.
     */
    public synchronized java.util.List<String> unsupportedModelFeatures() {
        return unsupported == null ? java.util.List.of() : unsupported;
    }

    /** Warns once when the model claims what KVM here lacks (a guest using it faults on KVM, not on the interpreter). */
    private void checkModelAgainstHost(CpuidTable model) {
        java.util.List<String> missing = new java.util.ArrayList<>();
        try {
            CpuidTable host = CpuidTable.hostPassThrough(kvm.supportedCpuid().bytes(), CpuidModel.standard());
            int[][] checked = {{1, 2}, {1, 3}, {7, 1}, {0x80000001, 2}, {0x80000001, 3}};
            String[] regs = {"EAX", "EBX", "ECX", "EDX"};
            for (int[] c : checked) {
                int lacking = model.register(c[0], 0, c[1]) & ~host.register(c[0], 0, c[1]);
                if (lacking != 0) {
                    missing.add(String.format("leaf 0x%x %s bits 0x%x", c[0], regs[c[1]], lacking));
                }
            }
        } catch (KvmException e) {
            missing.add("unknown (" + e.getMessage() + ")");
        }
        unsupported = java.util.List.copyOf(missing);
        if (!missing.isEmpty()) {
            LOG.warn("this host's KVM lacks CPU features the guest CPUID claims ({}): a guest using them faults on KVM "
                    + "but not on the interpreter (0x80000001 EDX bit 26 is 1 GiB pages)", String.join(", ", missing));
        }
    }

    private void setTscRate(int fd) {
        long r = kvm.tscControl() ? kvm.sys().ioctl(fd, KvmIoctl.KVM_SET_TSC_KHZ, GUEST_TSC_KHZ) : -1;
        if (r < 0 && !warnedTsc) {
            warnedTsc = true;
            LOG.warn("KVM cannot run the guest TSC at 1 GHz here ({}): it runs at the host's TSC rate, which the "
                    + "guest's time info scales", kvm.tscControl() ? KvmException.of("KVM_SET_TSC_KHZ", r).getMessage()
                    : "no KVM_CAP_TSC_CONTROL");
        }
    }

    private synchronized void forget(GuestMemory memory, KvmVm vm) {
        vms.remove(memory, vm);
    }

    @Override
    public void close() {
        kvm.close();
    }
}
