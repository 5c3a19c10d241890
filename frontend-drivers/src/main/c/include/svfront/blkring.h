/*
 * svfront/blkring.h: the frontend's half of the block ring (Xen's blkif), without any platform
 * code: request ids and their shadow copies, queueing, publishing with notification suppression,
 * and the checks of a frontend that does not trust its backend. blkfront.h puts it on a real
 * device; the host tests drive it against simulated (and hostile) backends.
 *
 * Requests: READ/WRITE carry 1..11 segments, each a page of an svf_pool_t plus the 512-byte
 * sectors used in it (first_sect..last_sect, 0..7); FLUSH_DISKCACHE carries no segment
 * (nr_segments 0, sector 0, as Linux blkfront sends an empty flush); DISCARD uses Xen's
 * blkif_request_discard layout: byte 1 is `flag` (BLKIF_DISCARD_SECURE = 1; we send 0) and the
 * 64-bit `nr_sectors` lies at offset 24, over the first segment.
 *
 * Ids: the 64-bit id the backend echoes is (generation << 8) | shadow index, so a response for a
 * request that is not outstanding -- a duplicate, a stale replay, an invented id -- is recognised.
 *
 * Checks on every response, on a private copy (each shared field is read once):
 *   - the backend may not produce more responses than requests were published;
 *   - the id must name an outstanding request (index < 32, busy, same generation);
 *   - the operation must be the request's;
 *   - the status must be OKAY (0), ERROR (-1) or EOPNOTSUPP (-2).
 * Any violation marks the ring broken (Linux blkfront's "Disabled for further use"): nothing more
 * is consumed or queued, r->error says why, and the caller fails what is outstanding.
 */
#ifndef SVFRONT_BLKRING_H
#define SVFRONT_BLKRING_H

#include <stdbool.h>
#include <stdint.h>

#include <splitvisor/abi.h>
#include <splitvisor/ring.h>

#include "svfront/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SVF_BLK_SLOTS 32u
#define SVF_BLK_MAX_SEGS SV_BLKIF_MAX_SEGMENTS_PER_REQUEST
#define SVF_BLK_SECTORS_PER_PAGE 8u

/* Xen's `info` bits (SV_BLKIF_VDISK_*) and the discard request (sv_blkif_request_discard_t) are
 * generated from hypercall-abi's BlkifLayout into splitvisor/abi_consts.h and abi_layouts.h. */

/* One segment as the caller gives it: a pool page and the sectors used in it. */
typedef struct svf_blk_seg {
    uint32_t page;          /* pool index */
    uint8_t first_sect;     /* 0..7 */
    uint8_t last_sect;      /* first_sect..7 */
} svf_blk_seg_t;

/* A finished request, handed to the caller's completion function. */
typedef struct svf_blk_completion {
    uint64_t cookie;        /* the caller's, from queueing */
    uint64_t sector;
    uint8_t op;
    int16_t wire_status;    /* the backend's status (0 when failed locally) */
    int status;             /* SV_STATUS_OK, SV_STATUS_EIO (ERROR), SV_STATUS_ENOSYS (EOPNOTSUPP),
                               or the failure given to svf_blkring_fail_all */
    uint8_t nseg;
    svf_blk_seg_t seg[SVF_BLK_MAX_SEGS];   /* the pages, for copying out and putting back */
} svf_blk_completion_t;

typedef void (*svf_blk_done_fn)(void *arg, const svf_blk_completion_t *c);

typedef struct svf_blkring_stats {
    uint64_t requests;      /* queued */
    uint64_t segments;
    uint64_t pushes;        /* publications of req_prod that added requests */
    uint64_t notify_needed; /* publications after which the backend had to be notified */
    uint64_t responses;     /* valid responses consumed */
    uint64_t errors;        /* responses with a status other than OKAY */
    uint64_t violations;    /* protocol violations seen (the first one breaks the ring) */
} svf_blkring_stats_t;

typedef struct svf_blkring {
    sv_blkif_sring_t *sring;
    sv_front_ring_t fr;
    uint32_t pushed;                 /* req_prod as last published */
    const svf_pool_t *pool;
    uint16_t handle;
    uint32_t generation;
    uint32_t outstanding;            /* queued and not yet completed */
    uint8_t free_ids[SVF_BLK_SLOTS];
    uint32_t nfree;
    struct svf_blk_shadow {
        uint64_t id;
        uint64_t cookie;
        uint64_t sector;
        uint8_t op;
        uint8_t nseg;
        bool busy;
        svf_blk_seg_t seg[SVF_BLK_MAX_SEGS];
    } shadow[SVF_BLK_SLOTS];
    bool broken;
    char error[160];
    svf_blkring_stats_t stats;
} svf_blkring_t;

/* Initialises the shared page (frontend only) and the private state. */
void svf_blkring_init(svf_blkring_t *r, sv_blkif_sring_t *sring, const svf_pool_t *pool, uint16_t handle);

/* Whether one more request can be queued now. */
bool svf_blkring_can_queue(const svf_blkring_t *r);

/* Queue one request in the ring (not yet visible to the backend: see svf_blkring_push).
 * SV_STATUS_EAGAIN when the ring is full, SV_STATUS_EINVAL for bad arguments, SV_STATUS_EPROTO
 * when the ring is broken. */
int svf_blkring_queue_rw(svf_blkring_t *r, uint8_t op, uint64_t sector, const svf_blk_seg_t *seg, unsigned nseg,
                         uint64_t cookie);
int svf_blkring_queue_flush(svf_blkring_t *r, uint64_t cookie);
int svf_blkring_queue_discard(svf_blkring_t *r, uint64_t sector, uint64_t nr_sectors, bool secure, uint64_t cookie);

/* Publishes what was queued; true when the backend must be notified (its req_event lies in
 * the published range). Several queued requests cost one publication and at most one event. */
bool svf_blkring_push(svf_blkring_t *r);
/* Queued but not yet published. */
static inline uint32_t svf_blkring_unpushed(const svf_blkring_t *r) { return r->fr.req_prod_pvt - r->pushed; }

/* Consumes every available response, checks it and calls done for it. Returns how many
 * completed, or SV_STATUS_EPROTO once the ring is broken (responses before the bad one were
 * delivered; r->error says what was wrong). */
int svf_blkring_reap(svf_blkring_t *r, svf_blk_done_fn done, void *arg);

/* Responses published but not yet consumed (bounded; a broken index counts as available so that
 * a waiter wakes up and the next reap reports it). */
uint32_t svf_blkring_available(const svf_blkring_t *r);

/* Before waiting: asks the backend to notify when `want` more responses than consumed exist
 * (rsp_event = rsp_cons + want, then a full barrier). Returns true when that many are already
 * there (no need to wait). want is clamped to 1 .. published-outstanding. */
bool svf_blkring_arm(svf_blkring_t *r, uint32_t want);

/* Completes every outstanding request with `status` (after a violation or a timeout; their pages
 * stay granted and must not be trusted until the pool is destroyed). */
void svf_blkring_fail_all(svf_blkring_t *r, int status, svf_blk_done_fn done, void *arg);

/* Published and not yet answered. */
static inline uint32_t svf_blkring_in_flight(const svf_blkring_t *r) { return r->pushed - r->fr.rsp_cons; }

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_BLKRING_H */
