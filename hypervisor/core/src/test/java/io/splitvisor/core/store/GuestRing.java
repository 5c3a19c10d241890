package io.splitvisor.core.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.splitvisor.abi.layout.StoreRingLayout;
import io.splitvisor.abi.proto.StoreRequest;
import io.splitvisor.abi.proto.StoreServerMessage;
import io.splitvisor.engine.GuestMemory;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The guest's side of a store page, written the way a guest driver would (indices start wherever they are). */
final class GuestRing {
    private static final int RING = StoreRingLayout.RING_SIZE;

    private final GuestMemory mem;
    private final long page;
    private int reqProd;
    private int rspCons;
    private byte[] partial = new byte[0];

    /** Sets all four indices to {@code start} (a value near 2^32 tests the wrap of the indices). */
    GuestRing(GuestMemory mem, long page, int start) {
        this.mem = mem;
        this.page = page;
        mem.fill(page, GuestMemory.PAGE_SIZE, (byte) 0);
        for (int off : new int[]{StoreRingLayout.REQ_CONS, StoreRingLayout.REQ_PROD, StoreRingLayout.RSP_CONS,
                StoreRingLayout.RSP_PROD}) {
            mem.writeU32(page + off, Integer.toUnsignedLong(start));
        }
        reqProd = start;
        rspCons = start;
    }

    int reqCons() {
        return (int) mem.readU32(page + StoreRingLayout.REQ_CONS);
    }

    int rspProd() {
        return (int) mem.readU32(page + StoreRingLayout.RSP_PROD);
    }

    int reqProd() {
        return reqProd;
    }

    int error() {
        return (int) mem.readU32(page + StoreRingLayout.ERROR);
    }

    /** Request bytes written but not yet consumed by the store. */
    int unconsumed() {
        return reqProd - reqCons();
    }

    /** Copies as much of {@code b[off..]} as fits, then publishes it; returns how much. */
    int push(byte[] b, int off) {
        int n = Math.min(RING - (reqProd - reqCons()), b.length - off);
        for (int i = 0; i < n; i++) {
            mem.writeU8(page + StoreRingLayout.REQ + ((reqProd + i) & (RING - 1)), b[off + i]);
        }
        reqProd += n;
        mem.writeU32(page + StoreRingLayout.REQ_PROD, Integer.toUnsignedLong(reqProd));
        return n;
    }

    /** Publishes a raw producer index (a hostile guest). */
    void setReqProd(int value) {
        reqProd = value;
        mem.writeU32(page + StoreRingLayout.REQ_PROD, Integer.toUnsignedLong(value));
    }

    void setRspCons(int value) {
        rspCons = value;
        mem.writeU32(page + StoreRingLayout.RSP_CONS, Integer.toUnsignedLong(value));
    }

    static byte[] frame(byte[] body) {
        byte[] f = new byte[4 + body.length];
        int n = body.length;
        f[0] = (byte) n;
        f[1] = (byte) (n >>> 8);
        f[2] = (byte) (n >>> 16);
        f[3] = (byte) (n >>> 24);
        System.arraycopy(body, 0, f, 4, n);
        return f;
    }

    static byte[] frame(StoreRequest r) {
        return frame(r.toByteArray());
    }

    /** Writes a whole framed request (it must fit). */
    void send(StoreRequest r) {
        byte[] f = frame(r);
        if (push(f, 0) != f.length) {
            throw new IllegalStateException("request ring full");
        }
    }

    /** Sends through the ring in pieces, letting the store consume in between (for messages over 1 KiB). */
    void sendInPieces(byte[] framed, StoreRingConnection conn) {
        int off = 0;
        for (int guard = 0; off < framed.length; guard++) {
            if (guard > 100) {
                throw new IllegalStateException("the store stopped consuming");
            }
            off += push(framed, off);
            conn.process();
        }
    }

    /** Takes every response byte available, acknowledges it, and returns the complete messages. */
    List<StoreServerMessage> receive() {
        int prod = rspProd();
        int n = prod - rspCons;
        byte[] fresh = mem.read(page + StoreRingLayout.RSP, RING);
        int start = partial.length;
        partial = Arrays.copyOf(partial, start + n);
        for (int i = 0; i < n; i++) {
            partial[start + i] = fresh[(rspCons + i) & (RING - 1)];
        }
        rspCons = prod;
        mem.writeU32(page + StoreRingLayout.RSP_CONS, Integer.toUnsignedLong(rspCons));
        List<StoreServerMessage> out = new ArrayList<>();
        int pos = 0;
        while (partial.length - pos >= 4) {
            int len = (partial[pos] & 0xFF) | (partial[pos + 1] & 0xFF) << 8 | (partial[pos + 2] & 0xFF) << 16
                    | (partial[pos + 3] & 0xFF) << 24;
            if (partial.length - pos - 4 < len) {
                break;
            }
            try {
                out.add(StoreServerMessage.parseFrom(Arrays.copyOfRange(partial, pos + 4, pos + 4 + len)));
            } catch (InvalidProtocolBufferException e) {
                throw new UncheckedIOException(e);
            }
            pos += 4 + len;
        }
        partial = Arrays.copyOfRange(partial, pos, partial.length);
        return out;
    }

    /** Receives until the store has nothing more to write (it is told after each drain, as a guest would). */
    List<StoreServerMessage> receiveAll(StoreRingConnection conn) {
        List<StoreServerMessage> all = new ArrayList<>();
        for (int guard = 0; guard < 100; guard++) {
            List<StoreServerMessage> got = receive();
            all.addAll(got);
            int before = rspProd();
            conn.process();
            if (rspProd() == before && got.isEmpty()) {
                break;
            }
        }
        return all;
    }
}
