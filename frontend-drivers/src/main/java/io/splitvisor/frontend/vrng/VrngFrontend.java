package io.splitvisor.frontend.vrng;

import io.splitvisor.abi.layout.VrngLayout;
import io.splitvisor.backend.xenbus.XenbusState;
import io.splitvisor.frontend.FrontRing;
import io.splitvisor.frontend.FrontendDomain;
import io.splitvisor.frontend.FrontendException;
import io.splitvisor.frontend.RingClient;
import io.splitvisor.frontend.XenbusFrontend;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Java frontend of the entropy device: the worked example's frontend (the C one is in
 * {@code frontend-drivers/src/main/c}). Connect, then {@link #read} random bytes: each request
 * names one of {@value #PAGES} data pages granted to the backend once at connect.
 */
public final class VrngFrontend implements AutoCloseable {
    static final int PAGES = 16;
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(30);

    private final FrontendDomain domain;
    private final XenbusFrontend xenbus;
    private final Duration timeout;
    private final long ringPage;
    private final int ringRef;
    private final int port;
    private final long[] pages = new long[PAGES];
    private final int[] refs = new int[PAGES];
    private final RingClient client;

    private VrngFrontend(FrontendDomain domain, String id, Duration timeout) {
        this.domain = domain;
        this.timeout = timeout;
        this.xenbus = new XenbusFrontend(domain, VrngLayout.DEVICE_TYPE, id);
        xenbus.waitForBackend(EnumSet.of(XenbusState.INIT_WAIT), timeout);
        int backend = xenbus.backendId();
        ringPage = domain.allocPage();
        FrontRing ring = new FrontRing(domain.memory(), ringPage, VrngLayout.RING);
        ring.init();
        ringRef = domain.grant(backend, ringPage, false);
        port = domain.allocUnbound(backend);
        for (int i = 0; i < PAGES; i++) {
            pages[i] = domain.allocPage();
            refs[i] = domain.grant(backend, pages[i], false);
        }
        client = new RingClient(domain, ring, port, PAGES, rsp -> Integer.toUnsignedLong(rsp.getInt(VrngLayout.RSP_ID)));
        xenbus.publish(Map.of("ring-ref", Integer.toString(ringRef), "event-channel", Integer.toString(port)),
                XenbusState.INITIALISED);
        xenbus.waitForBackend(EnumSet.of(XenbusState.CONNECTED), timeout);
        xenbus.switchState(XenbusState.CONNECTED);
    }

    /** Connects to {@code device/vrng/<id>} of {@code domain}, waiting up to {@code timeout} for the backend. */
    public static VrngFrontend connect(FrontendDomain domain, String id, Duration timeout) {
        return new VrngFrontend(domain, id, timeout);
    }

    public XenbusFrontend xenbus() {
        return xenbus;
    }

    /** {@code n} random bytes, in requests of at most one page, up to {@value #PAGES} in flight. */
    public synchronized byte[] read(int n) {
        byte[] out = new byte[n];
        Deque<Pending> window = new ArrayDeque<>();
        int done = 0;
        int asked = 0;
        while (done < n) {
            if (asked < n && window.size() < PAGES) {
                int length = Math.min(VrngLayout.MAX_LENGTH, n - asked);
                int id = client.acquireId(IO_TIMEOUT);
                window.add(new Pending(id, asked, length, client.submit(id, request(id, refs[id], 0, length))));
                asked += length;
                continue;
            }
            Pending p = window.poll();
            int status = await(p.future).getInt(VrngLayout.RSP_STATUS);
            if (status != p.length) {
                client.releaseId(p.id);
                throw new FrontendException("vrng request of " + p.length + " bytes answered " + status);
            }
            domain.memory().read(pages[p.id], out, p.offset, p.length);
            client.releaseId(p.id);
            done += p.length;
        }
        return out;
    }

    /** A request as the wire carries it (for tests that send their own). */
    public static byte[] request(int id, int gref, int offset, int length) {
        ByteBuffer b = ByteBuffer.allocate(VrngLayout.REQUEST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(VrngLayout.REQ_ID, id);
        b.putInt(VrngLayout.REQ_GREF, gref);
        b.putShort(VrngLayout.REQ_OFFSET, (short) offset);
        b.putShort(VrngLayout.REQ_LENGTH, (short) length);
        return b.array();
    }

    /** The raw client, for tests that put requests of their own on the ring. */
    public RingClient client() {
        return client;
    }

    /** Grant reference of data page {@code i} (one per request id). */
    public int pageRef(int i) {
        return refs[i];
    }

    public long page(int i) {
        return pages[i];
    }

    private static ByteBuffer await(CompletableFuture<ByteBuffer> f) {
        try {
            return f.get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new FrontendException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new FrontendException("vrng: no response within " + IO_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrontendException("interrupted");
        }
    }

    /** Closes the connection (Closing, Closed) and takes the grants back. */
    @Override
    public void close() {
        try {
            xenbus.close(timeout);
        } finally {
            client.shutdown("vrng closed");
            release();
        }
    }

    private void release() {
        endGrant(ringRef, ringPage);
        for (int i = 0; i < PAGES; i++) {
            endGrant(refs[i], pages[i]);
        }
        try {
            domain.closePort(port);
        } catch (RuntimeException e) {
            // already closed with the domain
        }
    }

    private void endGrant(int ref, long page) {
        if (domain.endGrant(ref)) {
            domain.freePage(page);
        }
        // else: the backend still maps it; Xen's frontends defer the free, so do we (the page is leaked)
    }

    private record Pending(int id, int offset, int length, CompletableFuture<ByteBuffer> future) {
    }

}
