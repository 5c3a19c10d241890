/*
 * What the portable frontend code needs on the host: the SDK's string and printf functions
 * (mapped to the C library), the privileged hooks of arch.h, and fake grant operations over a
 * fake grant table with a fake clock.
 */
#ifndef SVF_HOST_SUPPORT_H
#define SVF_HOST_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "svfront/pool.h"

#define FAKE_GRANTS 4096u

typedef struct fake_grants {
    struct {
        bool used;
        uint16_t domid;
        void *page;
        bool readonly;
        bool mapped;          /* the "backend" maps it: revoke answers EBUSY */
    } entry[FAKE_GRANTS];
    uint32_t granted, revoked, busy_answers;
    uint32_t fail_grant_after;   /* grants after this many fail with ENOSPC (0: never) */
    uint32_t fail_alloc_after;   /* page allocations after this many fail (0: never) */
    uint32_t pages_allocated, pages_freed;
    uint64_t now_ns;             /* advances 1 ms per pause */
    uint32_t pauses;
} fake_grants_t;

extern fake_grants_t fake_grants;
extern const svf_grant_ops_t fake_grant_ops;
/* Resets the fake grant table and clock. */
void fake_grants_reset(void);
/* The page behind a reference granted to domid (what a backend's grant copy reads), or NULL. */
void *fake_grant_page(uint32_t ref, uint16_t domid);

#endif
