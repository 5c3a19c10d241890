/*
 * The event drain against a fake shared-info page: delivery, masks and the local re-raise on
 * unmask, the pending bit cleared before the handler, fairness across ports and drains, events
 * raised during handlers, no nesting.
 */
#include <string.h>

#include "host_stubs.h"
#include "splitvisor/events.h"
#include "test.h"

static sv_shared_info_t si;

/* What the hypervisor does (ABI.md section 8): pending bit, then selector and upcall pending. */
static void raise_port(uint32_t port) {
    uint64_t bit = 1ull << (port % 64);
    if (__atomic_fetch_or(&si.evtchn_pending[port / 64], bit, __ATOMIC_SEQ_CST) & bit) return;
    if (si.evtchn_mask[port / 64] & bit) return;
    uint64_t sel = 1ull << (port / 64);
    if (!(__atomic_fetch_or(&si.vcpu_info[0].evtchn_pending_sel, sel, __ATOMIC_SEQ_CST) & sel)) {
        si.vcpu_info[0].evtchn_upcall_pending = 1;
    }
}

static uint32_t order[256];
static int norder;
static bool pending_at_call;
static void record(uint32_t port, void *arg) {
    (void)arg;
    if (norder < 256) order[norder++] = port;
    if (sv_evtchn_is_pending(port)) pending_at_call = true;
}

static void reset(void) {
    memset(&si, 0, sizeof si);
    sv_evtchn_setup(&si);
    norder = 0;
    pending_at_call = false;
    sv_test_rflags = 0x202;
}

static void test_single_port(void) {
    reset();
    CHECK_EQ_INT(sv_evtchn_bind_handler(5, record, NULL), 0);
    raise_port(5);
    CHECK(sv_evtchn_work_pending());
    sv_evtchn_do_upcall();
    CHECK_EQ_INT(norder, 1);
    CHECK_EQ_INT(order[0], 5);
    CHECK(!pending_at_call); /* cleared before the handler ran */
    CHECK(!sv_evtchn_is_pending(5));
    CHECK_EQ_INT(si.vcpu_info[0].evtchn_pending_sel, 0);
    CHECK_EQ_INT(si.vcpu_info[0].evtchn_upcall_pending, 0);
    CHECK(!sv_evtchn_work_pending());
    CHECK_EQ_INT(sv_evtchn_stats()->handled, 1);
    CHECK_EQ_INT(sv_evtchn_stats()->upcalls, 1);
    /* A drain with nothing pending does nothing. */
    sv_evtchn_do_upcall();
    CHECK_EQ_INT(norder, 1);
    CHECK_EQ_INT(sv_evtchn_stats()->upcalls, 1);
}

static void test_bad_ports(void) {
    reset();
    CHECK_EQ_INT(sv_evtchn_bind_handler(0, record, NULL), SV_STATUS_EINVAL);
    CHECK_EQ_INT(sv_evtchn_bind_handler(SV_EVTCHN_PORTS, record, NULL), SV_STATUS_EINVAL);
    CHECK(!sv_evtchn_is_pending(SV_EVTCHN_PORTS + 5));
    sv_evtchn_mask(SV_EVTCHN_PORTS + 5); /* ignored, no crash */
}

static void test_unhandled_ports_are_cleared(void) {
    reset();
    raise_port(77);
    sv_evtchn_do_upcall();
    CHECK(!sv_evtchn_is_pending(77));
    CHECK_EQ_INT(sv_evtchn_stats()->unhandled, 1);
}

static void test_mask_and_unmask(void) {
    reset();
    sv_evtchn_bind_handler(9, record, NULL);
    sv_evtchn_mask(9);
    CHECK(sv_evtchn_is_masked(9));
    raise_port(9);
    CHECK(sv_evtchn_is_pending(9));
    CHECK(!sv_evtchn_work_pending()); /* masked: nothing raised */
    sv_evtchn_do_upcall();
    CHECK_EQ_INT(norder, 0);
    /* Unmask with interrupts disabled: re-raised locally, handled at the next drain. */
    sv_test_rflags = 0x2;
    sv_evtchn_unmask(9);
    CHECK(!sv_evtchn_is_masked(9));
    CHECK(sv_evtchn_work_pending());
    CHECK_EQ_INT(si.vcpu_info[0].evtchn_pending_sel, 1);
    CHECK_EQ_INT(norder, 0);
    sv_evtchn_do_upcall();
    CHECK_EQ_INT(norder, 1);
    /* Unmask with interrupts enabled: handled at once. */
    sv_test_rflags = 0x202;
    sv_evtchn_mask(9);
    raise_port(9);
    sv_evtchn_unmask(9);
    CHECK_EQ_INT(norder, 2);
    CHECK(sv_irqs_enabled()); /* restored */
    /* A masked pending port in a selected word is skipped and stays pending. */
    sv_evtchn_bind_handler(10, record, NULL);
    sv_evtchn_mask(9);
    raise_port(10);
    si.evtchn_pending[0] |= 1u << 9;
    sv_evtchn_do_upcall();
    CHECK_EQ_INT(order[norder - 1], 10);
    CHECK(sv_evtchn_is_pending(9));
    sv_evtchn_clear_pending(9);
    CHECK(!sv_evtchn_is_pending(9));
}

static void test_scan_order_and_fairness_across_drains(void) {
    reset();
    uint32_t ports[] = {3, 64, 65, 200, 4000, 4095};
    for (size_t i = 0; i < 6; i++) sv_evtchn_bind_handler(ports[i], record, NULL);
    for (size_t i = 0; i < 6; i++) raise_port(ports[i]);
    sv_evtchn_do_upcall();
    CHECK_EQ_INT(norder, 6);
    for (int i = 0; i < 6 && i < norder; i++) CHECK_EQ_INT(order[i], ports[i]);
    /* The next drain starts after the last port handled (4095 -> wraps to 0). */
    norder = 0;
    raise_port(200);
    raise_port(3);
    sv_evtchn_do_upcall();
    CHECK_EQ_INT(norder, 2);
    CHECK_EQ_INT(order[0], 3);
    CHECK_EQ_INT(order[1], 200);
    /* ... now after 200: 4000 comes before 64 and 65 before 3. */
    norder = 0;
    raise_port(3);
    raise_port(65);
    raise_port(4000);
    raise_port(201);
    sv_evtchn_do_upcall();
    CHECK_EQ_INT(norder, 3 + 0); /* 201 has no handler */
    CHECK_EQ_INT(order[0], 4000);
    CHECK_EQ_INT(order[1], 3);
    CHECK_EQ_INT(order[2], 65);
    /* Within the start word: the bits after the cursor first, those before it last. */
    reset();
    sv_evtchn_bind_handler(10, record, NULL);
    sv_evtchn_bind_handler(20, record, NULL);
    sv_evtchn_bind_handler(30, record, NULL);
    raise_port(20);
    sv_evtchn_do_upcall(); /* cursor now 21 */
    norder = 0;
    raise_port(10);
    raise_port(30);
    raise_port(20);
    sv_evtchn_do_upcall();
    CHECK_EQ_INT(norder, 3);
    CHECK_EQ_INT(order[0], 30);
    CHECK_EQ_INT(order[1], 10);
    CHECK_EQ_INT(order[2], 20);
}

/* A port that re-raises itself from its handler (a storm) cannot starve the others. */
static int storm_left;
static void storm(uint32_t port, void *arg) {
    record(port, arg);
    if (storm_left-- > 0) raise_port(port);
}

static void test_storm_does_not_starve(void) {
    reset();
    storm_left = 20;
    sv_evtchn_bind_handler(7, storm, NULL);
    sv_evtchn_bind_handler(8, record, NULL);
    sv_evtchn_bind_handler(1000, record, NULL);
    raise_port(7);
    raise_port(8);
    raise_port(1000);
    sv_evtchn_do_upcall();
    /* 7, 8, 1000 in the first pass; then 7 again and again, each alone. */
    CHECK_EQ_INT(norder, 21 + 2);
    CHECK_EQ_INT(order[0], 7);
    CHECK_EQ_INT(order[1], 8);
    CHECK_EQ_INT(order[2], 1000);
    CHECK(!sv_evtchn_work_pending());
}

/* Events raised during a handler (lower and higher ports) are handled in the same drain, and a
 * nested drain call from a handler does nothing. */
static int nested_calls;
static void raiser(uint32_t port, void *arg) {
    record(port, arg);
    if (port == 100) {
        raise_port(2);
        raise_port(150);
        nested_calls++;
        sv_evtchn_do_upcall(); /* ignored: already draining */
        CHECK(sv_evtchn_in_handler());
    }
}

static void test_raised_during_handler(void) {
    reset();
    sv_evtchn_bind_handler(100, raiser, NULL);
    sv_evtchn_bind_handler(2, record, NULL);
    sv_evtchn_bind_handler(150, record, NULL);
    raise_port(100);
    sv_evtchn_do_upcall();
    CHECK_EQ_INT(nested_calls, 1);
    CHECK_EQ_INT(norder, 3);
    CHECK_EQ_INT(order[0], 100);
    CHECK_EQ_INT(order[1], 150); /* in the same pass, after 100 */
    CHECK_EQ_INT(order[2], 2);   /* in the next pass (2's word was taken before it was raised) */
    CHECK(!sv_evtchn_in_handler());
    CHECK(!sv_evtchn_work_pending());
}

static void test_poll_restores_interrupt_flag(void) {
    reset();
    sv_evtchn_bind_handler(4, record, NULL);
    raise_port(4);
    sv_test_rflags = 0x202;
    sv_evtchn_poll();
    CHECK_EQ_INT(norder, 1);
    CHECK(sv_irqs_enabled());
    sv_test_rflags = 0x2;
    raise_port(4);
    sv_evtchn_poll();
    CHECK_EQ_INT(norder, 2);
    CHECK(!sv_irqs_enabled());
}

/* Many random rounds: every raised, unmasked port is handled exactly once per raise. */
static int counts[SV_EVTCHN_PORTS];
static void count(uint32_t port, void *arg) {
    (void)arg;
    counts[port]++;
}

static void test_random_rounds(void) {
    reset();
    for (uint32_t p = 1; p < SV_EVTCHN_PORTS; p++) sv_evtchn_bind_handler(p, count, NULL);
    uint32_t seed = 12345;
    static int expected[SV_EVTCHN_PORTS];
    memset(counts, 0, sizeof counts);
    for (int round = 0; round < 300; round++) {
        static bool raised[SV_EVTCHN_PORTS];
        memset(raised, 0, sizeof raised);
        for (int k = 0; k < 40; k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t p = 1 + (seed >> 8) % (SV_EVTCHN_PORTS - 1);
            if (!raised[p]) {
                raised[p] = true;
                expected[p]++;
            }
            raise_port(p);
        }
        sv_evtchn_do_upcall();
    }
    int bad = 0;
    for (uint32_t p = 0; p < SV_EVTCHN_PORTS; p++) bad += counts[p] != expected[p];
    CHECK_EQ_INT(bad, 0);
    for (int w = 0; w < 64; w++) CHECK_EQ_INT(si.evtchn_pending[w], 0);
}

int main(void) {
    RUN(test_single_port);
    RUN(test_bad_ports);
    RUN(test_unhandled_ports_are_cleared);
    RUN(test_mask_and_unmask);
    RUN(test_scan_order_and_fairness_across_drains);
    RUN(test_storm_does_not_starve);
    RUN(test_raised_during_handler);
    RUN(test_poll_restores_interrupt_flag);
    RUN(test_random_rounds);
    return tests_done("test_events");
}
