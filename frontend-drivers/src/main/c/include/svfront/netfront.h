/*
 * svfront/netfront.h: the network frontend (Xen's netfront, on the guest SDK).
 *
 *   svf_net_t *nic;
 *   if (svf_net_open(&nic, 0, NULL) != SV_STATUS_OK) return 1;          // device/vif/0
 *   const uint8_t *mac = svf_net_mac(nic);                                // from device/vif/0/mac
 *   svf_net_send(nic, frame, len);                                        // 14..1514 bytes
 *   int n = svf_net_recv(nic, buf, sizeof buf, 5 * SV_NS_PER_SEC);        // > 0: a frame of n bytes
 *   svf_net_close(nic);
 *
 * Store keys. The frontend reads `backend`, `backend-id` and `mac` ("aa:bb:cc:dd:ee:ff", written
 * by the toolstack) in device/vif/<id>, waits for the backend's InitWait, requires the backend's
 * `feature-rx-copy` = 1 (as Linux netfront: "backend does not support copying receive path"),
 * then writes in one transaction:
 *   tx-ring-ref, rx-ring-ref   grant references of the two ring pages (decimal)
 *   event-channel              one port for both rings (no split channels)
 *   request-rx-copy            "1"   the backend copies received frames into our pages
 *   feature-rx-notify          "1"   we notify when we post rx buffers (if req_event asks)
 *   feature-no-csum-offload    "1"   we neither send nor accept frames with blank checksums
 * No feature-sg and no GSO: every frame is one slot. Then, like Linux netfront, it switches
 * straight to state 4 Connected (skipping Initialised; opts.initialised_first writes 3 first
 * instead), waits for the backend's Connected, and notifies it once.
 *
 * Buffers: transmit frames are copied into 2 KiB halves of tx pool pages (granted read-only
 * once); receive buffers are whole pages of the rx pool (granted read-write once), all posted at
 * open and reposted in batches (a quarter of them at a time) as frames are taken. Transmit
 * responses are reaped lazily, whenever a buffer is needed or a frame is sent.
 *
 * Errors: SV_STATUS_EMSGSIZE (a frame above 1514 bytes), SV_STATUS_EINVAL (below 14),
 * SV_STATUS_ETIMEDOUT (no tx buffer came back within io_timeout_ns; the device is then unusable),
 * SV_STATUS_EPROTO (the backend broke the protocol; a message says how).
 */
#ifndef SVFRONT_NETFRONT_H
#define SVFRONT_NETFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svfront/front.h"
#include "svfront/netring.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct svf_net_options {
    uint32_t tx_pages;            /* tx pool pages, two buffers each (0: 32; at most 128) */
    uint32_t rx_bufs;             /* rx pool pages posted (0: 64; at most 256) */
    uint64_t connect_timeout_ns;  /* each handshake wait (0: the default) */
    uint64_t io_timeout_ns;       /* waiting for a tx buffer (0: the default) */
    bool initialised_first;       /* write Initialised before waiting for the backend (not Xen's netfront) */
    bool quiet;
} svf_net_options_t;

typedef struct svf_net_stats {
    svf_netring_stats_t ring;
    uint64_t kicks, events, waits;
} svf_net_stats_t;

typedef struct svf_net svf_net_t;

/* No waiting: svf_net_recv with this timeout returns at once. */
#define SVF_NET_NO_WAIT 0ull
/* Waiting without a deadline. */
#define SVF_NET_FOREVER UINT64_MAX

int svf_net_open(svf_net_t **out, unsigned id, const svf_net_options_t *opts);
const uint8_t *svf_net_mac(const svf_net_t *nic);
const char *svf_net_name(const svf_net_t *nic);   /* "vif/0" */

/* Queues a frame and publishes it (notifying the backend if it asked to be). */
int svf_net_send(svf_net_t *nic, const void *frame, size_t len);
/* Queues a frame without publishing it; svf_net_push publishes everything queued at once. */
int svf_net_queue(svf_net_t *nic, const void *frame, size_t len);
void svf_net_push(svf_net_t *nic);

/* Receives one frame: copies at most cap bytes and returns the frame's length (> 0), 0 when none
 * arrived within timeout_ns (SVF_NET_NO_WAIT, SVF_NET_FOREVER or nanoseconds), or an error. */
int svf_net_recv(svf_net_t *nic, void *buf, size_t cap, uint64_t timeout_ns);

bool svf_net_broken(const svf_net_t *nic);
const char *svf_net_error(const svf_net_t *nic);
void svf_net_get_stats(const svf_net_t *nic, svf_net_stats_t *out);

/* Waits (briefly) for transmits in flight, then the orderly close; grants and pages are released
 * (what the backend still maps is leaked). */
int svf_net_close(svf_net_t *nic);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_NETFRONT_H */
