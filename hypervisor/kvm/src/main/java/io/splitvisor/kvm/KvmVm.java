package io.splitvisor.kvm;

import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.kvm.abi.KvmIoctl;
import io.splitvisor.kvm.sys.KvmException;
import io.splitvisor.kvm.sys.KvmSyscalls;

/**
 * One KVM virtual machine: the address space of one {@link GuestMemory}, shared by that memory's vCPUs. Holds a
 * reference to the memory (the slots point into it) until the last vCPU closes. No in-kernel irqchip is created:
 * interrupts are injected from user space (KVM_INTERRUPT), and HLT exits to user space.
 */
final class KvmVm {
    /** Where KVM_SET_TSS_ADDR puts its three pages unless guest RAM is there (the address QEMU and kvmtool use). */
    static final long PREFERRED_TSS = 0xFFFBD000L;
    private static final long TSS_PAGES = 3 * GuestMemory.PAGE_SIZE;

    private final KvmSystem kvm;
    private final int fd;
    private final GuestMemory memory;
    private final MemorySlots slots;
    private int vcpus;
    private int nextVcpuId;
    private boolean closed;
    private Runnable onDestroy = () -> { };

    private KvmVm(KvmSystem kvm, int fd, GuestMemory memory) {
        this.kvm = kvm;
        this.fd = fd;
        this.memory = memory;
        this.slots = new MemorySlots(kvm.sys(), fd, memory, kvm.memorySlots());
    }

    /** KVM_CREATE_VM, the TSS region, and the memory registered as slots. */
    static KvmVm create(KvmSystem kvm, GuestMemory memory) {
        KvmSyscalls sys = kvm.sys();
        long fd = sys.ioctl(kvm.fd(), KvmIoctl.KVM_CREATE_VM, 0);
        if (fd < 0) {
            throw KvmException.of("KVM_CREATE_VM", fd);
        }
        memory.retain();
        KvmVm vm = new KvmVm(kvm, (int) fd, memory);
        try {
            long tss = tssAddress(memory);
            long r = sys.ioctl(vm.fd, KvmIoctl.KVM_SET_TSS_ADDR, tss);
            if (r < 0) {
                throw KvmException.of(String.format("KVM_SET_TSS_ADDR (0x%x)", tss), r);
            }
            vm.slots.sync();
            memory.addListener(vm.slots);
            return vm;
        } catch (RuntimeException e) {
            vm.destroy();
            throw e;
        }
    }

    /** Three free pages below 4 GiB outside every RAM region, searched downwards from {@link #PREFERRED_TSS}. */
    static long tssAddress(GuestMemory memory) {
        for (long a = PREFERRED_TSS; a >= 0; a -= GuestMemory.PAGE_SIZE) {
            MemoryRegion candidate = new MemoryRegion(a, TSS_PAGES);
            if (memory.regions().stream().noneMatch(candidate::overlaps)) {
                return a;
            }
        }
        throw new KvmException("no room below 4 GiB for the three pages of KVM's TSS region", 0);
    }

    /** Runs once when the VM is destroyed (the engine forgets it). */
    synchronized void onDestroy(Runnable r) {
        onDestroy = r;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Destroys the VM if no vCPU was ever created on it (a failed vCPU creation). */
    synchronized void destroyIfUnused() {
        if (vcpus == 0) {
            destroy();
        }
    }

    KvmSystem kvm() {
        return kvm;
    }

    int fd() {
        return fd;
    }

    GuestMemory memory() {
        return memory;
    }

    MemorySlots slots() {
        return slots;
    }

    /** KVM_CREATE_VCPU with the next id; the vCPU counts as a user of this VM until {@link #vcpuClosed}. */
    synchronized int createVcpuFd() {
        if (closed) {
            throw new IllegalStateException("the VM was closed");
        }
        long r = kvm.sys().ioctl(fd, KvmIoctl.KVM_CREATE_VCPU, nextVcpuId);
        if (r < 0) {
            throw KvmException.of("KVM_CREATE_VCPU " + nextVcpuId, r);
        }
        nextVcpuId++;
        vcpus++;
        return (int) r;
    }

    /** True once the last vCPU is gone (the VM was then destroyed). */
    synchronized boolean vcpuClosed() {
        if (--vcpus == 0) {
            destroy();
            return true;
        }
        return false;
    }

    private synchronized void destroy() {
        if (!closed) {
            closed = true;
            memory.removeListener(slots);
            kvm.sys().close(fd);
            memory.release();
            onDestroy.run();
        }
    }
}
