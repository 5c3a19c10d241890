package io.splitvisor.kvm.sys;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The real system calls, through JNA direct mapping ({@link Native#register}): fixed-argument prototypes (no
 * varargs, no {@code Structure}, no {@code LastErrorException}), errno read with {@link Native#getLastError()}.
 * Loading this class loads JNA's native library; {@link #load()} reports a failure as one line instead.
 */
public final class LinuxKvm implements KvmSyscalls {
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    private static final long MAP_FAILED = -1;

    private static final LinuxKvm INSTANCE = new LinuxKvm();
    private final Signals signals = new Signals();

    private LinuxKvm() {
    }

    /** The binding; throws {@link KvmException} naming the reason if JNA's native part cannot be used here. */
    public static LinuxKvm load() {
        if (!Platform.isLinux() || !Platform.isIntel() || !Platform.is64Bit()) {
            throw new KvmException("the KVM engine needs x86-64 Linux (this is " + System.getProperty("os.name")
                    + " on " + System.getProperty("os.arch") + ")", 0);
        }
        try {
            LibC.class.getName();
            LibC.getpid();
        } catch (LinkageError e) {
            throw new KvmException("the JNA native library cannot be loaded: " + e.getMessage(), 0);
        }
        return INSTANCE;
    }

    @Override
    public int open(String path) {
        int fd = LibC.open(path, O_RDWR | O_CLOEXEC);
        return fd >= 0 ? fd : -Native.getLastError();
    }

    @Override
    public void close(int fd) {
        LibC.close(fd);
    }

    @Override
    public long ioctl(int fd, long request, long arg) {
        int r = LibC.ioctl(fd, request, arg);
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public long ioctl(int fd, long request, NativeBuffer arg) {
        Pointer p = (Pointer) arg.handle;
        if (p == null) {
            p = new Pointer(arg.address());
            arg.handle = p;
        }
        int r = LibC.ioctl(fd, request, p);
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public ByteBuffer mapShared(int fd, int length) {
        long a = LibC.mmap(0, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (a == MAP_FAILED) {
            int e = Native.getLastError();
            throw new KvmException("mmap of the vCPU's kvm_run failed: " + Errno.describe(e), e);
        }
        return new Pointer(a).getByteBuffer(0, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void unmap(ByteBuffer mapping) {
        LibC.munmap(Pointer.nativeValue(Native.getDirectBufferPointer(mapping)), mapping.capacity());
    }

    @Override
    public KickSignal kickSignal() {
        return signals;
    }

    /** The real-time kick signal: blocked on vCPU threads, unblocked only inside KVM_RUN. */
    private static final class Signals implements KickSignal {
        private static final int SIG_BLOCK = 0;
        /** glibc's sigset_t is 128 bytes. */
        private static final int SIGSET_BYTES = 128;
        private final int signal;
        private final long pid;

        Signals() {
            // SIGRTMIN + 6: HotSpot and glibc use none of the real-time signals above SIGRTMIN.
            this.signal = LibC.__libc_current_sigrtmin() + 6;
            this.pid = LibC.getpid();
            // A handler, not SIG_DFL (which would kill the process if a kick ever reached a thread that does not
            // block the signal) and not SIG_IGN (an ignored signal is discarded and would not interrupt KVM_RUN).
            // The handler never runs on a vCPU thread (the signal is blocked there outside KVM_RUN, and KVM restores
            // that mask before returning); getpid is an async-signal-safe function that ignores its argument, a
            // harmless handler for a kick that reaches a thread by accident.
            long handler = Pointer.nativeValue(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("getpid"));
            LibC.signal(signal, handler);
        }

        @Override
        public int signal() {
            return signal;
        }

        @Override
        public long prepareThread() {
            try (com.sun.jna.Memory set = new com.sun.jna.Memory(SIGSET_BYTES);
                 com.sun.jna.Memory old = new com.sun.jna.Memory(SIGSET_BYTES)) {
                set.clear();
                set.setLong(0, 1L << (signal - 1));
                int r = LibC.pthread_sigmask(SIG_BLOCK, set, old);
                if (r != 0) {
                    throw new KvmException("pthread_sigmask failed: " + Errno.describe(r), r);
                }
                return old.getLong(0) & ~(1L << (signal - 1));
            }
        }

        @Override
        public int currentThreadId() {
            return LibC.gettid();
        }

        @Override
        public boolean kick(int tid) {
            return LibC.tgkill((int) pid, tid, signal) == 0;
        }

        @Override
        public void drain() {
            try (com.sun.jna.Memory set = new com.sun.jna.Memory(SIGSET_BYTES);
                 com.sun.jna.Memory zero = new com.sun.jna.Memory(16)) {
                set.clear();
                set.setLong(0, 1L << (signal - 1));
                zero.clear();
                while (LibC.sigtimedwait(set, Pointer.NULL, zero) == signal) {
                    // one pending instance of a real-time signal per kick: take them all
                }
            }
        }
    }

    /** The C library, direct-mapped. */
    private static final class LibC {
        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        static native int open(String path, int flags);

        static native int close(int fd);

        static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

        static native int munmap(long addr, long length);

        static native int ioctl(int fd, long request, long arg);

        static native int ioctl(int fd, long request, Pointer arg);

        static native int getpid();

        static native int gettid();

        static native int tgkill(int tgid, int tid, int sig);

        static native int pthread_sigmask(int how, Pointer set, Pointer oldSet);

        static native int sigtimedwait(Pointer set, Pointer info, Pointer timeout);

        static native long signal(int sig, long handler);

        static native int __libc_current_sigrtmin();
    }
}
