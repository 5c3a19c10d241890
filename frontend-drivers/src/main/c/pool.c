/*
 * The granted page pool. Portable C.
 */
#include "svfront/pool.h"

#include <splitvisor/abi.h>
#include <splitvisor/string.h>

int svf_pool_init(svf_pool_t *pool, const svf_grant_ops_t *ops, uint16_t domid, uint32_t pages, bool readonly) {
    sv_memset(pool, 0, sizeof *pool);
    if (!ops || pages == 0 || pages > SVF_POOL_MAX_PAGES) return SV_STATUS_EINVAL;
    pool->ops = ops;
    pool->domid = domid;
    pool->readonly = readonly;
    for (uint32_t i = 0; i < pages; i++) {
        void *p = ops->page_alloc(ops->ctx);
        int rc = p ? ops->grant(ops->ctx, domid, p, readonly, &pool->gref[i]) : SV_STATUS_ENOMEM;
        if (rc != SV_STATUS_OK) {
            if (p) ops->page_free(ops->ctx, p);
            /* Nobody has seen these references yet: revoking cannot fail for a correct peer. */
            for (uint32_t j = 0; j < i; j++) {
                if (ops->end_access(ops->ctx, pool->gref[j]) == SV_STATUS_OK) ops->page_free(ops->ctx, pool->page[j]);
            }
            sv_memset(pool, 0, sizeof *pool);
            return rc;
        }
        pool->page[i] = p;
        pool->pages = i + 1;
    }
    /* Lowest index on top of the stack. */
    for (uint32_t i = 0; i < pages; i++) pool->free_stack[i] = (uint16_t)(pages - 1 - i);
    pool->nfree = pages;
    return SV_STATUS_OK;
}

int svf_pool_get(svf_pool_t *pool, uint32_t *index) {
    if (pool->nfree == 0) return SV_STATUS_ENOSPC;
    uint32_t i = pool->free_stack[--pool->nfree];
    pool->in_use[i] = 1;
    *index = i;
    return SV_STATUS_OK;
}

int svf_pool_put(svf_pool_t *pool, uint32_t index) {
    if (index >= pool->pages || !pool->in_use[index]) return SV_STATUS_EINVAL;
    pool->in_use[index] = 0;
    pool->free_stack[pool->nfree++] = (uint16_t)index;
    return SV_STATUS_OK;
}

int svf_pool_destroy(svf_pool_t *pool, uint64_t timeout_ns) {
    const svf_grant_ops_t *ops = pool->ops;
    if (!ops) return SV_STATUS_OK;
    uint64_t deadline = ops->now(ops->ctx) + timeout_ns;
    uint32_t left;
    for (;;) {
        left = 0;
        for (uint32_t i = 0; i < pool->pages; i++) {
            if (!pool->page[i]) continue;
            if (ops->end_access(ops->ctx, pool->gref[i]) == SV_STATUS_OK) {
                ops->page_free(ops->ctx, pool->page[i]);
                pool->page[i] = NULL;
            } else {
                left++;
            }
        }
        if (left == 0 || ops->now(ops->ctx) >= deadline) break;
        ops->pause(ops->ctx);
    }
    /* What is left, the backend may still write: never reuse it (the pages stay allocated). */
    for (uint32_t i = 0; i < pool->pages; i++) pool->page[i] = NULL;
    pool->pages = 0;
    pool->nfree = 0;
    pool->leaked = left;
    pool->ops = NULL;
    return left ? SV_STATUS_EBUSY : SV_STATUS_OK;
}
