package io.splitvisor.kvm.sys;

import io.splitvisor.kvm.abi.KvmIoctl;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real binding on this machine, on files other than /dev/kvm (errno, mmap, the kick signal). */
class LinuxKvmTest {
    private final LinuxKvm sys = LinuxKvm.load();

    @Test
    void openReportsErrnoOfAMissingFile() {
        assertEquals(-Errno.ENOENT, sys.open("/nonexistent/kvm"));
    }

    @Test
    void ioctlOnAFileThatIsNotKvmReturnsEnotty() {
        int fd = sys.open("/dev/null");
        assertTrue(fd >= 0);
        try {
            assertEquals(-Errno.ENOTTY, sys.ioctl(fd, KvmIoctl.KVM_GET_API_VERSION, 0));
            NativeBuffer regs = new NativeBuffer(144);
            assertEquals(-Errno.ENOTTY, sys.ioctl(fd, KvmIoctl.KVM_GET_REGS, regs));
            assertEquals(-Errno.ENOTTY, sys.ioctl(fd, KvmIoctl.KVM_GET_SREGS, regs));
        } finally {
            sys.close(fd);
        }
        assertEquals(-Errno.EBADF, sys.ioctl(fd, KvmIoctl.KVM_RUN, 0));
    }

    @Test
    void sharedMappingIsAWritableLittleEndianView() {
        int fd = sys.open("/dev/zero");
        try {
            ByteBuffer b = sys.mapShared(fd, 3 * 4096);
            assertEquals(3 * 4096, b.capacity());
            assertTrue(b.isDirect());
            b.putInt(4096, 0x01020304);
            assertEquals(4, b.get(4096));
            sys.unmap(b);
        } finally {
            sys.close(fd);
        }
    }

    @Test
    void kickSignalStaysPendingOnAPreparedThreadUntilDrained() throws InterruptedException {
        KickSignal k = sys.kickSignal();
        assertTrue(k.signal() > 32 && k.signal() <= 64, "a real-time signal: " + k.signal());
        AtomicInteger tid = new AtomicInteger();
        AtomicLong runMask = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Object gate = new Object();
        Thread t = new Thread(() -> {
            try {
                runMask.set(k.prepareThread());
                tid.set(k.currentThreadId());
                synchronized (gate) {
                    gate.notifyAll();
                    gate.wait();   // kicked meanwhile: blocked, so nothing is delivered
                }
                k.drain();
                k.drain();          // nothing left: returns at once
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        synchronized (gate) {
            t.start();
            gate.wait();
            assertTrue(k.kick(tid.get()));
            assertTrue(k.kick(tid.get()));
            gate.notifyAll();
        }
        t.join(10_000);
        assertFalse(t.isAlive());
        assertNull(failure.get());
        assertEquals(0, runMask.get() & (1L << (k.signal() - 1)), "the run mask lets the kick through");
        assertNotEquals(tid.get(), k.currentThreadId());
        assertFalse(k.kick(Integer.MAX_VALUE - 7), "no such thread");
    }
}
