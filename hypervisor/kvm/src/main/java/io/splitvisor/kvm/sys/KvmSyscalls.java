package io.splitvisor.kvm.sys;

import java.nio.ByteBuffer;

/**
 * The system calls the KVM engine makes, behind an interface so that tests can replace the kernel with a
 * scripted fake ({@code FakeKvm}). Results follow the kernel's convention: a non-negative value, or a negated errno.
 * No method throws on a failed call, so the run loop builds no exception per exit.
 */
public interface KvmSyscalls {
    /** open(path, O_RDWR | O_CLOEXEC): a file descriptor, or -errno. */
    int open(String path);

    /** close(fd); errors are ignored (nothing useful can be done about them). */
    void close(int fd);

    /** ioctl(fd, request, arg) with an integer argument: the result, or -errno. */
    long ioctl(int fd, long request, long arg);

    /** ioctl(fd, request, &amp;arg) with a pointer to the structure in {@code arg}: the result, or -errno. */
    long ioctl(int fd, long request, NativeBuffer arg);

    /**
     * mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) as a little-endian direct buffer of
     * {@code length} bytes; throws {@link KvmException} with the errno on failure.
     */
    ByteBuffer mapShared(int fd, int length);

    /** munmap of a mapping from {@link #mapShared}. */
    void unmap(ByteBuffer mapping);

    /** The signal machinery that kicks a vCPU thread out of KVM_RUN. */
    KickSignal kickSignal();
}
