package io.splitvisor.frontend.blk;

import io.splitvisor.abi.layout.BlkifLayout;
import io.splitvisor.backend.xenbus.DeviceLifecycle;
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
 * The Java block frontend (blkfront), byte-compatible with the C one: it connects to
 * {@code device/vbd/<id>} as Xen's blkfront does and reads, writes, flushes and discards in
 * 512-byte sectors. Large transfers are split into requests of up to 11 pages (44 KiB) with up
 * to one ring's worth (32) in flight. Each request id owns 11 data pages granted to the backend
 * once at connect (the frontend reuses its grants; the backend copies through them).
 */
public final class BlockFrontend implements AutoCloseable {
    public static final int SECTOR = BlkifLayout.SECTOR_SIZE;
    private static final int SEGMENTS = BlkifLayout.MAX_SEGMENTS_PER_REQUEST;
    private static final int PAGE_SECTORS = BlkifLayout.SECTORS_PER_PAGE;
    private static final int REQUEST_SECTORS = SEGMENTS * PAGE_SECTORS;
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(30);

    private final FrontendDomain domain;
    private final XenbusFrontend xenbus;
    private final Duration timeout;
    private final int slots;
    private final long ringPage;
    private final int ringRef;
    private final int port;
    private final long[][] pages;
    private final int[][] refs;
    private final RingClient client;
    private final long sectors;
    private final boolean readOnly;
    private final boolean flush;
    private final boolean discard;

    private BlockFrontend(FrontendDomain domain, String id, Duration timeout) {
        this.domain = domain;
        this.timeout = timeout;
        this.xenbus = new XenbusFrontend(domain, "vbd", id);
        xenbus.waitForBackend(EnumSet.of(XenbusState.INIT_WAIT), timeout);
        int backend = xenbus.backendId();
        ringPage = domain.allocPage();
        FrontRing ring = new FrontRing(domain.memory(), ringPage, BlkifLayout.RING);
        ring.init();
        slots = ring.size();
        ringRef = domain.grant(backend, ringPage, false);
        port = domain.allocUnbound(backend);
        pages = new long[slots][SEGMENTS];
        refs = new int[slots][SEGMENTS];
        for (int s = 0; s < slots; s++) {
            for (int g = 0; g < SEGMENTS; g++) {
                pages[s][g] = domain.allocPage();
                refs[s][g] = domain.grant(backend, pages[s][g], false);
            }
        }
        client = new RingClient(domain, ring, port, slots, rsp -> rsp.getLong(BlkifLayout.RSP_ID));
        xenbus.publish(Map.of("ring-ref", Integer.toString(ringRef), "event-channel", Integer.toString(port),
                "protocol", DeviceLifecycle.PROTOCOL), XenbusState.INITIALISED);
        xenbus.waitForBackend(EnumSet.of(XenbusState.CONNECTED), timeout);
        sectors = xenbus.backendNumber("sectors");
        long sectorSize = xenbus.backendNumber("sector-size");
        if (sectorSize != SECTOR) {
            throw new FrontendException(xenbus.name() + ": sector-size " + sectorSize + " is not supported");
        }
        readOnly = (xenbus.backendKey("info").map(Long::parseLong).orElse(0L) & 4) != 0;
        flush = xenbus.backendFeature("feature-flush-cache");
        discard = xenbus.backendFeature("feature-discard");
        xenbus.switchState(XenbusState.CONNECTED);
    }

    /** Connects to {@code device/vbd/<id>} of {@code domain}, waiting up to {@code timeout} for the backend. */
    public static BlockFrontend connect(FrontendDomain domain, String id, Duration timeout) {
        return new BlockFrontend(domain, id, timeout);
    }

    public long sectors() {
        return sectors;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public boolean flushSupported() {
        return flush;
    }

    public boolean discardSupported() {
        return discard;
    }

    public XenbusFrontend xenbus() {
        return xenbus;
    }

    /** Reads {@code length} bytes (a multiple of 512) from sector {@code sector} into {@code dst}. */
    public void read(long sector, byte[] dst, int offset, int length) {
        transfer(BlkifLayout.OP_READ, sector, dst, offset, length);
    }

    /** Writes {@code length} bytes (a multiple of 512) of {@code src} at sector {@code sector}. */
    public void write(long sector, byte[] src, int offset, int length) {
        transfer(BlkifLayout.OP_WRITE, sector, src, offset, length);
    }

    /** Makes every completed write durable (FLUSH_DISKCACHE; answered after the backend's fsync). */
    public synchronized void flush() {
        int id = client.acquireId(IO_TIMEOUT);
        try {
            check(await(client.submit(id, request(BlkifLayout.OP_FLUSH_DISKCACHE, id, 0, 0, null))), "flush");
        } finally {
            client.releaseId(id);
        }
    }

    /** Discards {@code count} sectors from {@code sector} (their contents may be forgotten). */
    public synchronized void discard(long sector, long count) {
        int id = client.acquireId(IO_TIMEOUT);
        try {
            ByteBuffer b = ByteBuffer.allocate(client.ring().requestSize()).order(ByteOrder.LITTLE_ENDIAN);
            b.put(0, (byte) BlkifLayout.OP_DISCARD);
            b.putLong(BlkifLayout.REQ_ID, id);
            b.putLong(BlkifLayout.REQ_SECTOR_NUMBER, sector);
            b.putLong(BlkifLayout.DISCARD_NR_SECTORS, count);
            check(await(client.submit(id, b.array())), "discard");
        } finally {
            client.releaseId(id);
        }
    }

    private synchronized void transfer(int op, long sector, byte[] buf, int offset, int length) {
        if (length % SECTOR != 0) {
            throw new IllegalArgumentException("length " + length + " is not a multiple of " + SECTOR);
        }
        java.util.Objects.checkFromIndexSize(offset, length, buf.length);
        Deque<Pending> window = new ArrayDeque<>();
        int totalSectors = length / SECTOR;
        int asked = 0;
        try {
            while (asked < totalSectors || !window.isEmpty()) {
                boolean queued = false;
                while (asked < totalSectors && window.size() < slots) {
                    int n = Math.min(REQUEST_SECTORS, totalSectors - asked);
                    int id = client.acquireId(IO_TIMEOUT);
                    if (op == BlkifLayout.OP_WRITE) {
                        scatter(id, buf, offset + asked * SECTOR, n);
                    }
                    window.add(new Pending(id, asked, n, client.enqueue(id, request(op, id, sector + asked, n, refs[id]))));
                    asked += n;
                    queued = true;
                }
                if (queued) {
                    client.push();
                }
                Pending p = window.poll();
                try {
                    check(await(p.future), op == BlkifLayout.OP_READ ? "read" : "write");
                    if (op == BlkifLayout.OP_READ) {
                        gather(p.id, buf, offset + p.first * SECTOR, p.count);
                    }
                } finally {
                    client.releaseId(p.id);
                }
            }
        } catch (RuntimeException e) {
            for (Pending p : window) {   // let the rest finish so their ids and pages are free again
                try {
                    await(p.future);
                } catch (RuntimeException ignored) {
                    // reported through e
                }
                client.releaseId(p.id);
            }
            throw e;
        }
    }

    private void scatter(int id, byte[] src, int from, int sectorCount) {
        for (int g = 0, left = sectorCount * SECTOR; left > 0; g++) {
            int n = Math.min(left, PAGE_SECTORS * SECTOR);
            domain.memory().write(pages[id][g], src, from, n);
            from += n;
            left -= n;
        }
    }

    private void gather(int id, byte[] dst, int to, int sectorCount) {
        for (int g = 0, left = sectorCount * SECTOR; left > 0; g++) {
            int n = Math.min(left, PAGE_SECTORS * SECTOR);
            domain.memory().read(pages[id][g], dst, to, n);
            to += n;
            left -= n;
        }
    }

    /**
     * A read or write request as the wire carries it: {@code sectors} sectors from {@code sector},
     * whole pages from the first of {@code grefs}, the last page partly.
     */
    public static byte[] request(int op, long id, long sector, int sectorCount, int[] grefs) {
        ByteBuffer b = ByteBuffer.allocate(BlkifLayout.REQUEST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(BlkifLayout.REQ_OPERATION, (byte) op);
        b.putLong(BlkifLayout.REQ_ID, id);
        b.putLong(BlkifLayout.REQ_SECTOR_NUMBER, sector);
        int segs = (sectorCount + PAGE_SECTORS - 1) / PAGE_SECTORS;
        b.put(BlkifLayout.REQ_NR_SEGMENTS, (byte) segs);
        for (int g = 0; g < segs; g++) {
            int at = BlkifLayout.REQ_SEGMENTS + g * BlkifLayout.SEGMENT_SIZE;
            int n = Math.min(PAGE_SECTORS, sectorCount - g * PAGE_SECTORS);
            b.putInt(at + BlkifLayout.SEG_GREF, grefs[g]);
            b.put(at + BlkifLayout.SEG_FIRST_SECT, (byte) 0);
            b.put(at + BlkifLayout.SEG_LAST_SECT, (byte) (n - 1));
        }
        return b.array();
    }

    private static void check(ByteBuffer response, String what) {
        int status = response.getShort(BlkifLayout.RSP_STATUS);
        if (status != BlkifLayout.STATUS_OKAY) {
            throw new BlockIoException(what + " failed", status);
        }
    }

    private static ByteBuffer await(CompletableFuture<ByteBuffer> f) {
        try {
            return f.get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof FrontendException fe ? fe : new FrontendException(e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            throw new FrontendException("vbd: no response within " + IO_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrontendException("interrupted");
        }
    }

    // ---- raw access, for tests that play a hostile frontend -------------------------------------------------

    /** The request/response client: put any request on the ring. */
    public RingClient client() {
        return client;
    }

    /** Grant reference of data page {@code segment} of request id {@code id}. */
    public int pageRef(int id, int segment) {
        return refs[id][segment];
    }

    /** Guest-physical address of that page. */
    public long page(int id, int segment) {
        return pages[id][segment];
    }

    public int ringRef() {
        return ringRef;
    }

    public int port() {
        return port;
    }

    /** Closes the connection (Closing, Closed) and takes the grants back. */
    @Override
    public void close() {
        try {
            if (domain.hypervisor().domain(domain.domid()) != null) {
                xenbus.close(timeout);
            }
        } finally {
            client.shutdown("vbd closed");
            release();
        }
    }

    private void release() {
        if (domain.endGrant(ringRef)) {
            domain.freePage(ringPage);
        }
        for (int s = 0; s < slots; s++) {
            for (int g = 0; g < SEGMENTS; g++) {
                if (domain.endGrant(refs[s][g])) {
                    domain.freePage(pages[s][g]);
                }
            }
        }
        try {
            domain.closePort(port);
        } catch (RuntimeException e) {
            // gone with the domain
        }
    }

    private record Pending(int id, int first, int count, CompletableFuture<ByteBuffer> future) {
    }
}
