package io.splitvisor.core.store;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.abi.proto.StoreAccess;
import io.splitvisor.abi.proto.StoreDirectory;
import io.splitvisor.abi.proto.StoreGetPerms;
import io.splitvisor.abi.proto.StoreMkdir;
import io.splitvisor.abi.proto.StorePermission;
import io.splitvisor.abi.proto.StoreRead;
import io.splitvisor.abi.proto.StoreRemove;
import io.splitvisor.abi.proto.StoreRequest;
import io.splitvisor.abi.proto.StoreResponse;
import io.splitvisor.abi.proto.StoreServerMessage;
import io.splitvisor.abi.proto.StoreSetPerms;
import io.splitvisor.abi.proto.StoreTransactionEnd;
import io.splitvisor.abi.proto.StoreTransactionStart;
import io.splitvisor.abi.proto.StoreUnwatch;
import io.splitvisor.abi.proto.StoreWatch;
import io.splitvisor.abi.proto.StoreWatchEvent;
import io.splitvisor.abi.proto.StoreWrite;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.splitvisor.core.store.StoreTesting.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ring server driven through a real guest page, the way a guest's driver would use it. */
class StoreRingConnectionTest {
    static final long PAGE5 = 0x10000;
    static final long PAGE6 = 0x20000;
    static final int START = 0xFFFFFF00; // indices close to the u32 wrap

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Store store = new Store(registry);
    final GuestMemory mem = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
    final AtomicInteger notified5 = new AtomicInteger();
    GuestRing guest5;
    StoreRingConnection conn5;

    @BeforeEach
    void connect() {
        store.introduceDomain(5);
        store.introduceDomain(6);
        guest5 = new GuestRing(mem, PAGE5, START);
        conn5 = new StoreRingConnection(store, 5, mem, PAGE5, notified5::incrementAndGet);
    }

    // ---- request builders --------------------------------------------------------------------------------

    static StoreRequest write(int id, String path, String value) {
        return write(id, 0, path, ByteString.copyFromUtf8(value));
    }

    static StoreRequest write(int id, int tx, String path, ByteString value) {
        return StoreRequest.newBuilder().setReqId(id).setTxId(tx)
                .setWrite(StoreWrite.newBuilder().setPath(path).setValue(value)).build();
    }

    static StoreRequest readReq(int id, int tx, String path) {
        return StoreRequest.newBuilder().setReqId(id).setTxId(tx).setRead(StoreRead.newBuilder().setPath(path))
                .build();
    }

    static StoreRequest watch(int id, String path, String token) {
        return StoreRequest.newBuilder().setReqId(id)
                .setWatch(StoreWatch.newBuilder().setPath(path).setToken(token)).build();
    }

    /** Sends one request and returns everything the store answered. */
    List<StoreServerMessage> call(StoreRequest r) {
        guest5.send(r);
        conn5.process();
        return guest5.receiveAll(conn5);
    }

    static StoreResponse only(List<StoreServerMessage> msgs) {
        assertEquals(1, msgs.size(), msgs.toString());
        assertTrue(msgs.get(0).hasResponse());
        return msgs.get(0).getResponse();
    }

    static StoreServerMessage event(String path, String token) {
        return StoreServerMessage.newBuilder()
                .setWatchEvent(StoreWatchEvent.newBuilder().setPath(path).setToken(token)).build();
    }

    // ---- the protocol ------------------------------------------------------------------------------------

    @Test
    void everyOperationIsAnsweredWithItsRequestIdAndStatus() {
        StoreResponse w = only(call(write(1, "device/vbd/0/state", "1")));
        assertEquals(1, w.getReqId());
        assertEquals(Status.STATUS_OK, w.getStatus());
        assertEquals("1", read(store, 0, "/local/domain/5/device/vbd/0/state"));

        StoreResponse r = only(call(readReq(2, 0, "device/vbd/0/state")));
        assertEquals(2, r.getReqId());
        assertEquals("1", r.getValue().toStringUtf8());

        only(call(StoreRequest.newBuilder().setReqId(3).setMkdir(StoreMkdir.newBuilder().setPath("device/vif"))
                .build()));
        StoreResponse d = only(call(StoreRequest.newBuilder().setReqId(4)
                .setDirectory(StoreDirectory.newBuilder().setPath("device")).build()));
        assertEquals(List.of("vbd", "vif"), d.getListing().getChildrenList());
        assertFalse(d.getListing().getTruncated());

        StoreResponse sp = only(call(StoreRequest.newBuilder().setReqId(5).setSetPerms(StoreSetPerms.newBuilder()
                .setPath("device").addPerms(perm(5, StoreAccess.STORE_ACCESS_NONE))
                .addPerms(perm(6, StoreAccess.STORE_ACCESS_READ))).build()));
        assertEquals(Status.STATUS_OK, sp.getStatus());
        StoreResponse gp = only(call(StoreRequest.newBuilder().setReqId(6)
                .setGetPerms(StoreGetPerms.newBuilder().setPath("device")).build()));
        assertEquals(List.of(perm(5, StoreAccess.STORE_ACCESS_NONE), perm(6, StoreAccess.STORE_ACCESS_READ)),
                gp.getPerms().getPermsList());
        assertEquals("", read(store, 6, "/local/domain/5/device"));

        only(call(StoreRequest.newBuilder().setReqId(7).setRemove(StoreRemove.newBuilder().setPath("device/vif"))
                .build()));
        assertEquals(List.of("vbd"), store.children(0, 0, "/local/domain/5/device"));

        StoreResponse missing = only(call(readReq(8, 0, "nothing")));
        assertEquals(Status.STATUS_ENOENT, missing.getStatus());
        assertEquals(8, missing.getReqId());
        StoreResponse denied = only(call(readReq(9, 0, "/local/domain/6")));
        assertEquals(Status.STATUS_EACCES, denied.getStatus());
        StoreResponse bad = only(call(readReq(10, 0, "a//b")));
        assertEquals(Status.STATUS_EINVAL, bad.getStatus());
        assertFalse(conn5.isClosed(), "request errors do not close the ring");
        assertTrue(notified5.get() > 0);
    }

    static StorePermission perm(int domid, StoreAccess access) {
        return StorePermission.newBuilder().setDomid(domid).setAccess(access).build();
    }

    @Test
    void aWatchIsAcknowledgedThenFiresThenFiresOnChangesFromOtherThreads() throws Exception {
        List<StoreServerMessage> msgs = call(watch(1, "device", "tok"));
        assertEquals(2, msgs.size());
        assertEquals(1, msgs.get(0).getResponse().getReqId());
        assertEquals(event("device", "tok"), msgs.get(1));

        int before = notified5.get();
        Thread dom0 = new Thread(() -> store.write(0, 0, "/local/domain/5/device/vbd/state", "4"));
        dom0.start();
        dom0.join();
        assertTrue(notified5.get() > before, "the event was written and the guest notified without process()");
        assertEquals(List.of(event("device/vbd/state", "tok")), guest5.receive());

        only(call(StoreRequest.newBuilder().setReqId(2)
                .setUnwatch(StoreUnwatch.newBuilder().setPath("device").setToken("tok")).build()));
        store.write(0, 0, "/local/domain/5/device/vbd/state", "5");
        assertEquals(List.of(), guest5.receive());
    }

    @Test
    void transactionsOverTheRing() {
        store.write(5, 0, "counter", "1");
        StoreResponse start = only(call(StoreRequest.newBuilder().setReqId(1)
                .setTransactionStart(StoreTransactionStart.getDefaultInstance()).build()));
        int tx = start.getTransactionId();
        assertTrue(tx != 0);
        StoreResponse r = only(call(readReq(2, tx, "counter")));
        assertEquals(tx, r.getTxId());
        only(call(write(3, tx, "counter", ByteString.copyFromUtf8("2"))));
        store.write(0, 0, "/local/domain/5/counter", "outside");
        StoreResponse end = only(call(StoreRequest.newBuilder().setReqId(4).setTxId(tx)
                .setTransactionEnd(StoreTransactionEnd.newBuilder().setCommit(true)).build()));
        assertEquals(Status.STATUS_EAGAIN, end.getStatus());
        assertEquals(tx, end.getTxId());
        assertEquals("outside", read(store, 5, "counter"));
    }

    @Test
    void requestsWrapAroundTheRingAndTheIndices() {
        for (int i = 0; i < 200; i++) {
            StoreResponse rsp = only(call(write(i, "k" + (i % 10), "value-" + i)));
            assertEquals(i, rsp.getReqId());
            assertEquals(Status.STATUS_OK, rsp.getStatus());
        }
        assertTrue(Integer.compareUnsigned(guest5.reqCons(), START) < 0, "the indices wrapped past 2^32");
        assertEquals("value-199", read(store, 5, "k9"));
    }

    @Test
    void severalRequestsInOneNotificationAreAllAnsweredInOrder() {
        for (int i = 0; i < 10; i++) {
            guest5.send(write(i, "batch/" + i, "v"));
        }
        conn5.process();
        List<StoreServerMessage> msgs = guest5.receiveAll(conn5);
        assertEquals(10, msgs.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, msgs.get(i).getResponse().getReqId());
        }
    }

    @Test
    void messagesLargerThanTheRingFlowThroughInPieces() {
        String big = "v".repeat(2048);
        byte[] framed = GuestRing.frame(write(1, 0, "big", ByteString.copyFromUtf8(big)));
        assertTrue(framed.length > 2 * 1024);
        guest5.sendInPieces(framed, conn5);
        assertEquals(Status.STATUS_OK, only(guest5.receiveAll(conn5)).getStatus());
        assertEquals(big, read(store, 5, "big"));

        // and the answer to reading it is larger than the ring too
        guest5.send(readReq(2, 0, "big"));
        conn5.process();
        StoreResponse r = only(guest5.receiveAll(conn5));
        assertEquals(big, r.getValue().toStringUtf8());
    }

    @Test
    void aRequestFromANewerGuestWithAnUnknownOpIsEnosys() {
        byte[] body = StoreRequest.newBuilder().setReqId(77).build().toByteArray();
        byte[] unknownField = {(byte) 0xFA, 0x01, 0x00}; // field 31, length-delimited, empty
        byte[] msg = new byte[body.length + unknownField.length];
        System.arraycopy(body, 0, msg, 0, body.length);
        System.arraycopy(unknownField, 0, msg, body.length, unknownField.length);
        guest5.push(GuestRing.frame(msg), 0);
        conn5.process();
        StoreResponse r = only(guest5.receiveAll(conn5));
        assertEquals(77, r.getReqId());
        assertEquals(Status.STATUS_ENOSYS, r.getStatus());
        assertFalse(conn5.isClosed());
    }

    @Test
    void releasingTheDomainClosesItsConnection() {
        store.releaseDomain(5);
        assertTrue(conn5.isClosed());
        assertEquals(RingError.NONE, conn5.error());
        guest5.send(readReq(1, 0, "x"));
        conn5.process();
        assertEquals(GuestRing.frame(readReq(1, 0, "x")).length, guest5.unconsumed(), "nothing was consumed");
        assertEquals(List.of(), guest5.receive());
    }

    @Test
    void aPageOutsideGuestRamIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new StoreRingConnection(store, 6, mem, 1 << 20, () -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> new StoreRingConnection(store, 6, mem, PAGE6 + 8, () -> { }));
    }

    @Test
    void theGuestsCopyOfReqConsIsIgnored() {
        only(call(write(1, "a", "1")));
        mem.writeU32(PAGE5 + io.splitvisor.abi.layout.StoreRingLayout.REQ_CONS, 12345); // scribble
        guest5.send(write(2, "b", "2"));
        conn5.process();
        // the store wrote its own index back and answered from where it really was
        assertEquals(guest5.reqProd(), guest5.reqCons());
        assertEquals(2, only(guest5.receiveAll(conn5)).getReqId());
    }

    @Test
    void metricsCountRingOperationsPerDomain() {
        call(write(1, "m", "1"));
        call(readReq(2, 0, "m"));
        assertEquals(1.0, registry.get("splitvisor.store.operations").tags("op", "write", "domain", "5")
                .counter().count());
        assertEquals(1.0, registry.get("splitvisor.store.operations").tags("op", "read", "domain", "5")
                .counter().count());
    }
}
