/*
 * svfront/vrngfront.h: the entropy frontend, the C side of the worked example of
 * docs/WRITING-A-DRIVER.md (device type "vrng").
 *
 *   svf_rng_t *rng;
 *   svf_rng_open(&rng, 0, NULL);                 // device/vrng/0
 *   svf_rng_read(rng, key, sizeof key);          // random bytes from dom0
 *   svf_rng_close(rng);
 *
 * Store keys: reads `backend`, `backend-id` in device/vrng/<id>, waits for InitWait, reads the
 * backend's `max-request-bytes` (default and cap 4096), writes `ring-ref` and `event-channel` in
 * one transaction, then state 3; waits for Connected, then state 4. Requests go into pages of a
 * pool granted writable once (opts.pool_pages, default 8), each request at most one page.
 */
#ifndef SVFRONT_VRNGFRONT_H
#define SVFRONT_VRNGFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svfront/front.h"
#include "svfront/vrngring.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct svf_rng_options {
    uint32_t pool_pages;          /* 0: 8 */
    uint64_t connect_timeout_ns;
    uint64_t io_timeout_ns;
    bool quiet;
} svf_rng_options_t;

typedef struct svf_rng svf_rng_t;

int svf_rng_open(svf_rng_t **out, unsigned id, const svf_rng_options_t *opts);
/* Fills buf with len random bytes; SV_STATUS_OK, SV_STATUS_EIO (the backend answered ERROR),
 * SV_STATUS_ETIMEDOUT, SV_STATUS_EPROTO. */
int svf_rng_read(svf_rng_t *rng, void *buf, size_t len);
const char *svf_rng_name(const svf_rng_t *rng);
const svf_vrngring_stats_t *svf_rng_stats(const svf_rng_t *rng);
int svf_rng_close(svf_rng_t *rng);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_VRNGFRONT_H */
