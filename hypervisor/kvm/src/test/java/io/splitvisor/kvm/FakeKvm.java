package io.splitvisor.kvm;

import io.splitvisor.kvm.abi.KvmCap;
import io.splitvisor.kvm.abi.KvmIoctl;
import io.splitvisor.kvm.abi.KvmRegs;
import io.splitvisor.kvm.abi.KvmRun;
import io.splitvisor.kvm.abi.KvmSregs;
import io.splitvisor.kvm.abi.KvmUserspaceMemoryRegion;
import io.splitvisor.kvm.sys.Errno;
import io.splitvisor.kvm.sys.KickSignal;
import io.splitvisor.kvm.sys.KvmSyscalls;
import io.splitvisor.kvm.sys.NativeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A scripted stand-in for the kernel: it records every call (with the role of the fd: kvm, vm, vcpuN), keeps
 * kvm_regs / kvm_sregs images per vCPU, and answers each KVM_RUN with the next scripted exit written into the
 * kvm_run mapping. What the engine wrote into the mapping before re-entering is captured per KVM_RUN.
 */
final class FakeKvm implements KvmSyscalls {
    static final int MMAP_SIZE = 3 * 4096;
    static final int PIO_OFFSET = 4096;

    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** The kvm_run mapping as the engine left it at each KVM_RUN (a copy). */
    final List<ByteBuffer> runEntries = new ArrayList<>();
    final List<Integer> injected = new ArrayList<>();
    final List<String> slots = new ArrayList<>();
    final List<Integer> kicks = Collections.synchronizedList(new ArrayList<>());
    final Deque<Consumer<ByteBuffer>> script = new ArrayDeque<>();
    int apiVersion = 12;
    Set<Integer> missingCaps = Set.of();
    int openErrno;
    long runErrno;
    byte[] cpuid2;
    /** KVM_GET_SUPPORTED_CPUID's rows: {function, index, eax, ebx, ecx, edx}. */
    int[][] supportedCpuid = {};
    private final Map<Integer, String> roles = new HashMap<>();
    private final Map<Integer, ByteBuffer> regs = new HashMap<>();
    private final Map<Integer, ByteBuffer> sregs = new HashMap<>();
    private final Map<Integer, ByteBuffer> runs = new HashMap<>();
    private int nextFd = 10;
    private int vcpus;
    /** Set while a KVM_RUN waits for a kick (see {@link #blockUntilKicked}). */
    volatile CountDownLatch blocked;
    final CountDownLatch entered = new CountDownLatch(1);
    private static final Consumer<ByteBuffer> BLOCK = run -> { };

    private final KickSignal signal = new KickSignal() {
        @Override
        public int signal() {
            return 40;
        }

        @Override
        public long prepareThread() {
            calls.add("prepareThread");
            return 0x1234L;
        }

        @Override
        public int currentThreadId() {
            return 777;
        }

        @Override
        public boolean kick(int tid) {
            kicks.add(tid);
            CountDownLatch b = blocked;
            if (b != null) {
                b.countDown();
            }
            return true;
        }

        @Override
        public void drain() {
            calls.add("drain");
        }
    };

    /** The next KVM_RUN: writes an exit into kvm_run. */
    FakeKvm then(Consumer<ByteBuffer> exit) {
        script.add(exit);
        return this;
    }

    /** The next KVM_RUN blocks until the engine kicks the thread, then fails with EINTR (a signal arrived). */
    FakeKvm blockUntilKicked() {
        script.add(BLOCK);
        return this;
    }

    static Consumer<ByteBuffer> io(boolean in, int port, int size, int count, byte[] data) {
        return run -> {
            run.putInt(KvmRun.EXIT_REASON, 2);
            run.put(KvmRun.IO_DIRECTION, (byte) (in ? 0 : 1));
            run.put(KvmRun.IO_SIZE, (byte) size);
            run.putShort(KvmRun.IO_PORT, (short) port);
            run.putInt(KvmRun.IO_COUNT, count);
            run.putLong(KvmRun.IO_DATA_OFFSET, PIO_OFFSET);
            for (int i = 0; data != null && i < data.length; i++) {
                run.put(PIO_OFFSET + i, data[i]);
            }
        };
    }

    static Consumer<ByteBuffer> mmio(boolean write, long gpa, int len, long data) {
        return run -> {
            run.putInt(KvmRun.EXIT_REASON, 6);
            run.putLong(KvmRun.MMIO_PHYS_ADDR, gpa);
            run.putLong(KvmRun.MMIO_DATA, write ? data : 0);
            run.putInt(KvmRun.MMIO_LEN, len);
            run.put(KvmRun.MMIO_IS_WRITE, (byte) (write ? 1 : 0));
        };
    }

    static Consumer<ByteBuffer> simple(int reason, boolean ready, boolean ifFlag) {
        return run -> {
            run.putInt(KvmRun.EXIT_REASON, reason);
            run.put(KvmRun.READY_FOR_INTERRUPT_INJECTION, (byte) (ready ? 1 : 0));
            run.put(KvmRun.IF_FLAG, (byte) (ifFlag ? 1 : 0));
        };
    }

    ByteBuffer regs(int vcpu) {
        return regs.get(vcpuFd(vcpu));
    }

    ByteBuffer sregs(int vcpu) {
        return sregs.get(vcpuFd(vcpu));
    }

    private int vcpuFd(int n) {
        return roles.entrySet().stream().filter(e -> e.getValue().equals("vcpu" + n)).findFirst().orElseThrow().getKey();
    }

    /** The calls, without the prefix noise, as "role NAME" strings. */
    List<String> callNames() {
        synchronized (calls) {
            return new ArrayList<>(calls);
        }
    }

    @Override
    public int open(String path) {
        calls.add("open " + path);
        if (openErrno != 0) {
            return -openErrno;
        }
        int fd = nextFd++;
        roles.put(fd, "kvm");
        return fd;
    }

    @Override
    public void close(int fd) {
        calls.add("close " + roles.get(fd));
    }

    @Override
    public long ioctl(int fd, long request, long arg) {
        String role = roles.getOrDefault(fd, "bad");
        calls.add(role + " " + KvmIoctl.name(request) + (request == KvmIoctl.KVM_CHECK_EXTENSION ? " " + arg : ""));
        if (request == KvmIoctl.KVM_GET_API_VERSION) {
            return apiVersion;
        } else if (request == KvmIoctl.KVM_CHECK_EXTENSION) {
            if (arg == KvmCap.KVM_CAP_NR_MEMSLOTS) {
                return missingCaps.contains((int) arg) ? 0 : 8;
            }
            return missingCaps.contains((int) arg) ? 0 : 1;
        } else if (request == KvmIoctl.KVM_GET_VCPU_MMAP_SIZE) {
            return role.equals("kvm") ? MMAP_SIZE : -Errno.EINVAL;
        } else if (request == KvmIoctl.KVM_CREATE_VM) {
            int vm = nextFd++;
            roles.put(vm, "vm");
            return vm;
        } else if (request == KvmIoctl.KVM_CREATE_VCPU) {
            int v = nextFd++;
            roles.put(v, "vcpu" + vcpus++);
            regs.put(v, ByteBuffer.allocate(KvmRegs.SIZE).order(ByteOrder.LITTLE_ENDIAN).putLong(KvmRegs.RFLAGS, 2));
            ByteBuffer s = ByteBuffer.allocate(KvmSregs.SIZE).order(ByteOrder.LITTLE_ENDIAN);
            s.putLong(KvmSregs.APIC_BASE, 0xFEE00900L);
            sregs.put(v, s);
            return v;
        } else if (request == KvmIoctl.KVM_RUN) {
            return run(fd);
        } else if (request == KvmIoctl.KVM_SET_TSS_ADDR || request == KvmIoctl.KVM_SET_TSC_KHZ) {
            return 0;
        }
        return -Errno.ENOTTY;
    }

    private long run(int fd) {
        ByteBuffer run = runs.get(fd);
        ByteBuffer copy = ByteBuffer.allocate(run.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < run.capacity(); i++) {
            copy.put(i, run.get(i));
        }
        runEntries.add(copy);
        if (runErrno != 0) {
            return -runErrno;
        }
        if (script.isEmpty()) {
            throw new AssertionError("KVM_RUN beyond the script");
        }
        Consumer<ByteBuffer> step = script.poll();
        if (step == BLOCK) {
            CountDownLatch latch = blocked;
            entered.countDown();
            try {
                if (!latch.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("never kicked");
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            run.putInt(KvmRun.EXIT_REASON, 10);
            return -Errno.EINTR;
        }
        for (int i = 32; i < 288; i++) {
            run.put(i, (byte) 0);
        }
        step.accept(run);
        return 0;
    }

    @Override
    public long ioctl(int fd, long request, NativeBuffer arg) {
        String role = roles.getOrDefault(fd, "bad");
        calls.add(role + " " + KvmIoctl.name(request));
        ByteBuffer b = arg.bytes();
        if (request == KvmIoctl.KVM_GET_REGS) {
            copy(regs.get(fd), b);
        } else if (request == KvmIoctl.KVM_SET_REGS) {
            copy(b, regs.get(fd));
        } else if (request == KvmIoctl.KVM_GET_SREGS) {
            copy(sregs.get(fd), b);
        } else if (request == KvmIoctl.KVM_SET_SREGS) {
            copy(b, sregs.get(fd));
        } else if (request == KvmIoctl.KVM_INTERRUPT) {
            injected.add(b.getInt(0));
        } else if (request == KvmIoctl.KVM_SET_CPUID2) {
            cpuid2 = new byte[arg.size()];
            for (int i = 0; i < cpuid2.length; i++) {
                cpuid2[i] = b.get(i);
            }
        } else if (request == KvmIoctl.KVM_SET_USER_MEMORY_REGION) {
            slots.add(String.format("%d 0x%x+0x%x@0x%x", b.getInt(KvmUserspaceMemoryRegion.SLOT),
                    b.getLong(KvmUserspaceMemoryRegion.GUEST_PHYS_ADDR), b.getLong(KvmUserspaceMemoryRegion.MEMORY_SIZE),
                    b.getLong(KvmUserspaceMemoryRegion.USERSPACE_ADDR)));
        } else if (request == KvmIoctl.KVM_GET_MSRS || request == KvmIoctl.KVM_SET_MSRS) {
            return b.getInt(0);
        } else if (request == KvmIoctl.KVM_SET_SIGNAL_MASK) {
            calls.add("signal mask len " + b.getInt(0) + " set 0x" + Long.toHexString(b.getLong(4)));
        } else if (request == KvmIoctl.KVM_GET_SUPPORTED_CPUID) {
            int room = b.getInt(0);
            if (room < supportedCpuid.length) {
                return -Errno.E2BIG;
            }
            b.putInt(0, supportedCpuid.length);
            for (int i = 0; i < supportedCpuid.length; i++) {
                int at = 8 + 40 * i;
                for (int r = 0; r < 6; r++) {
                    b.putInt(at + (r == 0 ? 0 : r == 1 ? 4 : 4 + 4 * r), supportedCpuid[i][r]);   // function, index, eax@12 .. edx@24
                }
            }
        } else {
            return -Errno.ENOTTY;
        }
        return 0;
    }

    private static void copy(ByteBuffer from, ByteBuffer to) {
        for (int i = 0; i < from.capacity(); i++) {
            to.put(i, from.get(i));
        }
    }

    @Override
    public ByteBuffer mapShared(int fd, int length) {
        calls.add("mmap " + roles.get(fd) + " " + length);
        ByteBuffer b = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
        runs.put(fd, b);
        return b;
    }

    @Override
    public void unmap(ByteBuffer mapping) {
        calls.add("munmap");
    }

    @Override
    public KickSignal kickSignal() {
        return signal;
    }
}
