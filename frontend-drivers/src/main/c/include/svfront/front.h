/*
 * svfront/front.h: what every split-driver frontend in this library shares: finding the device in
 * the store, the Xenbus handshake with timeouts and clear messages, the event channel offered to
 * the backend, and the orderly close.
 *
 * A frontend device lives in /local/domain/<fe>/device/<type>/<id> (written "device/<type>/<id>",
 * relative to the domain's home). The toolstack writes `backend` (the backend's directory),
 * `backend-id` and `state` = 1 there. The handshake (Xen's, xenbus.h in Xen's public headers):
 *
 *   frontend                               backend (/local/domain/<be>/backend/<type>/<fe>/<id>)
 *   state 1 Initialising                   publishes its features, state 2 InitWait
 *   waits for InitWait, sets up the ring(s),
 *   grants, the event channel; writes its
 *   keys in one transaction; state 3
 *   Initialised (netfront: straight to 4)  maps the ring, binds the channel, publishes the device's
 *                                          properties, state 4 Connected
 *   waits for Connected, reads the
 *   properties, state 4 Connected
 *
 * Close (Linux's order, so the backend unmaps before we revoke): frontend 5 Closing, wait for the
 * backend to reach Closing or Closed; frontend 6 Closed, wait for the backend's Closed; then the
 * ring and buffer grants are revoked (pages the backend still maps are leaked, never reused), the
 * channel is closed and the transport keys are removed. A later open of a device left Closed
 * writes Initialising again, which a Xen backend answers with a fresh InitWait.
 *
 * Every wait has a timeout and says what it waited for, e.g.
 *   vbd/0: timed out waiting for backend: local state 3 (Initialised), remote state 2 (InitWait)
 */
#ifndef SVFRONT_FRONT_H
#define SVFRONT_FRONT_H

#include <stdbool.h>
#include <stdint.h>

#include <splitvisor/xenbus.h>

#include "svfront/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Defaults: the handshake's waits, and how long an I/O may stay unanswered. */
#define SVF_DEFAULT_CONNECT_TIMEOUT_NS (20ull * 1000000000ull)
#define SVF_DEFAULT_IO_TIMEOUT_NS (30ull * 1000000000ull)
/* How long a close waits for the backend at each step, and for it to let go of the grants. */
#define SVF_CLOSE_TIMEOUT_NS (5ull * 1000000000ull)

typedef struct svf_front {
    sv_xenbus_device_t xb;        /* name "vbd/0", dir "device/vbd/0", otherend = the backend's dir */
    char type[16];
    unsigned id;
    uint32_t port;                /* our end of the event channel (0: none yet) */
    volatile uint64_t events;     /* notifications received on it */
    uint64_t kicks;               /* notifications sent */
    uint64_t connect_timeout_ns;
    bool quiet;                   /* no progress messages (errors are always printed) */
} svf_front_t;

/* The ids of this domain's devices of a type (the numeric children of device/<type>), in
 * ascending order: up to max of them in ids; returns how many there are (0 when none). Block
 * devices use Xen's ids: xvda = 51712, xvdb = 51728, ... */
int svf_front_list(const char *type, unsigned *ids, unsigned max);
/* The id of the index-th device of a type in that order; SV_STATUS_ENODEV when there is none. */
int svf_front_find(const char *type, unsigned index, unsigned *id);

/* Finds device/<type>/<id>: reads `backend` and `backend-id`. SV_STATUS_ENODEV (with a message)
 * when the device is not there. Writes state Initialising when the device was left in another
 * state (a reconnect). connect_timeout_ns 0 means the default. */
int svf_front_init(svf_front_t *f, const char *type, unsigned id, uint64_t connect_timeout_ns);

/* Waits until the backend's state is in mask (SV_XENBUS_MASK bits). On timeout prints
 * "<type>/<id>: timed out waiting for backend: local state L (..), remote state R (..)" and
 * returns SV_STATUS_ETIMEDOUT; *got (may be NULL) gets the state seen. */
int svf_front_wait_backend(svf_front_t *f, uint32_t mask, int *got);

/* The first half of the handshake: waits for the backend's InitWait (a backend already further
 * on -- Initialised or Connected -- is accepted too, as Xen frontends tolerate peers that skip
 * states). */
int svf_front_wait_initwait(svf_front_t *f);
/* The second half: waits for Connected; a backend that moves to Closing or Closed instead is
 * reported ("<name>: backend refused the connection: remote state 6 (Closed)", SV_STATUS_ENODEV). */
int svf_front_wait_connected(svf_front_t *f);

/* Waits until pred(arg) is true (tested with interrupts disabled, as sv_wait) for at most
 * timeout_ns (0: no limit). Every second without success it looks at the backend's state: a
 * backend that moved to Closing or Closed ends the wait with SV_STATUS_ENOTCONN after printing
 * "<name>: backend closed the device: remote state 5 (Closing)[: <its error key>]". Returns
 * SV_STATUS_OK, SV_STATUS_ETIMEDOUT or SV_STATUS_ENOTCONN. */
int svf_front_wait_io(svf_front_t *f, bool (*pred)(void *arg), void *arg, uint64_t timeout_ns);

/* Writes our state. */
int svf_front_set_state(svf_front_t *f, int state);

/* Allocates an event channel offered to the backend (EvtchnAllocUnbound with the backend-id)
 * and counts its notifications in f->events. */
int svf_front_alloc_evtchn(svf_front_t *f);
/* Notifies the backend (the doorbell). */
void svf_front_kick(svf_front_t *f);

/* Store helpers: our directory's <key>, the backend directory's <key>. */
int svf_front_write(svf_front_t *f, uint32_t tx, const char *key, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int svf_front_read(svf_front_t *f, const char *key, char *buf, size_t cap);
int svf_front_read_u64(svf_front_t *f, const char *key, uint64_t *value);
int svf_front_read_backend(svf_front_t *f, const char *key, char *buf, size_t cap);
int svf_front_read_backend_u64(svf_front_t *f, const char *key, uint64_t *value);
/* A backend feature flag: true when `<backend>/<key>` reads as a nonzero number. */
bool svf_front_backend_feature(svf_front_t *f, const char *key);

/* The close sequence above, up to and including the backend's Closed (pages and grants are the
 * driver's to release afterwards). Returns SV_STATUS_OK, or SV_STATUS_ETIMEDOUT when the
 * backend did not follow (a message says so; the caller still releases what it can). */
int svf_front_close_handshake(svf_front_t *f);
/* Closes the event channel and removes the transport keys (the rest of the close). */
void svf_front_release(svf_front_t *f, const char *const *keys, unsigned nkeys);

/* Prints "<name>: <message>" (errors are printed even when quiet). */
void svf_front_error(const svf_front_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void svf_front_info(const svf_front_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A page for a shared ring: allocated zeroed and granted read-write to the backend. */
int svf_front_ring_page(svf_front_t *f, void **page, uint32_t *gref);
/* Revokes a ring page's grant and frees it (leaked, with a message, when the backend still maps it). */
void svf_front_ring_page_release(svf_front_t *f, void *page, uint32_t gref);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_FRONT_H */
