/*
 * Uses the platform services one by one and prints what it saw: the single-shot timer through
 * VIRQ_TIMER and SchedBlock, monotonic time from GetTime and from the TSC with the shared-info
 * scale, console input, poll with a timeout, a loopback channel, the memory reservation.
 */
#include "rt.h"

static volatile sv_shared_info_t *shared(void) { return (volatile sv_shared_info_t *)(uintptr_t)rt_si.shared_info_gpa; }

static uint64_t now_ns(void) {
    sv_get_time_request_t q; sv_get_time_response_t r;
    sv_get_time_request_init(&q);
    sv_hc_get_time(&q, &r);
    return r.monotonic_ns;
}

static uint64_t tsc_ns(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    volatile sv_vcpu_time_info_t *t = &shared()->vcpu_info[0].time;
    uint64_t delta = (((uint64_t)hi << 32) | lo) - t->tsc_timestamp;
    delta = t->tsc_shift >= 0 ? delta << t->tsc_shift : delta >> -t->tsc_shift;
    return t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
}

static int pending(uint32_t port) { return (shared()->evtchn_pending[port / 64] >> (port % 64)) & 1; }

static void clear_pending(uint32_t port) {
    __atomic_and_fetch(&shared()->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

int main(void) {
    /* Timer: bind VIRQ_TIMER, ask for it 5 ms from now, block until it fires. */
    sv_evtchn_bind_virq_request_t bv; sv_evtchn_bind_virq_response_t bvr;
    sv_evtchn_bind_virq_request_init(&bv);
    bv.virq = SV_VIRQ_TIMER;
    rt_print_num("bind timer ", sv_hc_evtchn_bind_virq(&bv, &bvr));
    uint64_t start = now_ns();
    sv_set_timer_request_t st; sv_set_timer_response_t str;
    sv_set_timer_request_init(&st);
    st.deadline_ns = start + 5000000;
    rt_print_num("set timer ", sv_hc_set_timer(&st, &str));
    int blocks = 0;
    while (!pending(bvr.port)) {
        sv_block_request_t b; sv_block_response_t br;
        sv_block_request_init(&b);
        sv_hc_sched_block(&b, &br);
        shared()->vcpu_info[0].evtchn_upcall_pending = 0;
        shared()->vcpu_info[0].evtchn_pending_sel = 0;
        blocks++;
    }
    clear_pending(bvr.port);
    uint64_t waited = now_ns() - start;
    rt_print_num("timer fired after at least 5 ms ", waited >= 5000000);
    rt_print_num("timer fired within 2 s ", waited < 2000000000ull);

    /* The TSC with the shared-info scale agrees with GetTime to within 50 ms. */
    uint64_t a = tsc_ns(), b = now_ns(), c = tsc_ns();
    rt_print_num("tsc time agrees ", b + 50000000 > a && c + 50000000 > b && c >= a);
    rt_print_num("wall clock set ", shared()->wc_sec > 1700000000u || shared()->wc_sec_hi > 0);

    /* Console input queued by dom0 before the start. */
    sv_console_read_request_t cr; sv_console_read_response_t crr;
    sv_console_read_request_init(&cr);
    cr.max_bytes = 100;
    sv_hc_console_read(&cr, &crr);
    crr.data.data[crr.data.len] = 0;
    rt_print("console input: ");
    rt_print((const char *)crr.data.data);

    /* Poll a quiet port for 2 ms: it times out. */
    sv_evtchn_alloc_unbound_request_t au; sv_evtchn_alloc_unbound_response_t aur;
    sv_evtchn_alloc_unbound_request_init(&au);
    au.remote_domid = SV_DOMID_SELF;
    sv_hc_evtchn_alloc_unbound(&au, &aur);
    sv_poll_request_t pq; sv_poll_response_t pr;
    sv_poll_request_init(&pq);
    pq.ports_count = 1;
    pq.ports[0] = aur.port;
    pq.has_timeout_ns = true;
    pq.timeout_ns = 2000000;
    rt_print_num("poll status ", sv_hc_sched_poll(&pq, &pr));
    rt_print_num("poll timed out ", pr.timed_out);

    /* A loopback channel: bind our own unbound port, send, see it pending, poll returns at once. */
    sv_evtchn_bind_interdomain_request_t bi; sv_evtchn_bind_interdomain_response_t bir;
    sv_evtchn_bind_interdomain_request_init(&bi);
    bi.remote_domid = SV_DOMID_SELF;
    bi.remote_port = aur.port;
    rt_print_num("loopback bind ", sv_hc_evtchn_bind_interdomain(&bi, &bir));
    clear_pending(bir.local_port);
    rt_outl(SV_DOORBELL_PORT, bir.local_port);
    rt_print_num("loopback delivered ", pending(aur.port));
    pq.timeout_ns = 1000000000;
    sv_hc_sched_poll(&pq, &pr);
    rt_print_num("poll saw it ", !pr.timed_out);
    sv_evtchn_status_request_t sq; sv_evtchn_status_response_t sr;
    sv_evtchn_status_request_init(&sq);
    sq.port = aur.port;
    sv_hc_evtchn_status(&sq, &sr);
    rt_print_num("status interdomain ", sr.state == SV_EVTCHN_STATE_INTERDOMAIN
                 && sr.binding_case == SV_EVTCHN_STATUS_RESPONSE_INTERDOMAIN_TAG
                 && sr.binding.interdomain.remote_port == bir.local_port);

    sv_memory_reservation_request_t mq; sv_memory_reservation_response_t mr;
    sv_memory_reservation_request_init(&mq);
    sv_hc_memory_reservation(&mq, &mr);
    rt_print_num("pages ", (long)mr.pages);
    return 0;
}
