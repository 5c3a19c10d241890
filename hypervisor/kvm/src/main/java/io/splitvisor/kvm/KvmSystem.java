package io.splitvisor.kvm;

import io.splitvisor.kvm.abi.KvmCap;
import io.splitvisor.kvm.abi.KvmCpuid2;
import io.splitvisor.kvm.abi.KvmIoctl;
import io.splitvisor.kvm.sys.Errno;
import io.splitvisor.kvm.sys.KvmException;
import io.splitvisor.kvm.sys.KvmSyscalls;
import io.splitvisor.kvm.sys.NativeBuffer;

/**
 * An open {@code /dev/kvm} that has been checked: API version 12 and every capability the engine needs. Opening it
 * fails with a {@link KvmException} whose message is one line naming the reason and the errno.
 */
public final class KvmSystem implements AutoCloseable {
    public static final String DEVICE = "/dev/kvm";
    /** The capabilities the engine cannot work without, and what each is for. */
    private static final int[] REQUIRED = {KvmCap.KVM_CAP_USER_MEMORY, KvmCap.KVM_CAP_SET_TSS_ADDR,
        KvmCap.KVM_CAP_EXT_CPUID};
    private static final String[] REQUIRED_NAMES = {"KVM_CAP_USER_MEMORY (guest RAM as memory slots)",
        "KVM_CAP_SET_TSS_ADDR (the TSS region VMX needs)", "KVM_CAP_EXT_CPUID (KVM_SET_CPUID2)"};
    private static final int MAX_CPUID_ENTRIES = 4096;

    private final KvmSyscalls sys;
    private final int fd;
    private final int vcpuMmapSize;
    private final int memorySlots;
    private final boolean tscControl;

    private KvmSystem(KvmSyscalls sys, int fd, int vcpuMmapSize, int memorySlots, boolean tscControl) {
        this.sys = sys;
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
        this.memorySlots = memorySlots;
        this.tscControl = tscControl;
    }

    /** Opens and checks {@code path} (normally {@link #DEVICE}). */
    public static KvmSystem open(KvmSyscalls sys, String path) {
        int fd = sys.open(path);
        if (fd < 0) {
            String why = switch (-fd) {
                case Errno.ENOENT -> "does not exist (no KVM on this machine, or the kvm module is not loaded)";
                case Errno.EACCES, Errno.EPERM -> "cannot be opened: permission denied (add the user to group kvm)";
                case Errno.ENXIO, Errno.ENODEV -> "has no KVM driver behind it (virtualization disabled?)";
                default -> "cannot be opened";
            };
            throw new KvmException(path + " " + why + ": " + Errno.describe(-fd), -fd);
        }
        try {
            long version = sys.ioctl(fd, KvmIoctl.KVM_GET_API_VERSION, 0);
            if (version < 0) {
                throw KvmException.of(path + ": KVM_GET_API_VERSION", version);
            }
            if (version != KvmIoctl.KVM_API_VERSION) {
                throw new KvmException(path + " speaks KVM API version " + version + ", not "
                        + KvmIoctl.KVM_API_VERSION, 0);
            }
            for (int i = 0; i < REQUIRED.length; i++) {
                long r = sys.ioctl(fd, KvmIoctl.KVM_CHECK_EXTENSION, REQUIRED[i]);
                if (r <= 0) {
                    throw new KvmException(path + " lacks the capability " + REQUIRED_NAMES[i]
                            + (r < 0 ? ": " + Errno.describe((int) -r) : ""), r < 0 ? (int) -r : 0);
                }
            }
            long size = sys.ioctl(fd, KvmIoctl.KVM_GET_VCPU_MMAP_SIZE, 0);
            if (size < 0) {
                throw KvmException.of(path + ": KVM_GET_VCPU_MMAP_SIZE", size);
            }
            if (size < io.splitvisor.kvm.abi.KvmRun.SIZE) {
                throw new KvmException(path + ": the vCPU mapping (" + size + " bytes) is smaller than kvm_run", 0);
            }
            long slots = sys.ioctl(fd, KvmIoctl.KVM_CHECK_EXTENSION, KvmCap.KVM_CAP_NR_MEMSLOTS);
            boolean tsc = sys.ioctl(fd, KvmIoctl.KVM_CHECK_EXTENSION, KvmCap.KVM_CAP_TSC_CONTROL) > 0;
            return new KvmSystem(sys, fd, (int) size, slots > 0 ? (int) slots : 32, tsc);
        } catch (RuntimeException e) {
            sys.close(fd);
            throw e;
        }
    }

    public KvmSyscalls sys() {
        return sys;
    }

    public int fd() {
        return fd;
    }

    /** KVM_GET_VCPU_MMAP_SIZE, asked of the system fd: kvm_run plus the PIO data page and more. */
    public int vcpuMmapSize() {
        return vcpuMmapSize;
    }

    /** Memory slots a VM may use (KVM_CAP_NR_MEMSLOTS). */
    public int memorySlots() {
        return memorySlots;
    }

    /** Whether the guest TSC frequency can be set (KVM_CAP_TSC_CONTROL). */
    public boolean tscControl() {
        return tscControl;
    }

    /** KVM_GET_SUPPORTED_CPUID: the host's table (kvm_cpuid2 image), grown until it fits. */
    public NativeBuffer supportedCpuid() {
        for (int n = 128; ; n *= 2) {
            NativeBuffer buf = new NativeBuffer(KvmCpuid2.sizeFor(n));
            buf.bytes().putInt(KvmCpuid2.NENT, n);
            long r = sys.ioctl(fd, KvmIoctl.KVM_GET_SUPPORTED_CPUID, buf);
            if (r >= 0) {
                return buf;
            }
            if (r != -Errno.E2BIG || n >= MAX_CPUID_ENTRIES) {
                throw KvmException.of("KVM_GET_SUPPORTED_CPUID", r);
            }
        }
    }

    @Override
    public void close() {
        sys.close(fd);
    }
}
