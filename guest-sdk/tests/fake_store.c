/*
 * The fake store server for the host tests (see fake_store.h).
 */
#include "fake_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING SV_STORE_RING_RING_SIZE

fake_store_t *fake_store_current;

static void absolute(fake_store_t *fs, const char *path, char *out, size_t cap) {
    if (path[0] == '/') snprintf(out, cap, "%s", path);
    else snprintf(out, cap, "/local/domain/%u/%s", fs->domid, path);
}

fake_node_t *fake_store_lookup(fake_store_t *fs, const char *path) {
    char abs[SV_STORE_MAX_PATH + 64];
    absolute(fs, path, abs, sizeof abs);
    for (int i = 0; i < FAKE_MAX_NODES; i++) {
        if (fs->nodes[i].used && strcmp(fs->nodes[i].path, abs) == 0) return &fs->nodes[i];
    }
    return NULL;
}

static fake_node_t *create(fake_store_t *fs, const char *abs) {
    for (int i = 0; i < FAKE_MAX_NODES; i++) {
        if (!fs->nodes[i].used) {
            fake_node_t *n = &fs->nodes[i];
            memset(n, 0, sizeof *n);
            n->used = true;
            snprintf(n->path, sizeof n->path, "%s", abs);
            n->perms_count = 1;
            n->perms[0].domid = fs->domid;
            return n;
        }
    }
    fprintf(stderr, "fake store: out of nodes\n");
    abort();
}

/* Creates a node and its missing parents. */
static fake_node_t *ensure(fake_store_t *fs, const char *path) {
    char abs[SV_STORE_MAX_PATH + 64];
    absolute(fs, path, abs, sizeof abs);
    for (char *p = abs + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (!fake_store_lookup(fs, abs)) create(fs, abs);
            *p = '/';
        }
    }
    fake_node_t *n = fake_store_lookup(fs, abs);
    return n ? n : create(fs, abs);
}

/* Whether `changed` is at or below `watched` (both absolute). */
static bool under(const char *changed, const char *watched) {
    size_t n = strlen(watched);
    return strncmp(changed, watched, n) == 0 && (changed[n] == 0 || changed[n] == '/');
}

static void fire(fake_store_t *fs, const char *path) {
    char abs[SV_STORE_MAX_PATH + 64];
    absolute(fs, path, abs, sizeof abs);
    for (int i = 0; i < FAKE_MAX_WATCHES; i++) {
        if (!fs->watches[i].used) continue;
        char wabs[SV_STORE_MAX_PATH + 64];
        absolute(fs, fs->watches[i].path, wabs, sizeof wabs);
        if (under(abs, wabs)) {
            /* As the real store: the event names the path the way the watcher spelled it. */
            bool relative = fs->watches[i].path[0] != '/';
            char home[64];
            snprintf(home, sizeof home, "/local/domain/%u/", fs->domid);
            const char *shown = relative && strncmp(abs, home, strlen(home)) == 0 ? abs + strlen(home) : abs;
            fake_store_queue_event(fs, shown, fs->watches[i].token);
        }
    }
}

void fake_store_set(fake_store_t *fs, const char *path, const char *value) {
    fake_node_t *n = ensure(fs, path);
    n->len = (uint32_t)strlen(value);
    memcpy(n->value, value, n->len);
}

void fake_store_write_external(fake_store_t *fs, const char *path, const char *value) {
    fake_store_set(fs, path, value);
    fire(fs, path);
}

void fake_store_queue_raw(fake_store_t *fs, const void *bytes, size_t len) {
    if (fs->out_len + len > FAKE_OUT_BYTES) {
        fprintf(stderr, "fake store: output overflow\n");
        abort();
    }
    memcpy(fs->out + fs->out_len, bytes, len);
    fs->out_len += (uint32_t)len;
}

void fake_store_queue_message(fake_store_t *fs, const sv_store_server_message_t *m) {
    static uint8_t buf[4 + SV_STORE_MAX_MESSAGE];
    size_t len;
    if (sv_store_server_message_encode(m, buf + 4, SV_STORE_MAX_MESSAGE, &len) != SV_PB_OK) {
        fprintf(stderr, "fake store: cannot encode a reply\n");
        abort();
    }
    buf[0] = (uint8_t)len;
    buf[1] = (uint8_t)(len >> 8);
    buf[2] = (uint8_t)(len >> 16);
    buf[3] = (uint8_t)(len >> 24);
    fake_store_queue_raw(fs, buf, 4 + len);
}

void fake_store_queue_event(fake_store_t *fs, const char *path, const char *token) {
    static sv_store_server_message_t m;
    sv_store_server_message_init(&m);
    m.kind_case = SV_STORE_SERVER_MESSAGE_WATCH_EVENT_TAG;
    snprintf(m.kind.watch_event.path, sizeof m.kind.watch_event.path, "%s", path);
    snprintf(m.kind.watch_event.token, sizeof m.kind.watch_event.token, "%s", token);
    fake_store_queue_message(fs, &m);
}

static void remove_subtree(fake_store_t *fs, const char *abs) {
    for (int i = 0; i < FAKE_MAX_NODES; i++) {
        if (fs->nodes[i].used && under(fs->nodes[i].path, abs)) fs->nodes[i].used = false;
    }
}

static void handle_request(fake_store_t *fs, const sv_store_request_t *req) {
    static sv_store_server_message_t m;
    sv_store_server_message_init(&m);
    m.kind_case = SV_STORE_SERVER_MESSAGE_RESPONSE_TAG;
    sv_store_response_t *r = &m.kind.response;
    r->req_id = req->req_id;
    r->tx_id = req->tx_id;
    r->status = SV_STATUS_OK;
    char abs[SV_STORE_MAX_PATH + 64];
    fake_node_t *n;
    fs->requests++;
    fs->last_request = *req;
    switch (req->op_case) {
    case SV_STORE_REQUEST_READ_TAG:
        n = fake_store_lookup(fs, req->op.read.path);
        if (!n) {
            r->status = SV_STATUS_ENOENT;
        } else {
            r->result_case = SV_STORE_RESPONSE_VALUE_TAG;
            r->result.value.len = n->len;
            memcpy(r->result.value.data, n->value, n->len);
        }
        break;
    case SV_STORE_REQUEST_WRITE_TAG:
        n = ensure(fs, req->op.write.path);
        n->len = req->op.write.value.len;
        memcpy(n->value, req->op.write.value.data, n->len);
        fire(fs, req->op.write.path);
        break;
    case SV_STORE_REQUEST_MKDIR_TAG:
        ensure(fs, req->op.mkdir.path);
        fire(fs, req->op.mkdir.path);
        break;
    case SV_STORE_REQUEST_REMOVE_TAG:
        absolute(fs, req->op.remove.path, abs, sizeof abs);
        remove_subtree(fs, abs);
        fire(fs, req->op.remove.path);
        break;
    case SV_STORE_REQUEST_DIRECTORY_TAG:
        absolute(fs, req->op.directory.path, abs, sizeof abs);
        if (!fake_store_lookup(fs, abs)) {
            r->status = SV_STATUS_ENOENT;
            break;
        }
        r->result_case = SV_STORE_RESPONSE_LISTING_TAG;
        for (int i = 0; i < FAKE_MAX_NODES; i++) {
            const char *p = fs->nodes[i].path;
            size_t k = strlen(abs);
            if (fs->nodes[i].used && strncmp(p, abs, k) == 0 && p[k] == '/' && !strchr(p + k + 1, '/') &&
                r->result.listing.children_count < 64) {
                snprintf(r->result.listing.children[r->result.listing.children_count++], 65, "%s", p + k + 1);
            }
        }
        break;
    case SV_STORE_REQUEST_GET_PERMS_TAG:
        n = fake_store_lookup(fs, req->op.get_perms.path);
        if (!n) {
            r->status = SV_STATUS_ENOENT;
            break;
        }
        r->result_case = SV_STORE_RESPONSE_PERMS_TAG;
        r->result.perms.perms_count = n->perms_count;
        memcpy(r->result.perms.perms, n->perms, sizeof n->perms);
        break;
    case SV_STORE_REQUEST_SET_PERMS_TAG:
        n = fake_store_lookup(fs, req->op.set_perms.path);
        if (!n) {
            r->status = SV_STATUS_ENOENT;
            break;
        }
        n->perms_count = req->op.set_perms.perms_count;
        memcpy(n->perms, req->op.set_perms.perms, sizeof n->perms);
        break;
    case SV_STORE_REQUEST_WATCH_TAG: {
        int slot = -1;
        for (int i = 0; i < FAKE_MAX_WATCHES; i++) {
            if (!fs->watches[i].used) {
                slot = i;
                break;
            }
        }
        if (slot < 0) {
            r->status = SV_STATUS_ENOSPC;
            break;
        }
        fs->watches[slot].used = true;
        snprintf(fs->watches[slot].path, sizeof fs->watches[slot].path, "%s", req->op.watch.path);
        snprintf(fs->watches[slot].token, sizeof fs->watches[slot].token, "%s", req->op.watch.token);
        /* Xen's order: the response, then the event that fires at once. */
        if (fs->after_request) fs->after_request(fs, req);
        fake_store_queue_message(fs, &m);
        fake_store_queue_event(fs, req->op.watch.path, req->op.watch.token);
        return;
    }
    case SV_STORE_REQUEST_UNWATCH_TAG:
        r->status = SV_STATUS_ENOENT;
        for (int i = 0; i < FAKE_MAX_WATCHES; i++) {
            if (fs->watches[i].used && strcmp(fs->watches[i].path, req->op.unwatch.path) == 0 &&
                strcmp(fs->watches[i].token, req->op.unwatch.token) == 0) {
                fs->watches[i].used = false;
                r->status = SV_STATUS_OK;
            }
        }
        break;
    case SV_STORE_REQUEST_TRANSACTION_START_TAG:
        r->result_case = SV_STORE_RESPONSE_TRANSACTION_ID_TAG;
        r->result.transaction_id = ++fs->next_tx;
        break;
    case SV_STORE_REQUEST_TRANSACTION_END_TAG:
        if (req->tx_id == 0) {
            r->status = SV_STATUS_EINVAL;
        } else if (!req->op.transaction_end.commit) {
            fs->aborts++;
        } else if (fs->fail_commits > 0) {
            fs->fail_commits--;
            r->status = SV_STATUS_EAGAIN;
        } else {
            fs->commits++;
        }
        break;
    default:
        r->status = SV_STATUS_EINVAL;
        break;
    }
    if (fs->after_request) fs->after_request(fs, req);
    fake_store_queue_message(fs, &m);
}

static uint32_t take(fake_store_t *fs, uint32_t avail) {
    return fs->chunk && fs->chunk < avail ? fs->chunk : avail;
}

bool fake_store_step(fake_store_t *fs) {
    if (fs->stalled) return false;
    sv_store_ring_t *r = &fs->ring;
    bool moved = false;
    /* Requests in. */
    uint32_t cons = r->req_cons;
    uint32_t avail = __atomic_load_n(&r->req_prod, __ATOMIC_ACQUIRE) - cons;
    if (avail > RING) {
        fs->protocol_error = true;
        return false;
    }
    uint32_t n = take(fs, avail);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t b = r->req[(cons + i) & (RING - 1)];
        if (fs->in_prefix_have < 4) {
            fs->in_prefix[fs->in_prefix_have++] = b;
            if (fs->in_prefix_have == 4) {
                fs->in_len = fs->in_prefix[0] | fs->in_prefix[1] << 8 | fs->in_prefix[2] << 16 |
                             (uint32_t)fs->in_prefix[3] << 24;
                fs->in_have = 0;
                if (fs->in_len > SV_STORE_MAX_MESSAGE) fs->protocol_error = true;
            }
        } else {
            fs->in[fs->in_have++] = b;
        }
        if (fs->in_prefix_have == 4 && fs->in_have == fs->in_len) {
            static sv_store_request_t req;
            if (fs->in_len > fs->max_request_len) fs->max_request_len = fs->in_len;
            if (sv_store_request_decode(&req, fs->in, fs->in_len) != SV_PB_OK) fs->protocol_error = true;
            else handle_request(fs, &req);
            fs->in_prefix_have = 0;
            fs->in_len = fs->in_have = 0;
        }
    }
    if (n) {
        __atomic_store_n(&r->req_cons, cons + n, __ATOMIC_RELEASE);
        moved = true;
    }
    /* Output out. */
    uint32_t prod = r->rsp_prod;
    uint32_t room = RING - (prod - __atomic_load_n(&r->rsp_cons, __ATOMIC_ACQUIRE));
    uint32_t pending = fs->out_len - fs->out_pos;
    uint32_t k = take(fs, pending < room ? pending : room);
    for (uint32_t i = 0; i < k; i++) r->rsp[(prod + i) & (RING - 1)] = fs->out[fs->out_pos + i];
    if (k) {
        fs->out_pos += k;
        if (fs->out_pos == fs->out_len) fs->out_pos = fs->out_len = 0;
        __atomic_store_n(&r->rsp_prod, prod + k, __ATOMIC_RELEASE);
        moved = true;
    }
    return moved;
}

/* ---- the transport the client uses ---- */

static void fake_notify(void *ctx) { ((fake_store_t *)ctx)->notifies++; }

static int fake_wait(void *ctx, uint64_t deadline, bool (*ready)(void *), void *arg) {
    fake_store_t *fs = ctx;
    for (;;) {
        if (ready(arg)) return 0;
        if (!fake_store_step(fs)) {
            fs->now_ns += fs->tick_ns;
            if (deadline && fs->now_ns >= deadline) return SV_STATUS_ETIMEDOUT;
        }
    }
}

static uint64_t fake_now(void *ctx) { return ((fake_store_t *)ctx)->now_ns; }

void fake_store_init(fake_store_t *fs, uint32_t domid, uint32_t start_index, uint32_t chunk) {
    memset(fs, 0, sizeof *fs);
    fs->domid = domid;
    fs->chunk = chunk;
    fs->tick_ns = 1000000; /* 1 ms per idle step */
    fs->now_ns = 1000;
    fs->ring.req_cons = fs->ring.req_prod = start_index;
    fs->ring.rsp_cons = fs->ring.rsp_prod = start_index;
    fake_store_current = fs;
    sv_store_transport_t t = {&fs->ring, fake_notify, fake_wait, fake_now, fs};
    sv_store_setup(&t);
}
