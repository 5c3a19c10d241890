/*
 * The frontend's half of the block ring. Portable C; see svfront/blkring.h.
 */
#include "svfront/blkring.h"

#include <splitvisor/printf.h>
#include <splitvisor/string.h>

_Static_assert(sizeof(sv_blkif_request_discard_t) == 32, "discard request size");
_Static_assert(__builtin_offsetof(sv_blkif_request_discard_t, nr_sectors) == 24, "Xen's nr_sectors offset");
_Static_assert(__builtin_offsetof(sv_blkif_request_discard_t, sector_number) ==
                   __builtin_offsetof(sv_blkif_request_t, sector_number),
               "discard sector_number shares the request's");
_Static_assert(sizeof(((sv_blkif_sring_t *)0)->ring) / sizeof(((sv_blkif_sring_t *)0)->ring[0]) == SVF_BLK_SLOTS,
               "32 slots");

#define ID_INDEX_BITS 8u
#define ID_INDEX_MASK ((1u << ID_INDEX_BITS) - 1)

static void violation(svf_blkring_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void violation(svf_blkring_t *r, const char *fmt, ...) {
    r->stats.violations++;
    if (r->broken) return;
    r->broken = true;
    va_list ap;
    va_start(ap, fmt);
    sv_vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
}

void svf_blkring_init(svf_blkring_t *r, sv_blkif_sring_t *sring, const svf_pool_t *pool, uint16_t handle) {
    sv_memset(r, 0, sizeof *r);
    r->sring = sring;
    r->pool = pool;
    r->handle = handle;
    sv_memset(sring, 0, sizeof *sring);
    SV_RING_INIT_SHARED(sring);
    for (uint32_t i = 0; i < SVF_BLK_SLOTS; i++) r->free_ids[i] = (uint8_t)(SVF_BLK_SLOTS - 1 - i);
    r->nfree = SVF_BLK_SLOTS;
}

bool svf_blkring_can_queue(const svf_blkring_t *r) {
    return !r->broken && r->nfree > 0 && sv_ring_free_requests(&r->fr, SVF_BLK_SLOTS) > 0;
}

/* Takes a shadow entry and a ring slot; returns the slot's request, zeroed, with its id. */
static sv_blkif_request_t *take(svf_blkring_t *r, uint8_t op, uint64_t sector, uint64_t cookie,
                                struct svf_blk_shadow **shadow_out) {
    uint32_t index = r->free_ids[--r->nfree];
    struct svf_blk_shadow *s = &r->shadow[index];
    r->generation++;
    s->id = ((uint64_t)r->generation << ID_INDEX_BITS) | index;
    s->cookie = cookie;
    s->sector = sector;
    s->op = op;
    s->nseg = 0;
    s->busy = true;
    r->outstanding++;
    r->stats.requests++;
    sv_blkif_request_t *req = SV_RING_REQ(r->sring, r->fr.req_prod_pvt);
    r->fr.req_prod_pvt++;
    sv_memset(req, 0, sizeof *req);
    req->operation = op;
    req->handle = r->handle;
    req->id = s->id;
    req->sector_number = sector;
    *shadow_out = s;
    return req;
}

int svf_blkring_queue_rw(svf_blkring_t *r, uint8_t op, uint64_t sector, const svf_blk_seg_t *seg, unsigned nseg,
                         uint64_t cookie) {
    if (r->broken) return SV_STATUS_EPROTO;
    if (op != SV_BLKIF_OP_READ && op != SV_BLKIF_OP_WRITE) return SV_STATUS_EINVAL;
    if (nseg == 0 || nseg > SVF_BLK_MAX_SEGS) return SV_STATUS_EINVAL;
    for (unsigned i = 0; i < nseg; i++) {
        if (seg[i].first_sect > seg[i].last_sect || seg[i].last_sect >= SVF_BLK_SECTORS_PER_PAGE) return SV_STATUS_EINVAL;
        if (!r->pool || seg[i].page >= r->pool->pages) return SV_STATUS_EINVAL;
    }
    if (!svf_blkring_can_queue(r)) return SV_STATUS_EAGAIN;
    struct svf_blk_shadow *s;
    sv_blkif_request_t *req = take(r, op, sector, cookie, &s);
    req->nr_segments = (uint8_t)nseg;
    for (unsigned i = 0; i < nseg; i++) {
        req->seg[i].gref = svf_pool_gref(r->pool, seg[i].page);
        req->seg[i].first_sect = seg[i].first_sect;
        req->seg[i].last_sect = seg[i].last_sect;
        s->seg[i] = seg[i];
    }
    s->nseg = (uint8_t)nseg;
    r->stats.segments += nseg;
    return SV_STATUS_OK;
}

int svf_blkring_queue_flush(svf_blkring_t *r, uint64_t cookie) {
    if (r->broken) return SV_STATUS_EPROTO;
    if (!svf_blkring_can_queue(r)) return SV_STATUS_EAGAIN;
    struct svf_blk_shadow *s;
    take(r, SV_BLKIF_OP_FLUSH_DISKCACHE, 0, cookie, &s);   /* nr_segments 0 */
    return SV_STATUS_OK;
}

int svf_blkring_queue_discard(svf_blkring_t *r, uint64_t sector, uint64_t nr_sectors, bool secure, uint64_t cookie) {
    if (r->broken) return SV_STATUS_EPROTO;
    if (nr_sectors == 0) return SV_STATUS_EINVAL;
    if (!svf_blkring_can_queue(r)) return SV_STATUS_EAGAIN;
    struct svf_blk_shadow *s;
    sv_blkif_request_t *req = take(r, SV_BLKIF_OP_DISCARD, sector, cookie, &s);
    sv_blkif_request_discard_t *d = (sv_blkif_request_discard_t *)(void *)req;
    d->flag = secure ? SV_BLKIF_DISCARD_FLAG_SECURE : 0;
    d->nr_sectors = nr_sectors;
    return SV_STATUS_OK;
}

bool svf_blkring_push(svf_blkring_t *r) {
    if (r->fr.req_prod_pvt == r->pushed) return false;
    r->pushed = r->fr.req_prod_pvt;
    r->stats.pushes++;
    bool notify = sv_ring_push_requests(&r->sring->hdr, r->fr.req_prod_pvt);
    if (notify) r->stats.notify_needed++;
    return notify;
}

uint32_t svf_blkring_available(const svf_blkring_t *r) {
    uint32_t n = sv_ring_load(&r->sring->hdr.rsp_prod) - r->fr.rsp_cons;
    uint32_t limit = r->pushed - r->fr.rsp_cons;
    return n > limit ? limit + 1 : n;
}

bool svf_blkring_arm(svf_blkring_t *r, uint32_t want) {
    uint32_t in_flight = svf_blkring_in_flight(r);
    if (want > in_flight) want = in_flight;
    if (want == 0) want = 1;
    __atomic_store_n(&r->sring->hdr.rsp_event, r->fr.rsp_cons + want, __ATOMIC_RELAXED);
    sv_mb();
    return svf_blkring_available(r) >= want || r->broken;
}

/* Reads a response out of the shared page field by field, each exactly once. */
static void copy_response(sv_blkif_response_t *out, const volatile sv_blkif_response_t *in) {
    out->id = in->id;
    out->operation = in->operation;
    out->status = in->status;
}

static int complete_status(int16_t wire) {
    switch (wire) {
    case SV_BLKIF_STATUS_OKAY: return SV_STATUS_OK;
    case SV_BLKIF_STATUS_EOPNOTSUPP: return SV_STATUS_ENOSYS;
    default: return SV_STATUS_EIO;
    }
}

static void finish(svf_blkring_t *r, uint32_t index, int16_t wire, int status, svf_blk_done_fn done, void *arg) {
    struct svf_blk_shadow *s = &r->shadow[index];
    svf_blk_completion_t c;
    c.cookie = s->cookie;
    c.sector = s->sector;
    c.op = s->op;
    c.wire_status = wire;
    c.status = status;
    c.nseg = s->nseg;
    for (unsigned i = 0; i < s->nseg; i++) c.seg[i] = s->seg[i];
    s->busy = false;
    r->free_ids[r->nfree++] = (uint8_t)index;
    r->outstanding--;
    if (done) done(arg, &c);
}

int svf_blkring_reap(svf_blkring_t *r, svf_blk_done_fn done, void *arg) {
    if (r->broken) return SV_STATUS_EPROTO;
    int completed = 0;
    for (;;) {
        uint32_t prod = sv_ring_load(&r->sring->hdr.rsp_prod);   /* acquire: entries after */
        uint32_t avail = prod - r->fr.rsp_cons;
        uint32_t limit = r->pushed - r->fr.rsp_cons;
        if (avail > limit) {
            violation(r, "response producer index %u is %u ahead of the responses consumed, but only %u requests were published",
                      prod, avail, limit);
            return SV_STATUS_EPROTO;
        }
        if (avail == 0) break;
        while (r->fr.rsp_cons != prod) {
            sv_blkif_response_t rsp;
            copy_response(&rsp, SV_RING_RSP(r->sring, r->fr.rsp_cons));
            uint32_t index = (uint32_t)(rsp.id & ID_INDEX_MASK);
            if (index >= SVF_BLK_SLOTS || !r->shadow[index].busy || r->shadow[index].id != rsp.id) {
                violation(r, "response id 0x%lx is not an outstanding request", (unsigned long)rsp.id);
                return SV_STATUS_EPROTO;
            }
            if (rsp.operation != r->shadow[index].op) {
                violation(r, "response to request 0x%lx has operation %u, expected %u", (unsigned long)rsp.id,
                          rsp.operation, r->shadow[index].op);
                return SV_STATUS_EPROTO;
            }
            if (rsp.status != SV_BLKIF_STATUS_OKAY && rsp.status != SV_BLKIF_STATUS_ERROR &&
                rsp.status != SV_BLKIF_STATUS_EOPNOTSUPP) {
                violation(r, "response to request 0x%lx has unknown status %d", (unsigned long)rsp.id, rsp.status);
                return SV_STATUS_EPROTO;
            }
            r->fr.rsp_cons++;
            r->stats.responses++;
            if (rsp.status != SV_BLKIF_STATUS_OKAY) r->stats.errors++;
            finish(r, index, rsp.status, complete_status(rsp.status), done, arg);
            completed++;
        }
    }
    return completed;
}

void svf_blkring_fail_all(svf_blkring_t *r, int status, svf_blk_done_fn done, void *arg) {
    for (uint32_t i = 0; i < SVF_BLK_SLOTS; i++) {
        if (r->shadow[i].busy) finish(r, i, 0, status, done, arg);
    }
}
