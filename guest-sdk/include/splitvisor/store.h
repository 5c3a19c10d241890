/*
 * splitvisor/store.h: the store client (ABI.md section 9).
 *
 * Requests travel over the store ring (StartInfo.store_ring_gpa) as a 4-byte little-endian length
 * and a protobuf StoreRequest; the store answers with StoreServerMessage: a StoreResponse for each
 * request, in order, or a StoreWatchEvent at any time. Messages may wrap around the 1024-byte
 * rings and may be larger than them: they are sent and received in pieces, waiting on the store
 * event channel for room or data. One request is outstanding at a time.
 *
 * Every call returns SV_STATUS_OK (0) or a negative SV_STATUS_* (the store's own errors such as
 * ENOENT, EACCES, EAGAIN; ETIMEDOUT when the store does not answer within the client timeout;
 * EIO when the ring is broken; EBUSY when called from an event handler, which must not wait).
 *
 * `tx` is a transaction id from sv_store_transaction_start, or SV_STORE_NO_TX. Paths are
 * absolute ("/local/domain/3/data/x") or relative to the domain's home ("data/x").
 *
 * Watches: watch events are queued as they arrive (also while waiting for a response, so none is
 * lost) and delivered to the watch's callback by sv_store_dispatch_watches() or while waiting in
 * sv_store_wait_watch() / sv_xenbus_wait_state(); never from inside another store call. When the
 * queue overflows, identical events are merged and otherwise the watch gets one event for its own
 * path, so a callback always learns that something below its path changed.
 */
#ifndef SPLITVISOR_STORE_H
#define SPLITVISOR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "splitvisor/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SV_STORE_NO_TX 0u
/* How many times sv_store_transaction runs its function before giving up with EAGAIN. */
#define SV_STORE_TX_MAX_ATTEMPTS 64
/* Registered watches and queued watch events. */
#define SV_STORE_MAX_WATCHES 32
#define SV_STORE_EVENT_QUEUE 32
/* Largest value: StoreWrite.value / StoreResponse.value. */
#define SV_STORE_MAX_VALUE 2048
#define SV_STORE_MAX_PATH 512

/* How the client reaches its ring: the runtime uses the store event channel; tests use a fake. */
typedef struct sv_store_transport {
    sv_store_ring_t *ring;
    /* Tell the store that the ring changed (send on the store event channel). */
    void (*notify)(void *ctx);
    /* Wait until ready(arg) is true or deadline_ns passes (0: no deadline); returns 0, or
     * SV_STATUS_ETIMEDOUT. ready() looks at the ring, so it must be tested with the wakeup armed
     * (sv_wait does that). May return early: the client tests again. */
    int (*wait)(void *ctx, uint64_t deadline_ns, bool (*ready)(void *arg), void *arg);
    /* The monotonic time, for deadlines. */
    uint64_t (*now)(void *ctx);
    void *ctx;
} sv_store_transport_t;

/* Connects the client to a transport and forgets any earlier state. */
void sv_store_setup(const sv_store_transport_t *transport);
/* Connects to the domain's store ring (the runtime does this before main if there is a ring). */
int sv_store_setup_default(void);
bool sv_store_available(void);
/* Per-request timeout (default 30 s; 0 = wait forever). */
void sv_store_set_timeout(uint64_t timeout_ns);

/* ---- operations ---- */
/* Reads a value as a NUL-terminated string. Returns its length (>= 0), SV_STATUS_ERANGE when it
 * does not fit cap (including the NUL), or an error. */
int sv_store_read(uint32_t tx, const char *path, char *buf, size_t cap);
/* Reads raw bytes; *len gets the value's length. */
int sv_store_read_bytes(uint32_t tx, const char *path, void *buf, size_t cap, size_t *len);
/* Reads a decimal (or 0x-hex) number; SV_STATUS_EINVAL when the value is not one. */
int sv_store_read_u64(uint32_t tx, const char *path, uint64_t *value);
int sv_store_write(uint32_t tx, const char *path, const char *value);
int sv_store_write_bytes(uint32_t tx, const char *path, const void *value, size_t len);
int sv_store_printf(uint32_t tx, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int sv_store_mkdir(uint32_t tx, const char *path);
int sv_store_remove(uint32_t tx, const char *path);
/* The names of path's children. */
int sv_store_directory(uint32_t tx, const char *path, sv_store_directory_listing_t *out);
int sv_store_get_perms(uint32_t tx, const char *path, sv_store_permissions_t *out);
/* perms[0] names the owner and the access of unlisted domains. */
int sv_store_set_perms(uint32_t tx, const char *path, const sv_store_permission_t *perms, size_t count);
/* Whether path exists (reads it; a directory counts). */
bool sv_store_exists(uint32_t tx, const char *path);

/* ---- transactions ---- */
int sv_store_transaction_start(uint32_t *tx);
/* Commits (commit true) or aborts. SV_STATUS_EAGAIN: the commit conflicted; start again. */
int sv_store_transaction_end(uint32_t tx, bool commit);
/* Runs fn in a transaction and commits it, starting again from scratch when the commit (or an
 * operation inside) answers SV_STATUS_EAGAIN, up to SV_STORE_TX_MAX_ATTEMPTS times. A negative
 * return from fn aborts the transaction and is returned. *attempts (may be NULL) gets the number
 * of runs. */
typedef int (*sv_store_tx_fn_t)(uint32_t tx, void *arg);
int sv_store_transaction(sv_store_tx_fn_t fn, void *arg, unsigned *attempts);

/* ---- watches ---- */
typedef void (*sv_store_watch_cb_t)(const char *path, const char *token, void *arg);
/* Watches path and everything below it; token must be unique among this domain's watches. The
 * store fires one event at once, then one per change. */
int sv_store_watch(const char *path, const char *token, sv_store_watch_cb_t cb, void *arg);
int sv_store_unwatch(const char *path, const char *token);
/* Delivers queued watch events (reading whatever the ring holds first); returns how many. */
int sv_store_dispatch_watches(void);
/* Waits until at least one watch event arrives or deadline_ns passes (0 = none), then delivers
 * them. Returns the number delivered (> 0) or SV_STATUS_ETIMEDOUT. */
int sv_store_wait_watch(uint64_t deadline_ns);

/* ---- diagnostics ---- */
typedef struct sv_store_stats {
    uint64_t requests;
    uint64_t responses;
    uint64_t watch_events;
    uint64_t watch_events_merged;   /* dropped as duplicates of a queued event */
    uint64_t watch_overflows;       /* the queue was full: turned into an event for the watch path */
    uint64_t stray_messages;        /* responses nobody waited for, events for unknown tokens */
    uint64_t tx_retries;
} sv_store_stats_t;
const sv_store_stats_t *sv_store_stats(void);

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_STORE_H */
