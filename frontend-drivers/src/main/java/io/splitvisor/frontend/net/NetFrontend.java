package io.splitvisor.frontend.net;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.layout.NetifLayout;
import io.splitvisor.backend.net.MacAddress;
import io.splitvisor.backend.xenbus.XenbusState;
import io.splitvisor.frontend.FrontRing;
import io.splitvisor.frontend.FrontendDomain;
import io.splitvisor.frontend.FrontendException;
import io.splitvisor.frontend.XenbusFrontend;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Java network frontend (netfront), byte-compatible with the C one: tx and rx rings, one
 * event channel, rx-copy. {@value #TX_BUFFERS} transmit pages (granted read-only) and
 * {@value #RX_BUFFERS} receive pages (granted writable, all posted at connect and re-posted as
 * frames arrive). Received frames wait in a bounded queue for {@link #receive}.
 */
public final class NetFrontend implements AutoCloseable {
    public static final int TX_BUFFERS = 64;
    public static final int RX_BUFFERS = 64;
    private static final int RECEIVED_LIMIT = 1024;

    private final FrontendDomain domain;
    private final XenbusFrontend xenbus;
    private final Duration timeout;
    private final long mac;
    private final FrontRing tx;
    private final FrontRing rx;
    private final int txRef;
    private final int rxRef;
    private final int port;
    private final long[] txPages = new long[TX_BUFFERS];
    private final int[] txRefs = new int[TX_BUFFERS];
    private final long[] rxPages = new long[RX_BUFFERS];
    private final int[] rxRefs = new int[RX_BUFFERS];
    private final ArrayBlockingQueue<Integer> freeTx = new ArrayBlockingQueue<>(TX_BUFFERS);
    private final ArrayBlockingQueue<byte[]> received = new ArrayBlockingQueue<>(RECEIVED_LIMIT);
    private final AtomicLong txErrors = new AtomicLong();
    private final AtomicLong rxErrors = new AtomicLong();
    private final AtomicLong rxOverflows = new AtomicLong();
    private volatile String broken;

    private NetFrontend(FrontendDomain domain, String id, Duration timeout, int rxPosted) {
        this.domain = domain;
        this.timeout = timeout;
        this.xenbus = new XenbusFrontend(domain, "vif", id);
        xenbus.waitForBackend(EnumSet.of(XenbusState.INIT_WAIT), timeout);
        if (!xenbus.backendFeature("feature-rx-copy")) {
            throw new FrontendException(xenbus.name() + ": backend does not support copying receive path");
        }
        mac = MacAddress.parse(xenbus.frontendKey("mac").orElseThrow(() -> new FrontendException(xenbus.name() + ": no mac")));
        int backend = xenbus.backendId();
        long txPage = domain.allocPage();
        long rxPage = domain.allocPage();
        tx = new FrontRing(domain.memory(), txPage, NetifLayout.TX_RING);
        rx = new FrontRing(domain.memory(), rxPage, NetifLayout.RX_RING);
        tx.init();
        rx.init();
        txRef = domain.grant(backend, txPage, false);
        rxRef = domain.grant(backend, rxPage, false);
        port = domain.allocUnbound(backend);
        for (int i = 0; i < TX_BUFFERS; i++) {
            txPages[i] = domain.allocPage();
            txRefs[i] = domain.grant(backend, txPages[i], true);
            freeTx.add(i);
        }
        for (int i = 0; i < RX_BUFFERS; i++) {
            rxPages[i] = domain.allocPage();
            rxRefs[i] = domain.grant(backend, rxPages[i], false);
            if (i < rxPosted) {
                rx.putRequest(rxRequest(i, rxRefs[i]));
            }
        }
        rx.pushRequests();
        domain.onEvent(port, this::onEvent);
        xenbus.publish(Map.of("tx-ring-ref", Integer.toString(txRef), "rx-ring-ref", Integer.toString(rxRef),
                "event-channel", Integer.toString(port), "request-rx-copy", "1", "feature-rx-notify", "1"),
                XenbusState.CONNECTED);
        xenbus.waitForBackend(EnumSet.of(XenbusState.CONNECTED), timeout);
    }

    /** Connects to {@code device/vif/<id>} of {@code domain}. */
    public static NetFrontend connect(FrontendDomain domain, String id, Duration timeout) {
        return new NetFrontend(domain, id, timeout, RX_BUFFERS);
    }

    /** As {@link #connect(FrontendDomain, String, Duration)}, posting only {@code rxPosted} receive buffers (tests). */
    public static NetFrontend connect(FrontendDomain domain, String id, Duration timeout, int rxPosted) {
        return new NetFrontend(domain, id, timeout, Math.min(rxPosted, RX_BUFFERS));
    }

    /** The interface's address, from its own directory ({@code mac}). */
    public long mac() {
        return mac;
    }

    public XenbusFrontend xenbus() {
        return xenbus;
    }

    /**
     * Queues a frame (14 to 1514 bytes) for transmission; waits up to the connect timeout for a free
     * transmit buffer. Returns once the frame is on the ring.
     */
    public void send(byte[] frame) {
        if (frame.length < 14 || frame.length > NetifLayout.MAX_FRAME) {
            throw new IllegalArgumentException("frame of " + frame.length + " bytes (14 to " + NetifLayout.MAX_FRAME + ")");
        }
        check();
        Integer id;
        try {
            id = freeTx.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrontendException("interrupted");
        }
        if (id == null) {
            throw new FrontendException(xenbus.name() + ": no transmit buffer came free");
        }
        domain.memory().write(txPages[id], frame);
        sendRaw(txRequest(txRefs[id], 0, 0, id, frame.length));
    }

    /** Puts a tx request as given on the ring (tests play hostile frontends with it). */
    public void sendRaw(byte[] request) {
        boolean notify;
        synchronized (tx) {
            tx.putRequest(request);
            notify = tx.pushRequests();
        }
        if (notify) {
            domain.notify(port);
        }
    }

    /** The next received frame, waiting up to {@code wait}; null when none came. */
    public byte[] receive(Duration wait) {
        check();
        try {
            return received.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public long txErrors() {
        return txErrors.get();
    }

    public long rxErrors() {
        return rxErrors.get();
    }

    /** Frames dropped because {@link #receive} did not keep up. */
    public long rxOverflows() {
        return rxOverflows.get();
    }

    /** Grant reference of transmit page {@code i} (one per tx id). */
    public int txPageRef(int i) {
        return txRefs[i];
    }

    public int port() {
        return port;
    }

    public FrontRing txRing() {
        return tx;
    }

    public FrontRing rxRing() {
        return rx;
    }

    private void onEvent() {
        try {
            drainTx();
            drainRx();
        } catch (FrontendException e) {
            broken = e.getMessage();
        }
    }

    private void drainTx() {
        byte[] rsp = new byte[tx.responseSize()];
        ByteBuffer b = ByteBuffer.wrap(rsp).order(ByteOrder.LITTLE_ENDIAN);
        synchronized (tx) {
            do {
                for (int n = tx.unconsumedResponses(); n > 0; n--) {
                    tx.takeResponse(rsp);
                    int id = Short.toUnsignedInt(b.getShort(NetifLayout.TX_RSP_ID));
                    if (b.getShort(NetifLayout.TX_RSP_STATUS) != NetifLayout.STATUS_OKAY) {
                        txErrors.incrementAndGet();
                    }
                    if (id < TX_BUFFERS && !freeTx.contains(id)) {
                        freeTx.add(id);
                    }
                }
            } while (tx.finalCheckForResponses());
        }
    }

    private void drainRx() {
        byte[] rsp = new byte[rx.responseSize()];
        ByteBuffer b = ByteBuffer.wrap(rsp).order(ByteOrder.LITTLE_ENDIAN);
        boolean notify = false;
        synchronized (rx) {
            do {
                for (int n = rx.unconsumedResponses(); n > 0; n--) {
                    rx.takeResponse(rsp);
                    int id = Short.toUnsignedInt(b.getShort(NetifLayout.RX_RSP_ID));
                    int offset = Short.toUnsignedInt(b.getShort(NetifLayout.RX_RSP_OFFSET));
                    int status = b.getShort(NetifLayout.RX_RSP_STATUS);
                    if (id >= RX_BUFFERS) {
                        throw new FrontendException(xenbus.name() + ": backend answered rx id " + id);
                    }
                    if (status > 0 && offset + status <= AbiConstants.PAGE_SIZE) {
                        if (!received.offer(domain.memory().read(rxPages[id] + offset, status))) {
                            rxOverflows.incrementAndGet();
                        }
                    } else {
                        rxErrors.incrementAndGet();
                    }
                    rx.putRequest(rxRequest(id, rxRefs[id]));   // the buffer goes back at once
                }
                notify |= rx.pushRequests();
            } while (rx.finalCheckForResponses());
        }
        if (notify) {
            domain.notify(port);
        }
    }

    private void check() {
        if (broken != null) {
            throw new FrontendException(broken);
        }
    }

    public static byte[] txRequest(int gref, int offset, int flags, int id, int size) {
        ByteBuffer b = ByteBuffer.allocate(NetifLayout.TX_REQUEST.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(NetifLayout.TX_REQ_GREF, gref);
        b.putShort(NetifLayout.TX_REQ_OFFSET, (short) offset);
        b.putShort(NetifLayout.TX_REQ_FLAGS, (short) flags);
        b.putShort(NetifLayout.TX_REQ_ID, (short) id);
        b.putShort(NetifLayout.TX_REQ_SIZE, (short) size);
        return b.array();
    }

    private static byte[] rxRequest(int id, int gref) {
        ByteBuffer b = ByteBuffer.allocate(NetifLayout.RX_REQUEST.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(NetifLayout.RX_REQ_ID, (short) id);
        b.putInt(NetifLayout.RX_REQ_GREF, gref);
        return b.array();
    }

    @Override
    public void close() {
        try {
            if (domain.hypervisor().domain(domain.domid()) != null) {
                xenbus.close(timeout);
            }
        } finally {
            domain.onEvent(port, null);
            domain.endGrant(txRef);
            domain.endGrant(rxRef);
            for (int i = 0; i < TX_BUFFERS; i++) {
                domain.endGrant(txRefs[i]);
            }
            for (int i = 0; i < RX_BUFFERS; i++) {
                domain.endGrant(rxRefs[i]);
            }
            try {
                domain.closePort(port);
            } catch (RuntimeException e) {
                // gone with the domain
            }
        }
    }
}
