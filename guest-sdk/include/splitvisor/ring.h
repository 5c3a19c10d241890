/*
 * splitvisor/ring.h: the request/response rings of split drivers (ABI.md section 8, "Shared
 * request/response rings"), for any generated sring type with a `hdr` (sv_ring_header_t) and a
 * power-of-two `ring[]` of slots that hold `.req` or `.rsp` (sv_blkif_sring_t, ...).
 *
 * Indices are free-running 32-bit counters; index i uses slot i & (N - 1). The producer publishes
 * entries, a write barrier, then its index, and notifies only when the other side's event index
 * lies in (old, new] (after a full barrier). A consumer with nothing left sets its event index to
 * its consumer index + 1, a full barrier, and checks again. Only the frontend initialises the page.
 *
 *   frontend                                   backend
 *   SV_RING_INIT_SHARED(sring)
 *   sv_front_ring_t f = {0};                   sv_back_ring_t b = {0};
 *   *SV_RING_REQ(sring, f.req_prod_pvt++) = r; n = sv_ring_requests_to_consume(&sring->hdr, &b, N);
 *   if (sv_ring_push_requests(&sring->hdr,     copy SV_RING_REQ(sring, b.req_cons++) out, validate
 *         f.req_prod_pvt)) notify;             *SV_RING_RSP(sring, b.rsp_prod_pvt++) = rsp;
 *                                              if (sv_ring_push_responses(&sring->hdr, b.rsp_prod_pvt)) notify;
 */
#ifndef SPLITVISOR_RING_H
#define SPLITVISOR_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "splitvisor/abi.h"
#include "splitvisor/arch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The frontend's private indices. */
typedef struct sv_front_ring {
    uint32_t req_prod_pvt;   /* next request slot to fill */
    uint32_t rsp_cons;       /* next response to consume */
} sv_front_ring_t;

/* The backend's private indices. */
typedef struct sv_back_ring {
    uint32_t rsp_prod_pvt;   /* next response slot to fill */
    uint32_t req_cons;       /* next request to consume */
} sv_back_ring_t;

#define SV_RING_SLOTS(sring) ((uint32_t)(sizeof((sring)->ring) / sizeof((sring)->ring[0])))
#define SV_RING_SLOT(sring, idx) (&(sring)->ring[(idx) & (SV_RING_SLOTS(sring) - 1)])
#define SV_RING_REQ(sring, idx) (&SV_RING_SLOT(sring, idx)->req)
#define SV_RING_RSP(sring, idx) (&SV_RING_SLOT(sring, idx)->rsp)

/* Frontend only: req_prod = rsp_prod = 0, req_event = rsp_event = 1, reserved bytes zero. */
static inline void sv_ring_init_shared(sv_ring_header_t *h) {
    for (unsigned i = 0; i < sizeof h->reserved; i++) h->reserved[i] = 0;
    h->req_prod = 0;
    h->rsp_prod = 0;
    h->req_event = 1;
    h->rsp_event = 1;
    sv_wmb();
}
#define SV_RING_INIT_SHARED(sring) sv_ring_init_shared(&(sring)->hdr)

/* Free request slots for the frontend. */
static inline uint32_t sv_ring_free_requests(const sv_front_ring_t *f, uint32_t slots) {
    return slots - (f->req_prod_pvt - f->rsp_cons);
}

static inline uint32_t sv_ring_load(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void sv_ring_store(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

/* Publishes *prod = new_prod (after a write barrier) and says whether the peer must be notified:
 * whether *event lies in (old, new]. */
static inline bool sv_ring_push(uint32_t *prod, const uint32_t *event, uint32_t new_prod) {
    uint32_t old = __atomic_load_n(prod, __ATOMIC_RELAXED);
    sv_ring_store(prod, new_prod);
    sv_mb();
    uint32_t ev = __atomic_load_n(event, __ATOMIC_RELAXED);
    return (uint32_t)(new_prod - ev) < (uint32_t)(new_prod - old);
}
static inline bool sv_ring_push_requests(sv_ring_header_t *h, uint32_t req_prod_pvt) {
    return sv_ring_push(&h->req_prod, &h->req_event, req_prod_pvt);
}
static inline bool sv_ring_push_responses(sv_ring_header_t *h, uint32_t rsp_prod_pvt) {
    return sv_ring_push(&h->rsp_prod, &h->rsp_event, rsp_prod_pvt);
}

/* Frontend: responses not yet consumed. A backend more than `slots` ahead is broken; this
 * returns UINT32_MAX then (treat it as a protocol error). */
static inline uint32_t sv_ring_unconsumed_responses(const sv_ring_header_t *h, const sv_front_ring_t *f,
                                                    uint32_t slots) {
    uint32_t n = sv_ring_load(&h->rsp_prod) - f->rsp_cons;
    return n > slots ? UINT32_MAX : n;
}

/* Backend: requests that may be consumed, capped (as Xen's RING_HAS_UNCONSUMED_REQUESTS) so a
 * frontend that over-produces cannot make the backend read more than one ring's worth. */
static inline uint32_t sv_ring_requests_to_consume(const sv_ring_header_t *h, const sv_back_ring_t *b,
                                                   uint32_t slots) {
    uint32_t produced = sv_ring_load(&h->req_prod) - b->req_cons;
    uint32_t room = slots - (b->req_cons - b->rsp_prod_pvt);
    return produced < room ? produced : room;
}

/* Consumer "final check": with nothing left, ask to be notified by the next entry and look
 * again. Returns true when there is more work. */
static inline bool sv_ring_final_check_for_responses(sv_ring_header_t *h, const sv_front_ring_t *f, uint32_t slots) {
    if (sv_ring_unconsumed_responses(h, f, slots)) return true;
    __atomic_store_n(&h->rsp_event, f->rsp_cons + 1, __ATOMIC_RELAXED);
    sv_mb();
    return sv_ring_unconsumed_responses(h, f, slots) != 0;
}
static inline bool sv_ring_final_check_for_requests(sv_ring_header_t *h, const sv_back_ring_t *b, uint32_t slots) {
    if (sv_ring_requests_to_consume(h, b, slots)) return true;
    __atomic_store_n(&h->req_event, b->req_cons + 1, __ATOMIC_RELAXED);
    sv_mb();
    return sv_ring_requests_to_consume(h, b, slots) != 0;
}

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_RING_H */
