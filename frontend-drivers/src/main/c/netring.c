/*
 * The frontend's half of the network rings. Portable C; see svfront/netring.h.
 */
#include "svfront/netring.h"

#include <splitvisor/printf.h>
#include <splitvisor/string.h>

#include "svfront/util.h"

_Static_assert(sizeof(((sv_netif_tx_sring_t *)0)->ring) / sizeof(((sv_netif_tx_sring_t *)0)->ring[0]) == SVF_NET_TX_SLOTS,
               "256 tx slots");
_Static_assert(sizeof(((sv_netif_rx_sring_t *)0)->ring) / sizeof(((sv_netif_rx_sring_t *)0)->ring[0]) == SVF_NET_RX_SLOTS,
               "256 rx slots");
_Static_assert(SVF_NET_MAX_FRAME <= SVF_NET_TX_BUF_SIZE, "a frame fits a tx buffer");

static void violation(svf_netring_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void violation(svf_netring_t *r, const char *fmt, ...) {
    r->stats.violations++;
    if (r->broken) return;
    r->broken = true;
    va_list ap;
    va_start(ap, fmt);
    sv_vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
}

int svf_netring_init(svf_netring_t *r, sv_netif_tx_sring_t *tx, sv_netif_rx_sring_t *rx, const svf_pool_t *txpool,
                     const svf_pool_t *rxpool) {
    sv_memset(r, 0, sizeof *r);
    if (!txpool || !rxpool || txpool->pages == 0 || txpool->pages * 2 > SVF_NET_MAX_TX_BUFS || rxpool->pages == 0 ||
        rxpool->pages > SVF_NET_MAX_RX_BUFS) {
        return SV_STATUS_EINVAL;
    }
    r->tx = tx;
    r->rx = rx;
    r->txpool = txpool;
    r->rxpool = rxpool;
    sv_memset(tx, 0, sizeof *tx);
    sv_memset(rx, 0, sizeof *rx);
    SV_RING_INIT_SHARED(tx);
    SV_RING_INIT_SHARED(rx);
    r->tx_bufs = txpool->pages * 2;
    for (uint32_t i = 0; i < r->tx_bufs; i++) r->tx_free[i] = (uint16_t)(r->tx_bufs - 1 - i);
    r->tx_nfree = r->tx_bufs;
    r->rx_bufs = rxpool->pages;
    for (uint32_t i = 0; i < r->rx_bufs; i++) r->rx_free[i] = (uint16_t)(r->rx_bufs - 1 - i);
    r->rx_nfree = r->rx_bufs;
    for (uint32_t i = 0; i < SVF_NET_RX_SLOTS; i++) r->rx_slot_buf[i] = -1;
    return SV_STATUS_OK;
}

/* ---- transmit ---- */

bool svf_netring_tx_can_queue(const svf_netring_t *r) {
    return !r->broken && r->tx_nfree > 0 && sv_ring_free_requests(&r->txf, SVF_NET_TX_SLOTS) > 0;
}

int svf_netring_tx_queue(svf_netring_t *r, const void *frame, size_t len) {
    if (r->broken) return SV_STATUS_EPROTO;
    if (len > SVF_NET_MAX_FRAME) return SV_STATUS_EMSGSIZE;
    if (len < SVF_NET_MIN_FRAME) return SV_STATUS_EINVAL;
    if (!svf_netring_tx_can_queue(r)) return SV_STATUS_EAGAIN;
    uint32_t b = r->tx_free[--r->tx_nfree];
    r->tx_busy[b] = 1;
    uint32_t page = b / 2, offset = (b % 2) * SVF_NET_TX_BUF_SIZE;
    svf_copy((uint8_t *)svf_pool_page(r->txpool, page) + offset, frame, len);
    sv_netif_tx_request_t *req = SV_RING_REQ(r->tx, r->txf.req_prod_pvt);
    r->txf.req_prod_pvt++;
    req->gref = svf_pool_gref(r->txpool, page);
    req->offset = (uint16_t)offset;
    req->flags = 0;
    req->id = (uint16_t)b;
    req->size = (uint16_t)len;
    r->stats.tx_frames++;
    r->stats.tx_bytes += len;
    return SV_STATUS_OK;
}

bool svf_netring_tx_push(svf_netring_t *r) {
    if (r->txf.req_prod_pvt == r->tx_pushed) return false;
    r->tx_pushed = r->txf.req_prod_pvt;
    r->stats.tx_pushes++;
    bool notify = sv_ring_push_requests(&r->tx->hdr, r->txf.req_prod_pvt);
    if (notify) r->stats.tx_notify_needed++;
    return notify;
}

uint32_t svf_netring_tx_available(const svf_netring_t *r) {
    uint32_t n = sv_ring_load(&r->tx->hdr.rsp_prod) - r->txf.rsp_cons;
    uint32_t limit = r->tx_pushed - r->txf.rsp_cons;
    return n > limit ? limit + 1 : n;
}

bool svf_netring_tx_arm(svf_netring_t *r, uint32_t want) {
    uint32_t in_flight = svf_netring_tx_in_flight(r);
    if (want > in_flight) want = in_flight;
    if (want == 0) want = 1;
    __atomic_store_n(&r->tx->hdr.rsp_event, r->txf.rsp_cons + want, __ATOMIC_RELAXED);
    sv_mb();
    return svf_netring_tx_available(r) >= want || r->broken;
}

int svf_netring_tx_reap(svf_netring_t *r) {
    if (r->broken) return SV_STATUS_EPROTO;
    int done = 0;
    for (;;) {
        uint32_t prod = sv_ring_load(&r->tx->hdr.rsp_prod);
        uint32_t avail = prod - r->txf.rsp_cons;
        uint32_t limit = r->tx_pushed - r->txf.rsp_cons;
        if (avail > limit) {
            violation(r, "tx response producer index %u is %u ahead of the responses consumed, but only %u requests were published",
                      prod, avail, limit);
            return SV_STATUS_EPROTO;
        }
        if (avail == 0) break;
        while (r->txf.rsp_cons != prod) {
            const volatile sv_netif_tx_response_t *shared = SV_RING_RSP(r->tx, r->txf.rsp_cons);
            uint16_t id = shared->id;
            int16_t status = shared->status;
            if (id >= r->tx_bufs || !r->tx_busy[id]) {
                violation(r, "tx response id %u is not an outstanding transmit", id);
                return SV_STATUS_EPROTO;
            }
            if (status != SV_NETIF_STATUS_OKAY && status != SV_NETIF_STATUS_ERROR && status != SV_NETIF_STATUS_DROPPED) {
                violation(r, "tx response for id %u has status %d", id, status);
                return SV_STATUS_EPROTO;
            }
            r->txf.rsp_cons++;
            r->tx_busy[id] = 0;
            r->tx_free[r->tx_nfree++] = id;
            r->stats.tx_done++;
            if (status == SV_NETIF_STATUS_ERROR) r->stats.tx_errors++;
            if (status == SV_NETIF_STATUS_DROPPED) r->stats.tx_dropped++;
            done++;
        }
    }
    return done;
}

/* ---- receive ---- */

uint32_t svf_netring_rx_post(svf_netring_t *r) {
    uint32_t posted = 0;
    if (r->broken) return 0;
    while (r->rx_nfree > 0 && sv_ring_free_requests(&r->rxf, SVF_NET_RX_SLOTS) > 0) {
        uint32_t slot = r->rxf.req_prod_pvt & (SVF_NET_RX_SLOTS - 1);
        if (r->rx_slot_buf[slot] >= 0) break;   /* cannot happen: the slot's response was consumed */
        uint32_t b = r->rx_free[--r->rx_nfree];
        r->rx_slot_buf[slot] = (int16_t)b;
        sv_netif_rx_request_t *req = SV_RING_REQ(r->rx, r->rxf.req_prod_pvt);
        r->rxf.req_prod_pvt++;
        req->id = (uint16_t)slot;
        req->pad = 0;
        req->gref = svf_pool_gref(r->rxpool, b);
        posted++;
    }
    r->stats.rx_posted += posted;
    return posted;
}

bool svf_netring_rx_push(svf_netring_t *r) {
    if (r->rxf.req_prod_pvt == r->rx_pushed) return false;
    r->rx_pushed = r->rxf.req_prod_pvt;
    r->stats.rx_pushes++;
    bool notify = sv_ring_push_requests(&r->rx->hdr, r->rxf.req_prod_pvt);
    if (notify) r->stats.rx_notify_needed++;
    return notify;
}

uint32_t svf_netring_rx_available(const svf_netring_t *r) {
    uint32_t n = sv_ring_load(&r->rx->hdr.rsp_prod) - r->rxf.rsp_cons;
    uint32_t limit = r->rx_pushed - r->rxf.rsp_cons;
    return n > limit ? limit + 1 : n;
}

bool svf_netring_rx_arm(svf_netring_t *r) {
    __atomic_store_n(&r->rx->hdr.rsp_event, r->rxf.rsp_cons + 1, __ATOMIC_RELAXED);
    sv_mb();
    return svf_netring_rx_available(r) > 0 || r->broken;
}

int svf_netring_rx_next(svf_netring_t *r, void *buf, size_t cap) {
    for (;;) {
        if (r->broken) return SV_STATUS_EPROTO;
        uint32_t prod = sv_ring_load(&r->rx->hdr.rsp_prod);
        uint32_t avail = prod - r->rxf.rsp_cons;
        uint32_t limit = r->rx_pushed - r->rxf.rsp_cons;
        if (avail > limit) {
            violation(r, "rx response producer index %u is %u ahead of the responses consumed, but only %u buffers were posted",
                      prod, avail, limit);
            return SV_STATUS_EPROTO;
        }
        if (avail == 0) return 0;
        uint32_t slot = r->rxf.rsp_cons & (SVF_NET_RX_SLOTS - 1);
        const volatile sv_netif_rx_response_t *shared = SV_RING_RSP(r->rx, r->rxf.rsp_cons);
        uint16_t id = shared->id;
        uint16_t offset = shared->offset;
        uint16_t flags = shared->flags;
        int16_t status = shared->status;
        int16_t b = r->rx_slot_buf[slot];
        if (b < 0 || id != slot) {
            violation(r, "rx response in slot %u has id %u (a response must sit in the slot of its request)", slot, id);
            return SV_STATUS_EPROTO;
        }
        r->rxf.rsp_cons++;
        r->rx_slot_buf[slot] = -1;
        r->rx_free[r->rx_nfree++] = (uint16_t)b;
        if (status < 0) {
            r->stats.rx_errors++;
            continue;
        }
        if ((flags & (SV_NETIF_RXF_MORE_DATA | SVF_NETRXF_EXTRA_INFO | SVF_NETRXF_GSO_PREFIX)) ||
            status < (int)SVF_NET_MIN_FRAME || status > (int)SVF_NET_MAX_FRAME ||
            (uint32_t)offset + (uint32_t)status > SVF_PAGE_SIZE) {
            r->stats.rx_bad++;
            continue;
        }
        size_t n = (size_t)status < cap ? (size_t)status : cap;
        sv_memcpy(buf, (const uint8_t *)svf_pool_page(r->rxpool, (uint32_t)b) + offset, n);
        r->stats.rx_frames++;
        r->stats.rx_bytes += (uint64_t)status;
        return status;
    }
}
