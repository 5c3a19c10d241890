/*
 * Event delivery: the handler table, masks, and the fair 2-level drain (ABI.md section 8).
 * Portable C: the host tests run the drain against a fake shared-info page.
 */
#include "splitvisor/events.h"

#include "splitvisor/arch.h"
#include "splitvisor/string.h"

#define WORDS SV_SHARED_INFO_EVTCHN_WORDS
#define PORTS SV_EVTCHN_PORTS

typedef struct handler {
    sv_evtchn_handler_t fn;
    void *arg;
} handler_t;

static sv_shared_info_t *shinfo;
static handler_t handlers[PORTS];
/* Where the next drain starts: one past the last port handled (Linux's fairness rule). */
static uint32_t next_port;
static int in_drain;
static sv_evtchn_stats_t stats;

void sv_evtchn_setup(sv_shared_info_t *s) {
    shinfo = s;
    next_port = 0;
    in_drain = 0;
    sv_memset(handlers, 0, sizeof handlers);
    sv_memset(&stats, 0, sizeof stats);
}

sv_shared_info_t *sv_shared_info(void) { return shinfo; }

const sv_evtchn_stats_t *sv_evtchn_stats(void) { return &stats; }

int sv_evtchn_in_handler(void) { return in_drain; }

int sv_evtchn_bind_handler(uint32_t port, sv_evtchn_handler_t fn, void *arg) {
    if (port == 0 || port >= PORTS) return SV_STATUS_EINVAL;
    unsigned long f = sv_irq_save();
    handlers[port].fn = fn;
    handlers[port].arg = arg;
    sv_irq_restore(f);
    return SV_STATUS_OK;
}

static volatile uint64_t *pending_word(uint32_t port) { return &shinfo->evtchn_pending[port / 64]; }
static volatile uint64_t *mask_word(uint32_t port) { return &shinfo->evtchn_mask[port / 64]; }

void sv_evtchn_mask(uint32_t port) {
    if (!shinfo || port >= PORTS) return;
    sv_test_and_set_bit(mask_word(port), port % 64);
}

bool sv_evtchn_is_pending(uint32_t port) {
    return shinfo && port < PORTS && sv_test_bit(pending_word(port), port % 64);
}

bool sv_evtchn_is_masked(uint32_t port) {
    return shinfo && port < PORTS && sv_test_bit(mask_word(port), port % 64);
}

void sv_evtchn_clear_pending(uint32_t port) {
    if (!shinfo || port >= PORTS) return;
    sv_test_and_clear_bit(pending_word(port), port % 64);
}

bool sv_evtchn_work_pending(void) {
    return shinfo && __atomic_load_n(&shinfo->vcpu_info[0].evtchn_upcall_pending, __ATOMIC_ACQUIRE) != 0;
}

void sv_evtchn_unmask(uint32_t port) {
    if (!shinfo || port >= PORTS) return;
    sv_test_and_clear_bit(mask_word(port), port % 64);
    sv_mb();
    if (!sv_test_bit(pending_word(port), port % 64)) return;
    /* It became pending while masked, which raised nothing: raise it ourselves, as the
     * hypervisor would have (selector bit, then upcall pending). */
    sv_vcpu_info_t *v = &shinfo->vcpu_info[0];
    sv_test_and_set_bit(&v->evtchn_pending_sel, port / 64);
    __atomic_store_n(&v->evtchn_upcall_pending, 1, __ATOMIC_RELEASE);
    if (!in_drain && sv_irqs_enabled()) sv_evtchn_poll();
}

static void dispatch(uint32_t port) {
    handler_t *h = &handlers[port];
    if (h->fn) {
        stats.handled++;
        h->fn(port, h->arg);
    } else {
        stats.unhandled++;
    }
}

/* Handles the pending, unmasked ports of the words in sel, in circular port order starting at
 * next_port. The start word is visited twice: its ports at or after the start first, the ports
 * before it last. Each port's pending bit is cleared (atomically) before its handler runs. */
static void drain_selected(uint64_t sel) {
    const uint32_t start = next_port % PORTS;
    const unsigned sw = start / 64, sb = start % 64;
    for (unsigned i = 0; i <= WORDS; i++) {
        unsigned w = (sw + i) % WORDS;
        if (!((sel >> w) & 1)) continue;
        uint64_t allowed;
        if (i == 0) allowed = ~0ull << sb;
        else if (i == WORDS) allowed = sb ? (1ull << sb) - 1 : 0;
        else allowed = ~0ull;
        for (;;) {
            uint64_t bits = __atomic_load_n(&shinfo->evtchn_pending[w], __ATOMIC_ACQUIRE) &
                            ~__atomic_load_n(&shinfo->evtchn_mask[w], __ATOMIC_ACQUIRE) & allowed;
            if (!bits) break;
            unsigned b = (unsigned)__builtin_ctzll(bits);
            /* Never look at this bit (or a lower one) again in this pass. */
            allowed &= (~0ull << b) << 1;
            uint32_t port = w * 64 + b;
            if (sv_test_and_clear_bit(&shinfo->evtchn_pending[w], b)) dispatch(port);
            next_port = (port + 1) % PORTS;
        }
    }
}

void sv_evtchn_do_upcall(void) {
    if (!shinfo || in_drain) return;
    in_drain = 1;
    sv_vcpu_info_t *v = &shinfo->vcpu_info[0];
    bool counted = false;
    while (__atomic_load_n(&v->evtchn_upcall_pending, __ATOMIC_ACQUIRE)) {
        if (!counted) {
            stats.upcalls++;
            counted = true;
        }
        __atomic_store_n(&v->evtchn_upcall_pending, 0, __ATOMIC_RELAXED);
        /* xchg is a full barrier: the clear above is visible before the selector is taken. */
        uint64_t sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        drain_selected(sel);
    }
    in_drain = 0;
}

void sv_evtchn_poll(void) {
    unsigned long f = sv_irq_save();
    sv_evtchn_do_upcall();
    sv_irq_restore(f);
}
