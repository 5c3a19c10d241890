/*
 * svfront/vrngring.h: the entropy device's ring (docs/WRITING-A-DRIVER.md section 5, the worked
 * example) and the frontend's half of it, without platform code; vrngfront.h puts it on a device.
 *
 * Ring sv_vrng_sring: the 64-byte header, then 128 slots of 16 bytes. A request names a pool page
 * (granted writable), an offset and a length (1..4096, offset + length <= 4096); the response
 * comes back in the request's slot with the request's id and the number of bytes written (the
 * length) or -1 (ERROR).
 *
 * Checks on every response, on a private copy: the backend may not produce more responses than
 * requests were published; the response must carry the id of the request in its slot; its status
 * must be the request's length or ERROR. A violation marks the ring broken (r->error says why).
 */
#ifndef SVFRONT_VRNGRING_H
#define SVFRONT_VRNGRING_H

#include <stdbool.h>
#include <stdint.h>

#include <splitvisor/abi.h>
#include <splitvisor/ring.h>

#include "svfront/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The ring layout (sv_vrng_request_t, sv_vrng_response_t, sv_vrng_sring_t, SV_VRNG_*) is generated
 * from hypercall-abi's VrngLayout into splitvisor/abi_layouts.h and abi_consts.h. */

/* A finished request. */
typedef struct svf_vrng_completion {
    uint64_t cookie;
    uint32_t page;      /* pool index */
    uint16_t offset, length;
    int status;         /* SV_STATUS_OK or SV_STATUS_EIO (the backend answered ERROR) */
} svf_vrng_completion_t;
typedef void (*svf_vrng_done_fn)(void *arg, const svf_vrng_completion_t *c);

typedef struct svf_vrngring_stats {
    uint64_t requests, bytes, pushes, notify_needed, responses, errors, violations;
} svf_vrngring_stats_t;

typedef struct svf_vrngring {
    sv_vrng_sring_t *sring;
    sv_front_ring_t fr;
    uint32_t pushed;
    const svf_pool_t *pool;
    uint32_t next_id;
    struct svf_vrng_shadow {
        uint64_t cookie;
        uint32_t id;
        uint32_t page;
        uint16_t offset, length;
        bool busy;
    } shadow[SV_VRNG_RING_SLOTS];   /* by ring slot: the response comes back in its request's slot */
    bool broken;
    char error[160];
    svf_vrngring_stats_t stats;
} svf_vrngring_t;

void svf_vrngring_init(svf_vrngring_t *r, sv_vrng_sring_t *sring, const svf_pool_t *pool);
bool svf_vrngring_can_queue(const svf_vrngring_t *r);
/* SV_STATUS_EINVAL (length 0 or above 4096, beyond the page, page not in the pool),
 * SV_STATUS_EAGAIN (ring full), SV_STATUS_EPROTO (broken). */
int svf_vrngring_queue(svf_vrngring_t *r, uint32_t page, uint16_t offset, uint32_t length, uint64_t cookie);
bool svf_vrngring_push(svf_vrngring_t *r);
/* Consumes and checks responses; how many completed, or SV_STATUS_EPROTO. */
int svf_vrngring_reap(svf_vrngring_t *r, svf_vrng_done_fn done, void *arg);
uint32_t svf_vrngring_available(const svf_vrngring_t *r);
bool svf_vrngring_arm(svf_vrngring_t *r, uint32_t want);
static inline uint32_t svf_vrngring_in_flight(const svf_vrngring_t *r) { return r->pushed - r->fr.rsp_cons; }

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_VRNGRING_H */
