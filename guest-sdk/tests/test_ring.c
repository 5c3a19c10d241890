/*
 * The shared-ring helpers (splitvisor/ring.h) with a frontend and a backend in one thread over a
 * real sv_blkif_sring_t: notification only when the event index is crossed, the final checks,
 * index wrap-around, and the backend's cap against an over-producing frontend.
 */
#include <string.h>

#include "splitvisor/ring.h"
#include "test.h"

static sv_blkif_sring_t sring;

static void test_init(void) {
    memset(&sring, 0xAB, sizeof sring);
    SV_RING_INIT_SHARED(&sring);
    CHECK_EQ_INT(sring.hdr.req_prod, 0);
    CHECK_EQ_INT(sring.hdr.rsp_prod, 0);
    CHECK_EQ_INT(sring.hdr.req_event, 1);
    CHECK_EQ_INT(sring.hdr.rsp_event, 1);
    for (unsigned i = 0; i < sizeof sring.hdr.reserved; i++) CHECK(sring.hdr.reserved[i] == 0);
    CHECK_EQ_INT(SV_RING_SLOTS(&sring), SV_BLKIF_RING_SLOTS);
}

static void exchange(uint32_t start, int rounds) {
    const uint32_t N = SV_RING_SLOTS(&sring);
    SV_RING_INIT_SHARED(&sring);
    sring.hdr.req_prod = sring.hdr.rsp_prod = start;
    sring.hdr.req_event = sring.hdr.rsp_event = start + 1;
    sv_front_ring_t f = {start, start};
    sv_back_ring_t b = {start, start};
    int backend_notifies = 0, frontend_notifies = 0;
    uint64_t next_id = 1, expect_id = 1;
    for (int round = 0; round < rounds; round++) {
        /* The frontend queues a batch (1..N requests). */
        uint32_t batch = 1 + (uint32_t)round % N;
        CHECK(sv_ring_free_requests(&f, N) >= batch);
        for (uint32_t i = 0; i < batch; i++) {
            sv_blkif_request_t *r = SV_RING_REQ(&sring, f.req_prod_pvt++);
            memset(r, 0, sizeof *r);
            r->id = next_id++;
            r->operation = SV_BLKIF_OP_READ;
        }
        bool notify = sv_ring_push_requests(&sring.hdr, f.req_prod_pvt);
        /* The backend is idle (it did its final check), so the first push must notify. */
        CHECK(notify);
        backend_notifies += notify;
        /* The backend consumes everything, answering each request in its slot. */
        do {
            uint32_t n = sv_ring_requests_to_consume(&sring.hdr, &b, N);
            for (uint32_t i = 0; i < n; i++) {
                sv_blkif_request_t req = *SV_RING_REQ(&sring, b.req_cons++);
                sv_blkif_response_t *rsp = SV_RING_RSP(&sring, b.rsp_prod_pvt++);
                rsp->id = req.id;
                rsp->status = SV_BLKIF_STATUS_OKAY;
            }
            /* More requests pushed now would not notify: the backend is still running. */
        } while (sv_ring_final_check_for_requests(&sring.hdr, &b, N));
        bool rnotify = sv_ring_push_responses(&sring.hdr, b.rsp_prod_pvt);
        CHECK(rnotify);
        frontend_notifies += rnotify;
        /* The frontend collects the responses in order. */
        do {
            uint32_t n = sv_ring_unconsumed_responses(&sring.hdr, &f, N);
            CHECK(n != UINT32_MAX);
            for (uint32_t i = 0; i < n; i++) {
                sv_blkif_response_t *rsp = SV_RING_RSP(&sring, f.rsp_cons++);
                CHECK_EQ_INT(rsp->id, expect_id);
                expect_id++;
            }
        } while (sv_ring_final_check_for_responses(&sring.hdr, &f, N));
    }
    CHECK_EQ_INT(expect_id, next_id);
    CHECK_EQ_INT(backend_notifies, rounds);
    CHECK_EQ_INT(frontend_notifies, rounds);
}

static void test_exchange_and_wrap(void) {
    exchange(0, 200);
    exchange(0xFFFFFFF0u, 200); /* indices wrap past 2^32 */
}

static void test_no_notify_while_consumer_runs(void) {
    SV_RING_INIT_SHARED(&sring);
    sv_front_ring_t f = {0, 0};
    SV_RING_REQ(&sring, f.req_prod_pvt++)->id = 1;
    CHECK(sv_ring_push_requests(&sring.hdr, f.req_prod_pvt)); /* req_event 1 in (0, 1] */
    SV_RING_REQ(&sring, f.req_prod_pvt++)->id = 2;
    CHECK(!sv_ring_push_requests(&sring.hdr, f.req_prod_pvt)); /* the backend has not asked again */
    sring.hdr.req_event = 5;                                   /* it asks to be told at 5 */
    for (int i = 0; i < 2; i++) SV_RING_REQ(&sring, f.req_prod_pvt++)->id = 3;
    CHECK(!sv_ring_push_requests(&sring.hdr, f.req_prod_pvt)); /* 4 */
    SV_RING_REQ(&sring, f.req_prod_pvt++)->id = 5;
    CHECK(sv_ring_push_requests(&sring.hdr, f.req_prod_pvt)); /* 5 */
}

static void test_hostile_indices(void) {
    const uint32_t N = SV_RING_SLOTS(&sring);
    SV_RING_INIT_SHARED(&sring);
    sv_back_ring_t b = {0, 0};
    sring.hdr.req_prod = 1000; /* a frontend claiming far more than the ring holds */
    CHECK_EQ_INT(sv_ring_requests_to_consume(&sring.hdr, &b, N), N);
    sv_front_ring_t f = {0, 0};
    sring.hdr.rsp_prod = N + 1; /* a backend answering more than was asked */
    CHECK_EQ_INT(sv_ring_unconsumed_responses(&sring.hdr, &f, N), UINT32_MAX);
}

int main(void) {
    RUN(test_init);
    RUN(test_exchange_and_wrap);
    RUN(test_no_notify_while_consumer_runs);
    RUN(test_hostile_indices);
    return tests_done("test_ring");
}
