package io.splitvisor.kvm;

import io.splitvisor.kvm.abi.KvmIoctl;
import io.splitvisor.kvm.abi.KvmMsrs;
import io.splitvisor.kvm.sys.KvmException;
import io.splitvisor.kvm.sys.KvmSyscalls;
import io.splitvisor.kvm.sys.NativeBuffer;

/**
 * The model-specific registers the interpreter implements, read and written one at a time with KVM_GET_MSRS /
 * KVM_SET_MSRS (EFER and the FS/GS bases live in kvm_sregs and are handled by the vCPU).
 */
final class VcpuMsrs {
    static final int TSC = 0x10;
    static final int EFER = 0xC0000080;
    static final int FS_BASE = 0xC0000100;
    static final int GS_BASE = 0xC0000101;
    static final int KERNEL_GS_BASE = 0xC0000102;
    static final int TSC_AUX = 0xC0000103;

    private final KvmSyscalls sys;
    private final int fd;
    private final NativeBuffer one = new NativeBuffer(KvmMsrs.HEADER_SIZE + KvmMsrs.ENTRY_SIZE);

    VcpuMsrs(KvmSyscalls sys, int fd) {
        this.sys = sys;
        this.fd = fd;
    }

    long read(int msr) {
        check(msr);
        fill(msr, 0);
        transfer(KvmIoctl.KVM_GET_MSRS, msr);
        return one.bytes().getLong(KvmMsrs.ENTRIES + KvmMsrs.ENTRY_DATA);
    }

    void write(int msr, long value) {
        check(msr);
        fill(msr, value);
        transfer(KvmIoctl.KVM_SET_MSRS, msr);
    }

    private static void check(int msr) {
        if (msr != TSC && msr != KERNEL_GS_BASE && msr != TSC_AUX) {
            throw new IllegalArgumentException(String.format("MSR 0x%x is not implemented", msr));
        }
    }

    private void fill(int msr, long value) {
        one.clear();
        one.bytes().putInt(KvmMsrs.NMSRS, 1);
        one.bytes().putInt(KvmMsrs.ENTRIES + KvmMsrs.ENTRY_INDEX, msr);
        one.bytes().putLong(KvmMsrs.ENTRIES + KvmMsrs.ENTRY_DATA, value);
    }

    /** Both ioctls return the number of entries processed: 0 means KVM refused the MSR. */
    private void transfer(long request, int msr) {
        long r = sys.ioctl(fd, request, one);
        if (r < 0) {
            throw KvmException.of(KvmIoctl.name(request), r);
        }
        if (r != 1) {
            throw new IllegalArgumentException(String.format("KVM refused %s of MSR 0x%x", KvmIoctl.name(request), msr));
        }
    }
}
