/*
 * The block frontend on the guest SDK; see svfront/blkfront.h.
 */
#include "svfront/blkfront.h"

#include <splitvisor/sdk.h>

#include "svfront/util.h"

#define DEFAULT_POOL_PAGES 128u
#define CHUNK_PAGES SVF_BLK_MAX_SEGS
#define CHUNK_BYTES (CHUNK_PAGES * SVF_PAGE_SIZE)

struct svf_blk {
    svf_front_t front;
    svf_blk_options_t opts;
    svf_blk_info_t info;
    void *ring_page;
    uint32_t ring_gref;
    svf_pool_t pool;
    svf_blkring_t ring;
    bool connected;
    char error[200];
    int fail_status;          /* what every call answers once the device failed */
    uint64_t waits, bytes_read, bytes_written;
};

/* What one synchronous call collects from its completions. */
typedef struct io_ctx {
    svf_blk_t *disk;
    uint8_t *buf;         /* reads: where data goes (cookie = offset) */
    int first_error;
    uint32_t completed;
} io_ctx_t;

static const char *const transport_keys[] = {"ring-ref", "event-channel", "protocol", "feature-persistent"};

static void fail(svf_blk_t *d, int status, const char *what) {
    if (!d->error[0]) {
        d->fail_status = status;
        sv_strlcpy(d->error, what, sizeof d->error);
        svf_front_error(&d->front, "%s", what);
    }
}

/* ---- open ---- */

typedef struct publish_arg {
    svf_blk_t *disk;
} publish_arg_t;

static int publish(uint32_t tx, void *arg) {
    svf_blk_t *d = ((publish_arg_t *)arg)->disk;
    int rc;
    if ((rc = svf_front_write(&d->front, tx, "ring-ref", "%u", d->ring_gref))) return rc;
    if ((rc = svf_front_write(&d->front, tx, "event-channel", "%u", d->front.port))) return rc;
    if ((rc = svf_front_write(&d->front, tx, "protocol", "%s", "x86_64-abi"))) return rc;
    return svf_front_write(&d->front, tx, "feature-persistent", "%u", 1u);
}

static int read_properties(svf_blk_t *d) {
    svf_front_t *f = &d->front;
    uint64_t sectors, sector_size, info = 0;
    int rc = svf_front_read_backend_u64(f, "sectors", &sectors);
    if (rc) {
        svf_front_error(f, "backend is Connected but %s/sectors cannot be read (%s)", f->xb.otherend, sv_status_name(rc));
        return SV_STATUS_ENODEV;
    }
    rc = svf_front_read_backend_u64(f, "sector-size", &sector_size);
    if (rc) {
        svf_front_error(f, "backend is Connected but %s/sector-size cannot be read (%s)", f->xb.otherend,
                        sv_status_name(rc));
        return SV_STATUS_ENODEV;
    }
    if (sector_size < 512 || sector_size > SVF_PAGE_SIZE || (sector_size & (sector_size - 1))) {
        svf_front_error(f, "backend's sector-size %lu is not a power of two from 512 to 4096", (unsigned long)sector_size);
        return SV_STATUS_ENODEV;
    }
    if (sectors % (sector_size / 512)) {
        svf_front_error(f, "backend's sectors %lu is not a whole number of %lu-byte sectors", (unsigned long)sectors,
                        (unsigned long)sector_size);
        return SV_STATUS_ENODEV;
    }
    svf_front_read_backend_u64(f, "info", &info);
    d->info.sectors = sectors;
    d->info.sector_size = (uint32_t)sector_size;
    d->info.info = (uint32_t)info;
    d->info.mode[0] = 0;
    svf_front_read_backend(f, "mode", d->info.mode, sizeof d->info.mode);
    d->info.readonly = (info & SV_BLKIF_VDISK_READONLY) || d->info.mode[0] == 'r';
    d->info.flush = svf_front_backend_feature(f, "feature-flush-cache");
    d->info.discard = svf_front_backend_feature(f, "feature-discard");
    return SV_STATUS_OK;
}

static void release(svf_blk_t *d) {
    svf_front_release(&d->front, transport_keys, sizeof transport_keys / sizeof transport_keys[0]);
    if (svf_pool_destroy(&d->pool, SVF_CLOSE_TIMEOUT_NS) != SV_STATUS_OK) {
        svf_front_error(&d->front, "backend still uses %u data pages; leaking them", d->pool.leaked);
    }
    svf_front_ring_page_release(&d->front, d->ring_page, d->ring_gref);
    d->ring_page = NULL;
}

int svf_blk_open(svf_blk_t **out, unsigned id, const svf_blk_options_t *opts) {
    *out = NULL;
    svf_blk_t *d = sv_calloc(1, sizeof *d);
    if (!d) return SV_STATUS_ENOMEM;
    if (opts) d->opts = *opts;
    if (!d->opts.pool_pages) d->opts.pool_pages = DEFAULT_POOL_PAGES;
    if (d->opts.pool_pages < CHUNK_PAGES) d->opts.pool_pages = CHUNK_PAGES;
    if (d->opts.pool_pages > SVF_POOL_MAX_PAGES) d->opts.pool_pages = SVF_POOL_MAX_PAGES;
    if (!d->opts.io_timeout_ns) d->opts.io_timeout_ns = SVF_DEFAULT_IO_TIMEOUT_NS;
    svf_front_t *f = &d->front;
    f->quiet = d->opts.quiet;

    int rc = svf_front_init(f, "vbd", id, d->opts.connect_timeout_ns);
    if (rc) goto out_free;
    rc = svf_front_wait_initwait(f);
    if (rc) goto out_free;

    /* The ring, the data pages, the channel. */
    rc = svf_front_ring_page(f, &d->ring_page, &d->ring_gref);
    if (rc) goto out_free;
    rc = svf_pool_init(&d->pool, &svf_sdk_grant_ops, (uint16_t)f->xb.otherend_id, d->opts.pool_pages, false);
    if (rc) {
        svf_front_error(f, "cannot allocate and grant %u data pages (%s)", d->opts.pool_pages, sv_status_name(rc));
        goto out_release;
    }
    svf_blkring_init(&d->ring, d->ring_page, &d->pool, 0);
    rc = svf_front_alloc_evtchn(f);
    if (rc) goto out_release;

    publish_arg_t arg = {d};
    rc = sv_store_transaction(publish, &arg, NULL);
    if (rc) {
        svf_front_error(f, "cannot publish ring-ref and event-channel (%s)", sv_status_name(rc));
        goto out_release;
    }
    rc = svf_front_set_state(f, SV_XENBUS_STATE_INITIALISED);
    if (rc) goto out_release;
    rc = svf_front_wait_connected(f);
    if (rc) goto out_close;
    rc = read_properties(d);
    if (rc) goto out_close;
    rc = svf_front_set_state(f, SV_XENBUS_STATE_CONNECTED);
    if (rc) goto out_close;
    d->connected = true;
    svf_front_info(f, "connected: %lu sectors of 512 bytes (%lu KiB), sector size %u, %s%s%s, ring-ref %u, event-channel %u, %u data pages",
                   (unsigned long)d->info.sectors, (unsigned long)(d->info.sectors / 2), d->info.sector_size,
                   d->info.readonly ? "read-only" : "read-write", d->info.flush ? ", flush" : "",
                   d->info.discard ? ", discard" : "", d->ring_gref, f->port, d->pool.pages);
    *out = d;
    return SV_STATUS_OK;

out_close:
    svf_front_close_handshake(f);
out_release:
    release(d);
out_free:
    sv_free(d);   /* private memory: never granted */
    return rc;
}

const svf_blk_info_t *svf_blk_get_info(const svf_blk_t *d) { return &d->info; }
const char *svf_blk_name(const svf_blk_t *d) { return d->front.xb.name; }
bool svf_blk_broken(const svf_blk_t *d) { return d->error[0] != 0; }
const char *svf_blk_error(const svf_blk_t *d) { return d->error; }

void svf_blk_get_stats(const svf_blk_t *d, svf_blk_stats_t *s) {
    s->ring = d->ring.stats;
    s->kicks = d->front.kicks;
    s->events = d->front.events;
    s->waits = d->waits;
    s->bytes_read = d->bytes_read;
    s->bytes_written = d->bytes_written;
}

/* ---- completions and waiting ---- */

static void on_done(void *arg, const svf_blk_completion_t *c) {
    io_ctx_t *io = arg;
    svf_blk_t *d = io->disk;
    if (c->status == SV_STATUS_OK && c->op == SV_BLKIF_OP_READ && io->buf) {
        uint8_t *dst = io->buf + c->cookie;
        for (unsigned i = 0; i < c->nseg; i++) {
            size_t n = (size_t)(c->seg[i].last_sect - c->seg[i].first_sect + 1) * 512;
            svf_copy(dst, (uint8_t *)svf_pool_page(&d->pool, c->seg[i].page) + c->seg[i].first_sect * 512u, n);
            dst += n;
        }
    }
    /* After a violation or timeout the backend may still write these pages: keep them out of use. */
    if (c->status != SV_STATUS_EPROTO && c->status != SV_STATUS_ETIMEDOUT && c->status != SV_STATUS_ENOTCONN) {
        for (unsigned i = 0; i < c->nseg; i++) svf_pool_put(&d->pool, c->seg[i].page);
    }
    if (c->status != SV_STATUS_OK && io->first_error == SV_STATUS_OK) io->first_error = c->status;
    if (c->status == SV_STATUS_ENOSYS) {
        if (c->op == SV_BLKIF_OP_FLUSH_DISKCACHE) d->info.flush = false;
        if (c->op == SV_BLKIF_OP_DISCARD) d->info.discard = false;
    }
    io->completed++;
}

typedef struct wait_arg {
    svf_blk_t *disk;
    uint32_t want;
} wait_arg_t;

static bool enough_responses(void *arg) {
    wait_arg_t *w = arg;
    return svf_blkring_available(&w->disk->ring) >= w->want;
}

static void kick_if(svf_blk_t *d, bool notify) {
    if (notify) svf_front_kick(&d->front);
}

/* Waits until `want` responses are available (at most the number in flight), then reaps.
 * Returns 0 or a device failure (EPROTO, ETIMEDOUT, ENOTCONN when the backend closed). */
static int wait_and_reap(svf_blk_t *d, io_ctx_t *io, uint32_t want) {
    svf_blkring_t *r = &d->ring;
    if (svf_blkring_in_flight(r) > 0 && !svf_blkring_arm(r, want)) {
        uint32_t in_flight = svf_blkring_in_flight(r);
        wait_arg_t w = {d, want > in_flight ? in_flight : (want ? want : 1)};
        d->waits++;
        int rc = svf_front_wait_io(&d->front, enough_responses, &w, d->opts.io_timeout_ns);
        if (rc != SV_STATUS_OK && svf_blkring_available(r) == 0) {
            char msg[200];
            if (rc == SV_STATUS_ETIMEDOUT) {
                int state = 0;
                sv_xenbus_read_state(d->front.xb.otherend, &state);
                sv_snprintf(msg, sizeof msg,
                            "timed out: %u requests unanswered for %lu ms (backend state %d (%s)); device disabled",
                            in_flight, (unsigned long)(d->opts.io_timeout_ns / SV_NS_PER_MS), state,
                            sv_xenbus_state_name(state));
            } else {
                sv_snprintf(msg, sizeof msg, "the backend closed with %u requests unanswered; device disabled", in_flight);
            }
            fail(d, rc, msg);
            svf_blkring_fail_all(r, rc, on_done, io);
            return rc;
        }
    }
    int n = svf_blkring_reap(r, on_done, io);
    if (n == SV_STATUS_EPROTO) {
        char msg[200];
        sv_snprintf(msg, sizeof msg, "backend protocol violation: %s; device disabled", r->error);
        fail(d, SV_STATUS_EPROTO, msg);
        svf_blkring_fail_all(r, SV_STATUS_EPROTO, on_done, io);
        return SV_STATUS_EPROTO;
    }
    return SV_STATUS_OK;
}

/* Waits for everything in flight. */
static int drain(svf_blk_t *d, io_ctx_t *io) {
    while (d->ring.outstanding > 0) {
        int rc = wait_and_reap(d, io, svf_blkring_in_flight(&d->ring));
        if (rc) return rc;
    }
    return SV_STATUS_OK;
}

static int usable(svf_blk_t *d) {
    if (!d || !d->connected) return SV_STATUS_ENOTCONN;
    if (d->error[0]) return d->fail_status;
    return SV_STATUS_OK;
}

static int check_range(svf_blk_t *d, uint64_t sector, uint64_t bytes) {
    uint32_t per = d->info.sector_size / 512;
    if (bytes == 0 || bytes % d->info.sector_size || sector % per) return SV_STATUS_EINVAL;
    uint64_t n = bytes / 512;
    if (sector > d->info.sectors || n > d->info.sectors - sector) return SV_STATUS_ERANGE;
    return SV_STATUS_OK;
}

/* ---- read and write ---- */

static int rw(svf_blk_t *d, uint8_t op, uint64_t sector, uint8_t *buf, const uint8_t *src, size_t len) {
    int rc = usable(d);
    if (rc) return rc;
    if ((rc = check_range(d, sector, len))) return rc;
    if (op == SV_BLKIF_OP_WRITE && d->info.readonly) return SV_STATUS_EROFS;

    io_ctx_t io = {d, buf, SV_STATUS_OK, 0};
    svf_blkring_t *r = &d->ring;
    size_t pos = 0;
    while (pos < len) {
        /* Queue what fits: ring slots and pool pages. */
        while (pos < len && svf_blkring_can_queue(r)) {
            size_t chunk = len - pos;
            if (chunk > CHUNK_BYTES) chunk = CHUNK_BYTES;
            uint32_t pages = (uint32_t)((chunk + SVF_PAGE_SIZE - 1) / SVF_PAGE_SIZE);
            if (svf_pool_free_count(&d->pool) < pages) break;
            svf_blk_seg_t seg[CHUNK_PAGES];
            size_t left = chunk;
            for (uint32_t i = 0; i < pages; i++) {
                size_t n = left < SVF_PAGE_SIZE ? left : SVF_PAGE_SIZE;
                svf_pool_get(&d->pool, &seg[i].page);
                seg[i].first_sect = 0;
                seg[i].last_sect = (uint8_t)(n / 512 - 1);
                if (op == SV_BLKIF_OP_WRITE) svf_copy(svf_pool_page(&d->pool, seg[i].page), src + pos + (chunk - left), n);
                left -= n;
            }
            rc = svf_blkring_queue_rw(r, op, sector + pos / 512, seg, pages, pos);
            if (rc) {   /* cannot happen after the checks above */
                for (uint32_t i = 0; i < pages; i++) svf_pool_put(&d->pool, seg[i].page);
                break;
            }
            pos += chunk;
            if (d->opts.max_batch && svf_blkring_unpushed(r) >= d->opts.max_batch) kick_if(d, svf_blkring_push(r));
        }
        kick_if(d, svf_blkring_push(r));
        if (pos < len) {
            /* Wait for half of what is in flight, then refill. */
            uint32_t in_flight = svf_blkring_in_flight(r);
            if ((rc = wait_and_reap(d, &io, in_flight > 1 ? in_flight / 2 : 1))) return rc;
        }
    }
    if ((rc = drain(d, &io))) return rc;
    if (io.first_error == SV_STATUS_OK) {
        if (op == SV_BLKIF_OP_READ) d->bytes_read += len;
        else d->bytes_written += len;
    }
    return io.first_error;
}

int svf_blk_read(svf_blk_t *d, uint64_t sector, void *buf, size_t len) {
    return rw(d, SV_BLKIF_OP_READ, sector, buf, NULL, len);
}

int svf_blk_write(svf_blk_t *d, uint64_t sector, const void *buf, size_t len) {
    return rw(d, SV_BLKIF_OP_WRITE, sector, NULL, buf, len);
}

/* One request without data (flush, discard), to completion. */
typedef struct single_req {
    uint8_t op;
    uint64_t sector, nr_sectors;
} single_req_t;

static int single(svf_blk_t *d, const single_req_t *q) {
    io_ctx_t io = {d, NULL, SV_STATUS_OK, 0};
    int rc;
    while (!svf_blkring_can_queue(&d->ring)) {
        if ((rc = wait_and_reap(d, &io, 1))) return rc;
    }
    rc = q->op == SV_BLKIF_OP_FLUSH_DISKCACHE ? svf_blkring_queue_flush(&d->ring, 0)
                                              : svf_blkring_queue_discard(&d->ring, q->sector, q->nr_sectors, false, 0);
    if (rc) return rc;
    kick_if(d, svf_blkring_push(&d->ring));
    if ((rc = drain(d, &io))) return rc;
    return io.first_error;
}

int svf_blk_flush(svf_blk_t *d) {
    int rc = usable(d);
    if (rc) return rc;
    if (!d->info.flush) return SV_STATUS_ENOSYS;
    single_req_t q = {SV_BLKIF_OP_FLUSH_DISKCACHE, 0, 0};
    return single(d, &q);
}

int svf_blk_discard(svf_blk_t *d, uint64_t sector, uint64_t nr_sectors) {
    int rc = usable(d);
    if (rc) return rc;
    if (!d->info.discard) return SV_STATUS_ENOSYS;
    if (d->info.readonly) return SV_STATUS_EROFS;
    if (nr_sectors > UINT64_MAX / 512) return SV_STATUS_ERANGE;
    if ((rc = check_range(d, sector, nr_sectors * 512))) return rc;
    single_req_t q = {SV_BLKIF_OP_DISCARD, sector, nr_sectors};
    return single(d, &q);
}

/* ---- close ---- */

int svf_blk_close(svf_blk_t *d) {
    if (!d) return SV_STATUS_OK;
    if (!d->error[0]) {
        io_ctx_t io = {d, NULL, SV_STATUS_OK, 0};
        drain(d, &io);
    }
    int rc = svf_front_close_handshake(&d->front);
    d->connected = false;
    release(d);
    sv_free(d);
    return rc;
}
