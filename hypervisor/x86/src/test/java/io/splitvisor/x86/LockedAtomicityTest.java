package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.NativeAccess;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.x86.exec.InterpreterVcpu;
import io.splitvisor.x86.support.Rig;
import io.splitvisor.x86.support.Tools;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * LOCK-prefixed read-modify-writes (and XCHG with memory) are atomic against other host threads: a guest loops on
 * shared words while a host thread applies getAndAdd, compare-and-set, getAndOr and getAndAnd to the same words,
 * and the final values account for every update of both sides. A non-atomic read-compute-write loses some of the
 * host's updates within a few thousand iterations.
 */
class LockedAtomicityTest {
    private static final sun.misc.Unsafe U = NativeAccess.UNSAFE;
    private static final int ITERATIONS = Integer.getInteger("splitvisor.locked.iterations", 400_000);

    // offsets in the data page (Rig.DATA, identity-mapped)
    private static final int FLAG = 0x000;   // guest: 1 when it starts its loop, 2 when it is done
    private static final int A = 0x040;      // u64 counter
    private static final int B = 0x080;      // u32 counter
    private static final int W = 0x0C0;      // u16 host counter at W, u16 guest counter at W + 2
    private static final int C = 0x100;      // u64 counter, incremented by compare-and-set on both sides
    private static final int C8 = 0x140;     // u64 counter, CMPXCHG8B on the guest side
    private static final int C16 = 0x180;    // u16 host counter at C16, u16 guest counter (CMPXCHG word) at C16 + 2
    private static final int D = 0x1C0;      // u64 the host adds to and the guest takes with XCHG
    private static final int E = 0x200;      // u64 bits the host sets, the guest clears with LOCK BTR
    private static final int F = 0x240;      // u64 bits the guest sets with LOCK BTS, the host clears
    private static final int G = 0x280;      // u64 bits the host sets, the guest clears with LOCK AND
    private static final int BYTES = 0x2C0;  // u8 guest counter at +1 and +3, host counters at +0 and +2

    /** What the host thread does once per iteration, with the native address of the data page. */
    private interface HostStep {
        void step(long data, long i);
    }

    /**
     * Runs {@code body} {@link #ITERATIONS} times on the guest (r8 counts down, r9-r15 are free for the body)
     * while {@code host} repeats on another thread from the guest's start to its end; returns the host's count.
     */
    private static long race(Rig r, String body, HostStep host) throws InterruptedException {
        String asm = String.format("""
                mov byte ptr [0x%x], 1
                mov r8d, %d
                1:
                %s
                dec r8d
                jnz 1b
                mov byte ptr [0x%x], 2
                hlt
                """, Rig.DATA + FLAG, ITERATIONS, body, Rig.DATA + FLAG);
        r.load(asm);
        long data = r.memory.hostPageAddress(Rig.DATA);
        long[] count = new long[1];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                while (U.getByteVolatile(null, data + FLAG) == 0) {
                    Thread.onSpinWait();
                }
                long i = 0;
                while (U.getByteVolatile(null, data + FLAG) == 1) {
                    host.step(data, i++);
                }
                count[0] = i;
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "host-atomics");
        t.setDaemon(true);
        t.start();
        Exit e;
        try {
            e = r.run(400L * ITERATIONS + 1000);
        } finally {
            U.putByteVolatile(null, data + FLAG, (byte) 2);
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(ExitReason.HLT, e.reason(), e.toString());
        return count[0];
    }

    private static void addShort(long word, int shift) {
        while (true) {
            int v = U.getIntVolatile(null, word);
            int n = (v & ~(0xFFFF << shift)) | ((((v >>> shift) + 1) & 0xFFFF) << shift);
            if (U.compareAndSwapInt(null, word, v, n)) {
                return;
            }
        }
    }

    private static void addByte(long word, int shift) {
        while (true) {
            int v = U.getIntVolatile(null, word);
            int n = (v & ~(0xFF << shift)) | ((((v >>> shift) + 1) & 0xFF) << shift);
            if (U.compareAndSwapInt(null, word, v, n)) {
                return;
            }
        }
    }

    @Test
    void lockAddXaddIncAgainstHostGetAndAdd() throws InterruptedException {
        try (Rig r = new Rig()) {
            long d = Rig.DATA;
            String body = String.format("""
                    lock add qword ptr [0x%x], 1
                    mov r9d, 1
                    lock xadd qword ptr [0x%x], r9
                    lock inc dword ptr [0x%x]
                    lock add word ptr [0x%x], 1
                    lock inc byte ptr [0x%x]
                    lock sub byte ptr [0x%x], -1
                    """, d + A, d + A, d + B, d + W + 2, d + BYTES + 1, d + BYTES + 3);
            long h = race(r, body, (data, i) -> {
                U.getAndAddLong(null, data + A, 1);
                U.getAndAddInt(null, data + B, 1);
                addShort(data + W, 0);
                addByte(data + BYTES, 0);
                addByte(data + BYTES, 16);
            });
            assertEquals(2L * ITERATIONS + h, r.memory.readU64(d + A), "64-bit counter");
            assertEquals((ITERATIONS + h) & 0xFFFFFFFFL, r.memory.readU32(d + B), "32-bit counter");
            assertEquals(h & 0xFFFF, r.memory.readU16(d + W), "host's 16-bit counter");
            assertEquals(ITERATIONS & 0xFFFF, r.memory.readU16(d + W + 2), "guest's 16-bit counter");
            assertEquals(h & 0xFF, r.memory.readU8(d + BYTES), "host's byte counter");
            assertEquals(ITERATIONS & 0xFF, r.memory.readU8(d + BYTES + 1), "guest's byte counter");
            assertEquals(h & 0xFF, r.memory.readU8(d + BYTES + 2), "host's second byte counter");
            assertEquals(ITERATIONS & 0xFF, r.memory.readU8(d + BYTES + 3), "guest's second byte counter");
        }
    }

    @Test
    void lockCmpxchgAgainstHostCompareAndSet() throws InterruptedException {
        try (Rig r = new Rig()) {
            long d = Rig.DATA;
            String body = String.format("""
                    mov rax, qword ptr [0x%x]
                    2:
                    lea r9, [rax + 1]
                    lock cmpxchg qword ptr [0x%x], r9
                    jne 2b
                    mov eax, dword ptr [0x%x]
                    mov edx, dword ptr [0x%x]
                    3:
                    mov ebx, eax
                    mov ecx, edx
                    add ebx, 1
                    adc ecx, 0
                    lock cmpxchg8b qword ptr [0x%x]
                    jne 3b
                    mov ax, word ptr [0x%x]
                    4:
                    lea r9d, [rax + 1]
                    lock cmpxchg word ptr [0x%x], r9w
                    jne 4b
                    """, d + C, d + C, d + C8, d + C8 + 4, d + C8, d + C16 + 2, d + C16 + 2);
            long h = race(r, body, (data, i) -> {
                for (long v = U.getLongVolatile(null, data + C); !U.compareAndSwapLong(null, data + C, v, v + 1); ) {
                    v = U.getLongVolatile(null, data + C);
                }
                for (long v = U.getLongVolatile(null, data + C8); !U.compareAndSwapLong(null, data + C8, v, v + 1); ) {
                    v = U.getLongVolatile(null, data + C8);
                }
                addShort(data + C16, 0);
            });
            assertEquals(ITERATIONS + h, r.memory.readU64(d + C), "CMPXCHG counter");
            assertEquals(ITERATIONS + h, r.memory.readU64(d + C8), "CMPXCHG8B counter");
            assertEquals(h & 0xFFFF, r.memory.readU16(d + C16), "host's 16-bit counter");
            assertEquals(ITERATIONS & 0xFFFF, r.memory.readU16(d + C16 + 2), "guest's 16-bit CMPXCHG counter");
        }
    }

    @Test
    void xchgTakesEveryHostIncrement() throws InterruptedException {
        try (Rig r = new Rig()) {
            long d = Rig.DATA;
            // XCHG with memory is locked without a prefix; the guest sums what it takes in r10
            String body = String.format("""
                    xor r9d, r9d
                    xchg qword ptr [0x%x], r9
                    add r10, r9
                    """, d + D);
            long h = race(r, body, (data, i) -> U.getAndAddLong(null, data + D, 1));
            assertEquals(h, r.reg(Gpr.R10) + r.memory.readU64(d + D), "taken + left = added");
        }
    }

    @Test
    void everyEventBitTheHostSetsIsClearedOnceByTheGuest() throws InterruptedException {
        try (Rig r = new Rig()) {
            long d = Rig.DATA;
            // r10: bits the guest cleared with BTR (CF = 1); r11: bits it set with BTS (CF = 0);
            // r12: bits it cleared with LOCK AND after seeing them set
            String body = String.format("""
                    mov r9d, r8d
                    and r9d, 63
                    lock btr qword ptr [0x%x], r9
                    adc r10, 0
                    lock bts qword ptr [0x%x], r9
                    jc 2f
                    inc r11
                    2:
                    mov rax, qword ptr [0x%x]
                    test rax, rax
                    jz 3f
                    mov rdx, rax
                    neg rdx
                    and rdx, rax
                    not rdx
                    lock and qword ptr [0x%x], rdx
                    inc r12
                    3:
                    """, d + E, d + F, d + G, d + G);
            long[] hostSetE = new long[1];
            long[] hostClearedF = new long[1];
            long[] hostSetG = new long[1];
            race(r, body, (data, i) -> {
                long bit = 1L << ((i * 7) & 63);
                if ((getAndOr(data + E, bit) & bit) == 0) {
                    hostSetE[0]++;
                }
                if ((getAndAnd(data + F, ~bit) & bit) != 0) {
                    hostClearedF[0]++;
                }
                long bit2 = 1L << ((i * 13) & 63);
                if ((getAndOr(data + G, bit2) & bit2) == 0) {
                    hostSetG[0]++;
                }
            });
            assertEquals(hostSetE[0], r.reg(Gpr.R10) + Long.bitCount(r.memory.readU64(d + E)),
                    "host sets = guest BTR clears + bits still set");
            assertEquals(r.reg(Gpr.R11), hostClearedF[0] + Long.bitCount(r.memory.readU64(d + F)),
                    "guest BTS sets = host clears + bits still set");
            assertEquals(hostSetG[0], r.reg(Gpr.R12) + Long.bitCount(r.memory.readU64(d + G)),
                    "host sets = guest LOCK AND clears + bits still set");
        }
    }

    @Test
    void twoVcpusOnOneMemoryCountExactly() throws InterruptedException {
        try (Rig r = new Rig()) {
            long d = Rig.DATA;
            int n = ITERATIONS / 2;
            // each vCPU: n increments of the shared qword (LOCK XADD, LOCK ADD) and of its own byte of a shared word
            String asm = String.format("""
                    mov ecx, %d
                    1:
                    mov eax, 1
                    lock xadd qword ptr [0x%x], rax
                    lock add qword ptr [0x%x], 1
                    lock inc byte ptr [rdi]
                    dec ecx
                    jnz 1b
                    hlt
                    """, n, d + A, d + A);
            r.load(asm);
            InterpreterVcpu second = new InterpreterVcpu(r.memory, CpuidModel.standard());
            RegisterState s = r.vcpu.state();
            s.set(Gpr.RSP, s.get(Gpr.RSP) - 0x10000);
            second.setState(s);
            r.vcpu.setGpr(Gpr.RDI, d + BYTES);
            second.setGpr(Gpr.RDI, d + BYTES + 1);
            AtomicReference<Exit> secondExit = new AtomicReference<>();
            Thread t = new Thread(() -> secondExit.set(second.run(100L * n).copy()), "vcpu-2");
            t.start();
            Exit e = r.run(100L * n);
            t.join();
            second.close();
            assertEquals(ExitReason.HLT, e.reason());
            assertEquals(ExitReason.HLT, secondExit.get().reason());
            assertEquals(4L * n, r.memory.readU64(d + A));
            assertEquals(n & 0xFF, r.memory.readU8(d + BYTES));
            assertEquals(n & 0xFF, r.memory.readU8(d + BYTES + 1));
        }
    }

    private static long getAndOr(long a, long bits) {
        while (true) {
            long v = U.getLongVolatile(null, a);
            if (U.compareAndSwapLong(null, a, v, v | bits)) {
                return v;
            }
        }
    }

    private static long getAndAnd(long a, long bits) {
        while (true) {
            long v = U.getLongVolatile(null, a);
            if (U.compareAndSwapLong(null, a, v, v & bits)) {
                return v;
            }
        }
    }

    static {
        Tools.require("as");
    }
}
