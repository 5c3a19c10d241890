/*
 * svfront/pool.h: a pool of data pages granted to the backend once and reused for every request
 * (Xen's "persistent grants" idea on the frontend side: no grant or revoke per request, so the
 * backend may keep its mappings).
 *
 * Pages are granted when the pool is created and revoked when it is destroyed, only after the
 * backend has let go of them; a page whose grant cannot be revoked (the backend still maps it) is
 * leaked rather than reused, since the backend could still write it. Portable C: the grant and
 * page operations come from an svf_grant_ops_t (svf_sdk_grant_ops in a guest, fakes in tests).
 */
#ifndef SVFRONT_POOL_H
#define SVFRONT_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How a pool grants, revokes, allocates and frees pages. */
typedef struct svf_grant_ops {
    /* Grants domid access to the page at p (page-aligned); *ref gets the reference. */
    int (*grant)(void *ctx, uint16_t domid, void *page, bool readonly, uint32_t *ref);
    /* Revokes and frees a reference; SV_STATUS_EBUSY (nothing changed) while the peer maps or
     * copies the page. */
    int (*end_access)(void *ctx, uint32_t ref);
    /* One zeroed page, or NULL. */
    void *(*page_alloc)(void *ctx);
    void (*page_free)(void *ctx, void *page);
    /* Monotonic nanoseconds, and a short pause (about a millisecond) between revoke attempts. */
    uint64_t (*now)(void *ctx);
    void (*pause)(void *ctx);
    void *ctx;
} svf_grant_ops_t;

/* The SDK's grant table, page allocator and clock (guests only). */
extern const svf_grant_ops_t svf_sdk_grant_ops;

#define SVF_POOL_MAX_PAGES 512u
#define SVF_PAGE_SIZE 4096u

typedef struct svf_pool {
    const svf_grant_ops_t *ops;
    uint16_t domid;            /* the backend the pages are granted to */
    bool readonly;             /* granted read-only (tx buffers) or read-write */
    uint32_t pages;            /* pages in the pool */
    uint32_t nfree;            /* pages on the free stack */
    uint32_t leaked;           /* pages whose grant could not be revoked at destroy */
    void *page[SVF_POOL_MAX_PAGES];
    uint32_t gref[SVF_POOL_MAX_PAGES];
    uint16_t free_stack[SVF_POOL_MAX_PAGES];
    uint8_t in_use[SVF_POOL_MAX_PAGES];
} svf_pool_t;

/* Allocates and grants `pages` pages (1 .. SVF_POOL_MAX_PAGES). On failure nothing is left
 * granted or allocated. */
int svf_pool_init(svf_pool_t *pool, const svf_grant_ops_t *ops, uint16_t domid, uint32_t pages, bool readonly);
/* Takes a free page; SV_STATUS_ENOSPC when none is free. */
int svf_pool_get(svf_pool_t *pool, uint32_t *index);
/* Gives a page back; SV_STATUS_EINVAL for an index out of range or a page already free. */
int svf_pool_put(svf_pool_t *pool, uint32_t index);
static inline void *svf_pool_page(const svf_pool_t *pool, uint32_t index) { return pool->page[index]; }
static inline uint32_t svf_pool_gref(const svf_pool_t *pool, uint32_t index) { return pool->gref[index]; }
static inline uint32_t svf_pool_free_count(const svf_pool_t *pool) { return pool->nfree; }
/* Revokes every grant and frees the pages, retrying for up to timeout_ns while the backend still
 * uses some; pages whose grant cannot be revoked by then are leaked (counted in pool->leaked),
 * never reused. Returns SV_STATUS_OK, or SV_STATUS_EBUSY when some leaked. */
int svf_pool_destroy(svf_pool_t *pool, uint64_t timeout_ns);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_POOL_H */
