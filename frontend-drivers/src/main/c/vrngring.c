/*
 * The entropy device's ring, frontend half. Portable C; see svfront/vrngring.h.
 */
#include "svfront/vrngring.h"

#include <splitvisor/printf.h>
#include <splitvisor/string.h>

static void violation(svf_vrngring_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void violation(svf_vrngring_t *r, const char *fmt, ...) {
    r->stats.violations++;
    if (r->broken) return;
    r->broken = true;
    va_list ap;
    va_start(ap, fmt);
    sv_vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
}

void svf_vrngring_init(svf_vrngring_t *r, sv_vrng_sring_t *sring, const svf_pool_t *pool) {
    sv_memset(r, 0, sizeof *r);
    r->sring = sring;
    r->pool = pool;
    r->next_id = 1;
    sv_memset(sring, 0, sizeof *sring);
    SV_RING_INIT_SHARED(sring);
}

bool svf_vrngring_can_queue(const svf_vrngring_t *r) {
    return !r->broken && sv_ring_free_requests(&r->fr, SV_VRNG_RING_SLOTS) > 0;
}

int svf_vrngring_queue(svf_vrngring_t *r, uint32_t page, uint16_t offset, uint32_t length, uint64_t cookie) {
    if (r->broken) return SV_STATUS_EPROTO;
    if (length == 0 || length > SV_VRNG_MAX_LENGTH || (uint32_t)offset + length > SVF_PAGE_SIZE) return SV_STATUS_EINVAL;
    if (!r->pool || page >= r->pool->pages) return SV_STATUS_EINVAL;
    if (!svf_vrngring_can_queue(r)) return SV_STATUS_EAGAIN;
    uint32_t idx = r->fr.req_prod_pvt++;
    struct svf_vrng_shadow *s = &r->shadow[idx & (SV_VRNG_RING_SLOTS - 1)];
    s->cookie = cookie;
    s->id = r->next_id++;
    s->page = page;
    s->offset = offset;
    s->length = (uint16_t)length;
    s->busy = true;
    sv_vrng_request_t *req = SV_RING_REQ(r->sring, idx);
    req->id = s->id;
    req->gref = svf_pool_gref(r->pool, page);
    req->offset = offset;
    req->length = (uint16_t)length;
    for (unsigned i = 0; i < sizeof req->pad; i++) req->pad[i] = 0;
    r->stats.requests++;
    r->stats.bytes += length;
    return SV_STATUS_OK;
}

bool svf_vrngring_push(svf_vrngring_t *r) {
    if (r->fr.req_prod_pvt == r->pushed) return false;
    r->pushed = r->fr.req_prod_pvt;
    r->stats.pushes++;
    bool notify = sv_ring_push_requests(&r->sring->hdr, r->fr.req_prod_pvt);
    if (notify) r->stats.notify_needed++;
    return notify;
}

uint32_t svf_vrngring_available(const svf_vrngring_t *r) {
    uint32_t n = sv_ring_load(&r->sring->hdr.rsp_prod) - r->fr.rsp_cons;
    uint32_t limit = r->pushed - r->fr.rsp_cons;
    return n > limit ? limit + 1 : n;
}

bool svf_vrngring_arm(svf_vrngring_t *r, uint32_t want) {
    uint32_t in_flight = svf_vrngring_in_flight(r);
    if (want > in_flight) want = in_flight;
    if (want == 0) want = 1;
    __atomic_store_n(&r->sring->hdr.rsp_event, r->fr.rsp_cons + want, __ATOMIC_RELAXED);
    sv_mb();
    return svf_vrngring_available(r) >= want || r->broken;
}

int svf_vrngring_reap(svf_vrngring_t *r, svf_vrng_done_fn done, void *arg) {
    if (r->broken) return SV_STATUS_EPROTO;
    int completed = 0;
    for (;;) {
        uint32_t prod = sv_ring_load(&r->sring->hdr.rsp_prod);
        uint32_t avail = prod - r->fr.rsp_cons;
        uint32_t limit = r->pushed - r->fr.rsp_cons;
        if (avail > limit) {
            violation(r, "response producer index %u is %u ahead of the responses consumed, but only %u requests were published",
                      prod, avail, limit);
            return SV_STATUS_EPROTO;
        }
        if (avail == 0) return completed;
        while (r->fr.rsp_cons != prod) {
            uint32_t slot = r->fr.rsp_cons & (SV_VRNG_RING_SLOTS - 1);
            const volatile sv_vrng_response_t *shared = SV_RING_RSP(r->sring, r->fr.rsp_cons);
            uint32_t id = shared->id;
            int32_t status = shared->status;
            struct svf_vrng_shadow *s = &r->shadow[slot];
            if (!s->busy || id != s->id) {
                violation(r, "response in slot %u has id %u, expected %u (a response must sit in the slot of its request)",
                          slot, id, s->busy ? s->id : 0);
                return SV_STATUS_EPROTO;
            }
            if (status != (int32_t)s->length && status != SV_VRNG_STATUS_ERROR) {
                violation(r, "response %u has status %d for a request of %u bytes", id, status, s->length);
                return SV_STATUS_EPROTO;
            }
            r->fr.rsp_cons++;
            s->busy = false;
            r->stats.responses++;
            if (status == SV_VRNG_STATUS_ERROR) r->stats.errors++;
            svf_vrng_completion_t c = {s->cookie, s->page, s->offset, s->length,
                                       status == SV_VRNG_STATUS_ERROR ? SV_STATUS_EIO : SV_STATUS_OK};
            if (done) done(arg, &c);
            completed++;
        }
    }
}
