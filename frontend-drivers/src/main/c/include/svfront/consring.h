/*
 * svfront/consring.h: the frontend's side of a console page (Xen's xencons_interface, the ABI's
 * sv_console_ring_t): out[2048] carries bytes to the backend, in[1024] bytes from it, with
 * free-running indices. Portable C; consfront.h puts it on a device/console/<n> device.
 *
 * The backend's indices (out_cons, in_prod) are read once per call and checked: out_cons may not
 * pass out_prod nor fall more than the buffer behind it, in_prod may not run more than the buffer
 * ahead of in_cons. A violation marks the ring broken (r->error says why).
 */
#ifndef SVFRONT_CONSRING_H
#define SVFRONT_CONSRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <splitvisor/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SVF_CONS_OUT_SIZE 2048u
#define SVF_CONS_IN_SIZE 1024u

typedef struct svf_consring {
    sv_console_ring_t *page;
    bool broken;
    char error[128];
    uint64_t bytes_out, bytes_in;
} svf_consring_t;

/* Zeroes the page (indices 0, connection 0) and the private state. */
void svf_consring_init(svf_consring_t *r, sv_console_ring_t *page);
/* Copies up to len bytes into out[]; returns how many (0 when full), or SV_STATUS_EPROTO. The
 * caller notifies the backend when this returned > 0. */
int svf_consring_write(svf_consring_t *r, const void *data, size_t len);
/* Bytes of out[] the backend has not consumed yet (or SV_STATUS_EPROTO). */
int svf_consring_out_pending(svf_consring_t *r);
/* Copies up to cap bytes out of in[]; returns how many, or SV_STATUS_EPROTO. The caller
 * notifies the backend when this returned > 0 (room was made). */
int svf_consring_read(svf_consring_t *r, void *buf, size_t cap);
/* Bytes waiting in in[] (or SV_STATUS_EPROTO). */
int svf_consring_in_pending(svf_consring_t *r);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_CONSRING_H */
