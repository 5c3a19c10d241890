/*
 * svfront/netring.h: the frontend's half of the two network rings (Xen's netif), without any
 * platform code; netfront.h puts it on a real device and the host tests drive it against
 * simulated (and hostile) backends.
 *
 * Transmit: frames of SVF_NET_MIN_FRAME .. SVF_NET_MAX_FRAME (14 .. 1514) bytes, each in one slot
 * (no fragments: feature-sg is not requested), copied into a 2 KiB half of a page of the tx pool,
 * which is granted read-only to the backend once; a frame therefore never crosses a page. The
 * request id is the buffer's index; flags are 0 (the checksums are complete).
 *
 * Receive: full pages of the rx pool, granted read-write once, are posted as rx requests whose id
 * is the ring slot they occupy. Each response must come back in the slot of its request (Xen's
 * rule) with that id, and its buffer is reposted afterwards.
 *
 * Checks on every response, on a private copy (each shared field is read once):
 *   - the backend may not produce more responses than requests were published (both rings);
 *   - a tx response must name an outstanding transmit and carry OKAY, ERROR or DROPPED (NULL is
 *     only for extra-info slots, which this frontend never sends);
 *   - an rx response must sit in the slot of a posted buffer and carry that slot's id.
 * Those mark the device broken (r->error says why; Linux netfront's "Disabled for further use").
 * A received frame that is merely unusable -- an error status, length 0 or below 14 or above
 * 1514, offset + length beyond the page, MORE_DATA or EXTRA_INFO flags we never negotiated -- is
 * dropped and counted (stats.rx_bad / rx_errors), as Linux netfront does, and its buffer reposted.
 */
#ifndef SVFRONT_NETRING_H
#define SVFRONT_NETRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <splitvisor/abi.h>
#include <splitvisor/ring.h>

#include "svfront/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SVF_NET_TX_SLOTS 256u
#define SVF_NET_RX_SLOTS 256u
#define SVF_NET_TX_BUF_SIZE 2048u            /* two transmit buffers per pool page */
#define SVF_NET_MIN_FRAME 14u                /* an Ethernet header */
#define SVF_NET_MAX_FRAME SV_NETIF_MAX_FRAME /* 1514 */
#define SVF_NET_MAX_TX_BUFS 256u
#define SVF_NET_MAX_RX_BUFS 256u
/* Xen's rx flags beyond the ones the ABI names. */
#define SVF_NETRXF_EXTRA_INFO 8u
#define SVF_NETRXF_GSO_PREFIX 16u
/* A tx response status Xen uses for extra-info slots only. */
#define SVF_NETIF_STATUS_NULL 1

typedef struct svf_netring_stats {
    uint64_t tx_frames, tx_bytes;      /* queued */
    uint64_t tx_pushes, tx_notify_needed;
    uint64_t tx_done, tx_errors, tx_dropped;   /* responses: all, ERROR, DROPPED */
    uint64_t rx_frames, rx_bytes;      /* delivered */
    uint64_t rx_posted, rx_pushes, rx_notify_needed;
    uint64_t rx_errors;                /* responses with a negative status */
    uint64_t rx_bad;                   /* dropped: length, offset or flags out of bounds */
    uint64_t violations;
} svf_netring_stats_t;

typedef struct svf_netring {
    sv_netif_tx_sring_t *tx;
    sv_netif_rx_sring_t *rx;
    sv_front_ring_t txf, rxf;
    uint32_t tx_pushed, rx_pushed;     /* req_prod as last published */
    const svf_pool_t *txpool, *rxpool;
    uint32_t tx_bufs;                  /* 2 per tx pool page */
    uint32_t tx_nfree;
    uint16_t tx_free[SVF_NET_MAX_TX_BUFS];
    uint8_t tx_busy[SVF_NET_MAX_TX_BUFS];
    uint32_t rx_bufs;                  /* 1 per rx pool page */
    uint32_t rx_nfree;                 /* buffers not posted */
    uint16_t rx_free[SVF_NET_MAX_RX_BUFS];
    int16_t rx_slot_buf[SVF_NET_RX_SLOTS];   /* buffer posted in a slot, or -1 */
    bool broken;
    char error[160];
    svf_netring_stats_t stats;
} svf_netring_t;

/* Initialises both shared pages (frontend only) and the private state. txpool may hold up to
 * 128 pages (256 buffers), rxpool up to 256. SV_STATUS_EINVAL for other sizes. */
int svf_netring_init(svf_netring_t *r, sv_netif_tx_sring_t *tx, sv_netif_rx_sring_t *rx, const svf_pool_t *txpool,
                     const svf_pool_t *rxpool);

/* ---- transmit ---- */
/* Whether a frame can be queued now (a free buffer and a free slot). */
bool svf_netring_tx_can_queue(const svf_netring_t *r);
/* Copies a frame into a tx buffer and queues it (not yet visible: svf_netring_tx_push).
 * SV_STATUS_EMSGSIZE above 1514 bytes, SV_STATUS_EINVAL below 14, SV_STATUS_EAGAIN when no
 * buffer or slot is free (reap first), SV_STATUS_EPROTO when broken. */
int svf_netring_tx_queue(svf_netring_t *r, const void *frame, size_t len);
/* Publishes queued frames; true when the backend must be notified. */
bool svf_netring_tx_push(svf_netring_t *r);
/* Consumes tx responses and frees their buffers: how many, or SV_STATUS_EPROTO. */
int svf_netring_tx_reap(svf_netring_t *r);
/* Transmits published and not yet answered. */
static inline uint32_t svf_netring_tx_in_flight(const svf_netring_t *r) { return r->tx_pushed - r->txf.rsp_cons; }
/* Before waiting for tx buffers: rsp_event = rsp_cons + want; true when already there. */
bool svf_netring_tx_arm(svf_netring_t *r, uint32_t want);
uint32_t svf_netring_tx_available(const svf_netring_t *r);

/* ---- receive ---- */
/* Posts every unposted rx buffer that fits in the ring; returns how many (not yet visible). */
uint32_t svf_netring_rx_post(svf_netring_t *r);
/* Publishes posted buffers; true when the backend must be notified (feature-rx-notify). */
bool svf_netring_rx_push(svf_netring_t *r);
/* Takes the next received frame: copies min(len, cap) bytes to buf and returns the frame's
 * length (> 0); 0 when no response is waiting; SV_STATUS_EPROTO when broken. Unusable frames
 * are dropped, counted and skipped. The buffer goes back to the unposted set. */
int svf_netring_rx_next(svf_netring_t *r, void *buf, size_t cap);
/* Responses published and not yet consumed (a broken index counts as one). */
uint32_t svf_netring_rx_available(const svf_netring_t *r);
/* Before waiting for frames: rsp_event = rsp_cons + 1; true when one is already there. */
bool svf_netring_rx_arm(svf_netring_t *r);
/* Buffers currently posted (published or queued). */
static inline uint32_t svf_netring_rx_posted(const svf_netring_t *r) { return r->rx_bufs - r->rx_nfree; }

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_NETRING_H */
