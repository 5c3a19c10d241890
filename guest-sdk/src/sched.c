/*
 * Blocking, waiting with deadlines, time and the timer, and the event-channel hypercalls.
 */
#include "internal.h"
#include "splitvisor/sdk.h"

/* ---- event-channel hypercalls ---- */

int sv_evtchn_alloc_unbound(uint32_t remote_domid, uint32_t *port) {
    sv_evtchn_alloc_unbound_request_t req = {.remote_domid = remote_domid};
    sv_evtchn_alloc_unbound_response_t rsp;
    int rc = sv_hc_evtchn_alloc_unbound(&req, &rsp);
    if (rc == SV_STATUS_OK) *port = rsp.port;
    return rc;
}

int sv_evtchn_bind_interdomain(uint32_t remote_domid, uint32_t remote_port, uint32_t *local_port) {
    sv_evtchn_bind_interdomain_request_t req = {.remote_domid = remote_domid, .remote_port = remote_port};
    sv_evtchn_bind_interdomain_response_t rsp;
    int rc = sv_hc_evtchn_bind_interdomain(&req, &rsp);
    if (rc == SV_STATUS_OK) *local_port = rsp.local_port;
    return rc;
}

int sv_evtchn_bind_virq(uint32_t virq, uint32_t *port) {
    sv_evtchn_bind_virq_request_t req = {.virq = (sv_virq_t)virq, .vcpu = 0};
    sv_evtchn_bind_virq_response_t rsp;
    int rc = sv_hc_evtchn_bind_virq(&req, &rsp);
    if (rc == SV_STATUS_OK) *port = rsp.port;
    return rc;
}

int sv_evtchn_close(uint32_t port) {
    sv_evtchn_bind_handler(port, NULL, NULL);
    sv_evtchn_close_request_t req = {.port = port};
    sv_evtchn_close_response_t rsp;
    return sv_hc_evtchn_close(&req, &rsp);
}

void sv_evtchn_send(uint32_t port) { sv_doorbell(port); }

int sv_evtchn_send_checked(uint32_t port) {
    sv_evtchn_send_request_t req = {.port = port};
    sv_evtchn_send_response_t rsp;
    return sv_hc_evtchn_send(&req, &rsp);
}

/* ---- upcalls ---- */

static bool upcalls_on;

int sv_upcall_setup(void) {
    sv_idt_set_gate(SV_UPCALL_VECTOR, sv_upcall_entry, 0);
    sv_set_upcall_vector_request_t req = {.vector = SV_UPCALL_VECTOR};
    sv_set_upcall_vector_response_t rsp;
    int rc = sv_hc_set_upcall_vector(&req, &rsp);
    upcalls_on = rc == SV_STATUS_OK;
    return rc;
}

bool sv_upcalls_enabled(void) { return upcalls_on; }

/* ---- blocking ---- */

static sv_evtchn_stats_t *mutable_stats(void) { return (sv_evtchn_stats_t *)sv_evtchn_stats(); }

void sv_block_irqs_off(void) {
    if (!sv_evtchn_work_pending()) {
        if (sv_evtchn_in_handler()) {
            /* A handler cannot drain (the drain is running): let others run instead. */
            sv_yield_request_t yq = {0};
            sv_yield_response_t ys;
            sv_hc_sched_yield(&yq, &ys);
        } else {
            sv_block_request_t req = {0};
            sv_block_response_t rsp;
            mutable_stats()->blocks++;
            sv_hc_sched_block(&req, &rsp);
        }
    }
    sv_evtchn_do_upcall();
}

void sv_block(void) {
    unsigned long f = sv_irq_save();
    sv_block_irqs_off();
    sv_irq_restore(f);
}

/* ---- time ---- */

static uint64_t last_time;

static uint64_t time_from_shared_info(bool *ok) {
    sv_shared_info_t *s = sv_shared_info();
    *ok = false;
    if (!s) return 0;
    volatile sv_vcpu_time_info_t *t = &s->vcpu_info[0].time;
    for (int tries = 0; tries < 1000; tries++) {
        uint32_t v1 = t->version;
        sv_rmb();
        if (v1 & 1) continue;
        uint32_t mul = t->tsc_to_system_mul;
        if (v1 == 0 || mul == 0) return 0; /* not provided */
        uint64_t stamp = t->tsc_timestamp;
        uint64_t system = t->system_time;
        int8_t shift = t->tsc_shift;
        sv_rmb();
        if (t->version != v1) continue;
        uint64_t delta = sv_rdtsc() - stamp;
        if (shift >= 0) delta <<= shift;
        else delta >>= -shift;
        *ok = true;
        return system + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
    }
    return 0;
}

uint64_t sv_time_ns(void) {
    bool ok;
    uint64_t now = time_from_shared_info(&ok);
    if (!ok) {
        sv_get_time_request_t req = {0};
        sv_get_time_response_t rsp;
        if (sv_hc_get_time(&req, &rsp) == SV_STATUS_OK) now = rsp.monotonic_ns;
        else now = last_time;
    }
    /* Never go backwards, whichever source answered. */
    unsigned long f = sv_irq_save();
    if (now < last_time) now = last_time;
    last_time = now;
    sv_irq_restore(f);
    return now;
}

int sv_wallclock(uint64_t *sec, uint32_t *nsec) {
    sv_get_time_request_t req = {0};
    sv_get_time_response_t rsp;
    int rc = sv_hc_get_time(&req, &rsp);
    if (rc == SV_STATUS_OK) {
        *sec = rsp.wall_sec;
        *nsec = rsp.wall_nsec;
    }
    return rc;
}

uint64_t sv_deadline_in(uint64_t ns) {
    uint64_t now = sv_time_ns();
    return now + ns < now ? UINT64_MAX : now + ns;
}

/* ---- the timer (SetTimer + VIRQ_TIMER) ---- */

static uint32_t timer_port;
static int timer_state; /* 0 not tried, 1 bound, -1 unavailable */
static volatile bool timer_fired;
static volatile uint64_t timer_armed; /* the deadline the hypervisor holds, 0 when none */

static void timer_handler(uint32_t port, void *arg) {
    (void)port;
    (void)arg;
    timer_fired = true;
    timer_armed = 0;
}

static int timer_init(void) {
    if (timer_state == 0) {
        uint32_t port;
        if (sv_evtchn_bind_virq(SV_VIRQ_TIMER, &port) == SV_STATUS_OK) {
            timer_port = port;
            sv_evtchn_bind_handler(port, timer_handler, NULL);
            timer_state = 1;
        } else {
            timer_state = -1;
        }
    }
    return timer_state == 1 ? SV_STATUS_OK : SV_STATUS_ENOSYS;
}

int sv_timer_arm(uint64_t deadline_ns) {
    int rc = timer_init();
    if (rc != SV_STATUS_OK) return rc;
    timer_fired = false;
    timer_armed = deadline_ns;
    sv_set_timer_request_t req = {.deadline_ns = deadline_ns};
    sv_set_timer_response_t rsp;
    rc = sv_hc_set_timer(&req, &rsp);
    if (rc != SV_STATUS_OK) timer_armed = 0;
    return rc;
}

bool sv_timer_fired(void) { return timer_fired; }
uint64_t sv_timer_armed(void) { return timer_armed; }

int sv_timer_arm_if_needed(uint64_t deadline_ns) {
    if (timer_armed == deadline_ns) return SV_STATUS_OK;
    return sv_timer_arm(deadline_ns);
}

/* ---- waiting ---- */

int sv_wait(bool (*pred)(void *arg), void *arg, uint64_t deadline_ns) {
    unsigned long f = sv_irq_save();
    int rc = SV_STATUS_OK;
    for (;;) {
        if (pred(arg)) break;
        if (deadline_ns) {
            /* Look at the clock only when our timer is not the one armed (first time round, or
             * it fired, or a nested wait re-armed it): cheap when it is. */
            if (timer_armed != deadline_ns) {
                if (sv_time_ns() >= deadline_ns) {
                    rc = SV_STATUS_ETIMEDOUT;
                    break;
                }
                if (sv_timer_arm(deadline_ns) != SV_STATUS_OK) {
                    /* No timer: poll the clock between yields. */
                    sv_yield_request_t yq = {0};
                    sv_yield_response_t ys;
                    sv_hc_sched_yield(&yq, &ys);
                    sv_evtchn_do_upcall();
                    continue;
                }
            }
        }
        sv_block_irqs_off();
    }
    sv_irq_restore(f);
    return rc;
}

static bool never(void *arg) {
    (void)arg;
    return false;
}

void sv_sleep_ns(uint64_t ns) { sv_wait(never, NULL, sv_deadline_in(ns ? ns : 1)); }
