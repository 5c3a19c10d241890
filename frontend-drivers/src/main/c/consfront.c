/*
 * Secondary consoles on the guest SDK; see svfront/consfront.h.
 */
#include "svfront/consfront.h"

#include <splitvisor/sdk.h>

struct svf_cons {
    svf_front_t front;
    svf_cons_options_t opts;
    void *page;
    uint32_t gref;
    svf_consring_t ring;
    bool connected;
    char channel[64];
    char error[160];
    int fail_status;
};

static const char *const transport_keys[] = {"ring-ref", "port", "event-channel"};

static int check(svf_cons_t *c) {
    if (c->ring.broken && !c->error[0]) {
        c->fail_status = SV_STATUS_EPROTO;
        sv_snprintf(c->error, sizeof c->error, "backend protocol violation: %s; console disabled", c->ring.error);
        svf_front_error(&c->front, "%s", c->error);
    }
    return c->ring.broken ? SV_STATUS_EPROTO : SV_STATUS_OK;
}

static int publish(uint32_t tx, void *arg) {
    svf_cons_t *c = arg;
    int rc;
    if ((rc = svf_front_write(&c->front, tx, "ring-ref", "%u", c->gref))) return rc;
    if ((rc = svf_front_write(&c->front, tx, "port", "%u", c->front.port))) return rc;
    return svf_front_write(&c->front, tx, "event-channel", "%u", c->front.port);
}

static void release(svf_cons_t *c) {
    svf_front_release(&c->front, transport_keys, sizeof transport_keys / sizeof transport_keys[0]);
    svf_front_ring_page_release(&c->front, c->page, c->gref);
    c->page = NULL;
}

int svf_cons_open(svf_cons_t **out, unsigned id, const svf_cons_options_t *opts) {
    *out = NULL;
    svf_cons_t *c = sv_calloc(1, sizeof *c);
    if (!c) return SV_STATUS_ENOMEM;
    if (opts) c->opts = *opts;
    if (!c->opts.io_timeout_ns) c->opts.io_timeout_ns = SVF_DEFAULT_IO_TIMEOUT_NS;
    svf_front_t *f = &c->front;
    f->quiet = c->opts.quiet;
    int rc = svf_front_init(f, "console", id, c->opts.connect_timeout_ns);
    if (rc) goto out_free;
    svf_front_read(f, "name", c->channel, sizeof c->channel);
    if ((rc = svf_front_wait_initwait(f))) goto out_free;
    if ((rc = svf_front_ring_page(f, &c->page, &c->gref))) goto out_free;
    svf_consring_init(&c->ring, c->page);
    if ((rc = svf_front_alloc_evtchn(f))) goto out_release;
    rc = sv_store_transaction(publish, c, NULL);
    if (rc) {
        svf_front_error(f, "cannot publish ring-ref and port (%s)", sv_status_name(rc));
        goto out_release;
    }
    if ((rc = svf_front_set_state(f, SV_XENBUS_STATE_INITIALISED))) goto out_release;
    if ((rc = svf_front_wait_connected(f))) goto out_close;
    if ((rc = svf_front_set_state(f, SV_XENBUS_STATE_CONNECTED))) goto out_close;
    c->connected = true;
    svf_front_info(f, "connected: ring-ref %u, port %u%s%s", c->gref, f->port, c->channel[0] ? ", name " : "",
                   c->channel);
    *out = c;
    return SV_STATUS_OK;

out_close:
    svf_front_close_handshake(f);
out_release:
    release(c);
out_free:
    sv_free(c);
    return rc;
}

const char *svf_cons_name(const svf_cons_t *c) { return c->front.xb.name; }
const char *svf_cons_channel(const svf_cons_t *c) { return c->channel; }

static int usable(svf_cons_t *c) {
    if (!c || !c->connected) return SV_STATUS_ENOTCONN;
    if (c->error[0]) return c->fail_status;
    return SV_STATUS_OK;
}

static bool out_has_room(void *arg) {
    svf_cons_t *c = arg;
    int p = svf_consring_out_pending(&c->ring);
    return p < 0 || p < (int)SVF_CONS_OUT_SIZE;
}

static bool out_empty(void *arg) {
    svf_cons_t *c = arg;
    return svf_consring_out_pending(&c->ring) <= 0;
}

int svf_cons_write(svf_cons_t *c, const void *data, size_t len) {
    int rc = usable(c);
    if (rc) return rc;
    const uint8_t *p = data;
    size_t done = 0;
    while (done < len) {
        int n = svf_consring_write(&c->ring, p + done, len - done);
        if (n < 0) return check(c);
        if (n > 0) {
            done += (size_t)n;
            svf_front_kick(&c->front);
            continue;
        }
        rc = svf_front_wait_io(&c->front, out_has_room, c, c->opts.io_timeout_ns);
        if (rc == SV_STATUS_ETIMEDOUT) {
            sv_snprintf(c->error, sizeof c->error, "timed out: the backend consumed no output for %lu ms; console disabled",
                        (unsigned long)(c->opts.io_timeout_ns / SV_NS_PER_MS));
            svf_front_error(&c->front, "%s", c->error);
            c->fail_status = rc;
            return rc;
        }
        if (rc == SV_STATUS_ENOTCONN) {
            sv_strlcpy(c->error, "the backend closed the console", sizeof c->error);
            c->fail_status = rc;
            return rc;
        }
    }
    return (int)len;
}

const char *svf_cons_error(const svf_cons_t *c) { return c->error; }

int svf_cons_flush(svf_cons_t *c, uint64_t timeout_ns) {
    int rc = usable(c);
    if (rc) return rc;
    rc = svf_front_wait_io(&c->front, out_empty, c, timeout_ns);
    if (check(c)) return SV_STATUS_EPROTO;
    return rc;
}

static bool in_ready(void *arg) {
    svf_cons_t *c = arg;
    return svf_consring_in_pending(&c->ring) != 0;
}

int svf_cons_read(svf_cons_t *c, void *buf, size_t cap, uint64_t timeout_ns) {
    int rc = usable(c);
    if (rc) return rc;
    if (cap == 0) return 0;
    if (timeout_ns && !in_ready(c)) {
        rc = svf_front_wait_io(&c->front, in_ready, c, timeout_ns);
        if (rc == SV_STATUS_ENOTCONN) return rc;
    }
    int n = svf_consring_read(&c->ring, buf, cap);
    if (n < 0) return check(c);
    if (n > 0) svf_front_kick(&c->front);
    return n;
}

int svf_cons_readline(svf_cons_t *c, char *buf, size_t cap, uint64_t timeout_ns) {
    if (cap == 0) return SV_STATUS_EINVAL;
    uint64_t deadline = timeout_ns ? sv_deadline_in(timeout_ns) : 0;
    size_t len = 0;
    for (;;) {
        char ch;
        uint64_t now = sv_time_ns();
        uint64_t left = deadline ? (deadline > now ? deadline - now : 0) : 0;
        if (deadline && left == 0) break;
        int n = svf_cons_read(c, &ch, 1, deadline ? left : SV_NS_PER_SEC);
        if (n < 0) return n;
        if (n == 0) continue;
        if (ch == '\n') break;
        if (ch == '\r') continue;
        if (len + 1 < cap) buf[len++] = ch;
    }
    buf[len] = 0;
    return (int)len;
}

int svf_cons_close(svf_cons_t *c) {
    if (!c) return SV_STATUS_OK;
    if (c->connected && !c->error[0]) svf_cons_flush(c, SV_NS_PER_SEC);
    int rc = svf_front_close_handshake(&c->front);
    c->connected = false;
    release(c);
    sv_free(c);
    return rc;
}
