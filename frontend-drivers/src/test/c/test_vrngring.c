/*
 * The entropy ring's frontend half against a simulated backend: requests as they land, responses
 * in their slots, errors, and hostile backends (wrong id, wrong length, producer ahead).
 */
#include <stdint.h>
#include <string.h>

#include <splitvisor/abi.h>
#include <splitvisor/ring.h>

#include "host_support.h"
#include "svfront/vrngring.h"
#include "test.h"

static sv_vrng_sring_t *sring;
static svf_pool_t pool;
static svf_vrngring_t ring;
static sv_back_ring_t back;
static svf_vrng_completion_t seen[256];
static int nseen;

static void on_done(void *arg, const svf_vrng_completion_t *c) {
    (void)arg;
    if (nseen < 256) seen[nseen] = *c;
    nseen++;
}

static void setup(void) {
    fake_grants_reset();
    static _Alignas(4096) uint8_t page[4096];
    memset(page, 0x33, sizeof page);
    sring = (sv_vrng_sring_t *)page;
    CHECK_EQ_INT(svf_pool_init(&pool, &fake_grant_ops, 0, 8, false), 0);
    svf_vrngring_init(&ring, sring, &pool);
    memset(&back, 0, sizeof back);
    nseen = 0;
}
static void teardown(void) { svf_pool_destroy(&pool, 0); }

/* Serves every request: fills the range with its id's low byte, answers in the same slot. */
static int be_serve(int32_t status_override, bool use_override) {
    int n = 0;
    while (sv_ring_requests_to_consume(&sring->hdr, &back, SV_VRNG_RING_SLOTS)) {
        sv_vrng_request_t req = *SV_RING_REQ(sring, back.req_cons);
        CHECK_EQ_INT(back.req_cons, back.rsp_prod_pvt);   /* same slot */
        back.req_cons++;
        uint8_t *p = fake_grant_page(req.gref, 0);
        CHECK(p != NULL);
        if (p) memset(p + req.offset, (int)(req.id & 0xFF), req.length);
        sv_vrng_response_t *rsp = SV_RING_RSP(sring, back.rsp_prod_pvt);
        back.rsp_prod_pvt++;
        rsp->id = req.id;
        rsp->status = use_override ? status_override : req.length;
        n++;
    }
    sv_ring_push_responses(&sring->hdr, back.rsp_prod_pvt);
    return n;
}

static void test_roundtrip(void) {
    setup();
    CHECK_EQ_INT(sring->hdr.req_event, 1);
    CHECK_EQ_INT(svf_vrngring_queue(&ring, 0, 0, 4096, 10), 0);
    CHECK_EQ_INT(svf_vrngring_queue(&ring, 1, 100, 50, 20), 0);
    CHECK_EQ_INT(svf_vrngring_queue(&ring, 2, 0, 0, 0), SV_STATUS_EINVAL);
    CHECK_EQ_INT(svf_vrngring_queue(&ring, 2, 0, 4097, 0), SV_STATUS_EINVAL);
    CHECK_EQ_INT(svf_vrngring_queue(&ring, 2, 4000, 100, 0), SV_STATUS_EINVAL);
    CHECK_EQ_INT(svf_vrngring_queue(&ring, 8, 0, 10, 0), SV_STATUS_EINVAL);
    CHECK(svf_vrngring_push(&ring));
    sv_vrng_request_t r0 = *SV_RING_REQ(sring, 0);
    CHECK_EQ_INT(r0.length, 4096);
    CHECK_EQ_INT(r0.offset, 0);
    CHECK_EQ_INT(r0.gref, svf_pool_gref(&pool, 0));
    CHECK_EQ_INT(be_serve(0, false), 2);
    CHECK_EQ_INT(svf_vrngring_reap(&ring, on_done, NULL), 2);
    CHECK_EQ_INT(seen[0].cookie, 10);
    CHECK_EQ_INT(seen[0].status, SV_STATUS_OK);
    CHECK_EQ_INT(seen[1].length, 50);
    CHECK_EQ_INT(seen[1].offset, 100);
    /* An ERROR answer. */
    svf_vrngring_queue(&ring, 0, 0, 16, 30);
    svf_vrngring_push(&ring);
    be_serve(SV_VRNG_STATUS_ERROR, true);
    nseen = 0;
    CHECK_EQ_INT(svf_vrngring_reap(&ring, on_done, NULL), 1);
    CHECK_EQ_INT(seen[0].status, SV_STATUS_EIO);
    teardown();
}

static void test_full_and_wrap(void) {
    setup();
    uint64_t cookie = 0, expect = 0;
    for (int round = 0; round < 10; round++) {
        int q = 0;
        while (svf_vrngring_can_queue(&ring)) {
            CHECK_EQ_INT(svf_vrngring_queue(&ring, (uint32_t)(q % 8), 0, 8, cookie++), 0);
            q++;
        }
        CHECK_EQ_INT(q, 128);
        CHECK_EQ_INT(svf_vrngring_queue(&ring, 0, 0, 8, 0), SV_STATUS_EAGAIN);
        svf_vrngring_push(&ring);
        be_serve(0, false);
        nseen = 0;
        CHECK_EQ_INT(svf_vrngring_reap(&ring, on_done, NULL), 128);
        for (int i = 0; i < 128; i++) CHECK_EQ_INT(seen[i].cookie, expect++);
    }
    teardown();
}

static void test_hostile(void) {
    setup();
    svf_vrngring_queue(&ring, 0, 0, 32, 1);
    svf_vrngring_push(&ring);
    SV_RING_RSP(sring, 0)->id = 999;
    SV_RING_RSP(sring, 0)->status = 32;
    sring->hdr.rsp_prod = 1;
    CHECK_EQ_INT(svf_vrngring_reap(&ring, on_done, NULL), SV_STATUS_EPROTO);
    CHECK_CONTAINS(ring.error, "has id 999");
    CHECK_EQ_INT(svf_vrngring_queue(&ring, 0, 0, 8, 0), SV_STATUS_EPROTO);
    teardown();

    setup();
    svf_vrngring_queue(&ring, 0, 0, 32, 1);
    svf_vrngring_push(&ring);
    be_serve(4096, true);   /* claims more bytes than asked */
    CHECK_EQ_INT(svf_vrngring_reap(&ring, on_done, NULL), SV_STATUS_EPROTO);
    CHECK_CONTAINS(ring.error, "status 4096 for a request of 32 bytes");
    CHECK_EQ_INT(nseen, 0);
    teardown();

    setup();
    svf_vrngring_queue(&ring, 0, 0, 32, 1);
    svf_vrngring_push(&ring);
    sring->hdr.rsp_prod = 5;
    CHECK(svf_vrngring_available(&ring) > 0);
    CHECK_EQ_INT(svf_vrngring_reap(&ring, on_done, NULL), SV_STATUS_EPROTO);
    CHECK_CONTAINS(ring.error, "only 1 requests were published");
    teardown();
}

int main(void) {
    RUN(test_roundtrip);
    RUN(test_full_and_wrap);
    RUN(test_hostile);
    return tests_done("test_vrngring");
}
