/*
 * An in-process fake of the store's end of the store ring, for the host tests of the store
 * client and the xenbus helpers. It reads length-prefixed StoreRequests from req[], keeps a small
 * tree of values, answers with StoreServerMessages in rsp[], and can be scripted: how many bytes
 * it moves per step (so messages wrap and arrive in pieces), extra messages to send before the
 * next response (watch events, stray responses, garbage), commits that fail with EAGAIN, a stall.
 * Time is a fake clock that advances while the client waits and nothing moves.
 */
#ifndef SV_FAKE_STORE_H
#define SV_FAKE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "splitvisor/abi.h"
#include "splitvisor/store.h"

#define FAKE_MAX_NODES 256
#define FAKE_MAX_WATCHES 32
#define FAKE_OUT_BYTES (64 * 1024)

typedef struct fake_node {
    bool used;
    char path[SV_STORE_MAX_PATH + 1];
    uint8_t value[SV_STORE_MAX_VALUE];
    uint32_t len;
    uint32_t perms_count;
    sv_store_permission_t perms[16];
} fake_node_t;

typedef struct fake_store {
    sv_store_ring_t ring;
    uint32_t domid;               /* relative paths resolve under /local/domain/<domid> */
    uint32_t chunk;               /* bytes moved per step in each direction (0 = everything) */
    bool stalled;                 /* reads nothing, answers nothing */
    uint64_t now_ns;              /* the fake clock */
    uint64_t tick_ns;             /* how far it moves per idle wait step */

    /* Requests seen. */
    uint32_t requests;
    sv_store_request_t last_request;
    uint32_t max_request_len;

    fake_node_t nodes[FAKE_MAX_NODES];
    struct {
        bool used;
        char path[SV_STORE_MAX_PATH + 1];
        char token[65];
    } watches[FAKE_MAX_WATCHES];
    uint32_t next_tx;
    int fail_commits;             /* this many commits answer EAGAIN */
    int commits, aborts;

    /* Called after each request is handled (before its response is queued): scripts use it to
     * change the tree "from another domain" or queue extra output. */
    void (*after_request)(struct fake_store *fs, const sv_store_request_t *req);
    void *script_ctx;

    /* Output waiting to be written into rsp[]. */
    uint8_t out[FAKE_OUT_BYTES];
    uint32_t out_len;
    uint32_t out_pos;

    /* Input being assembled from req[]. */
    uint8_t in_prefix[4];
    uint32_t in_prefix_have;
    uint32_t in_len, in_have;
    uint8_t in[SV_STORE_MAX_MESSAGE];
    bool protocol_error;

    uint32_t notifies;
} fake_store_t;

/* Sets up the fake (ring indices start at `start_index`, e.g. near 2^32 to test wrapping) and
 * points the store client at it. */
void fake_store_init(fake_store_t *fs, uint32_t domid, uint32_t start_index, uint32_t chunk);
/* Moves bytes once each way and answers what is complete; true when anything moved. */
bool fake_store_step(fake_store_t *fs);

/* Queues raw server output: a StoreServerMessage, a watch event, or arbitrary bytes. */
void fake_store_queue_message(fake_store_t *fs, const sv_store_server_message_t *m);
void fake_store_queue_event(fake_store_t *fs, const char *path, const char *token);
void fake_store_queue_raw(fake_store_t *fs, const void *bytes, size_t len);

/* The tree. Paths are absolute or relative to the domain's home. */
fake_node_t *fake_store_lookup(fake_store_t *fs, const char *path);
void fake_store_set(fake_store_t *fs, const char *path, const char *value);
/* Writes a value as another domain would: fires the matching watches. */
void fake_store_write_external(fake_store_t *fs, const char *path, const char *value);

/* The fake clock, as sv_time_ns in the xenbus test. */
extern fake_store_t *fake_store_current;

#endif /* SV_FAKE_STORE_H */
