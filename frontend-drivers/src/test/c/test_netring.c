/*
 * The network rings' frontend half against a backend simulated in this file: frames copied into
 * granted half-pages, batching, buffers recycled without new grants, rx buffers posted by slot,
 * frames delivered and unusable ones dropped, and hostile backends (invented and duplicate tx
 * ids, odd statuses, responses outside their slot, producers running ahead).
 */
#include <stdint.h>
#include <string.h>

#include <splitvisor/abi.h>
#include <splitvisor/ring.h>

#include "host_support.h"
#include "svfront/netring.h"
#include "svfront/util.h"
#include "test.h"

static sv_netif_tx_sring_t *txs;
static sv_netif_rx_sring_t *rxs;
static svf_pool_t txpool, rxpool;
static svf_netring_t ring;
static sv_back_ring_t txb, rxb;

static void setup_n(uint32_t tx_pages, uint32_t rx_pages) {
    fake_grants_reset();
    static _Alignas(4096) uint8_t tpage[4096], rpage[4096];
    memset(tpage, 0x55, sizeof tpage);
    memset(rpage, 0x55, sizeof rpage);
    txs = (sv_netif_tx_sring_t *)tpage;
    rxs = (sv_netif_rx_sring_t *)rpage;
    CHECK_EQ_INT(svf_pool_init(&txpool, &fake_grant_ops, 0, tx_pages, true), 0);
    CHECK_EQ_INT(svf_pool_init(&rxpool, &fake_grant_ops, 0, rx_pages, false), 0);
    CHECK_EQ_INT(svf_netring_init(&ring, txs, rxs, &txpool, &rxpool), 0);
    memset(&txb, 0, sizeof txb);
    memset(&rxb, 0, sizeof rxb);
}
static void setup(void) { setup_n(4, 8); }

static void teardown(void) {
    svf_pool_destroy(&txpool, 0);
    svf_pool_destroy(&rxpool, 0);
}

static void frame(uint8_t *f, size_t len, uint32_t seed) {
    svf_pattern_fill(f, len, 0, seed);
}

/* ---- the simulated backend ---- */

static bool be_tx_take(sv_netif_tx_request_t *out) {
    if (sv_ring_requests_to_consume(&txs->hdr, &txb, SVF_NET_TX_SLOTS) == 0) return false;
    *out = *SV_RING_REQ(txs, txb.req_cons);
    txb.req_cons++;
    return true;
}
static void be_tx_respond(uint16_t id, int16_t status) {
    sv_netif_tx_response_t *r = SV_RING_RSP(txs, txb.rsp_prod_pvt);
    txb.rsp_prod_pvt++;
    r->id = id;
    r->status = status;
}
static bool be_tx_push(void) { return sv_ring_push_responses(&txs->hdr, txb.rsp_prod_pvt); }

/* Delivers a frame into the next posted rx buffer, in the slot of its request. */
static bool be_rx_deliver_raw(uint16_t offset, const void *data, int16_t status, uint16_t flags) {
    if (sv_ring_requests_to_consume(&rxs->hdr, &rxb, SVF_NET_RX_SLOTS) == 0) return false;
    sv_netif_rx_request_t req = *SV_RING_REQ(rxs, rxb.req_cons);
    CHECK_EQ_INT(req.id, rxb.req_cons & 255);
    rxb.req_cons++;
    uint8_t *page = fake_grant_page(req.gref, 0);
    CHECK(page != NULL);
    if (page && data && status > 0 && offset + status <= 4096) memcpy(page + offset, data, (size_t)status);
    sv_netif_rx_response_t *r = SV_RING_RSP(rxs, rxb.rsp_prod_pvt);
    rxb.rsp_prod_pvt++;
    r->id = req.id;
    r->offset = offset;
    r->flags = flags;
    r->status = status;
    return true;
}
static bool be_rx_push(void) { return sv_ring_push_responses(&rxs->hdr, rxb.rsp_prod_pvt); }

/* ---- transmit ---- */

static void test_tx_frames(void) {
    setup();
    uint8_t f[1514], g[1514];
    CHECK_EQ_INT(ring.tx_bufs, 8);
    CHECK_EQ_INT(txs->hdr.req_event, 1);
    frame(f, 60, 1);
    CHECK_EQ_INT(svf_netring_tx_queue(&ring, f, 60), 0);
    frame(f, 1514, 2);
    CHECK_EQ_INT(svf_netring_tx_queue(&ring, f, 1514), 0);
    CHECK_EQ_INT(svf_netring_tx_queue(&ring, f, 1515), SV_STATUS_EMSGSIZE);
    CHECK_EQ_INT(svf_netring_tx_queue(&ring, f, 13), SV_STATUS_EINVAL);
    CHECK_EQ_INT(svf_netring_tx_queue(&ring, f, 0), SV_STATUS_EINVAL);
    CHECK_EQ_INT(txs->hdr.req_prod, 0);
    CHECK(svf_netring_tx_push(&ring));
    sv_netif_tx_request_t a, b;
    CHECK(be_tx_take(&a) && be_tx_take(&b));
    CHECK_EQ_INT(a.size, 60);
    CHECK_EQ_INT(b.size, 1514);
    CHECK_EQ_INT(a.flags, 0);
    /* Two buffers of one page: same grant, offsets 0 and 2048, never crossing the page. */
    CHECK_EQ_INT(a.gref, b.gref);
    CHECK(a.offset != b.offset);
    CHECK(b.offset + b.size <= 4096 && a.offset + a.size <= 4096);
    CHECK(fake_grants.entry[a.gref].readonly);
    uint8_t *p = fake_grant_page(b.gref, 0);
    frame(g, 1514, 2);
    CHECK(p && memcmp(p + b.offset, g, 1514) == 0);
    CHECK_EQ_INT(svf_netring_tx_in_flight(&ring), 2);
    be_tx_respond(b.id, SV_NETIF_STATUS_OKAY);
    be_tx_respond(a.id, SV_NETIF_STATUS_DROPPED);
    be_tx_push();
    CHECK_EQ_INT(svf_netring_tx_reap(&ring), 2);
    CHECK_EQ_INT(ring.stats.tx_dropped, 1);
    CHECK_EQ_INT(ring.tx_nfree, 8);
    teardown();
}

static void test_tx_exhaustion_and_reuse(void) {
    setup();
    uint8_t f[100];
    frame(f, 100, 3);
    uint32_t grants_before = fake_grants.granted;
    for (int round = 0; round < 50; round++) {
        int queued = 0;
        while (svf_netring_tx_can_queue(&ring)) {
            CHECK_EQ_INT(svf_netring_tx_queue(&ring, f, 100), 0);
            queued++;
        }
        CHECK_EQ_INT(queued, 8);
        CHECK_EQ_INT(svf_netring_tx_queue(&ring, f, 100), SV_STATUS_EAGAIN);
        svf_netring_tx_push(&ring);
        sv_netif_tx_request_t r;
        while (be_tx_take(&r)) be_tx_respond(r.id, SV_NETIF_STATUS_OKAY);
        be_tx_push();
        CHECK_EQ_INT(svf_netring_tx_reap(&ring), 8);
    }
    CHECK_EQ_INT(fake_grants.granted, grants_before);   /* no grant per frame */
    CHECK_EQ_INT(ring.stats.tx_frames, 400);
    /* 400 frames over 256 slots: the indices wrapped around the ring. */
    CHECK(ring.txf.req_prod_pvt == 400);
    teardown();
}

static void test_tx_notification_suppression(void) {
    setup();
    uint8_t f[60];
    frame(f, 60, 4);
    svf_netring_tx_queue(&ring, f, 60);
    CHECK(svf_netring_tx_push(&ring));      /* req_event 1 */
    svf_netring_tx_queue(&ring, f, 60);
    svf_netring_tx_queue(&ring, f, 60);
    CHECK(!svf_netring_tx_push(&ring));     /* the backend has not consumed: still busy */
    sv_netif_tx_request_t r;
    while (be_tx_take(&r)) be_tx_respond(r.id, 0);
    CHECK(!sv_ring_final_check_for_requests(&txs->hdr, &txb, SVF_NET_TX_SLOTS));
    svf_netring_tx_queue(&ring, f, 60);
    CHECK(svf_netring_tx_push(&ring));      /* it went idle: notify */
    CHECK_EQ_INT(ring.stats.tx_notify_needed, 2);
    /* Waiting for a buffer: rsp_event = rsp_cons + 1. */
    CHECK(!svf_netring_tx_arm(&ring, 1));
    CHECK_EQ_INT(txs->hdr.rsp_event, 1);
    CHECK(be_tx_push());
    CHECK(svf_netring_tx_arm(&ring, 1));
    teardown();
}

static void test_tx_hostile(void) {
    uint8_t f[60];
    frame(f, 60, 5);
    sv_netif_tx_request_t r;

    setup();
    svf_netring_tx_queue(&ring, f, 60);
    svf_netring_tx_push(&ring);
    CHECK(be_tx_take(&r));
    be_tx_respond(7, 0);   /* a buffer that is not in flight */
    be_tx_push();
    CHECK_EQ_INT(svf_netring_tx_reap(&ring), SV_STATUS_EPROTO);
    CHECK_CONTAINS(ring.error, "tx response id 7 is not an outstanding transmit");
    CHECK_EQ_INT(svf_netring_tx_queue(&ring, f, 60), SV_STATUS_EPROTO);
    CHECK_EQ_INT(svf_netring_rx_next(&ring, f, sizeof f), SV_STATUS_EPROTO);
    teardown();

    setup();
    svf_netring_tx_queue(&ring, f, 60);
    svf_netring_tx_queue(&ring, f, 60);
    svf_netring_tx_push(&ring);
    CHECK(be_tx_take(&r));
    be_tx_respond(r.id, 0);
    be_tx_respond(r.id, 0);   /* twice */
    be_tx_push();
    CHECK_EQ_INT(svf_netring_tx_reap(&ring), SV_STATUS_EPROTO);
    CHECK_EQ_INT(ring.stats.tx_done, 1);
    teardown();

    setup();
    svf_netring_tx_queue(&ring, f, 60);
    svf_netring_tx_push(&ring);
    CHECK(be_tx_take(&r));
    be_tx_respond(9999, 0);   /* beyond every buffer */
    be_tx_push();
    CHECK_EQ_INT(svf_netring_tx_reap(&ring), SV_STATUS_EPROTO);
    teardown();

    setup();
    svf_netring_tx_queue(&ring, f, 60);
    svf_netring_tx_push(&ring);
    CHECK(be_tx_take(&r));
    be_tx_respond(r.id, SVF_NETIF_STATUS_NULL);   /* only for extra-info slots */
    be_tx_push();
    CHECK_EQ_INT(svf_netring_tx_reap(&ring), SV_STATUS_EPROTO);
    CHECK_CONTAINS(ring.error, "has status 1");
    teardown();

    setup();
    svf_netring_tx_queue(&ring, f, 60);
    svf_netring_tx_push(&ring);
    txs->hdr.rsp_prod = 2;   /* two responses for one request */
    CHECK_EQ_INT(svf_netring_tx_reap(&ring), SV_STATUS_EPROTO);
    CHECK_CONTAINS(ring.error, "only 1 requests were published");
    teardown();
}

/* ---- receive ---- */

static void test_rx_post_and_deliver(void) {
    setup();
    CHECK_EQ_INT(svf_netring_rx_post(&ring), 8);
    CHECK_EQ_INT(svf_netring_rx_post(&ring), 0);
    CHECK_EQ_INT(svf_netring_rx_posted(&ring), 8);
    CHECK(svf_netring_rx_push(&ring));
    for (uint32_t i = 0; i < 8; i++) {
        sv_netif_rx_request_t *q = SV_RING_REQ(rxs, i);
        CHECK_EQ_INT(q->id, i);
        CHECK(fake_grant_page(q->gref, 0) != NULL);
        CHECK(!fake_grants.entry[q->gref].readonly);
    }
    uint8_t f[1514], got[2048];
    frame(f, 1514, 9);
    CHECK(be_rx_deliver_raw(0, f, 1514, 0));
    CHECK(be_rx_deliver_raw(100, f, 60, SV_NETIF_RXF_DATA_VALIDATED));
    CHECK(be_rx_push());   /* rsp_event 1 */
    CHECK_EQ_INT(svf_netring_rx_available(&ring), 2);
    CHECK_EQ_INT(svf_netring_rx_next(&ring, got, sizeof got), 1514);
    CHECK(memcmp(got, f, 1514) == 0);
    CHECK_EQ_INT(svf_netring_rx_next(&ring, got, 30), 60);   /* truncated copy, full length */
    CHECK(memcmp(got, f, 30) == 0);
    CHECK_EQ_INT(svf_netring_rx_next(&ring, got, sizeof got), 0);
    CHECK_EQ_INT(svf_netring_rx_posted(&ring), 6);
    /* Reposted into the next slots, with those slots' ids, no new grants. */
    uint32_t grants = fake_grants.granted;
    CHECK_EQ_INT(svf_netring_rx_post(&ring), 2);
    svf_netring_rx_push(&ring);
    CHECK_EQ_INT(SV_RING_REQ(rxs, 8)->id, 8);
    CHECK_EQ_INT(SV_RING_REQ(rxs, 9)->id, 9);
    CHECK_EQ_INT(fake_grants.granted, grants);
    CHECK_EQ_INT(ring.stats.rx_frames, 2);
    teardown();
}

static void test_rx_unusable_frames_dropped(void) {
    setup();
    svf_netring_rx_post(&ring);
    svf_netring_rx_push(&ring);
    uint8_t f[1514], got[2048];
    frame(f, 200, 11);
    CHECK(be_rx_deliver_raw(0, NULL, SV_NETIF_STATUS_ERROR, 0));
    CHECK(be_rx_deliver_raw(0, NULL, 0, 0));                         /* empty */
    CHECK(be_rx_deliver_raw(0, f, 13, 0));                           /* runt */
    CHECK(be_rx_deliver_raw(0, NULL, 1515, 0));                      /* too long */
    CHECK(be_rx_deliver_raw(4000, NULL, 200, 0));                    /* beyond the page */
    CHECK(be_rx_deliver_raw(0, f, 200, SV_NETIF_RXF_MORE_DATA));     /* fragments: never negotiated */
    CHECK(be_rx_deliver_raw(0, f, 200, SVF_NETRXF_EXTRA_INFO));      /* extra info: never negotiated */
    CHECK(be_rx_deliver_raw(3896, f, 200, 0));                       /* exactly up to the page end: fine */
    be_rx_push();
    CHECK_EQ_INT(svf_netring_rx_next(&ring, got, sizeof got), 200);
    CHECK(memcmp(got, f, 200) == 0);
    CHECK_EQ_INT(ring.stats.rx_errors, 1);
    CHECK_EQ_INT(ring.stats.rx_bad, 6);
    CHECK(!ring.broken);
    CHECK_EQ_INT(svf_netring_rx_posted(&ring), 0);   /* every buffer came back for reposting */
    CHECK_EQ_INT(svf_netring_rx_post(&ring), 8);
    teardown();
}

static void test_rx_hostile(void) {
    uint8_t got[2048];
    setup();
    svf_netring_rx_post(&ring);
    svf_netring_rx_push(&ring);
    /* A response in slot 0 that claims to be slot 3's. */
    SV_RING_RSP(rxs, 0)->id = 3;
    SV_RING_RSP(rxs, 0)->offset = 0;
    SV_RING_RSP(rxs, 0)->flags = 0;
    SV_RING_RSP(rxs, 0)->status = 60;
    rxs->hdr.rsp_prod = 1;
    CHECK_EQ_INT(svf_netring_rx_next(&ring, got, sizeof got), SV_STATUS_EPROTO);
    CHECK_CONTAINS(ring.error, "rx response in slot 0 has id 3");
    teardown();

    /* More responses than buffers posted. */
    setup();
    svf_netring_rx_post(&ring);
    svf_netring_rx_push(&ring);
    rxs->hdr.rsp_prod = 9;
    CHECK(svf_netring_rx_available(&ring) > 0);
    CHECK(svf_netring_rx_arm(&ring));   /* a waiter wakes up to find out */
    CHECK_EQ_INT(svf_netring_rx_next(&ring, got, sizeof got), SV_STATUS_EPROTO);
    CHECK_CONTAINS(ring.error, "only 8 buffers were posted");
    teardown();

    /* Responses before anything was published. */
    setup();
    svf_netring_rx_post(&ring);
    rxs->hdr.rsp_prod = 1;
    CHECK_EQ_INT(svf_netring_rx_next(&ring, got, sizeof got), SV_STATUS_EPROTO);
    teardown();
}

static void test_rx_wraparound(void) {
    setup_n(4, 200);
    uint8_t f[64], got[2048];
    uint32_t delivered = 0;
    svf_netring_rx_post(&ring);
    svf_netring_rx_push(&ring);
    for (int round = 0; round < 40; round++) {
        int n = 1 + round * 7 % 150;
        for (int i = 0; i < n; i++) {
            frame(f, 64, delivered + (uint32_t)i);
            CHECK(be_rx_deliver_raw((uint16_t)(i * 16), f, 64, 0));
        }
        be_rx_push();
        for (int i = 0; i < n; i++) {
            CHECK_EQ_INT(svf_netring_rx_next(&ring, got, sizeof got), 64);
            CHECK_EQ_INT(svf_pattern_check(got, 64, 0, delivered++), 64);
        }
        svf_netring_rx_post(&ring);
        svf_netring_rx_push(&ring);
    }
    CHECK(!ring.broken);
    CHECK(ring.rxf.rsp_cons > 256);
    teardown();
}

static void test_init_limits(void) {
    fake_grants_reset();
    static _Alignas(4096) uint8_t tpage[4096], rpage[4096];
    CHECK_EQ_INT(svf_pool_init(&txpool, &fake_grant_ops, 0, 129, true), 0);
    CHECK_EQ_INT(svf_pool_init(&rxpool, &fake_grant_ops, 0, 8, false), 0);
    CHECK_EQ_INT(svf_netring_init(&ring, (void *)tpage, (void *)rpage, &txpool, &rxpool), SV_STATUS_EINVAL);
    svf_pool_destroy(&txpool, 0);
    CHECK_EQ_INT(svf_pool_init(&txpool, &fake_grant_ops, 0, 128, true), 0);
    CHECK_EQ_INT(svf_netring_init(&ring, (void *)tpage, (void *)rpage, &txpool, &rxpool), 0);
    CHECK_EQ_INT(ring.tx_bufs, 256);
    teardown();
}

int main(void) {
    RUN(test_tx_frames);
    RUN(test_tx_exhaustion_and_reuse);
    RUN(test_tx_notification_suppression);
    RUN(test_tx_hostile);
    RUN(test_rx_post_and_deliver);
    RUN(test_rx_unusable_frames_dropped);
    RUN(test_rx_hostile);
    RUN(test_rx_wraparound);
    RUN(test_init_limits);
    return tests_done("test_netring");
}
