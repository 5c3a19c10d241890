/*
 * What every frontend shares: the device in the store, the handshake, the event channel, the
 * close. Guest code (store, events, grants); see svfront/front.h.
 */
#include "svfront/front.h"

#include <splitvisor/sdk.h>

/* ---- the SDK's grant operations for pools ---- */

static int sdk_grant(void *ctx, uint16_t domid, void *page, bool readonly, uint32_t *ref) {
    (void)ctx;
    return sv_grant_access(domid, (uint64_t)(uintptr_t)page, readonly, ref);
}
static int sdk_end_access(void *ctx, uint32_t ref) {
    (void)ctx;
    return sv_grant_end_access(ref);
}
static void *sdk_page_alloc(void *ctx) {
    (void)ctx;
    return sv_page_alloc_zeroed(1);
}
static void sdk_page_free(void *ctx, void *page) {
    (void)ctx;
    sv_page_free(page, 1);
}
static uint64_t sdk_now(void *ctx) {
    (void)ctx;
    return sv_time_ns();
}
static void sdk_pause(void *ctx) {
    (void)ctx;
    sv_sleep_ns(SV_NS_PER_MS);
}

const svf_grant_ops_t svf_sdk_grant_ops = {
    .grant = sdk_grant,
    .end_access = sdk_end_access,
    .page_alloc = sdk_page_alloc,
    .page_free = sdk_page_free,
    .now = sdk_now,
    .pause = sdk_pause,
    .ctx = NULL,
};

/* ---- messages ---- */

static void vmessage(const svf_front_t *f, const char *fmt, va_list ap) {
    char line[256];
    int n = sv_snprintf(line, sizeof line, "%s: ", f->xb.name[0] ? f->xb.name : f->type);
    if (n < 0 || (size_t)n >= sizeof line) n = 0;
    sv_vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    sv_printf("%s\n", line);
}

void svf_front_error(const svf_front_t *f, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vmessage(f, fmt, ap);
    va_end(ap);
}

void svf_front_info(const svf_front_t *f, const char *fmt, ...) {
    if (f->quiet) return;
    va_list ap;
    va_start(ap, fmt);
    vmessage(f, fmt, ap);
    va_end(ap);
}

/* ---- the device ---- */

int svf_front_init(svf_front_t *f, const char *type, unsigned id, uint64_t connect_timeout_ns) {
    bool quiet = f->quiet;
    sv_memset(f, 0, sizeof *f);
    f->quiet = quiet;
    sv_strlcpy(f->type, type, sizeof f->type);
    f->id = id;
    f->connect_timeout_ns = connect_timeout_ns ? connect_timeout_ns : SVF_DEFAULT_CONNECT_TIMEOUT_NS;
    sv_snprintf(f->xb.name, sizeof f->xb.name, "%s/%u", type, id);
    char dir[64];
    sv_snprintf(dir, sizeof dir, "device/%s/%u", type, id);
    int rc = sv_xenbus_frontend_init(&f->xb, dir);
    if (rc != SV_STATUS_OK) {
        svf_front_error(f, "no such device: reading %s/%s/{backend,backend-id} failed (%s)", sv_home_path(), dir,
                        sv_status_name(rc));
        return SV_STATUS_ENODEV;
    }
    if (f->xb.local_state != SV_XENBUS_STATE_INITIALISING) {
        /* Left Closed (or anything else) by an earlier connection: start again. */
        rc = svf_front_set_state(f, SV_XENBUS_STATE_INITIALISING);
        if (rc != SV_STATUS_OK) {
            svf_front_error(f, "cannot write state Initialising (%s)", sv_status_name(rc));
            return rc;
        }
    }
    return SV_STATUS_OK;
}

int svf_front_set_state(svf_front_t *f, int state) { return sv_xenbus_set_state(&f->xb, state); }

int svf_front_wait_backend(svf_front_t *f, uint32_t mask, int *got) {
    return sv_xenbus_wait_peer(&f->xb, mask, f->connect_timeout_ns, got);
}

int svf_front_wait_initwait(svf_front_t *f) {
    int got = 0;
    int rc = svf_front_wait_backend(f,
                                    SV_XENBUS_MASK(SV_XENBUS_STATE_INIT_WAIT) | SV_XENBUS_MASK(SV_XENBUS_STATE_INITIALISED) |
                                        SV_XENBUS_MASK(SV_XENBUS_STATE_CONNECTED),
                                    &got);
    if (rc != SV_STATUS_OK && rc != SV_STATUS_ETIMEDOUT) {
        svf_front_error(f, "reading the backend's state failed (%s)", sv_status_name(rc));
    }
    return rc;
}

int svf_front_wait_connected(svf_front_t *f) {
    int got = 0;
    int rc = svf_front_wait_backend(f,
                                    SV_XENBUS_MASK(SV_XENBUS_STATE_CONNECTED) | SV_XENBUS_MASK(SV_XENBUS_STATE_CLOSING) |
                                        SV_XENBUS_MASK(SV_XENBUS_STATE_CLOSED),
                                    &got);
    if (rc != SV_STATUS_OK) {
        if (rc != SV_STATUS_ETIMEDOUT) svf_front_error(f, "reading the backend's state failed (%s)", sv_status_name(rc));
        return rc;
    }
    if (got != SV_XENBUS_STATE_CONNECTED) {
        /* A backend that gives up writes its reason to <backend>/error (WRITING-A-DRIVER.md). */
        char reason[160] = "";
        svf_front_read_backend(f, "error", reason, sizeof reason);
        svf_front_error(f, "backend refused the connection: remote state %d (%s)%s%s", got, sv_xenbus_state_name(got),
                        reason[0] ? ": " : "", reason);
        return SV_STATUS_ENODEV;
    }
    return SV_STATUS_OK;
}

int svf_front_wait_io(svf_front_t *f, bool (*pred)(void *arg), void *arg, uint64_t timeout_ns) {
    uint64_t deadline = timeout_ns ? sv_deadline_in(timeout_ns) : UINT64_MAX;
    for (;;) {
        uint64_t now = sv_time_ns();
        if (now >= deadline) return pred(arg) ? SV_STATUS_OK : SV_STATUS_ETIMEDOUT;
        uint64_t slice = now + SV_NS_PER_SEC < deadline ? now + SV_NS_PER_SEC : deadline;
        if (sv_wait(pred, arg, slice) == SV_STATUS_OK) return SV_STATUS_OK;
        int state = 0;
        if (sv_xenbus_read_state(f->xb.otherend, &state) == SV_STATUS_OK &&
            (state == SV_XENBUS_STATE_CLOSING || state == SV_XENBUS_STATE_CLOSED)) {
            if (pred(arg)) return SV_STATUS_OK;
            char reason[160] = "";
            svf_front_read_backend(f, "error", reason, sizeof reason);
            svf_front_error(f, "backend closed the device: remote state %d (%s)%s%s", state, sv_xenbus_state_name(state),
                            reason[0] ? ": " : "", reason);
            return SV_STATUS_ENOTCONN;
        }
    }
}

static void on_event(uint32_t port, void *arg) {
    (void)port;
    svf_front_t *f = arg;
    f->events++;
}

int svf_front_alloc_evtchn(svf_front_t *f) {
    uint32_t port;
    int rc = sv_evtchn_alloc_unbound(f->xb.otherend_id, &port);
    if (rc != SV_STATUS_OK) {
        svf_front_error(f, "cannot allocate an event channel for domain %u (%s)", f->xb.otherend_id, sv_status_name(rc));
        return rc;
    }
    f->port = port;
    sv_evtchn_bind_handler(port, on_event, f);
    return SV_STATUS_OK;
}

void svf_front_kick(svf_front_t *f) {
    f->kicks++;
    sv_evtchn_send(f->port);
}

/* ---- finding devices ---- */

int svf_front_list(const char *type, unsigned *ids, unsigned max) {
    char dir[64];
    sv_snprintf(dir, sizeof dir, "device/%s", type);
    sv_store_directory_listing_t listing;
    int rc = sv_store_directory(SV_STORE_NO_TX, dir, &listing);
    if (rc == SV_STATUS_ENOENT) return 0;
    if (rc) return rc;
    unsigned n = 0;
    for (uint32_t i = 0; i < listing.children_count; i++) {
        uint64_t id;
        if (!sv_parse_u64(listing.children[i], &id) || id > 0xFFFFFFFFu) continue;
        /* Insertion sort: a handful of devices at most. */
        unsigned j = n < max ? n : max;
        while (j > 0 && ids[j - 1] > id) {
            if (j < max) ids[j] = ids[j - 1];
            j--;
        }
        if (j < max) ids[j] = (unsigned)id;
        n++;
    }
    return (int)n;
}

int svf_front_find(const char *type, unsigned index, unsigned *id) {
    unsigned ids[32];
    int n = svf_front_list(type, ids, 32);
    if (n < 0) return n;
    if (index >= (unsigned)n || index >= 32) return SV_STATUS_ENODEV;
    *id = ids[index];
    return SV_STATUS_OK;
}

/* ---- store helpers ---- */

int svf_front_write(svf_front_t *f, uint32_t tx, const char *key, const char *fmt, ...) {
    char path[SV_STORE_MAX_PATH + 1], value[256];
    sv_snprintf(path, sizeof path, "%s/%s", f->xb.dir, key);
    va_list ap;
    va_start(ap, fmt);
    sv_vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    return sv_store_write(tx, path, value);
}

int svf_front_read(svf_front_t *f, const char *key, char *buf, size_t cap) {
    char path[SV_STORE_MAX_PATH + 1];
    sv_snprintf(path, sizeof path, "%s/%s", f->xb.dir, key);
    return sv_store_read(SV_STORE_NO_TX, path, buf, cap);
}

int svf_front_read_u64(svf_front_t *f, const char *key, uint64_t *value) {
    char path[SV_STORE_MAX_PATH + 1];
    sv_snprintf(path, sizeof path, "%s/%s", f->xb.dir, key);
    return sv_store_read_u64(SV_STORE_NO_TX, path, value);
}

int svf_front_read_backend(svf_front_t *f, const char *key, char *buf, size_t cap) {
    char path[SV_STORE_MAX_PATH + 1];
    sv_snprintf(path, sizeof path, "%s/%s", f->xb.otherend, key);
    return sv_store_read(SV_STORE_NO_TX, path, buf, cap);
}

int svf_front_read_backend_u64(svf_front_t *f, const char *key, uint64_t *value) {
    char path[SV_STORE_MAX_PATH + 1];
    sv_snprintf(path, sizeof path, "%s/%s", f->xb.otherend, key);
    return sv_store_read_u64(SV_STORE_NO_TX, path, value);
}

bool svf_front_backend_feature(svf_front_t *f, const char *key) {
    uint64_t v = 0;
    return svf_front_read_backend_u64(f, key, &v) == SV_STATUS_OK && v != 0;
}

/* ---- close ---- */

int svf_front_close_handshake(svf_front_t *f) {
    int result = SV_STATUS_OK;
    int got = 0;
    uint64_t saved = f->connect_timeout_ns;
    f->connect_timeout_ns = SVF_CLOSE_TIMEOUT_NS;
    svf_front_set_state(f, SV_XENBUS_STATE_CLOSING);
    int rc = svf_front_wait_backend(f, SV_XENBUS_MASK(SV_XENBUS_STATE_CLOSING) | SV_XENBUS_MASK(SV_XENBUS_STATE_CLOSED), &got);
    if (rc != SV_STATUS_OK) result = rc;
    svf_front_set_state(f, SV_XENBUS_STATE_CLOSED);
    rc = svf_front_wait_backend(f, SV_XENBUS_MASK(SV_XENBUS_STATE_CLOSED), &got);
    if (rc != SV_STATUS_OK) result = rc;
    f->connect_timeout_ns = saved;
    return result;
}

void svf_front_release(svf_front_t *f, const char *const *keys, unsigned nkeys) {
    if (f->port) {
        sv_evtchn_close(f->port);
        f->port = 0;
    }
    for (unsigned i = 0; i < nkeys; i++) {
        char path[SV_STORE_MAX_PATH + 1];
        sv_snprintf(path, sizeof path, "%s/%s", f->xb.dir, keys[i]);
        sv_store_remove(SV_STORE_NO_TX, path);
    }
}

/* ---- ring pages ---- */

int svf_front_ring_page(svf_front_t *f, void **page, uint32_t *gref) {
    void *p = sv_page_alloc_zeroed(1);
    if (!p) {
        svf_front_error(f, "out of memory for a ring page");
        return SV_STATUS_ENOMEM;
    }
    int rc = sv_grant_access((uint16_t)f->xb.otherend_id, (uint64_t)(uintptr_t)p, false, gref);
    if (rc != SV_STATUS_OK) {
        svf_front_error(f, "cannot grant a ring page to domain %u (%s)", f->xb.otherend_id, sv_status_name(rc));
        sv_page_free(p, 1);
        return rc;
    }
    *page = p;
    return SV_STATUS_OK;
}

void svf_front_ring_page_release(svf_front_t *f, void *page, uint32_t gref) {
    if (!page) return;
    if (sv_grant_end_access_wait(gref, SVF_CLOSE_TIMEOUT_NS) == SV_STATUS_OK) {
        sv_page_free(page, 1);
    } else {
        svf_front_error(f, "backend still maps the ring page (grant %u); leaking it", gref);
    }
}
