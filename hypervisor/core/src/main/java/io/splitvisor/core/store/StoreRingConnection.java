package io.splitvisor.core.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.layout.StoreRingLayout;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.abi.proto.StoreRequest;
import io.splitvisor.abi.proto.StoreResponse;
import io.splitvisor.abi.proto.StoreServerMessage;
import io.splitvisor.abi.proto.StoreWatchEvent;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.GuestMemoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.VarHandle;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serves one guest's store page (see {@link StoreRingLayout} and ABI.md section 9): reads
 * {@code [u32 length][StoreRequest]} messages from {@code req}, answers each with a {@code StoreResponse} and
 * sends watch events, as {@code [u32 length][StoreServerMessage]}, into {@code rsp}. Messages may wrap and may
 * be larger than the ring (they flow through in pieces).
 * <p>
 * The core calls {@link #process()} when the guest signals the store event channel; {@code notifyGuest} is run
 * (from the thread that made progress, never under the store lock) whenever the store consumed request bytes or
 * produced response bytes. Watch events are written from whichever thread caused them, without waiting: if the
 * ring is busy, the thread serving it writes them before it returns.
 * <p>
 * Hardening: the store keeps its own copies of {@code req_cons} and {@code rsp_prod} and never trusts the page's;
 * request bytes are copied out of the page before they are decoded; every loop is bounded by the ring size. A
 * protocol violation ({@link RingError}) writes its code into the page's {@code error} field, stops the
 * connection and logs once; errors in a single request only get an error status. Output that does not fit waits
 * in a bounded queue: past {@link StoreQuota#maxOutstandingRequests()} waiting responses no more requests are
 * read, and past {@link StoreQuota#maxQueuedEvents()} watch events are dropped and counted.
 */
public final class StoreRingConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRingConnection.class);
    private static final int RING = StoreRingLayout.RING_SIZE;
    private static final int PREFIX = AbiConstants.STORE_LENGTH_PREFIX;
    private static final int MAX_PASSES = 4;

    private final Store store;
    private final int domid;
    private final GuestMemory memory;
    private final long page;
    private final Runnable notifyGuest;
    private final int maxOutstanding;
    private final StoreRequestHandler handler;
    private final OutboundQueue out;
    private final WatchSink sink = this::onWatchEvent;
    private final ReentrantLock ringLock = new ReentrantLock();
    private final AtomicBoolean flushRequested = new AtomicBoolean();
    private final AtomicLong droppedEvents = new AtomicLong();
    private final RateLimitedLog dropLog;
    private final Set<Integer> transactions = new HashSet<>();
    private volatile boolean closed;
    private volatile RingError error = RingError.NONE;

    // Guarded by ringLock: our indices and the message being assembled.
    private int reqCons;
    private int rspProd;
    private final byte[] header = new byte[PREFIX];
    private int headerFill;
    private byte[] body;
    private int bodyFill;

    /**
     * Attaches to the store page at guest-physical {@code pageGpa} of domain {@code domid}, which must have been
     * introduced; starts from the indices the page holds now. The domain's quota at this moment bounds the
     * connection's queues. {@code notifyGuest} (an event-channel send) may be called from any thread.
     */
    public StoreRingConnection(Store store, int domid, GuestMemory memory, long pageGpa, Runnable notifyGuest) {
        this.store = Objects.requireNonNull(store);
        this.domid = domid;
        this.memory = Objects.requireNonNull(memory);
        this.page = pageGpa;
        this.notifyGuest = Objects.requireNonNull(notifyGuest);
        if ((pageGpa & (GuestMemory.PAGE_SIZE - 1)) != 0 || !memory.isRamRange(pageGpa, GuestMemory.PAGE_SIZE)) {
            throw new IllegalArgumentException(String.format("store page 0x%x is not a guest RAM page", pageGpa));
        }
        if (!store.isIntroduced(domid)) {
            throw new IllegalStateException("domain " + domid + " is not introduced to the store");
        }
        StoreQuota quota = store.quota(domid);
        this.maxOutstanding = quota.maxOutstandingRequests();
        this.out = new OutboundQueue(quota.maxQueuedEvents());
        this.handler = new StoreRequestHandler(store);
        this.dropLog = new RateLimitedLog(LOG::warn, TimeUnit.SECONDS.toNanos(10), System::nanoTime);
        this.reqCons = (int) memory.readU32(page + StoreRingLayout.REQ_CONS);
        this.rspProd = (int) memory.readU32(page + StoreRingLayout.RSP_PROD);
        store.attach(this);
    }

    public int domid() {
        return domid;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Why the ring was closed by a protocol violation ({@link RingError#NONE} if it was not). */
    public RingError error() {
        return error;
    }

    /** Watch events dropped because the guest did not drain its ring. */
    public long droppedEvents() {
        return droppedEvents.get();
    }

    /**
     * Serves the ring: consumes complete requests, answers them, writes whatever output fits. Holds a reference to the
     * guest's memory meanwhile, and does nothing once it was released (the domain was destroyed after this call was
     * queued).
     */
    public void process() {
        if (closed || !memory.tryRetain()) {
            return;
        }
        boolean progress = false;
        try {
            ringLock.lock();
            try {
                if (!closed) {
                    progress = serve();
                }
            } catch (GuestMemoryException e) {
                violation(RingError.COMMUNICATION, e.getMessage());
                progress = true;
            } finally {
                ringLock.unlock();
            }
            progress |= flushRequestedOutput();
        } finally {
            memory.release();
        }
        if (progress) {
            notifyGuest.run();
        }
    }

    /** Stops serving (the domain is going away); leaves the page as it is. */
    @Override
    public void close() {
        ringLock.lock();
        try {
            shutdown();
        } finally {
            ringLock.unlock();
        }
    }

    private boolean serve() {
        boolean progress = writeOutput();
        for (int pass = 0; pass < MAX_PASSES && !closed; pass++) {
            boolean consumed = consumeRequests();
            boolean wrote = !closed && writeOutput();
            progress |= consumed || wrote;
            if (!consumed) {
                break;
            }
        }
        return progress || closed;
    }

    // ---- requests ----------------------------------------------------------------------------------------

    private boolean consumeRequests() {
        int prod = (int) memory.readU32(page + StoreRingLayout.REQ_PROD);
        VarHandle.acquireFence();
        int avail = prod - reqCons;
        if (Integer.compareUnsigned(avail, RING) > 0) {
            violation(RingError.BAD_INDEX, "req_prod " + Integer.toUnsignedString(prod) + " vs req_cons "
                    + Integer.toUnsignedString(reqCons));
            return true;
        }
        int consumed = 0;
        while (consumed < avail && !closed) {
            if (body == null) {
                if (headerFill == 0 && out.responses() >= maxOutstanding) {
                    break; // the guest has not taken its responses: leave its requests where they are
                }
                int n = Math.min(PREFIX - headerFill, avail - consumed);
                copyFromRing(reqCons + consumed, header, headerFill, n);
                headerFill += n;
                consumed += n;
                if (headerFill == PREFIX) {
                    headerFill = 0;
                    int len = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16
                            | (header[3] & 0xFF) << 24;
                    if (len <= 0 || len > AbiConstants.STORE_MAX_MESSAGE) {
                        violation(RingError.BAD_LENGTH, "length prefix " + Integer.toUnsignedString(len));
                        return true;
                    }
                    body = new byte[len];
                    bodyFill = 0;
                }
            } else {
                int n = Math.min(body.length - bodyFill, avail - consumed);
                copyFromRing(reqCons + consumed, body, bodyFill, n);
                bodyFill += n;
                consumed += n;
                if (bodyFill == body.length) {
                    byte[] message = body;
                    body = null;
                    handleMessage(message);
                }
            }
        }
        if (consumed > 0 && !closed) {
            reqCons += consumed;
            VarHandle.releaseFence(); // our reads of the bytes happen before the guest may reuse them
            memory.writeU32(page + StoreRingLayout.REQ_CONS, Integer.toUnsignedLong(reqCons));
            VarHandle.fullFence(); // the index is visible before we look at req_prod again
        }
        return consumed > 0;
    }

    private void copyFromRing(int index, byte[] dst, int off, int len) {
        int pos = index & (RING - 1);
        int first = Math.min(len, RING - pos);
        memory.read(page + StoreRingLayout.REQ + pos, dst, off, first);
        if (first < len) {
            memory.read(page + StoreRingLayout.REQ, dst, off + first, len - first);
        }
    }

    private void handleMessage(byte[] message) {
        StoreRequest req;
        try {
            req = StoreRequest.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            violation(RingError.MALFORMED, e.getMessage());
            return;
        }
        if (req.getOpCase() == StoreRequest.OpCase.OP_NOT_SET && req.getUnknownFields().getSerializedSize() == 0) {
            violation(RingError.NO_OP, "request " + req.getReqId() + " has no op");
            return;
        }
        out.beginRequest();
        StoreResponse rsp = handler.handle(domid, req, sink);
        trackTransaction(req, rsp);
        out.endRequest(frame(StoreServerMessage.newBuilder().setResponse(rsp).build(), rsp));
    }

    private void trackTransaction(StoreRequest req, StoreResponse rsp) {
        if (req.hasTransactionStart() && rsp.getStatus() == Status.STATUS_OK) {
            transactions.add(rsp.getTransactionId());
        } else if (req.hasTransactionEnd() && rsp.getStatus() != Status.STATUS_ENOENT) {
            transactions.remove(req.getTxId());
        }
    }

    // ---- output ------------------------------------------------------------------------------------------

    private void onWatchEvent(String path, String token) {
        if (closed) {
            return;
        }
        StoreServerMessage msg = StoreServerMessage.newBuilder()
                .setWatchEvent(StoreWatchEvent.newBuilder().setPath(path).setToken(token)).build();
        if (!out.offerEvent(frame(msg, null))) {
            droppedEvents.incrementAndGet();
            store.metrics().watchEventDropped();
            dropLog.log("drop", "store: domain " + domid + " does not drain its ring; dropping watch events ("
                    + droppedEvents.get() + " so far)");
            return;
        }
        flushRequested.set(true);
        if (!ringLock.isHeldByCurrentThread() && flushRequestedOutput()) {
            notifyGuest.run();
        }
    }

    /** Writes output that other threads queued while the ring was busy; true if it wrote anything. */
    private boolean flushRequestedOutput() {
        if (!memory.tryRetain()) {
            return false;
        }
        boolean wrote = false;
        try {
            while (flushRequested.get() && !closed && ringLock.tryLock()) {
                try {
                    flushRequested.set(false);
                    wrote |= !closed && writeOutput();
                } catch (GuestMemoryException e) {
                    violation(RingError.COMMUNICATION, e.getMessage());
                    wrote = true;
                } finally {
                    ringLock.unlock();
                }
            }
        } finally {
            memory.release();
        }
        return wrote;
    }

    private boolean writeOutput() {
        if (out.isEmpty()) {
            return false;
        }
        int cons = (int) memory.readU32(page + StoreRingLayout.RSP_CONS);
        VarHandle.acquireFence(); // the guest finished reading what it released before we overwrite it
        int used = rspProd - cons;
        if (Integer.compareUnsigned(used, RING) > 0) {
            violation(RingError.BAD_INDEX, "rsp_cons " + Integer.toUnsignedString(cons) + " vs rsp_prod "
                    + Integer.toUnsignedString(rspProd));
            return true;
        }
        byte[] chunk = out.take(RING - used);
        if (chunk.length == 0) {
            return false;
        }
        int pos = rspProd & (RING - 1);
        int first = Math.min(chunk.length, RING - pos);
        memory.write(page + StoreRingLayout.RSP + pos, chunk, 0, first);
        if (first < chunk.length) {
            memory.write(page + StoreRingLayout.RSP, chunk, first, chunk.length - first);
        }
        rspProd += chunk.length;
        VarHandle.releaseFence(); // the bytes are visible before the index that publishes them
        memory.writeU32(page + StoreRingLayout.RSP_PROD, Integer.toUnsignedLong(rspProd));
        VarHandle.fullFence(); // the index is visible before we look at rsp_cons again
        return true;
    }

    /** {@code [u32 length][message]}; a response that would not fit a store message becomes E2BIG. */
    private static byte[] frame(StoreServerMessage msg, StoreResponse rsp) {
        byte[] bytes = msg.toByteArray();
        if (bytes.length > AbiConstants.STORE_MAX_MESSAGE && rsp != null) {
            LOG.error("store: response to request {} is {} bytes; answering E2BIG", rsp.getReqId(), bytes.length);
            bytes = StoreServerMessage.newBuilder().setResponse(StoreResponse.newBuilder()
                    .setReqId(rsp.getReqId()).setTxId(rsp.getTxId()).setStatus(Status.STATUS_E2BIG)).build()
                    .toByteArray();
        }
        byte[] framed = new byte[PREFIX + bytes.length];
        int n = bytes.length;
        framed[0] = (byte) n;
        framed[1] = (byte) (n >>> 8);
        framed[2] = (byte) (n >>> 16);
        framed[3] = (byte) (n >>> 24);
        System.arraycopy(bytes, 0, framed, PREFIX, n);
        return framed;
    }

    // ---- closing -----------------------------------------------------------------------------------------

    private void violation(RingError why, String detail) {
        if (closed) {
            return;
        }
        error = why;
        try {
            VarHandle.releaseFence();
            memory.writeU32(page + StoreRingLayout.ERROR, why.code());
            VarHandle.fullFence();
        } catch (GuestMemoryException e) {
            // the page is unreachable: nothing more to tell the guest
        }
        LOG.warn("store: closed the ring of domain {}: {} ({})", domid, why, detail);
        store.metrics().ringViolation(why.name());
        shutdown();
    }

    private void shutdown() {
        if (closed) {
            return;
        }
        closed = true;
        out.clear();
        body = null;
        store.detach(this, sink, Set.copyOf(transactions));
        transactions.clear();
    }
}
