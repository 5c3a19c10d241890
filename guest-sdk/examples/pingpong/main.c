/*
 * pingpong: two domains, one shared page, one event channel, strict alternation.
 *
 *   role=ping peer=<pong's domid>   allocates a page, grants it to the peer, allocates an unbound
 *                                   event channel for the peer, publishes both in the store
 *   role=pong peer=<ping's domid>   finds them, maps the page, binds the channel
 *   rounds=N                        round trips (default 100000)
 *   timeout=S                       seconds to wait for the peer (default 60)
 *
 * Without peer=, ping assumes the peer is domid + 1 and pong domid - 1.
 *
 * Store keys (paths under each domain's home /local/domain/<domid>):
 *   ping: data/pingpong/gref    the grant reference of the shared page (decimal)
 *         data/pingpong/port    the unbound event-channel port offered to pong (decimal)
 *         data/pingpong/state   xenbus state: 3 (Initialised) once published, 6 (Closed) at the end
 *   pong: data/pingpong/state   1 (Initialising), 4 (Connected) once mapped and bound, 6 at the end
 * Each side writes its keys in one transaction that also sets their permissions to
 * [{self, none}, {peer, read}], so the peer may read them (and nobody else).
 *
 * The exchange: a counter in the shared page, even when it is ping's turn and odd when it is
 * pong's. Each side waits for its turn, checks the counter holds exactly the value it expects
 * (strict alternation: nothing skipped, nothing repeated), increments it and rings the peer's
 * doorbell. After N round trips the counter is 2N; both sides check the other's send count too.
 * Then pong unmaps the page and ping revokes the grant (which only succeeds once it is unmapped).
 * Both print "pingpong: N round trips ok" and exit 0; any mismatch prints "pingpong: FAILED: ..."
 * and exits 1.
 */
#include <splitvisor/sdk.h>

#define PAGE_MAGIC 0x474E4F50474E4950ull /* "PINGPONG" */

typedef struct shared_page {
    uint64_t magic;
    uint64_t counter;      /* even: ping's turn, odd: pong's turn */
    uint64_t ping_sends;
    uint64_t pong_sends;
    uint32_t pong_ready;
    uint32_t pong_done;
} shared_page_t;

static volatile uint64_t events_seen;
static shared_page_t *page;
static uint64_t rounds;
static uint64_t stall_ns;            /* give up after this long without progress */
static uint64_t deadline;            /* the current no-progress deadline */
static uint64_t counter_at_deadline; /* the counter when it was set */
static uint32_t self_id, peer_id;

static void on_event(uint32_t port, void *arg) {
    (void)port;
    (void)arg;
    events_seen++;
}

static int failed(const char *what, int status) {
    if (status) sv_printf("pingpong: FAILED: %s (%s)\n", what, sv_status_name(status));
    else sv_printf("pingpong: FAILED: %s\n", what);
    return 1;
}

static uint64_t load_counter(void) { return __atomic_load_n(&page->counter, __ATOMIC_ACQUIRE); }

static bool counter_reached(void *arg) { return load_counter() >= *(uint64_t *)arg; }

/* Waits for the counter to reach `expected` and checks it is exactly that. */
static int await_turn(uint64_t expected) {
    for (;;) {
        /* One deadline for many rounds (re-arming the timer every round would double the exits);
         * it moves on whenever the counter has moved since it was set. */
        if (sv_wait(counter_reached, &expected, deadline) == SV_STATUS_OK) break;
        uint64_t now_counter = load_counter();
        if (now_counter != counter_at_deadline) {
            counter_at_deadline = now_counter;
            deadline = sv_deadline_in(stall_ns);
            continue;
        }
        sv_printf("pingpong: FAILED: no progress for %lu s waiting for the counter to reach %lu (it is %lu)\n",
                  (unsigned long)(stall_ns / SV_NS_PER_SEC), (unsigned long)expected, (unsigned long)now_counter);
        return 1;
    }
    uint64_t got = load_counter();
    if (got != expected) {
        sv_printf("pingpong: FAILED: strict alternation broken: expected counter %lu, found %lu\n",
                  (unsigned long)expected, (unsigned long)got);
        return 1;
    }
    return 0;
}

static int set_perms(uint32_t tx, const char *path) {
    sv_store_permission_t perms[2] = {{.domid = self_id, .access = SV_STORE_ACCESS_NONE},
                                      {.domid = peer_id, .access = SV_STORE_ACCESS_READ}};
    return sv_store_set_perms(tx, path, perms, 2);
}

/* ---- ping ---- */

typedef struct offer {
    sv_grant_ref_t gref;
    uint32_t port;
} offer_t;

static int publish_offer(uint32_t tx, void *arg) {
    offer_t *o = arg;
    int rc;
    if ((rc = sv_store_printf(tx, "data/pingpong/gref", "%u", o->gref))) return rc;
    if ((rc = sv_store_printf(tx, "data/pingpong/port", "%u", o->port))) return rc;
    if ((rc = sv_store_printf(tx, "data/pingpong/state", "%d", SV_XENBUS_STATE_INITIALISED))) return rc;
    if ((rc = set_perms(tx, "data/pingpong"))) return rc;
    if ((rc = set_perms(tx, "data/pingpong/gref"))) return rc;
    if ((rc = set_perms(tx, "data/pingpong/port"))) return rc;
    return set_perms(tx, "data/pingpong/state");
}

static int run_ping(uint64_t timeout_ns) {
    page = sv_page_alloc_zeroed(1);
    if (!page) return failed("no page for the shared page", 0);
    page->magic = PAGE_MAGIC;

    offer_t o;
    int rc = sv_grant_access((uint16_t)peer_id, (uint64_t)(uintptr_t)page, false, &o.gref);
    if (rc) return failed("granting the shared page", rc);
    rc = sv_evtchn_alloc_unbound(peer_id, &o.port);
    if (rc) return failed("allocating an unbound event channel", rc);
    sv_evtchn_bind_handler(o.port, on_event, NULL);
    sv_printf("pingpong: ping (domain %u): granted page 0x%lx as ref %u, offering port %u to domain %u\n",
              self_id, (unsigned long)(uintptr_t)page, o.gref, o.port, peer_id);

    unsigned attempts;
    rc = sv_store_transaction(publish_offer, &o, &attempts);
    if (rc) return failed("publishing data/pingpong in the store", rc);
    sv_printf("pingpong: published %s/data/pingpong/{gref,port,state} (transaction, %u attempt%s)\n",
              sv_home_path(), attempts, attempts == 1 ? "" : "s");

    char peer_dir[64];
    sv_snprintf(peer_dir, sizeof peer_dir, "/local/domain/%u/data/pingpong", peer_id);
    sv_xenbus_device_t dev;
    sv_xenbus_device_init(&dev, "pingpong", "data/pingpong", peer_dir, peer_id, "pong");
    dev.local_state = SV_XENBUS_STATE_INITIALISED;
    rc = sv_xenbus_wait_peer(&dev, SV_XENBUS_MASK(SV_XENBUS_STATE_CONNECTED), timeout_ns, NULL);
    if (rc) return failed("waiting for pong to connect", rc);
    if (!__atomic_load_n(&page->pong_ready, __ATOMIC_ACQUIRE)) return failed("pong connected but did not mark the page", 0);
    sv_printf("pingpong: pong connected; exchanging %lu round trips\n", (unsigned long)rounds);

    uint64_t t0 = sv_time_ns();
    deadline = t0 + stall_ns;
    counter_at_deadline = load_counter();
    for (uint64_t i = 0; i < rounds; i++) {
        if (await_turn(2 * i)) return 1;
        page->ping_sends++;
        __atomic_store_n(&page->counter, 2 * i + 1, __ATOMIC_RELEASE);
        sv_evtchn_send(o.port);
        if (rounds >= 4 && (i + 1) % (rounds / 4) == 0 && i + 1 < rounds) {
            sv_printf("pingpong: ping: %lu round trips\n", (unsigned long)(i + 1));
        }
    }
    if (await_turn(2 * rounds)) return 1;
    uint64_t t1 = sv_time_ns();
    if (page->pong_sends != rounds || page->ping_sends != rounds) {
        sv_printf("pingpong: FAILED: send counts ping %lu, pong %lu, expected %lu each\n",
                  (unsigned long)page->ping_sends, (unsigned long)page->pong_sends, (unsigned long)rounds);
        return 1;
    }
    uint64_t us = (t1 - t0) / 1000;
    sv_printf("pingpong: ping: %lu round trips in %lu ms (%lu ns each), %lu events seen\n", (unsigned long)rounds,
              (unsigned long)(us / 1000), (unsigned long)(rounds ? (t1 - t0) / rounds : 0),
              (unsigned long)events_seen);

    /* The grant can only be revoked once pong has unmapped the page. */
    rc = sv_grant_end_access_wait(o.gref, timeout_ns);
    if (rc) return failed("revoking the grant (pong never unmapped the page)", rc);
    sv_printf("pingpong: grant %u revoked after pong unmapped it\n", o.gref);
    sv_evtchn_close(o.port);
    sv_xenbus_set_state(&dev, SV_XENBUS_STATE_CLOSED);
    sv_page_free(page, 1);
    sv_printf("pingpong: %lu round trips ok\n", (unsigned long)rounds);
    return 0;
}

/* ---- pong ---- */

static int announce(uint32_t tx, void *arg) {
    int state = *(int *)arg;
    int rc = sv_store_printf(tx, "data/pingpong/state", "%d", state);
    if (rc) return rc;
    if ((rc = set_perms(tx, "data/pingpong"))) return rc;
    return set_perms(tx, "data/pingpong/state");
}

static int run_pong(uint64_t timeout_ns) {
    int state = SV_XENBUS_STATE_INITIALISING;
    int rc = sv_store_transaction(announce, &state, NULL);
    if (rc) return failed("publishing data/pingpong/state", rc);

    char peer_dir[64], key[96];
    sv_snprintf(peer_dir, sizeof peer_dir, "/local/domain/%u/data/pingpong", peer_id);
    sv_xenbus_device_t dev;
    sv_xenbus_device_init(&dev, "pingpong", "data/pingpong", peer_dir, peer_id, "ping");
    dev.local_state = SV_XENBUS_STATE_INITIALISING;
    sv_printf("pingpong: pong (domain %u): waiting for ping (domain %u) in %s\n", self_id, peer_id, peer_dir);
    rc = sv_xenbus_wait_peer(&dev, SV_XENBUS_MASK(SV_XENBUS_STATE_INITIALISED) | SV_XENBUS_MASK(SV_XENBUS_STATE_CONNECTED),
                             timeout_ns, NULL);
    if (rc) return failed("waiting for ping to publish", rc);

    uint64_t gref, remote_port;
    sv_snprintf(key, sizeof key, "%s/gref", peer_dir);
    if ((rc = sv_store_read_u64(SV_STORE_NO_TX, key, &gref))) return failed("reading ping's gref", rc);
    sv_snprintf(key, sizeof key, "%s/port", peer_dir);
    if ((rc = sv_store_read_u64(SV_STORE_NO_TX, key, &remote_port))) return failed("reading ping's port", rc);

    sv_grant_mapping_t map;
    rc = sv_grant_map((uint16_t)peer_id, (sv_grant_ref_t)gref, false, &map);
    if (rc) return failed("mapping ping's grant", rc);
    page = map.addr;
    if (page->magic != PAGE_MAGIC) return failed("the mapped page does not hold ping's magic", 0);
    uint32_t port;
    rc = sv_evtchn_bind_interdomain(peer_id, (uint32_t)remote_port, &port);
    if (rc) return failed("binding ping's event channel", rc);
    sv_evtchn_bind_handler(port, on_event, NULL);
    sv_printf("pingpong: pong: mapped ref %lu at %p, bound port %lu as local port %u\n", (unsigned long)gref,
              map.addr, (unsigned long)remote_port, port);

    __atomic_store_n(&page->pong_ready, 1, __ATOMIC_RELEASE);
    if ((rc = sv_xenbus_set_state(&dev, SV_XENBUS_STATE_CONNECTED))) return failed("writing state Connected", rc);

    deadline = sv_deadline_in(stall_ns);
    counter_at_deadline = load_counter();
    for (uint64_t i = 0; i < rounds; i++) {
        if (await_turn(2 * i + 1)) return 1;
        page->pong_sends++;
        __atomic_store_n(&page->counter, 2 * i + 2, __ATOMIC_RELEASE);
        sv_evtchn_send(port);
    }
    if (page->ping_sends != rounds || page->pong_sends != rounds) {
        sv_printf("pingpong: FAILED: send counts ping %lu, pong %lu, expected %lu each\n",
                  (unsigned long)page->ping_sends, (unsigned long)page->pong_sends, (unsigned long)rounds);
        return 1;
    }
    __atomic_store_n(&page->pong_done, 1, __ATOMIC_RELEASE);
    page = NULL;
    if ((rc = sv_grant_unmap(&map))) return failed("unmapping the shared page", rc);
    sv_evtchn_close(port);
    sv_xenbus_set_state(&dev, SV_XENBUS_STATE_CLOSED);
    sv_printf("pingpong: pong: %lu events seen\n", (unsigned long)events_seen);
    sv_printf("pingpong: %lu round trips ok\n", (unsigned long)rounds);
    return 0;
}

int main(void) {
    char role[16] = "";
    self_id = sv_domid();
    sv_cmdline_get("role", role, sizeof role);
    bool ping = sv_strcmp(role, "ping") == 0;
    if (!ping && sv_strcmp(role, "pong") != 0) {
        sv_printf("pingpong: usage: role=ping|pong [peer=<domid>] [rounds=N] [timeout=seconds]\n");
        return 2;
    }
    peer_id = (uint32_t)sv_cmdline_get_u64("peer", ping ? self_id + 1 : self_id - 1);
    rounds = sv_cmdline_get_u64("rounds", 100000);
    uint64_t timeout_ns = sv_cmdline_get_u64("timeout", 60) * SV_NS_PER_SEC;
    if (!sv_store_available()) return failed("no store", 0);
    stall_ns = timeout_ns;
    return ping ? run_ping(timeout_ns) : run_pong(timeout_ns);
}
