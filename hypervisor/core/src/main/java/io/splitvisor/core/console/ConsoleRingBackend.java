package io.splitvisor.core.console;

import io.splitvisor.abi.layout.ConsoleRingLayout;
import io.splitvisor.core.memory.GuestAtomics;
import io.splitvisor.engine.GuestMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.VarHandle;

/**
 * dom0's end of a guest's console ring (ABI.md section 8): drains the guest's output into its
 * {@link ConsoleLog} and moves queued input into the ring. Runs on dom0's event thread when the
 * guest notifies the console channel. A producer index further ahead than the ring size is a
 * protocol violation that disconnects the console; the domain itself keeps running. Every entry
 * point holds a reference to the guest's memory while it touches it ({@link GuestMemory#tryRetain()}),
 * and does nothing once that memory was released.
 */
public final class ConsoleRingBackend {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRingBackend.class);

    private final GuestMemory memory;
    private final long ring;
    private final ConsoleLog log;
    private final Runnable notifyGuest;
    private final byte[] buffer = new byte[ConsoleRingLayout.OUT_SIZE];
    private volatile boolean broken;

    public ConsoleRingBackend(GuestMemory memory, long ringGpa, ConsoleLog log, Runnable notifyGuest) {
        this.memory = memory;
        this.ring = ringGpa;
        this.log = log;
        this.notifyGuest = notifyGuest;
    }

    public boolean broken() {
        return broken;
    }

    /**
     * Handles a notification from the guest (or new input): moves bytes both ways. Does nothing once the domain's
     * memory was released (a notification that was already queued on dom0's executor when the domain was destroyed).
     */
    public synchronized void service() {
        if (broken || !memory.tryRetain()) {
            return;
        }
        boolean progress;
        try {
            progress = drainOutput() | fillInput();
        } finally {
            memory.release();
        }
        if (progress) {
            notifyGuest.run();
        }
    }

    private boolean drainOutput() {
        long cons = memory.readU32(ring + ConsoleRingLayout.OUT_CONS);
        long prod = GuestAtomics.readU32Acquire(memory, ring + ConsoleRingLayout.OUT_PROD);
        int available = (int) ((prod - cons) & 0xFFFFFFFFL);
        if (available == 0) {
            return false;
        }
        if (Integer.compareUnsigned(available, ConsoleRingLayout.OUT_SIZE) > 0) {
            disconnect("output producer index " + prod + " is " + Integer.toUnsignedString(available)
                    + " bytes ahead of the consumer, more than the ring holds");
            return false;
        }
        for (int i = 0; i < available; i++) {
            buffer[i] = (byte) memory.readU8(ring + ConsoleRingLayout.OUT + ((cons + i) & (ConsoleRingLayout.OUT_SIZE - 1)));
        }
        VarHandle.fullFence();   // the bytes are read before the consumer index frees their slots
        GuestAtomics.writeU32Release(memory, ring + ConsoleRingLayout.OUT_CONS, (cons + available) & 0xFFFFFFFFL);
        log.write(buffer, 0, available);
        return true;
    }

    private boolean fillInput() {
        if (log.inputAvailable() == 0) {
            return false;
        }
        long cons = GuestAtomics.readU32Acquire(memory, ring + ConsoleRingLayout.IN_CONS);
        long prod = memory.readU32(ring + ConsoleRingLayout.IN_PROD);
        int used = (int) ((prod - cons) & 0xFFFFFFFFL);
        if (Integer.compareUnsigned(used, ConsoleRingLayout.IN_SIZE) > 0) {
            disconnect("input consumer index " + cons + " ran past the producer " + prod);
            return false;
        }
        int space = ConsoleRingLayout.IN_SIZE - used;
        byte[] data = log.takeInput(space);
        for (int i = 0; i < data.length; i++) {
            memory.writeU8(ring + ConsoleRingLayout.IN + ((prod + i) & (ConsoleRingLayout.IN_SIZE - 1)), data[i]);
        }
        GuestAtomics.writeU32Release(memory, ring + ConsoleRingLayout.IN_PROD, (prod + data.length) & 0xFFFFFFFFL);
        return data.length > 0;
    }

    /**
     * ConsoleRead on the guest's behalf: consumes up to {@code max} bytes of input as the guest
     * would (from its ring first, then what is still queued), on the guest's own vCPU thread.
     */
    public synchronized byte[] readInput(int max) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (!broken && memory.tryRetain()) {
            try {
                readRing(out, max);
            } finally {
                memory.release();
            }
        }
        byte[] queued = log.takeInput(max - out.size());
        out.write(queued, 0, queued.length);
        return out.toByteArray();
    }

    private void readRing(java.io.ByteArrayOutputStream out, int max) {
        long cons = memory.readU32(ring + ConsoleRingLayout.IN_CONS);
        long prod = GuestAtomics.readU32Acquire(memory, ring + ConsoleRingLayout.IN_PROD);
        int available = (int) Math.min((prod - cons) & 0xFFFFFFFFL, ConsoleRingLayout.IN_SIZE);
        int n = Math.min(available, max);
        for (int i = 0; i < n; i++) {
            out.write(memory.readU8(ring + ConsoleRingLayout.IN + ((cons + i) & (ConsoleRingLayout.IN_SIZE - 1))));
        }
        GuestAtomics.writeU32Release(memory, ring + ConsoleRingLayout.IN_CONS, (cons + n) & 0xFFFFFFFFL);
    }

    private void disconnect(String why) {
        broken = true;
        memory.writeU8(ring + ConsoleRingLayout.CONNECTION, ConsoleRingLayout.DISCONNECTED);
        LOG.warn("console of {} disconnected: {}", log.name(), why);
        log.write(("[console disconnected: " + why + "]\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), 0,
                ("[console disconnected: " + why + "]\n").length());
    }
}
