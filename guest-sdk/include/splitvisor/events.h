/*
 * splitvisor/events.h: event channels, upcalls and waiting (ABI.md sections 6 and 8).
 *
 * Delivery. The runtime registers SV_UPCALL_VECTOR with SetUpcallVector and enables interrupts
 * before main. When an unmasked port becomes pending the hypervisor raises that vector; the
 * upcall entry drains the 2-level bitmaps of shared info: it clears evtchn_upcall_pending,
 * exchanges evtchn_pending_sel with 0, and for each selected word handles every port in
 * pending & ~mask, clearing each port's pending bit (lock btr) before calling its handler. The
 * scan resumes after the last port handled (as Linux does), so a busy port cannot starve the
 * others. Ports without a handler are simply cleared (waking a blocked waiter is all they do).
 *
 * Handlers run with interrupts disabled and are never nested: they may send events and make
 * hypercalls, but must not wait (no store calls, no sv_wait, no console reads).
 *
 * Waiting. Code that waits for something a handler (or a peer through shared memory) changes
 * must test its condition with interrupts disabled and block in between, or a wakeup can slip
 * between the test and the block. SV_WAIT_UNTIL(cond) and sv_wait() do exactly that; the drain
 * also runs from the waiter after every block, so waiting works with upcalls off too.
 */
#ifndef SPLITVISOR_EVENTS_H
#define SPLITVISOR_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "splitvisor/abi.h"
#include "splitvisor/arch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The interrupt vector the runtime registers for upcalls. */
#define SV_UPCALL_VECTOR 0xF0

typedef void (*sv_evtchn_handler_t)(uint32_t port, void *arg);

/* Points the event layer at shared info (the runtime does this before main). */
void sv_evtchn_setup(sv_shared_info_t *shared_info);
sv_shared_info_t *sv_shared_info(void);

/* Installs (or with fn NULL removes) the handler of a local port. */
int sv_evtchn_bind_handler(uint32_t port, sv_evtchn_handler_t fn, void *arg);

/* ---- the hypercalls, wrapped ---- */
/* Allocates a port that remote_domid may bind; *port gets the local port. */
int sv_evtchn_alloc_unbound(uint32_t remote_domid, uint32_t *port);
/* Binds to remote_port of remote_domid (offered with alloc_unbound); *local_port gets ours. */
int sv_evtchn_bind_interdomain(uint32_t remote_domid, uint32_t remote_port, uint32_t *local_port);
/* Binds a VIRQ (SV_VIRQ_TIMER, SV_VIRQ_CONSOLE, ...) on vCPU 0. */
int sv_evtchn_bind_virq(uint32_t virq, uint32_t *port);
/* Closes a port and forgets its handler. */
int sv_evtchn_close(uint32_t port);
/* Notifies the other end: the doorbell (one OUT, no frame), the hot path. */
void sv_evtchn_send(uint32_t port);
/* The same through the EvtchnSend hypercall, which reports errors (EBADF, ENOTCONN). */
int sv_evtchn_send_checked(uint32_t port);

/* ---- masks and pending bits in shared info ---- */
void sv_evtchn_mask(uint32_t port);
/* Clears the mask; if the port is pending, re-raises it locally (selector + upcall pending) so
 * the event is handled at the next drain (at once when interrupts are enabled). */
void sv_evtchn_unmask(uint32_t port);
bool sv_evtchn_is_pending(uint32_t port);
bool sv_evtchn_is_masked(uint32_t port);
void sv_evtchn_clear_pending(uint32_t port);

/* ---- draining ---- */
/* The drain (the upcall entry calls it). Call with interrupts disabled. */
void sv_evtchn_do_upcall(void);
/* Drains now, from normal code (disables interrupts around the drain). */
void sv_evtchn_poll(void);
/* True when an upcall is pending (evtchn_upcall_pending). */
bool sv_evtchn_work_pending(void);
/* Nonzero while the drain runs handlers (interrupt context: do not wait). */
int sv_evtchn_in_handler(void);

/* Statistics. */
typedef struct sv_evtchn_stats {
    uint64_t upcalls;     /* drains that found work */
    uint64_t handled;     /* handler calls */
    uint64_t unhandled;   /* pending ports without a handler */
    uint64_t blocks;      /* SchedBlock hypercalls */
} sv_evtchn_stats_t;
const sv_evtchn_stats_t *sv_evtchn_stats(void);

/* ---- idling and waiting ---- */
/* Call with interrupts disabled: unless work is pending, blocks in the hypervisor (SchedBlock,
 * which re-checks after arming, so no wakeup is lost); then drains. Returns with interrupts
 * still disabled. */
void sv_block_irqs_off(void);
/* Blocks once until an event arrives (and handles it). */
void sv_block(void);

/* Waits until pred(arg) is true, testing it with interrupts disabled. deadline_ns is a
 * monotonic time (sv_time_ns) or 0 for none. Returns 0, or SV_STATUS_ETIMEDOUT. */
int sv_wait(bool (*pred)(void *arg), void *arg, uint64_t deadline_ns);

/* Waits until a C expression is true (no deadline). */
#define SV_WAIT_UNTIL(cond)                                                          \
    do {                                                                             \
        unsigned long sv_wait_flags_ = sv_irq_save();                                \
        while (!(cond)) sv_block_irqs_off();                                         \
        sv_irq_restore(sv_wait_flags_);                                              \
    } while (0)

/* Called by the runtime: installs the IDT gate, registers the vector with the hypervisor. */
int sv_upcall_setup(void);
/* Whether the hypervisor accepted the upcall vector (otherwise events are polled). */
bool sv_upcalls_enabled(void);

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_EVENTS_H */
