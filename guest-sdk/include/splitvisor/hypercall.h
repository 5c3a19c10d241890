/*
 * splitvisor/hypercall.h: the hypercall gate (ABI.md section 4).
 *
 * The generated header abi_hypercalls.h declares `sv_hypercall` and one typed wrapper per
 * operation (`sv_hc_version(&req, &rsp)`, `sv_hc_evtchn_send(...)`, ...); the SDK implements
 * sv_hypercall: it encodes the request into the vCPU's frame, performs `outl` of the frame's
 * address to port 0x500 and decodes the response. It disables interrupts for the duration, so
 * an event handler may make hypercalls too. Statuses are SV_STATUS_* (0 or negative).
 */
#ifndef SPLITVISOR_HYPERCALL_H
#define SPLITVISOR_HYPERCALL_H

#include <stdint.h>

#include "splitvisor/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sets the frame (StartInfo.hypercall_frame_gpa and _size). Done by the runtime before main. */
int sv_hypercall_setup(uint64_t frame_gpa, uint32_t frame_size);

/* A short name for a status ("EAGAIN", "OK", ...; "E?" for an unknown value). */
const char *sv_status_name(int status);

/* How many hypercalls this domain has made. */
uint64_t sv_hypercall_count(void);

/* A doorbell: send on event-channel `port` with one 32-bit OUT to port 0x504 (no frame). */
void sv_doorbell(uint32_t port);

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_HYPERCALL_H */
