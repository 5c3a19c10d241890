/*
 * splitvisor/xenbus.h: the connection handshake between split-driver halves, in the store.
 *
 * States are Xen's (SV_XENBUS_STATE_*: Initialising 1, InitWait 2, Initialised 3, Connected 4,
 * Closing 5, Closed 6), written as decimal strings to `<dir>/state`. A frontend lives in
 * `/local/domain/<fe>/device/<type>/<id>` with keys `backend` (the backend's directory),
 * `backend-id`, `state`, and the transport keys it publishes (`ring-ref`, `event-channel`, ...);
 * the backend in `/local/domain/<be>/backend/<type>/<fe>/<id>` with `frontend`, `frontend-id`,
 * `state`.
 *
 * Waiting for the peer uses a store watch on its state node plus the timer, and gives up with
 * SV_STATUS_ETIMEDOUT after printing which device waited for what, e.g.
 *   vbd/0: timed out waiting for backend: local state 3 (Initialised), remote state 2 (InitWait)
 */
#ifndef SPLITVISOR_XENBUS_H
#define SPLITVISOR_XENBUS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The bit of state s in a wanted_mask. */
#define SV_XENBUS_MASK(s) (1u << (s))

/* "Initialising", "InitWait", ... ("Unknown" for 0 and values out of range). */
const char *sv_xenbus_state_name(int state);

/* Writes `<dir>/state`. */
int sv_xenbus_switch_state(const char *dir, int state);
/* Reads a state node (a path ending in "/state", or a directory: "/state" is appended). A node
 * that does not exist reads as SV_XENBUS_STATE_UNKNOWN (0). */
int sv_xenbus_read_state(const char *path, int *state);

/* Waits until the state at path (as sv_xenbus_read_state) is one of wanted_mask, or timeout_ns
 * passes (0 = forever). *got (may be NULL) gets the last state seen. On timeout prints
 * "<device>: timed out waiting for <peer>: local state L (name), remote state R (name)", the
 * names derived from the path (the local state is read from the matching local directory when
 * it can be found, see sv_xenbus_wait_peer). */
int sv_xenbus_wait_state(const char *path, uint32_t wanted_mask, uint64_t timeout_ns, int *got);

/* One end of a device connection. */
typedef struct sv_xenbus_device {
    char name[64];        /* for messages: "vbd/0" */
    char dir[256];        /* our directory */
    char otherend[256];   /* the peer's directory */
    char peer_role[16];   /* "backend" or "frontend": what the peer is called in messages */
    uint32_t otherend_id; /* the peer's domain */
    int local_state;      /* the state we last wrote */
} sv_xenbus_device_t;

/* A frontend device: reads `<dir>/backend` and `<dir>/backend-id`. dir is e.g. "device/vbd/0". */
int sv_xenbus_frontend_init(sv_xenbus_device_t *dev, const char *dir);
/* Any pair of directories, e.g. for two guests meeting in the store. */
void sv_xenbus_device_init(sv_xenbus_device_t *dev, const char *name, const char *dir,
                           const char *otherend, uint32_t otherend_id, const char *peer_role);
/* Writes our state and remembers it. */
int sv_xenbus_set_state(sv_xenbus_device_t *dev, int state);
/* Waits for the peer's state to be in wanted_mask; on timeout prints
 * "<name>: timed out waiting for <peer_role>: local state L (..), remote state R (..)". */
int sv_xenbus_wait_peer(sv_xenbus_device_t *dev, uint32_t wanted_mask, uint64_t timeout_ns, int *got);

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_XENBUS_H */
