/*
 * svfront/consfront.h: secondary consoles (Xen's device/console/<n>, hvc_xen's frontend), a byte
 * stream each way through one shared page laid out as the ABI's console ring (sv_console_ring_t,
 * Xen's xencons_interface: in[1024] from the backend, out[2048] to it). Console 0 is not this:
 * it is set up by the loader (StartInfo.console_*) and driven by the SDK's console.h.
 *
 *   svf_cons_t *c;
 *   svf_cons_open(&c, 1, NULL);                 // device/console/1
 *   svf_cons_write(c, "hello\n", 6);
 *   int n = svf_cons_read(c, buf, sizeof buf, SV_NS_PER_SEC);
 *
 * Store keys. The frontend reads `backend` and `backend-id` (and the optional `name`) in
 * device/console/<n>, waits for the backend's InitWait, then writes in one transaction:
 *   ring-ref        the grant reference of the console page (decimal)
 *   port            the event channel offered to the backend (decimal; Xen's key for consoles)
 *   event-channel   the same port under the name the other drivers use
 * then state 3 Initialised, waits for Connected and writes state 4.
 */
#ifndef SVFRONT_CONSFRONT_H
#define SVFRONT_CONSFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svfront/consring.h"
#include "svfront/front.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct svf_cons_options {
    uint64_t connect_timeout_ns;  /* each handshake wait (0: the default) */
    uint64_t io_timeout_ns;       /* a write waiting for room this long fails (0: the default) */
    bool quiet;
} svf_cons_options_t;

typedef struct svf_cons svf_cons_t;

int svf_cons_open(svf_cons_t **out, unsigned id, const svf_cons_options_t *opts);
const char *svf_cons_name(const svf_cons_t *c);        /* "console/1" */
const char *svf_cons_channel(const svf_cons_t *c);     /* the `name` key, or "" */

/* Writes all len bytes (waiting for room); returns len, or an error (SV_STATUS_ETIMEDOUT when the
 * backend consumed nothing for io_timeout_ns, SV_STATUS_EPROTO when it broke the ring). */
int svf_cons_write(svf_cons_t *c, const void *data, size_t len);
/* Waits until out[] is empty (everything written was consumed) or timeout_ns passes. */
int svf_cons_flush(svf_cons_t *c, uint64_t timeout_ns);
/* Reads what is waiting (up to cap bytes), waiting up to timeout_ns (0: not at all) for the first
 * byte. Returns the number of bytes (0 when none came), or an error. */
int svf_cons_read(svf_cons_t *c, void *buf, size_t cap, uint64_t timeout_ns);
/* Reads one line (without its '\n') into buf; returns its length, 0 on timeout, or an error. */
int svf_cons_readline(svf_cons_t *c, char *buf, size_t cap, uint64_t timeout_ns);

/* The failure that made the console unusable, "" while it works. */
const char *svf_cons_error(const svf_cons_t *c);
int svf_cons_close(svf_cons_t *c);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_CONSFRONT_H */
