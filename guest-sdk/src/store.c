/*
 * The store client (ABI.md section 9): length-prefixed protobuf messages over the store ring,
 * one request at a time, watch events queued and dispatched outside requests. Portable C: the
 * host tests run it against an in-process fake ring whose other end replays messages.
 */
#include "splitvisor/store.h"

#include <stdarg.h>

#include "splitvisor/arch.h"
#include "splitvisor/events.h"
#include "splitvisor/printf.h"
#include "splitvisor/string.h"

#define RING_SIZE SV_STORE_RING_RING_SIZE
#define MAX_MSG SV_STORE_MAX_MESSAGE
#define PREFIX SV_STORE_LENGTH_PREFIX

typedef struct queued_event {
    char path[SV_STORE_MAX_PATH + 1];
    char token[65];
} queued_event_t;

typedef struct watch {
    bool used;
    bool overflowed;
    char path[SV_STORE_MAX_PATH + 1];
    char token[65];
    sv_store_watch_cb_t cb;
    void *arg;
} watch_t;

static sv_store_transport_t tp;
static bool connected;
static bool broken;              /* a request was cut in half, or the store broke the framing */
static bool busy;                /* a request is in progress */
static bool dispatching;
static uint64_t request_timeout = 30ull * 1000000000ull;
static uint32_t next_req_id;
static sv_store_stats_t stats;

/* Sending. */
static uint8_t txbuf[PREFIX + MAX_MSG];
static sv_store_request_t request;

/* Receiving: the length prefix, then the body. */
static uint8_t rx_prefix[PREFIX];
static uint32_t rx_prefix_have;
static uint32_t rx_len;
static uint32_t rx_have;
static uint8_t rxbuf[MAX_MSG];
static sv_store_server_message_t incoming;

/* The response being waited for. */
static uint32_t awaiting_id;
static bool got_response;
static sv_store_response_t response;

static watch_t watches[SV_STORE_MAX_WATCHES];
static queued_event_t queue[SV_STORE_EVENT_QUEUE];
static unsigned q_head, q_count;

void sv_store_setup(const sv_store_transport_t *t) {
    tp = *t;
    connected = t->ring != NULL;
    broken = false;
    busy = false;
    dispatching = false;
    next_req_id = 1;
    rx_prefix_have = rx_len = rx_have = 0;
    awaiting_id = 0;
    got_response = false;
    q_head = q_count = 0;
    sv_memset(watches, 0, sizeof watches);
    sv_memset(&stats, 0, sizeof stats);
}

bool sv_store_available(void) { return connected && !broken; }
void sv_store_set_timeout(uint64_t ns) { request_timeout = ns; }
const sv_store_stats_t *sv_store_stats(void) { return &stats; }

static uint32_t load_u32(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

static void notify(void) {
    if (tp.notify) tp.notify(tp.ctx);
}

static bool ring_failed(void) {
    return load_u32(&tp.ring->error) != 0 || load_u32(&tp.ring->connection) != 0;
}

/* ---- watch events ---- */

static watch_t *find_watch(const char *token) {
    for (unsigned i = 0; i < SV_STORE_MAX_WATCHES; i++) {
        if (watches[i].used && sv_strcmp(watches[i].token, token) == 0) return &watches[i];
    }
    return NULL;
}

static void enqueue_event(const sv_store_watch_event_t *ev) {
    stats.watch_events++;
    watch_t *w = find_watch(ev->token);
    if (!w) {
        stats.stray_messages++;
        return;
    }
    for (unsigned i = 0; i < q_count; i++) {
        queued_event_t *q = &queue[(q_head + i) % SV_STORE_EVENT_QUEUE];
        if (sv_strcmp(q->token, ev->token) == 0 && sv_strcmp(q->path, ev->path) == 0) {
            stats.watch_events_merged++;
            return;
        }
    }
    if (q_count == SV_STORE_EVENT_QUEUE) {
        /* No room: the watch will get one event for its own path instead. */
        w->overflowed = true;
        stats.watch_overflows++;
        return;
    }
    queued_event_t *q = &queue[(q_head + q_count) % SV_STORE_EVENT_QUEUE];
    sv_strlcpy(q->path, ev->path, sizeof q->path);
    sv_strlcpy(q->token, ev->token, sizeof q->token);
    q_count++;
}

/* ---- receiving ---- */

static void handle_message(void) {
    if (sv_store_server_message_decode(&incoming, rxbuf, rx_len) != SV_PB_OK) {
        stats.stray_messages++;
        return;
    }
    if (incoming.kind_case == SV_STORE_SERVER_MESSAGE_RESPONSE_TAG) {
        stats.responses++;
        if (awaiting_id && incoming.kind.response.req_id == awaiting_id && !got_response) {
            sv_memcpy(&response, &incoming.kind.response, sizeof response);
            got_response = true;
        } else {
            stats.stray_messages++;
        }
    } else if (incoming.kind_case == SV_STORE_SERVER_MESSAGE_WATCH_EVENT_TAG) {
        enqueue_event(&incoming.kind.watch_event);
    } else {
        stats.stray_messages++;
    }
}

/* Consumes whatever the response ring holds, message by message. */
static int pump(void) {
    if (!connected) return SV_STATUS_ENOSYS;
    if (broken) return SV_STATUS_EIO;
    if (ring_failed()) {
        broken = true;
        return SV_STATUS_EIO;
    }
    sv_store_ring_t *r = tp.ring;
    uint32_t cons = r->rsp_cons;
    uint32_t avail = load_u32(&r->rsp_prod) - cons;
    if (avail > RING_SIZE) {
        broken = true;
        return SV_STATUS_EPROTO;
    }
    uint32_t start = cons;
    while (avail) {
        uint32_t n;
        if (rx_prefix_have < PREFIX) {
            n = PREFIX - rx_prefix_have;
            if (n > avail) n = avail;
            for (uint32_t i = 0; i < n; i++) rx_prefix[rx_prefix_have + i] = r->rsp[(cons + i) & (RING_SIZE - 1)];
            rx_prefix_have += n;
            if (rx_prefix_have == PREFIX) {
                rx_len = (uint32_t)rx_prefix[0] | (uint32_t)rx_prefix[1] << 8 | (uint32_t)rx_prefix[2] << 16 |
                         (uint32_t)rx_prefix[3] << 24;
                rx_have = 0;
                if (rx_len > MAX_MSG) {
                    broken = true;
                    __atomic_store_n(&r->rsp_cons, cons + n, __ATOMIC_RELEASE);
                    return SV_STATUS_EPROTO;
                }
            }
        } else {
            n = rx_len - rx_have;
            if (n > avail) n = avail;
            for (uint32_t i = 0; i < n; i++) rxbuf[rx_have + i] = r->rsp[(cons + i) & (RING_SIZE - 1)];
            rx_have += n;
        }
        cons += n;
        avail -= n;
        if (rx_prefix_have == PREFIX && rx_have == rx_len) {
            handle_message();
            rx_prefix_have = 0;
            rx_len = rx_have = 0;
        }
    }
    if (cons != start) {
        __atomic_store_n(&r->rsp_cons, cons, __ATOMIC_RELEASE);
        notify(); /* the store may be waiting for room */
    }
    return SV_STATUS_OK;
}

static bool rsp_available(void *arg) {
    (void)arg;
    return load_u32(&tp.ring->rsp_prod) != tp.ring->rsp_cons || ring_failed();
}

static bool send_progress_possible(void *arg) {
    (void)arg;
    return tp.ring->req_prod - load_u32(&tp.ring->req_cons) < RING_SIZE || rsp_available(NULL);
}

static bool event_or_data(void *arg) {
    (void)arg;
    return q_count > 0 || rsp_available(NULL);
}

static int wait_for(bool (*ready)(void *), uint64_t deadline) {
    if (!tp.wait) return SV_STATUS_ETIMEDOUT;
    return tp.wait(tp.ctx, deadline, ready, NULL);
}

/* ---- sending ---- */

static int ring_send(const uint8_t *data, size_t len, uint64_t deadline) {
    sv_store_ring_t *r = tp.ring;
    while (len) {
        if (ring_failed()) {
            broken = true;
            return SV_STATUS_EIO;
        }
        uint32_t prod = r->req_prod;
        uint32_t used = prod - load_u32(&r->req_cons);
        if (used > RING_SIZE) {
            broken = true;
            return SV_STATUS_EPROTO;
        }
        uint32_t room = RING_SIZE - used;
        if (room == 0) {
            notify();
            /* Keep reading while the store waits for us, or it may block on a full rsp ring. */
            int rc = pump();
            if (rc) return rc;
            rc = wait_for(send_progress_possible, deadline);
            if (rc) return rc;
            continue;
        }
        uint32_t n = len < room ? (uint32_t)len : room;
        for (uint32_t i = 0; i < n; i++) r->req[(prod + i) & (RING_SIZE - 1)] = data[i];
        sv_wmb();
        __atomic_store_n(&r->req_prod, prod + n, __ATOMIC_RELEASE);
        data += n;
        len -= n;
    }
    notify();
    return SV_STATUS_OK;
}

static uint64_t now(void) { return tp.now ? tp.now(tp.ctx) : 0; }

/* Sends `request` (op filled in) and waits for its response. */
static int call(uint32_t tx, sv_store_response_t **out) {
    if (!connected) return SV_STATUS_ENOSYS;
    if (broken) return SV_STATUS_EIO;
    if (busy || sv_evtchn_in_handler()) return SV_STATUS_EBUSY;
    busy = true;
    request.req_id = next_req_id++;
    if (next_req_id == 0) next_req_id = 1;
    request.tx_id = tx;
    size_t len = 0;
    int rc;
    if (sv_store_request_encode(&request, txbuf + PREFIX, MAX_MSG, &len) != SV_PB_OK) {
        rc = SV_STATUS_E2BIG;
        goto done;
    }
    txbuf[0] = (uint8_t)len;
    txbuf[1] = (uint8_t)(len >> 8);
    txbuf[2] = (uint8_t)(len >> 16);
    txbuf[3] = (uint8_t)(len >> 24);
    uint64_t deadline = 0;
    if (request_timeout) {
        deadline = now() + request_timeout;
        if (deadline == 0) deadline = 1;
    }
    awaiting_id = request.req_id;
    got_response = false;
    stats.requests++;
    rc = ring_send(txbuf, PREFIX + len, deadline);
    if (rc) {
        /* Half a request may sit in the ring: the stream cannot be trusted any more. */
        if (rc == SV_STATUS_ETIMEDOUT) broken = true;
        goto done;
    }
    for (;;) {
        rc = pump();
        if (rc || got_response) break;
        rc = wait_for(rsp_available, deadline);
        if (rc) break;
    }
done:
    awaiting_id = 0;
    busy = false;
    if (rc) return rc;
    *out = &response;
    return response.status;
}

static int set_path(char *dst, const char *path) {
    if (!path || !*path) return SV_STATUS_EINVAL;
    if (sv_strlen(path) > SV_STORE_MAX_PATH) return SV_STATUS_ENAMETOOLONG;
    sv_strlcpy(dst, path, SV_STORE_MAX_PATH + 1);
    return SV_STATUS_OK;
}

static int start_request(uint32_t op_case, const char *path, char *path_field) {
    sv_store_request_init(&request);
    request.op_case = op_case;
    return path_field ? set_path(path_field, path) : SV_STATUS_OK;
}

/* ---- operations ---- */

int sv_store_read_bytes(uint32_t tx, const char *path, void *buf, size_t cap, size_t *len) {
    int rc = start_request(SV_STORE_REQUEST_READ_TAG, path, request.op.read.path);
    if (rc) return rc;
    sv_store_response_t *rsp;
    rc = call(tx, &rsp);
    if (rc) return rc;
    size_t n = rsp->result_case == SV_STORE_RESPONSE_VALUE_TAG ? rsp->result.value.len : 0;
    *len = n;
    if (n > cap) return SV_STATUS_ERANGE;
    sv_memcpy(buf, rsp->result.value.data, n);
    return SV_STATUS_OK;
}

int sv_store_read(uint32_t tx, const char *path, char *buf, size_t cap) {
    size_t len;
    if (cap == 0) return SV_STATUS_ERANGE;
    int rc = sv_store_read_bytes(tx, path, buf, cap - 1, &len);
    if (rc) return rc;
    buf[len] = 0;
    return (int)len;
}

int sv_store_read_u64(uint32_t tx, const char *path, uint64_t *value) {
    char buf[32];
    int rc = sv_store_read(tx, path, buf, sizeof buf);
    if (rc == SV_STATUS_ERANGE) return SV_STATUS_EINVAL;
    if (rc < 0) return rc;
    return sv_parse_u64(buf, value) ? SV_STATUS_OK : SV_STATUS_EINVAL;
}

int sv_store_write_bytes(uint32_t tx, const char *path, const void *value, size_t len) {
    if (len > SV_STORE_MAX_VALUE) return SV_STATUS_E2BIG;
    int rc = start_request(SV_STORE_REQUEST_WRITE_TAG, path, request.op.write.path);
    if (rc) return rc;
    request.op.write.value.len = (uint32_t)len;
    sv_memcpy(request.op.write.value.data, value, len);
    sv_store_response_t *rsp;
    return call(tx, &rsp);
}

int sv_store_write(uint32_t tx, const char *path, const char *value) {
    return sv_store_write_bytes(tx, path, value, sv_strlen(value));
}

int sv_store_printf(uint32_t tx, const char *path, const char *fmt, ...) {
    char value[SV_STORE_MAX_VALUE + 1];
    va_list ap;
    va_start(ap, fmt);
    int n = sv_vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n > SV_STORE_MAX_VALUE) return SV_STATUS_E2BIG;
    return sv_store_write_bytes(tx, path, value, (size_t)n);
}

int sv_store_mkdir(uint32_t tx, const char *path) {
    int rc = start_request(SV_STORE_REQUEST_MKDIR_TAG, path, request.op.mkdir.path);
    if (rc) return rc;
    sv_store_response_t *rsp;
    return call(tx, &rsp);
}

int sv_store_remove(uint32_t tx, const char *path) {
    int rc = start_request(SV_STORE_REQUEST_REMOVE_TAG, path, request.op.remove.path);
    if (rc) return rc;
    sv_store_response_t *rsp;
    return call(tx, &rsp);
}

int sv_store_directory(uint32_t tx, const char *path, sv_store_directory_listing_t *out) {
    int rc = start_request(SV_STORE_REQUEST_DIRECTORY_TAG, path, request.op.directory.path);
    if (rc) return rc;
    sv_store_response_t *rsp;
    rc = call(tx, &rsp);
    if (rc) return rc;
    if (rsp->result_case == SV_STORE_RESPONSE_LISTING_TAG) sv_memcpy(out, &rsp->result.listing, sizeof *out);
    else sv_store_directory_listing_init(out);
    return SV_STATUS_OK;
}

int sv_store_get_perms(uint32_t tx, const char *path, sv_store_permissions_t *out) {
    int rc = start_request(SV_STORE_REQUEST_GET_PERMS_TAG, path, request.op.get_perms.path);
    if (rc) return rc;
    sv_store_response_t *rsp;
    rc = call(tx, &rsp);
    if (rc) return rc;
    if (rsp->result_case == SV_STORE_RESPONSE_PERMS_TAG) sv_memcpy(out, &rsp->result.perms, sizeof *out);
    else sv_store_permissions_init(out);
    return SV_STATUS_OK;
}

int sv_store_set_perms(uint32_t tx, const char *path, const sv_store_permission_t *perms, size_t count) {
    if (count == 0 || count > 16) return SV_STATUS_EINVAL;
    int rc = start_request(SV_STORE_REQUEST_SET_PERMS_TAG, path, request.op.set_perms.path);
    if (rc) return rc;
    request.op.set_perms.perms_count = (uint32_t)count;
    for (size_t i = 0; i < count; i++) request.op.set_perms.perms[i] = perms[i];
    sv_store_response_t *rsp;
    return call(tx, &rsp);
}

bool sv_store_exists(uint32_t tx, const char *path) {
    int rc = start_request(SV_STORE_REQUEST_READ_TAG, path, request.op.read.path);
    if (rc) return false;
    sv_store_response_t *rsp;
    rc = call(tx, &rsp);
    return rc == SV_STATUS_OK || rc == SV_STATUS_EISDIR;
}

/* ---- transactions ---- */

int sv_store_transaction_start(uint32_t *tx) {
    start_request(SV_STORE_REQUEST_TRANSACTION_START_TAG, NULL, NULL);
    sv_store_response_t *rsp;
    int rc = call(SV_STORE_NO_TX, &rsp);
    if (rc) return rc;
    if (rsp->result_case != SV_STORE_RESPONSE_TRANSACTION_ID_TAG || rsp->result.transaction_id == 0) {
        return SV_STATUS_EPROTO;
    }
    *tx = rsp->result.transaction_id;
    return SV_STATUS_OK;
}

int sv_store_transaction_end(uint32_t tx, bool commit) {
    start_request(SV_STORE_REQUEST_TRANSACTION_END_TAG, NULL, NULL);
    request.op.transaction_end.commit = commit;
    sv_store_response_t *rsp;
    return call(tx, &rsp);
}

int sv_store_transaction(sv_store_tx_fn_t fn, void *arg, unsigned *attempts) {
    int rc = SV_STATUS_EAGAIN;
    unsigned n;
    for (n = 1; n <= SV_STORE_TX_MAX_ATTEMPTS; n++) {
        uint32_t tx;
        rc = sv_store_transaction_start(&tx);
        if (rc) break;
        rc = fn(tx, arg);
        if (rc < 0) {
            sv_store_transaction_end(tx, false);
        } else {
            rc = sv_store_transaction_end(tx, true);
        }
        if (rc != SV_STATUS_EAGAIN) break;
        stats.tx_retries++;
    }
    if (attempts) *attempts = n > SV_STORE_TX_MAX_ATTEMPTS ? SV_STORE_TX_MAX_ATTEMPTS : n;
    return rc;
}

/* ---- watches ---- */

int sv_store_watch(const char *path, const char *token, sv_store_watch_cb_t cb, void *arg) {
    if (!token || !*token || sv_strlen(token) > 64 || !cb) return SV_STATUS_EINVAL;
    if (!path || sv_strlen(path) > SV_STORE_MAX_PATH) return SV_STATUS_ENAMETOOLONG;
    if (find_watch(token)) return SV_STATUS_EEXIST;
    watch_t *w = NULL;
    for (unsigned i = 0; i < SV_STORE_MAX_WATCHES; i++) {
        if (!watches[i].used) {
            w = &watches[i];
            break;
        }
    }
    if (!w) return SV_STATUS_ENOSPC;
    int rc = start_request(SV_STORE_REQUEST_WATCH_TAG, path, request.op.watch.path);
    if (rc) return rc;
    sv_strlcpy(request.op.watch.token, token, sizeof request.op.watch.token);
    /* Registered before the request, so the event the store fires at once finds it. */
    w->used = true;
    w->overflowed = false;
    sv_strlcpy(w->path, path, sizeof w->path);
    sv_strlcpy(w->token, token, sizeof w->token);
    w->cb = cb;
    w->arg = arg;
    sv_store_response_t *rsp;
    rc = call(SV_STORE_NO_TX, &rsp);
    if (rc) w->used = false;
    return rc;
}

static void drop_queued(const char *token) {
    unsigned kept = 0;
    for (unsigned i = 0; i < q_count; i++) {
        queued_event_t *q = &queue[(q_head + i) % SV_STORE_EVENT_QUEUE];
        if (sv_strcmp(q->token, token) == 0) continue;
        if (kept != i) queue[(q_head + kept) % SV_STORE_EVENT_QUEUE] = *q;
        kept++;
    }
    q_count = kept;
}

int sv_store_unwatch(const char *path, const char *token) {
    watch_t *w = token ? find_watch(token) : NULL;
    int rc = start_request(SV_STORE_REQUEST_UNWATCH_TAG, path, request.op.unwatch.path);
    if (rc) return rc;
    sv_strlcpy(request.op.unwatch.token, token ? token : "", sizeof request.op.unwatch.token);
    sv_store_response_t *rsp;
    rc = call(SV_STORE_NO_TX, &rsp);
    if (w) {
        w->used = false;
        drop_queued(w->token);
    }
    return rc;
}

int sv_store_dispatch_watches(void) {
    if (!connected || busy || dispatching || sv_evtchn_in_handler()) return 0;
    dispatching = true;
    int delivered = 0;
    for (;;) {
        pump();
        static queued_event_t ev;
        watch_t *w = NULL;
        if (q_count) {
            ev = queue[q_head];
            q_head = (q_head + 1) % SV_STORE_EVENT_QUEUE;
            q_count--;
            w = find_watch(ev.token);
        } else {
            for (unsigned i = 0; i < SV_STORE_MAX_WATCHES; i++) {
                if (watches[i].used && watches[i].overflowed) {
                    w = &watches[i];
                    w->overflowed = false;
                    sv_strlcpy(ev.path, w->path, sizeof ev.path);
                    sv_strlcpy(ev.token, w->token, sizeof ev.token);
                    break;
                }
            }
            if (!w) break;
        }
        if (w) {
            delivered++;
            w->cb(ev.path, ev.token, w->arg);
        }
    }
    dispatching = false;
    return delivered;
}

int sv_store_wait_watch(uint64_t deadline_ns) {
    if (!connected) return SV_STATUS_ENOSYS;
    if (busy || dispatching || sv_evtchn_in_handler()) return SV_STATUS_EBUSY;
    for (;;) {
        int n = sv_store_dispatch_watches();
        if (n > 0) return n;
        if (broken) return SV_STATUS_EIO;
        int rc = wait_for(event_or_data, deadline_ns);
        if (rc) return rc;
    }
}
