/*
 * The entropy frontend on the guest SDK; see svfront/vrngfront.h.
 */
#include "svfront/vrngfront.h"

#include <splitvisor/sdk.h>

#include "svfront/util.h"

struct svf_rng {
    svf_front_t front;
    svf_rng_options_t opts;
    uint32_t max_request;
    void *ring_page;
    uint32_t ring_gref;
    svf_pool_t pool;
    svf_vrngring_t ring;
    bool connected;
    char error[200];
    int fail_status;
};

static const char *const transport_keys[] = {"ring-ref", "event-channel"};

static int publish(uint32_t tx, void *arg) {
    svf_rng_t *g = arg;
    int rc = svf_front_write(&g->front, tx, "ring-ref", "%u", g->ring_gref);
    return rc ? rc : svf_front_write(&g->front, tx, "event-channel", "%u", g->front.port);
}

static void release(svf_rng_t *g) {
    svf_front_release(&g->front, transport_keys, 2);
    if (svf_pool_destroy(&g->pool, SVF_CLOSE_TIMEOUT_NS) != SV_STATUS_OK) {
        svf_front_error(&g->front, "backend still uses %u pages; leaking them", g->pool.leaked);
    }
    svf_front_ring_page_release(&g->front, g->ring_page, g->ring_gref);
    g->ring_page = NULL;
}

int svf_rng_open(svf_rng_t **out, unsigned id, const svf_rng_options_t *opts) {
    *out = NULL;
    svf_rng_t *g = sv_calloc(1, sizeof *g);
    if (!g) return SV_STATUS_ENOMEM;
    if (opts) g->opts = *opts;
    if (!g->opts.pool_pages) g->opts.pool_pages = 8;
    if (g->opts.pool_pages > SV_VRNG_RING_SLOTS) g->opts.pool_pages = SV_VRNG_RING_SLOTS;
    if (!g->opts.io_timeout_ns) g->opts.io_timeout_ns = SVF_DEFAULT_IO_TIMEOUT_NS;
    svf_front_t *f = &g->front;
    f->quiet = g->opts.quiet;
    int rc = svf_front_init(f, "vrng", id, g->opts.connect_timeout_ns);
    if (rc) goto out_free;
    if ((rc = svf_front_wait_initwait(f))) goto out_free;
    uint64_t max = SV_VRNG_MAX_LENGTH;
    svf_front_read_backend_u64(f, "max-request-bytes", &max);
    g->max_request = max == 0 || max > SV_VRNG_MAX_LENGTH ? SV_VRNG_MAX_LENGTH : (uint32_t)max;
    if ((rc = svf_front_ring_page(f, &g->ring_page, &g->ring_gref))) goto out_free;
    rc = svf_pool_init(&g->pool, &svf_sdk_grant_ops, (uint16_t)f->xb.otherend_id, g->opts.pool_pages, false);
    if (rc) {
        svf_front_error(f, "cannot allocate and grant %u pages (%s)", g->opts.pool_pages, sv_status_name(rc));
        goto out_release;
    }
    svf_vrngring_init(&g->ring, g->ring_page, &g->pool);
    if ((rc = svf_front_alloc_evtchn(f))) goto out_release;
    if ((rc = sv_store_transaction(publish, g, NULL))) {
        svf_front_error(f, "cannot publish ring-ref and event-channel (%s)", sv_status_name(rc));
        goto out_release;
    }
    if ((rc = svf_front_set_state(f, SV_XENBUS_STATE_INITIALISED))) goto out_release;
    if ((rc = svf_front_wait_connected(f))) goto out_close;
    if ((rc = svf_front_set_state(f, SV_XENBUS_STATE_CONNECTED))) goto out_close;
    g->connected = true;
    svf_front_info(f, "connected: ring-ref %u, event-channel %u, requests up to %u bytes", g->ring_gref, f->port,
                   g->max_request);
    *out = g;
    return SV_STATUS_OK;
out_close:
    svf_front_close_handshake(f);
out_release:
    release(g);
out_free:
    sv_free(g);
    return rc;
}

const char *svf_rng_name(const svf_rng_t *g) { return g->front.xb.name; }
const svf_vrngring_stats_t *svf_rng_stats(const svf_rng_t *g) { return &g->ring.stats; }

typedef struct io_ctx {
    svf_rng_t *rng;
    uint8_t *buf;
    int first_error;
} io_ctx_t;

static void on_done(void *arg, const svf_vrng_completion_t *c) {
    io_ctx_t *io = arg;
    if (c->status == SV_STATUS_OK) {
        svf_copy(io->buf + c->cookie, (uint8_t *)svf_pool_page(&io->rng->pool, c->page) + c->offset, c->length);
    } else if (io->first_error == SV_STATUS_OK) {
        io->first_error = c->status;
    }
    svf_pool_put(&io->rng->pool, c->page);
}

typedef struct wait_arg {
    svf_rng_t *rng;
    uint32_t want;
} wait_arg_t;

static bool enough(void *arg) {
    wait_arg_t *w = arg;
    return svf_vrngring_available(&w->rng->ring) >= w->want;
}

static int fail(svf_rng_t *g, int rc, const char *what) {
    if (!g->error[0]) {
        g->fail_status = rc;
        sv_strlcpy(g->error, what, sizeof g->error);
        svf_front_error(&g->front, "%s", what);
    }
    return rc;
}

static int wait_reap(svf_rng_t *g, io_ctx_t *io, uint32_t want) {
    svf_vrngring_t *r = &g->ring;
    if (svf_vrngring_in_flight(r) && !svf_vrngring_arm(r, want)) {
        wait_arg_t w = {g, want < svf_vrngring_in_flight(r) ? want : svf_vrngring_in_flight(r)};
        int rc = svf_front_wait_io(&g->front, enough, &w, g->opts.io_timeout_ns);
        if (rc != SV_STATUS_OK && svf_vrngring_available(r) == 0) {
            return fail(g, rc, rc == SV_STATUS_ETIMEDOUT ? "timed out waiting for random bytes; device disabled"
                                                         : "the backend closed the device; device disabled");
        }
    }
    if (svf_vrngring_reap(r, on_done, io) < 0) {
        char msg[200];
        sv_snprintf(msg, sizeof msg, "backend protocol violation: %s; device disabled", r->error);
        return fail(g, SV_STATUS_EPROTO, msg);
    }
    return SV_STATUS_OK;
}

int svf_rng_read(svf_rng_t *g, void *buf, size_t len) {
    if (!g || !g->connected) return SV_STATUS_ENOTCONN;
    if (g->error[0]) return g->fail_status;
    io_ctx_t io = {g, buf, SV_STATUS_OK};
    size_t pos = 0;
    int rc;
    while (pos < len) {
        while (pos < len && svf_vrngring_can_queue(&g->ring) && svf_pool_free_count(&g->pool) > 0) {
            uint32_t n = len - pos < g->max_request ? (uint32_t)(len - pos) : g->max_request;
            uint32_t page;
            svf_pool_get(&g->pool, &page);
            svf_vrngring_queue(&g->ring, page, 0, n, pos);
            pos += n;
        }
        if (svf_vrngring_push(&g->ring)) svf_front_kick(&g->front);
        if (pos < len && (rc = wait_reap(g, &io, 1))) return rc;
    }
    while (svf_vrngring_in_flight(&g->ring)) {
        if ((rc = wait_reap(g, &io, svf_vrngring_in_flight(&g->ring)))) return rc;
    }
    return io.first_error;
}

int svf_rng_close(svf_rng_t *g) {
    if (!g) return SV_STATUS_OK;
    int rc = svf_front_close_handshake(&g->front);
    g->connected = false;
    release(g);
    sv_free(g);
    return rc;
}
