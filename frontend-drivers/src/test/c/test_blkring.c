/*
 * The block ring's frontend half against a backend simulated in this file: requests as they land
 * in the shared page, batching and notification suppression, completions in and out of order,
 * index wrap-around, and hostile backends (invented, duplicate and stale ids, wrong operations,
 * unknown statuses, a response producer running ahead).
 */
#include <stdint.h>
#include <string.h>

#include <splitvisor/abi.h>
#include <splitvisor/ring.h>

#include "host_support.h"
#include "svfront/blkring.h"
#include "test.h"

static sv_blkif_sring_t *sring;
static svf_pool_t pool;
static svf_blkring_t ring;
static sv_back_ring_t back;

/* What the completion callback saw. */
static svf_blk_completion_t seen[64];
static int nseen;
static void on_done(void *arg, const svf_blk_completion_t *c) {
    (void)arg;
    if (nseen < 64) seen[nseen] = *c;
    nseen++;
}

static void setup(void) {
    fake_grants_reset();
    static _Alignas(4096) uint8_t page[4096];
    memset(page, 0xAA, sizeof page);   /* the frontend must initialise it */
    sring = (sv_blkif_sring_t *)page;
    CHECK_EQ_INT(svf_pool_init(&pool, &fake_grant_ops, 0, 64, false), 0);
    svf_blkring_init(&ring, sring, &pool, 7);
    memset(&back, 0, sizeof back);
    nseen = 0;
}

static void teardown(void) { svf_pool_destroy(&pool, 0); }

/* ---- the simulated backend ---- */

/* Takes the next request (copied); false when none. */
static bool be_take(sv_blkif_request_t *out) {
    if (sv_ring_requests_to_consume(&sring->hdr, &back, SVF_BLK_SLOTS) == 0) return false;
    *out = *SV_RING_REQ(sring, back.req_cons);
    back.req_cons++;
    return true;
}

static void be_respond(uint64_t id, uint8_t op, int16_t status) {
    sv_blkif_response_t *rsp = SV_RING_RSP(sring, back.rsp_prod_pvt);
    back.rsp_prod_pvt++;
    memset(rsp, 0, sizeof *rsp);
    rsp->id = id;
    rsp->operation = op;
    rsp->status = status;
}

static bool be_push(void) { return sv_ring_push_responses(&sring->hdr, back.rsp_prod_pvt); }

/* Serves every request: reads fill the pages with the sector number, writes are checked. */
static int be_serve_all(int16_t status) {
    sv_blkif_request_t req;
    int n = 0;
    while (be_take(&req)) {
        if (req.operation == SV_BLKIF_OP_READ) {
            for (unsigned i = 0; i < req.nr_segments; i++) {
                uint8_t *p = fake_grant_page(req.seg[i].gref, 0);
                CHECK(p != NULL);
                if (p) memset(p, (int)(req.sector_number & 0xFF), 4096);
            }
        }
        be_respond(req.id, req.operation, status);
        n++;
    }
    be_push();
    return n;
}

static svf_blk_seg_t segs(uint32_t first_page, unsigned n, svf_blk_seg_t *out) {
    for (unsigned i = 0; i < n; i++) {
        out[i].page = first_page + i;
        out[i].first_sect = 0;
        out[i].last_sect = 7;
    }
    return out[0];
}

/* ---- tests ---- */

static void test_init_layout(void) {
    setup();
    CHECK_EQ_INT(sring->hdr.req_prod, 0);
    CHECK_EQ_INT(sring->hdr.rsp_prod, 0);
    CHECK_EQ_INT(sring->hdr.req_event, 1);
    CHECK_EQ_INT(sring->hdr.rsp_event, 1);
    int zero = 1;
    for (unsigned i = 0; i < sizeof sring->hdr.reserved; i++) zero &= sring->hdr.reserved[i] == 0;
    CHECK(zero);
    CHECK(svf_blkring_can_queue(&ring));
    teardown();
}

static void test_read_write_roundtrip(void) {
    setup();
    svf_blk_seg_t s[11];
    segs(0, 11, s);
    s[10].last_sect = 3;   /* half of the last page */
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_READ, 88, s, 11, 1234), 0);
    /* Queued is not visible until pushed. */
    CHECK_EQ_INT(sring->hdr.req_prod, 0);
    CHECK(svf_blkring_push(&ring));   /* req_event 1: the backend asked for the first one */
    CHECK_EQ_INT(sring->hdr.req_prod, 1);
    sv_blkif_request_t req = *SV_RING_REQ(sring, 0);
    CHECK_EQ_INT(req.operation, SV_BLKIF_OP_READ);
    CHECK_EQ_INT(req.nr_segments, 11);
    CHECK_EQ_INT(req.handle, 7);
    CHECK_EQ_INT(req.sector_number, 88);
    CHECK_EQ_INT(req.seg[0].gref, svf_pool_gref(&pool, 0));
    CHECK_EQ_INT(req.seg[10].gref, svf_pool_gref(&pool, 10));
    CHECK_EQ_INT(req.seg[10].first_sect, 0);
    CHECK_EQ_INT(req.seg[10].last_sect, 3);
    CHECK_EQ_INT(be_serve_all(SV_BLKIF_STATUS_OKAY), 1);
    CHECK_EQ_INT(svf_blkring_available(&ring), 1);
    CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), 1);
    CHECK_EQ_INT(nseen, 1);
    CHECK_EQ_INT(seen[0].cookie, 1234);
    CHECK_EQ_INT(seen[0].status, SV_STATUS_OK);
    CHECK_EQ_INT(seen[0].op, SV_BLKIF_OP_READ);
    CHECK_EQ_INT(seen[0].nseg, 11);
    CHECK_EQ_INT(seen[0].seg[10].page, 10);
    CHECK_EQ_INT(seen[0].seg[10].last_sect, 3);
    CHECK_EQ_INT(((uint8_t *)svf_pool_page(&pool, 5))[100], 88);
    CHECK_EQ_INT(ring.outstanding, 0);
    /* Statuses map to SDK statuses. */
    segs(0, 1, s);
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_WRITE, 0, s, 1, 1), 0);
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_WRITE, 8, s, 1, 2), 0);
    svf_blkring_push(&ring);
    sv_blkif_request_t a, b;
    CHECK(be_take(&a) && be_take(&b));
    be_respond(a.id, a.operation, SV_BLKIF_STATUS_ERROR);
    be_respond(b.id, b.operation, SV_BLKIF_STATUS_EOPNOTSUPP);
    be_push();
    nseen = 0;
    CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), 2);
    CHECK_EQ_INT(seen[0].status, SV_STATUS_EIO);
    CHECK_EQ_INT(seen[0].wire_status, -1);
    CHECK_EQ_INT(seen[1].status, SV_STATUS_ENOSYS);
    CHECK_EQ_INT(ring.stats.errors, 2);
    teardown();
}

static void test_flush_and_discard_layout(void) {
    setup();
    CHECK_EQ_INT(svf_blkring_queue_flush(&ring, 5), 0);
    CHECK_EQ_INT(svf_blkring_queue_discard(&ring, 1024, 2048, false, 6), 0);
    CHECK_EQ_INT(svf_blkring_queue_discard(&ring, 8, 8, true, 7), 0);
    CHECK_EQ_INT(svf_blkring_queue_discard(&ring, 8, 0, false, 8), SV_STATUS_EINVAL);
    svf_blkring_push(&ring);
    const uint8_t *f = (const uint8_t *)SV_RING_REQ(sring, 0);
    CHECK_EQ_INT(f[0], SV_BLKIF_OP_FLUSH_DISKCACHE);
    CHECK_EQ_INT(f[1], 0);   /* nr_segments */
    const uint8_t *d = (const uint8_t *)SV_RING_REQ(sring, 1);
    uint64_t v;
    CHECK_EQ_INT(d[0], SV_BLKIF_OP_DISCARD);
    CHECK_EQ_INT(d[1], 0);   /* flag */
    memcpy(&v, d + 16, 8);
    CHECK_EQ_INT(v, 1024);   /* sector_number */
    memcpy(&v, d + 24, 8);
    CHECK_EQ_INT(v, 2048);   /* nr_sectors, Xen's offset */
    const uint8_t *d2 = (const uint8_t *)SV_RING_REQ(sring, 2);
    CHECK_EQ_INT(d2[1], SV_BLKIF_DISCARD_FLAG_SECURE);
    CHECK_EQ_INT(be_serve_all(0), 3);
    CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), 3);
    CHECK_EQ_INT(seen[0].op, SV_BLKIF_OP_FLUSH_DISKCACHE);
    CHECK_EQ_INT(seen[0].nseg, 0);
    CHECK_EQ_INT(seen[1].op, SV_BLKIF_OP_DISCARD);
    teardown();
}

static void test_bad_arguments(void) {
    setup();
    svf_blk_seg_t s[12];
    segs(0, 12, s);
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_READ, 0, s, 0, 0), SV_STATUS_EINVAL);
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_READ, 0, s, 12, 0), SV_STATUS_EINVAL);
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_FLUSH_DISKCACHE, 0, s, 1, 0), SV_STATUS_EINVAL);
    s[0].first_sect = 4;
    s[0].last_sect = 3;
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_READ, 0, s, 1, 0), SV_STATUS_EINVAL);
    s[0].first_sect = 0;
    s[0].last_sect = 8;
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_READ, 0, s, 1, 0), SV_STATUS_EINVAL);
    s[0].last_sect = 7;
    s[0].page = 64;   /* beyond the pool */
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_READ, 0, s, 1, 0), SV_STATUS_EINVAL);
    CHECK_EQ_INT(ring.outstanding, 0);
    CHECK_EQ_INT(ring.fr.req_prod_pvt, 0);
    teardown();
}

static void test_full_ring_and_batching(void) {
    setup();
    svf_blk_seg_t s[1];
    segs(0, 1, s);
    for (int i = 0; i < 32; i++) CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_WRITE, (uint64_t)i * 8, s, 1, (uint64_t)i), 0);
    CHECK(!svf_blkring_can_queue(&ring));
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_WRITE, 0, s, 1, 99), SV_STATUS_EAGAIN);
    CHECK_EQ_INT(svf_blkring_queue_flush(&ring, 99), SV_STATUS_EAGAIN);
    CHECK_EQ_INT(svf_blkring_unpushed(&ring), 32);
    /* 32 requests, one publication, one notification. */
    CHECK(svf_blkring_push(&ring));
    CHECK_EQ_INT(ring.stats.pushes, 1);
    CHECK_EQ_INT(ring.stats.notify_needed, 1);
    CHECK(!svf_blkring_push(&ring));   /* nothing new */
    CHECK_EQ_INT(ring.stats.pushes, 1);
    /* The backend serves half, the frontend refills. */
    sv_blkif_request_t req;
    for (int i = 0; i < 16; i++) {
        CHECK(be_take(&req));
        be_respond(req.id, req.operation, 0);
    }
    be_push();
    CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), 16);
    for (int i = 0; i < 16; i++) CHECK_EQ_INT(seen[i].cookie, i);
    for (int i = 0; i < 16; i++) CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_WRITE, 0, s, 1, 100 + (uint64_t)i), 0);
    CHECK(!svf_blkring_can_queue(&ring));
    /* The backend is still busy (it has not asked for a notification): no event needed. */
    CHECK(!svf_blkring_push(&ring));
    CHECK_EQ_INT(ring.stats.notify_needed, 1);
    /* It finishes, asks to be woken by the next request (final check), finds the 16 new ones. */
    CHECK(sv_ring_final_check_for_requests(&sring->hdr, &back, SVF_BLK_SLOTS));   /* 32 waiting */
    CHECK_EQ_INT(be_serve_all(0), 32);
    CHECK(!sv_ring_final_check_for_requests(&sring->hdr, &back, SVF_BLK_SLOTS));
    nseen = 0;
    CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), 32);
    CHECK_EQ_INT(ring.outstanding, 0);
    /* Now idle with req_event = req_cons + 1: the next push must notify. */
    CHECK_EQ_INT(svf_blkring_queue_flush(&ring, 1), 0);
    CHECK(svf_blkring_push(&ring));
    teardown();
}

static void test_out_of_order_and_arm(void) {
    setup();
    svf_blk_seg_t s[1];
    segs(0, 1, s);
    for (int i = 0; i < 4; i++) CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_READ, 0, s, 1, (uint64_t)i), 0);
    svf_blkring_push(&ring);
    /* Ask to be woken when all four are done. */
    CHECK(!svf_blkring_arm(&ring, 4));
    CHECK_EQ_INT(sring->hdr.rsp_event, 4);
    CHECK(!svf_blkring_arm(&ring, 100));   /* clamped to what is in flight */
    CHECK_EQ_INT(sring->hdr.rsp_event, 4);
    sv_blkif_request_t r[4];
    for (int i = 0; i < 4; i++) CHECK(be_take(&r[i]));
    be_respond(r[2].id, r[2].operation, 0);
    be_respond(r[0].id, r[0].operation, 0);
    CHECK(!be_push());   /* 2 of 4: the frontend does not want an event yet */
    be_respond(r[3].id, r[3].operation, 0);
    be_respond(r[1].id, r[1].operation, 0);
    CHECK(be_push());    /* the fourth crosses rsp_event */
    CHECK(svf_blkring_arm(&ring, 4));
    CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), 4);
    CHECK_EQ_INT(seen[0].cookie, 2);
    CHECK_EQ_INT(seen[1].cookie, 0);
    CHECK_EQ_INT(seen[2].cookie, 3);
    CHECK_EQ_INT(seen[3].cookie, 1);
    teardown();
}

static void test_wraparound(void) {
    setup();
    /* Start all indices just below 2^32. */
    uint32_t start = 0xFFFFFFF0u;
    sring->hdr.req_prod = sring->hdr.rsp_prod = start;
    sring->hdr.req_event = sring->hdr.rsp_event = start + 1;
    ring.fr.req_prod_pvt = ring.fr.rsp_cons = ring.pushed = start;
    back.req_cons = back.rsp_prod_pvt = start;
    svf_blk_seg_t s[2];
    segs(0, 2, s);
    uint64_t next_cookie = 0, expect = 0;
    for (int round = 0; round < 300; round++) {
        int n = 1 + round % 20;
        for (int i = 0; i < n; i++) CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_READ, 0, s, 2, next_cookie++), 0);
        svf_blkring_push(&ring);
        be_serve_all(0);
        nseen = 0;
        CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), n);
        for (int i = 0; i < n && i < 64; i++) CHECK_EQ_INT(seen[i].cookie, expect++);
    }
    CHECK(ring.fr.rsp_cons < start);   /* wrapped */
    CHECK(!ring.broken);
    teardown();
}

/* ---- hostile backends ---- */

static void one_outstanding(sv_blkif_request_t *req) {
    svf_blk_seg_t s[1];
    segs(3, 1, s);
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_WRITE, 16, s, 1, 77), 0);
    svf_blkring_push(&ring);
    CHECK(be_take(req));
}

static void expect_broken(const char *text) {
    CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), SV_STATUS_EPROTO);
    CHECK(ring.broken);
    CHECK_CONTAINS(ring.error, text);
    CHECK_EQ_INT(nseen, 0);
    /* Nothing more goes in or comes out. */
    svf_blk_seg_t s[1];
    segs(0, 1, s);
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_READ, 0, s, 1, 0), SV_STATUS_EPROTO);
    CHECK_EQ_INT(svf_blkring_queue_flush(&ring, 0), SV_STATUS_EPROTO);
    CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), SV_STATUS_EPROTO);
    /* The caller fails what is outstanding. */
    svf_blkring_fail_all(&ring, SV_STATUS_EPROTO, on_done, NULL);
    CHECK_EQ_INT(nseen, 1);
    CHECK_EQ_INT(seen[0].status, SV_STATUS_EPROTO);
    CHECK_EQ_INT(seen[0].cookie, 77);
    CHECK_EQ_INT(ring.outstanding, 0);
}

static void test_hostile_invented_id(void) {
    setup();
    sv_blkif_request_t req;
    one_outstanding(&req);
    be_respond(req.id ^ 0x100, req.operation, 0);   /* right index, wrong generation */
    be_push();
    expect_broken("is not an outstanding request");
    teardown();

    setup();
    one_outstanding(&req);
    be_respond(31, req.operation, 0);   /* an index that is not in use */
    be_push();
    expect_broken("is not an outstanding request");
    teardown();

    setup();
    one_outstanding(&req);
    be_respond(0xFFFFFFFFFFFFFFFFull, req.operation, 0);
    be_push();
    expect_broken("0xffffffffffffffff is not an outstanding request");
    teardown();
}

static void test_hostile_duplicate(void) {
    setup();
    sv_blkif_request_t req;
    svf_blk_seg_t s[1];
    segs(0, 1, s);
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_READ, 0, s, 1, 1), 0);
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_WRITE, 16, s, 1, 77), 0);
    svf_blkring_push(&ring);
    CHECK(be_take(&req));
    be_take(&(sv_blkif_request_t){0});
    be_respond(req.id, req.operation, 0);
    be_respond(req.id, req.operation, 0);   /* the same response twice */
    be_push();
    CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), SV_STATUS_EPROTO);
    CHECK_EQ_INT(nseen, 1);   /* the first was delivered */
    CHECK_CONTAINS(ring.error, "is not an outstanding request");
    nseen = 0;
    svf_blkring_fail_all(&ring, SV_STATUS_EPROTO, on_done, NULL);
    CHECK_EQ_INT(nseen, 1);
    CHECK_EQ_INT(seen[0].cookie, 77);
    teardown();
}

static void test_hostile_stale_replay(void) {
    setup();
    sv_blkif_request_t first, second;
    svf_blk_seg_t s[1];
    segs(0, 1, s);
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_WRITE, 0, s, 1, 1), 0);
    svf_blkring_push(&ring);
    CHECK(be_take(&first));
    be_respond(first.id, first.operation, 0);
    be_push();
    CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), 1);
    /* The same shadow index is used again; the old id is replayed. */
    one_outstanding(&second);
    CHECK((second.id & 0xFF) == (first.id & 0xFF));
    CHECK(second.id != first.id);
    nseen = 0;
    be_respond(first.id, second.operation, 0);
    be_push();
    expect_broken("is not an outstanding request");
    teardown();
}

static void test_hostile_wrong_op(void) {
    setup();
    sv_blkif_request_t req;
    one_outstanding(&req);
    be_respond(req.id, SV_BLKIF_OP_READ, 0);
    be_push();
    expect_broken("has operation 0, expected 1");
    teardown();
}

static void test_hostile_status(void) {
    setup();
    sv_blkif_request_t req;
    one_outstanding(&req);
    be_respond(req.id, req.operation, 5);
    be_push();
    expect_broken("unknown status 5");
    teardown();

    setup();
    one_outstanding(&req);
    be_respond(req.id, req.operation, -3);
    be_push();
    expect_broken("unknown status -3");
    teardown();
}

static void test_hostile_producer(void) {
    /* More responses than requests published. */
    setup();
    sv_blkif_request_t req;
    one_outstanding(&req);
    be_respond(req.id, req.operation, 0);
    back.rsp_prod_pvt++;
    be_push();
    expect_broken("only 1 requests were published");
    teardown();

    /* An index far ahead (or behind: it wraps). */
    setup();
    one_outstanding(&req);
    sring->hdr.rsp_prod = 0x80000000u;
    CHECK(svf_blkring_available(&ring) >= 1);   /* a waiter wakes up to find out */
    expect_broken("ahead of the responses consumed");
    teardown();

    setup();
    one_outstanding(&req);
    sring->hdr.rsp_prod = (uint32_t)-1;
    expect_broken("ahead");
    teardown();

    /* Responses for requests queued but not yet published. */
    setup();
    svf_blk_seg_t s[1];
    segs(0, 1, s);
    CHECK_EQ_INT(svf_blkring_queue_rw(&ring, SV_BLKIF_OP_WRITE, 16, s, 1, 77), 0);
    sring->hdr.rsp_prod = 1;   /* the backend guessed */
    expect_broken("only 0 requests were published");
    teardown();
}

static void test_response_read_once(void) {
    /* The checked response is the delivered response: the frontend works on its own copy, so
     * a backend rewriting the slot after the check changes nothing (nothing to race on the host,
     * but the copy must carry every field). */
    setup();
    sv_blkif_request_t req;
    one_outstanding(&req);
    be_respond(req.id, req.operation, SV_BLKIF_STATUS_ERROR);
    be_push();
    CHECK_EQ_INT(svf_blkring_reap(&ring, on_done, NULL), 1);
    CHECK_EQ_INT(seen[0].wire_status, SV_BLKIF_STATUS_ERROR);
    CHECK_EQ_INT(seen[0].sector, 16);
    teardown();
}

int main(void) {
    RUN(test_init_layout);
    RUN(test_read_write_roundtrip);
    RUN(test_flush_and_discard_layout);
    RUN(test_bad_arguments);
    RUN(test_full_ring_and_batching);
    RUN(test_out_of_order_and_arm);
    RUN(test_wraparound);
    RUN(test_hostile_invented_id);
    RUN(test_hostile_duplicate);
    RUN(test_hostile_stale_replay);
    RUN(test_hostile_wrong_op);
    RUN(test_hostile_status);
    RUN(test_hostile_producer);
    RUN(test_response_read_once);
    return tests_done("test_blkring");
}
