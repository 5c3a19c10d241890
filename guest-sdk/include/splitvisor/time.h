/*
 * splitvisor/time.h: monotonic time, the one-shot timer and sleeping.
 *
 * sv_time_ns reads the vCPU time info in shared info (system_time plus the scaled TSC delta,
 * ABI.md section 8) when the hypervisor fills it in, and otherwise makes a GetTime hypercall.
 * Timeouts use SetTimer and VIRQ_TIMER, which the SDK binds on first use.
 */
#ifndef SPLITVISOR_TIME_H
#define SPLITVISOR_TIME_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SV_NS_PER_US 1000ull
#define SV_NS_PER_MS 1000000ull
#define SV_NS_PER_SEC 1000000000ull

/* Monotonic nanoseconds since the domain was created. */
uint64_t sv_time_ns(void);
/* Wall-clock time (seconds and nanoseconds since 1970) from GetTime. */
int sv_wallclock(uint64_t *sec, uint32_t *nsec);

/* A deadline `ns` from now (saturating). */
uint64_t sv_deadline_in(uint64_t ns);

/* Arms the one-shot timer for deadline_ns (monotonic; 0 cancels). The VIRQ_TIMER event wakes
 * waiters; sv_wait uses this, guests rarely need it directly. */
int sv_timer_arm(uint64_t deadline_ns);
/* True once the armed timer fired (cleared when re-armed). */
bool sv_timer_fired(void);

/* Sleeps at least ns nanoseconds (events are handled meanwhile). */
void sv_sleep_ns(uint64_t ns);
static inline void sv_sleep_ms(uint64_t ms) { sv_sleep_ns(ms * SV_NS_PER_MS); }

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_TIME_H */
