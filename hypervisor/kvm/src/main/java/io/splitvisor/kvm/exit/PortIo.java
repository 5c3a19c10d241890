package io.splitvisor.kvm.exit;

import io.splitvisor.engine.Exit;
import java.nio.ByteBuffer;

/**
 * A port I/O exit being handed to the host element by element. KVM reports a string instruction (REP INS/OUTS) as
 * one exit with {@code count} elements packed at {@code data_offset} in the vCPU mapping; the engine interface
 * reports one element per exit, or, with string batching on (as the interpreter does it), one exit for all
 * elements: an OUTS carries them in the exit's string data, an INS has the host fill the exit's string buffer. An IN's reply is written to the element's slot in the mapping; KVM copies them into guest memory when
 * the vCPU next enters KVM_RUN, so every element is answered before that.
 */
public final class PortIo {
    private final ByteBuffer run;
    private boolean in;
    private int port;
    private int size;
    private int count;
    private int dataOffset;
    /** Elements already reported. */
    private int next;
    private boolean awaitingReply;
    /** For a batched IN: where its first element goes in the mapping, how many bytes, and the exit to copy from. */
    private int batchAt;
    private int batchBytes;
    private Exit batchExit;

    public PortIo(ByteBuffer run) {
        this.run = run;
    }

    /** Starts an exit's elements (called for every KVM_EXIT_IO). */
    void begin(boolean in, int port, int size, int count, int dataOffset) {
        this.in = in;
        this.port = port;
        this.size = size;
        this.count = count;
        this.dataOffset = dataOffset;
        this.next = 0;
        this.awaitingReply = false;
        this.batchBytes = 0;
    }

    /** Whether elements of the current exit have not been reported yet (run() reports them before KVM_RUN). */
    public boolean hasMore() {
        return next < count;
    }

    /** Fills {@code exit} with the next element (or, batching, all remaining elements). */
    public Exit reportNext(Exit exit, boolean batchStrings) {
        if (in && batchStrings && count - next > 1) {
            int elements = count - next;
            batchAt = dataOffset + next * size;
            batchBytes = elements * size;
            batchExit = exit;
            next = count;
            awaitingReply = true;
            return exit.stringIn(port, size, elements);
        }
        if (!in && batchStrings && count - next > 1) {
            int bytes = (count - next) * size;
            byte[] dst = exit.stringBuffer();
            for (int i = 0; i < bytes; i++) {
                dst[i] = run.get(dataOffset + next * size + i);
            }
            int elements = count - next;
            next = count;
            return exit.stringOut(port, size, elements);
        }
        int at = dataOffset + next * size;
        next++;
        if (in) {
            awaitingReply = true;
            return exit.io(true, port, size, 0, 1);
        }
        return exit.io(false, port, size, read(at, size), 1);
    }

    /**
     * The host's answer to the IN element last reported (for a batched IN, the elements the host wrote into the
     * exit's string buffer; {@code data} is then ignored); false if no IN is waiting for one.
     */
    public boolean reply(long data) {
        if (!awaitingReply) {
            return false;
        }
        awaitingReply = false;
        if (batchBytes > 0) {
            byte[] src = batchExit.stringBuffer();
            for (int i = 0; i < batchBytes; i++) {
                run.put(batchAt + i, src[i]);
            }
            batchBytes = 0;
            return true;
        }
        int at = dataOffset + (next - 1) * size;
        for (int i = 0; i < size; i++) {
            run.put(at + i, (byte) (data >>> (8 * i)));
        }
        return true;
    }

    /** An IN element was reported and not answered yet. */
    public boolean awaitingReply() {
        return awaitingReply;
    }

    private long read(int at, int bytes) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = v << 8 | (run.get(at + i) & 0xFF);
        }
        return v;
    }
}
