/*
 * Bounded polling for the emulated-device drivers: a deadline on the configured clock, or, with
 * no clock, a number of polls (one per microsecond of the timeout: a port access is an exit, and
 * no exit is faster than that on real hardware or a hypervisor). Internal to libsvfront.
 */
#ifndef SVF_EMUL_WAIT_H
#define SVF_EMUL_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "svfront/portio.h"

typedef struct svf_emul_wait {
    svf_clock_fn clock;
    uint64_t deadline;      /* with a clock */
    uint64_t polls_left;    /* without one */
    bool forever;
} svf_emul_wait_t;

#define SVF_EMUL_FOREVER UINT64_MAX

static inline void svf_emul_wait_start(svf_emul_wait_t *w, svf_clock_fn clock, uint64_t timeout_ns) {
    w->clock = clock;
    w->forever = timeout_ns == SVF_EMUL_FOREVER;
    if (clock) {
        uint64_t now = clock();
        w->deadline = now + timeout_ns < now ? UINT64_MAX : now + timeout_ns;
        w->polls_left = 0;
    } else {
        w->deadline = 0;
        w->polls_left = timeout_ns / 1000u + 1;
    }
}

/* True once the wait has run out; call it once per poll. */
static inline bool svf_emul_wait_expired(svf_emul_wait_t *w) {
    if (w->forever) return false;
    if (w->clock) return w->clock() >= w->deadline;
    if (w->polls_left == 0) return true;
    w->polls_left--;
    return false;
}

#endif /* SVF_EMUL_WAIT_H */
