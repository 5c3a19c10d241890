/*
 * The network frontend on the guest SDK; see svfront/netfront.h.
 */
#include "svfront/netfront.h"

#include <splitvisor/sdk.h>

#include "svfront/util.h"

#define DEFAULT_TX_PAGES 32u
#define DEFAULT_RX_BUFS 64u

struct svf_net {
    svf_front_t front;
    svf_net_options_t opts;
    uint8_t mac[6];
    void *tx_page, *rx_page;
    uint32_t tx_gref, rx_gref;
    svf_pool_t txpool, rxpool;
    svf_netring_t ring;
    bool connected;
    char error[200];
    int fail_status;
    uint64_t waits;
};

static const char *const transport_keys[] = {"tx-ring-ref", "rx-ring-ref", "event-channel", "request-rx-copy",
                                             "feature-rx-notify", "feature-no-csum-offload"};

static void fail(svf_net_t *n, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(svf_net_t *n, int status, const char *fmt, ...) {
    if (n->error[0]) return;
    n->fail_status = status;
    va_list ap;
    va_start(ap, fmt);
    sv_vsnprintf(n->error, sizeof n->error, fmt, ap);
    va_end(ap);
    svf_front_error(&n->front, "%s", n->error);
}

static int check_ring(svf_net_t *n) {
    if (n->ring.broken) {
        fail(n, SV_STATUS_EPROTO, "backend protocol violation: %s; device disabled", n->ring.error);
        return SV_STATUS_EPROTO;
    }
    return SV_STATUS_OK;
}

/* ---- open ---- */

static int publish(uint32_t tx, void *arg) {
    svf_net_t *n = arg;
    svf_front_t *f = &n->front;
    int rc;
    if ((rc = svf_front_write(f, tx, "tx-ring-ref", "%u", n->tx_gref))) return rc;
    if ((rc = svf_front_write(f, tx, "rx-ring-ref", "%u", n->rx_gref))) return rc;
    if ((rc = svf_front_write(f, tx, "event-channel", "%u", f->port))) return rc;
    if ((rc = svf_front_write(f, tx, "request-rx-copy", "%u", 1u))) return rc;
    if ((rc = svf_front_write(f, tx, "feature-rx-notify", "%u", 1u))) return rc;
    return svf_front_write(f, tx, "feature-no-csum-offload", "%u", 1u);
}

static void release(svf_net_t *n) {
    svf_front_release(&n->front, transport_keys, sizeof transport_keys / sizeof transport_keys[0]);
    if (svf_pool_destroy(&n->txpool, SVF_CLOSE_TIMEOUT_NS) != SV_STATUS_OK) {
        svf_front_error(&n->front, "backend still uses %u tx pages; leaking them", n->txpool.leaked);
    }
    if (svf_pool_destroy(&n->rxpool, SVF_CLOSE_TIMEOUT_NS) != SV_STATUS_OK) {
        svf_front_error(&n->front, "backend still uses %u rx pages; leaking them", n->rxpool.leaked);
    }
    svf_front_ring_page_release(&n->front, n->tx_page, n->tx_gref);
    svf_front_ring_page_release(&n->front, n->rx_page, n->rx_gref);
    n->tx_page = n->rx_page = NULL;
}

int svf_net_open(svf_net_t **out, unsigned id, const svf_net_options_t *opts) {
    *out = NULL;
    svf_net_t *n = sv_calloc(1, sizeof *n);
    if (!n) return SV_STATUS_ENOMEM;
    if (opts) n->opts = *opts;
    if (!n->opts.tx_pages) n->opts.tx_pages = DEFAULT_TX_PAGES;
    if (n->opts.tx_pages > SVF_NET_MAX_TX_BUFS / 2) n->opts.tx_pages = SVF_NET_MAX_TX_BUFS / 2;
    if (!n->opts.rx_bufs) n->opts.rx_bufs = DEFAULT_RX_BUFS;
    if (n->opts.rx_bufs > SVF_NET_MAX_RX_BUFS) n->opts.rx_bufs = SVF_NET_MAX_RX_BUFS;
    if (!n->opts.io_timeout_ns) n->opts.io_timeout_ns = SVF_DEFAULT_IO_TIMEOUT_NS;
    svf_front_t *f = &n->front;
    f->quiet = n->opts.quiet;

    int rc = svf_front_init(f, "vif", id, n->opts.connect_timeout_ns);
    if (rc) goto out_free;
    char mac[32] = "";
    rc = svf_front_read(f, "mac", mac, sizeof mac);
    if (rc < 0 || !svf_mac_parse(mac, n->mac)) {
        svf_front_error(f, "no valid MAC address in %s/%s/mac (%s%s%s)", sv_home_path(), f->xb.dir,
                        rc < 0 ? sv_status_name(rc) : "\"", rc < 0 ? "" : mac, rc < 0 ? "" : "\"");
        rc = SV_STATUS_ENODEV;
        goto out_free;
    }
    rc = svf_front_wait_initwait(f);
    if (rc) goto out_free;
    if (!svf_front_backend_feature(f, "feature-rx-copy")) {
        svf_front_error(f, "backend does not support copying receive path (%s/feature-rx-copy)", f->xb.otherend);
        rc = SV_STATUS_ENODEV;
        goto out_free;
    }

    if ((rc = svf_front_ring_page(f, &n->tx_page, &n->tx_gref))) goto out_release;
    if ((rc = svf_front_ring_page(f, &n->rx_page, &n->rx_gref))) goto out_release;
    rc = svf_pool_init(&n->txpool, &svf_sdk_grant_ops, (uint16_t)f->xb.otherend_id, n->opts.tx_pages, true);
    if (rc == SV_STATUS_OK) {
        rc = svf_pool_init(&n->rxpool, &svf_sdk_grant_ops, (uint16_t)f->xb.otherend_id, n->opts.rx_bufs, false);
    }
    if (rc) {
        svf_front_error(f, "cannot allocate and grant %u tx and %u rx pages (%s)", n->opts.tx_pages, n->opts.rx_bufs,
                        sv_status_name(rc));
        goto out_release;
    }
    if ((rc = svf_netring_init(&n->ring, n->tx_page, n->rx_page, &n->txpool, &n->rxpool))) goto out_release;
    svf_netring_rx_post(&n->ring);
    svf_netring_rx_push(&n->ring);   /* nobody to notify yet: the backend reads req_prod when it connects */
    if ((rc = svf_front_alloc_evtchn(f))) goto out_release;

    rc = sv_store_transaction(publish, n, NULL);
    if (rc) {
        svf_front_error(f, "cannot publish the ring references and event channel (%s)", sv_status_name(rc));
        goto out_release;
    }
    rc = svf_front_set_state(f, n->opts.initialised_first ? SV_XENBUS_STATE_INITIALISED : SV_XENBUS_STATE_CONNECTED);
    if (rc) goto out_release;
    if ((rc = svf_front_wait_connected(f))) goto out_close;
    if (n->opts.initialised_first && (rc = svf_front_set_state(f, SV_XENBUS_STATE_CONNECTED))) goto out_close;
    n->connected = true;
    svf_front_kick(f);   /* as Linux netfront: the backend looks at both rings now */
    char macs[18];
    svf_mac_format(n->mac, macs);
    svf_front_info(f, "connected: mac %s, tx-ring-ref %u, rx-ring-ref %u, event-channel %u, %u tx buffers, %u rx buffers",
                   macs, n->tx_gref, n->rx_gref, f->port, n->ring.tx_bufs, n->ring.rx_bufs);
    *out = n;
    return SV_STATUS_OK;

out_close:
    svf_front_close_handshake(f);
out_release:
    release(n);
out_free:
    sv_free(n);
    return rc;
}

const uint8_t *svf_net_mac(const svf_net_t *n) { return n->mac; }
const char *svf_net_name(const svf_net_t *n) { return n->front.xb.name; }
bool svf_net_broken(const svf_net_t *n) { return n->error[0] != 0; }
const char *svf_net_error(const svf_net_t *n) { return n->error; }

void svf_net_get_stats(const svf_net_t *n, svf_net_stats_t *s) {
    s->ring = n->ring.stats;
    s->kicks = n->front.kicks;
    s->events = n->front.events;
    s->waits = n->waits;
}

static int usable(svf_net_t *n) {
    if (!n || !n->connected) return SV_STATUS_ENOTCONN;
    if (n->error[0]) return n->fail_status;
    return SV_STATUS_OK;
}

/* ---- transmit ---- */

static bool tx_ready(void *arg) {
    svf_net_t *n = arg;
    return svf_netring_tx_available(&n->ring) > 0;
}

/* Makes room for one frame: reaps, and waits for a response when nothing is free. */
static int tx_room(svf_net_t *n) {
    svf_netring_t *r = &n->ring;
    for (;;) {
        if (svf_netring_tx_reap(r) < 0) return check_ring(n);
        if (svf_netring_tx_can_queue(r)) return SV_STATUS_OK;
        /* Everything is in flight: publish what is queued, then wait for one buffer back. */
        svf_net_push(n);
        if (!svf_netring_tx_arm(r, 1)) {
            n->waits++;
            int rc = svf_front_wait_io(&n->front, tx_ready, n, n->opts.io_timeout_ns);
            if (rc != SV_STATUS_OK && svf_netring_tx_available(r) == 0) {
                if (rc == SV_STATUS_ETIMEDOUT) {
                    fail(n, rc, "timed out: no transmit buffer came back within %lu ms (%u in flight); device disabled",
                         (unsigned long)(n->opts.io_timeout_ns / SV_NS_PER_MS), svf_netring_tx_in_flight(r));
                } else {
                    fail(n, rc, "the backend closed with %u transmits in flight; device disabled", svf_netring_tx_in_flight(r));
                }
                return rc;
            }
        }
    }
}

int svf_net_queue(svf_net_t *n, const void *frame, size_t len) {
    int rc = usable(n);
    if (rc) return rc;
    if (len > SVF_NET_MAX_FRAME) return SV_STATUS_EMSGSIZE;
    if (len < SVF_NET_MIN_FRAME) return SV_STATUS_EINVAL;
    if ((rc = tx_room(n))) return rc;
    return svf_netring_tx_queue(&n->ring, frame, len);
}

void svf_net_push(svf_net_t *n) {
    if (svf_netring_tx_push(&n->ring)) svf_front_kick(&n->front);
}

int svf_net_send(svf_net_t *n, const void *frame, size_t len) {
    int rc = svf_net_queue(n, frame, len);
    if (rc) return rc;
    svf_net_push(n);
    return SV_STATUS_OK;
}

/* ---- receive ---- */

static void repost(svf_net_t *n, bool all) {
    svf_netring_t *r = &n->ring;
    uint32_t batch = r->rx_bufs / 4 ? r->rx_bufs / 4 : 1;
    if (r->rx_nfree == 0 || (!all && r->rx_nfree < batch)) return;
    svf_netring_rx_post(r);
    if (svf_netring_rx_push(r)) svf_front_kick(&n->front);
}

static bool rx_ready(void *arg) {
    svf_net_t *n = arg;
    return svf_netring_rx_available(&n->ring) > 0;
}

int svf_net_recv(svf_net_t *n, void *buf, size_t cap, uint64_t timeout_ns) {
    int rc = usable(n);
    if (rc) return rc;
    svf_netring_t *r = &n->ring;
    uint64_t deadline = 0;
    for (;;) {
        int len = svf_netring_rx_next(r, buf, cap);
        if (len < 0) return check_ring(n);
        if (len > 0) {
            repost(n, false);
            return len;
        }
        /* Nothing waiting: every buffer goes back to the backend before we sleep. */
        repost(n, true);
        if (svf_netring_tx_reap(r) < 0) return check_ring(n);
        if (timeout_ns == SVF_NET_NO_WAIT) return 0;
        if (svf_netring_rx_arm(r)) continue;
        uint64_t left = 0;   /* 0: no limit */
        if (timeout_ns != SVF_NET_FOREVER) {
            uint64_t now = sv_time_ns();
            if (!deadline) deadline = now + timeout_ns < now ? UINT64_MAX : now + timeout_ns;
            if (now >= deadline) return 0;
            left = deadline - now;
        }
        n->waits++;
        rc = svf_front_wait_io(&n->front, rx_ready, n, left);
        if (rc == SV_STATUS_ENOTCONN) {
            fail(n, rc, "the backend closed the device; device disabled");
            return rc;
        }
        if (rc == SV_STATUS_ETIMEDOUT && svf_netring_rx_available(r) == 0) return 0;
    }
}

/* ---- close ---- */

static bool tx_idle(void *arg) {
    svf_net_t *n = arg;
    return svf_netring_tx_available(&n->ring) >= svf_netring_tx_in_flight(&n->ring);
}

int svf_net_close(svf_net_t *n) {
    if (!n) return SV_STATUS_OK;
    if (n->connected && !n->error[0]) {
        svf_net_push(n);
        if (svf_netring_tx_in_flight(&n->ring) && !svf_netring_tx_arm(&n->ring, svf_netring_tx_in_flight(&n->ring))) {
            sv_wait(tx_idle, n, sv_deadline_in(SVF_CLOSE_TIMEOUT_NS));
        }
        svf_netring_tx_reap(&n->ring);
    }
    int rc = svf_front_close_handshake(&n->front);
    n->connected = false;
    release(n);
    sv_free(n);
    return rc;
}
