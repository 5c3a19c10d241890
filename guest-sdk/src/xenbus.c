/*
 * The connection handshake helpers: Xen's xenbus states in the store, waiting for the peer with a
 * watch and a deadline, and a message that names the device and both states on timeout.
 */
#include "splitvisor/xenbus.h"

#include "splitvisor/abi.h"
#include "splitvisor/printf.h"
#include "splitvisor/store.h"
#include "splitvisor/string.h"
#include "splitvisor/time.h"

static const char *const state_names[] = {
    "Unknown", "Initialising", "InitWait", "Initialised", "Connected", "Closing", "Closed",
    "Reconfiguring", "Reconfigured",
};

const char *sv_xenbus_state_name(int state) {
    if (state < 0 || state >= (int)(sizeof state_names / sizeof state_names[0])) return "Unknown";
    return state_names[state];
}

/* `<path>` if it names a state node, else `<path>/state`. */
static void state_node(char *out, size_t cap, const char *path) {
    size_t n = sv_strlen(path);
    if (n >= 6 && sv_strcmp(path + n - 6, "/state") == 0) sv_strlcpy(out, path, cap);
    else if (sv_strcmp(path, "state") == 0) sv_strlcpy(out, path, cap);
    else sv_snprintf(out, cap, "%s/state", path);
}

/* The directory of a state node. */
static void dir_of(char *out, size_t cap, const char *state_path) {
    sv_strlcpy(out, state_path, cap);
    char *slash = sv_strrchr(out, '/');
    if (slash) *slash = 0;
}

int sv_xenbus_switch_state(const char *dir, int state) {
    char node[SV_STORE_MAX_PATH + 1];
    state_node(node, sizeof node, dir);
    return sv_store_printf(SV_STORE_NO_TX, node, "%d", state);
}

int sv_xenbus_read_state(const char *path, int *state) {
    char node[SV_STORE_MAX_PATH + 1];
    state_node(node, sizeof node, path);
    uint64_t v;
    int rc = sv_store_read_u64(SV_STORE_NO_TX, node, &v);
    if (rc == SV_STATUS_ENOENT || rc == SV_STATUS_EACCES) {
        /* Not there yet (or not readable yet: permissions are often set just after). */
        *state = SV_XENBUS_STATE_UNKNOWN;
        return SV_STATUS_OK;
    }
    if (rc) return rc;
    *state = v > 255 ? SV_XENBUS_STATE_UNKNOWN : (int)v;
    return SV_STATUS_OK;
}

static void on_state_watch(const char *path, const char *token, void *arg) {
    (void)path;
    (void)token;
    *(bool *)arg = true;
}

static unsigned token_counter;

/* Waits for the state at `node`; on timeout prints the message with the given names. */
static int wait_state(const char *node, uint32_t wanted_mask, uint64_t timeout_ns, int *got, const char *name,
                      const char *peer_role, int local_state) {
    char token[32];
    sv_snprintf(token, sizeof token, "sv-xenbus-%u", ++token_counter);
    bool fired = false;
    int rc = sv_store_watch(node, token, on_state_watch, &fired);
    if (rc) return rc;
    uint64_t deadline = timeout_ns ? sv_deadline_in(timeout_ns) : 0;
    int state = SV_XENBUS_STATE_UNKNOWN;
    for (;;) {
        rc = sv_xenbus_read_state(node, &state);
        if (rc) break;
        if (state >= 0 && state < 32 && (wanted_mask & SV_XENBUS_MASK(state))) break;
        fired = false;
        rc = sv_store_wait_watch(deadline);
        if (rc == SV_STATUS_ETIMEDOUT) {
            /* One last look: the change may have landed just now. */
            if (sv_xenbus_read_state(node, &state) == SV_STATUS_OK && state >= 0 && state < 32 &&
                (wanted_mask & SV_XENBUS_MASK(state))) {
                rc = SV_STATUS_OK;
                break;
            }
            if (local_state >= 0) {
                sv_printf("%s: timed out waiting for %s: local state %d (%s), remote state %d (%s)\n", name,
                          peer_role, local_state, sv_xenbus_state_name(local_state), state,
                          sv_xenbus_state_name(state));
            } else {
                sv_printf("%s: timed out waiting for %s: remote state %d (%s)\n", name, peer_role, state,
                          sv_xenbus_state_name(state));
            }
            break;
        }
        if (rc < 0) break;
        rc = SV_STATUS_OK;
    }
    sv_store_unwatch(node, token);
    if (got) *got = state;
    return rc;
}

/* "vbd/0" from ".../device/vbd/0" or ".../backend/vbd/<fe>/0"; else the directory itself. */
static void device_name(char *out, size_t cap, const char *dir, const char **peer_role_out, bool *is_backend) {
    const char *p;
    *is_backend = false;
    if ((p = sv_strstr(dir, "device/")) != NULL && (p == dir || p[-1] == '/')) {
        sv_strlcpy(out, p + 7, cap);
        *peer_role_out = "frontend";
        return;
    }
    if ((p = sv_strstr(dir, "backend/")) != NULL && (p == dir || p[-1] == '/')) {
        /* type/fe/id -> type/id */
        char tmp[SV_STORE_MAX_PATH + 1];
        sv_strlcpy(tmp, p + 8, sizeof tmp);
        char *s1 = sv_strchr(tmp, '/');
        char *s2 = s1 ? sv_strchr(s1 + 1, '/') : NULL;
        if (s1 && s2) {
            *s1 = 0;
            sv_snprintf(out, cap, "%s/%s", tmp, s2 + 1);
        } else {
            sv_strlcpy(out, tmp, cap);
        }
        *peer_role_out = "backend";
        *is_backend = true;
        return;
    }
    sv_strlcpy(out, dir, cap);
    *peer_role_out = "peer";
}

int sv_xenbus_wait_state(const char *path, uint32_t wanted_mask, uint64_t timeout_ns, int *got) {
    char node[SV_STORE_MAX_PATH + 1];
    char dir[SV_STORE_MAX_PATH + 1];
    char name[128];
    const char *peer_role;
    bool peer_is_backend;
    state_node(node, sizeof node, path);
    dir_of(dir, sizeof dir, node);
    device_name(name, sizeof name, dir, &peer_role, &peer_is_backend);
    /* Our own state: the peer's directory names ours (`frontend` in a backend's, `backend` in a
     * frontend's). */
    int local_state = -1;
    char key[SV_STORE_MAX_PATH + 1];
    char local_dir[SV_STORE_MAX_PATH + 1];
    sv_snprintf(key, sizeof key, "%s/%s", dir, peer_is_backend ? "frontend" : "backend");
    if (sv_strcmp(peer_role, "peer") != 0 && sv_store_read(SV_STORE_NO_TX, key, local_dir, sizeof local_dir) > 0) {
        int s;
        if (sv_xenbus_read_state(local_dir, &s) == SV_STATUS_OK) local_state = s;
        bool dummy;
        const char *ignored;
        device_name(name, sizeof name, local_dir, &ignored, &dummy);
    }
    return wait_state(node, wanted_mask, timeout_ns, got, name, peer_role, local_state);
}

void sv_xenbus_device_init(sv_xenbus_device_t *dev, const char *name, const char *dir, const char *otherend,
                           uint32_t otherend_id, const char *peer_role) {
    sv_memset(dev, 0, sizeof *dev);
    sv_strlcpy(dev->name, name, sizeof dev->name);
    sv_strlcpy(dev->dir, dir, sizeof dev->dir);
    sv_strlcpy(dev->otherend, otherend, sizeof dev->otherend);
    sv_strlcpy(dev->peer_role, peer_role ? peer_role : "peer", sizeof dev->peer_role);
    dev->otherend_id = otherend_id;
    dev->local_state = SV_XENBUS_STATE_UNKNOWN;
}

int sv_xenbus_frontend_init(sv_xenbus_device_t *dev, const char *dir) {
    char key[SV_STORE_MAX_PATH + 1];
    char backend[256];
    uint64_t backend_id;
    sv_snprintf(key, sizeof key, "%s/backend", dir);
    int rc = sv_store_read(SV_STORE_NO_TX, key, backend, sizeof backend);
    if (rc < 0) return rc;
    sv_snprintf(key, sizeof key, "%s/backend-id", dir);
    rc = sv_store_read_u64(SV_STORE_NO_TX, key, &backend_id);
    if (rc < 0) return rc;
    char name[128];
    const char *role;
    bool is_backend;
    device_name(name, sizeof name, dir, &role, &is_backend);
    sv_xenbus_device_init(dev, name, dir, backend, (uint32_t)backend_id, "backend");
    int s;
    if (sv_xenbus_read_state(dir, &s) == SV_STATUS_OK) dev->local_state = s;
    return SV_STATUS_OK;
}

int sv_xenbus_set_state(sv_xenbus_device_t *dev, int state) {
    int rc = sv_xenbus_switch_state(dev->dir, state);
    if (rc == SV_STATUS_OK) dev->local_state = state;
    return rc;
}

int sv_xenbus_wait_peer(sv_xenbus_device_t *dev, uint32_t wanted_mask, uint64_t timeout_ns, int *got) {
    char node[SV_STORE_MAX_PATH + 1];
    state_node(node, sizeof node, dev->otherend);
    return wait_state(node, wanted_mask, timeout_ns, got, dev->name, dev->peer_role, dev->local_state);
}
