/*
 * storeplay: the store client end to end in one domain: values, directories, a value larger than
 * the ring, permissions, watches, transactions (one that commits, one that conflicts, and one that
 * conflicts and is retried by sv_store_transaction), and removal. Every step prints a line
 * "storeplay: step N: ..." and "ok"; the last line is "storeplay: ok", or
 * "storeplay: FAILED: ..." with exit code 1.
 *
 * Everything lives under the domain's home: data/storeplay/...
 */
#include <splitvisor/sdk.h>

#define BASE "data/storeplay"
#define WAIT_NS (10 * SV_NS_PER_SEC)

static int step_no;

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            sv_printf("storeplay: FAILED: step %d: ", step_no);               \
            sv_printf(__VA_ARGS__);                                           \
            sv_printf("\n");                                                  \
            return 1;                                                         \
        }                                                                     \
    } while (0)

#define CHECK_RC(rc, what) CHECK((rc) == SV_STATUS_OK, "%s: %s", what, sv_status_name(rc))

static void step(const char *what) { sv_printf("storeplay: step %d: %s\n", ++step_no, what); }

/* ---- watches ---- */

static int watch_events;
static char last_path[SV_STORE_MAX_PATH + 1];
static char last_token[65];

static void on_watch(const char *path, const char *token, void *arg) {
    (void)arg;
    watch_events++;
    sv_strlcpy(last_path, path, sizeof last_path);
    sv_strlcpy(last_token, token, sizeof last_token);
    sv_printf("storeplay:   watch event: path %s token %s\n", path, token);
}

/* Waits until the watch callback has seen at least n events in all. */
static int wait_events(int n) {
    uint64_t deadline = sv_deadline_in(WAIT_NS);
    while (watch_events < n) {
        int rc = sv_store_wait_watch(deadline);
        if (rc < 0) return rc;
    }
    return SV_STATUS_OK;
}

/* ---- transactions ---- */

static int tx_increment(uint32_t tx, void *arg) {
    (void)arg;
    uint64_t v;
    int rc = sv_store_read_u64(tx, BASE "/counter", &v);
    if (rc) return rc;
    return sv_store_printf(tx, BASE "/counter", "%lu", (unsigned long)(v + 1));
}

static int interfering_runs;

/* Reads the counter inside the transaction; on the first run, changes it behind the
 * transaction's back (outside it), so the commit must fail with EAGAIN and be retried. */
static int tx_increment_with_interference(uint32_t tx, void *arg) {
    (void)arg;
    uint64_t v;
    int rc = sv_store_read_u64(tx, BASE "/counter", &v);
    if (rc) return rc;
    if (interfering_runs++ == 0) {
        uint64_t outside;
        rc = sv_store_read_u64(SV_STORE_NO_TX, BASE "/counter", &outside);
        if (rc) return rc;
        rc = sv_store_printf(SV_STORE_NO_TX, BASE "/counter", "%lu", (unsigned long)(outside + 1000));
        if (rc) return rc;
        sv_printf("storeplay:   attempt 1: read %lu in the transaction, wrote %lu outside it\n", (unsigned long)v,
                  (unsigned long)(outside + 1000));
    } else {
        sv_printf("storeplay:   attempt %d: read %lu in the transaction\n", interfering_runs, (unsigned long)v);
    }
    return sv_store_printf(tx, BASE "/counter", "%lu", (unsigned long)(v + 1));
}

static bool listing_has(const sv_store_directory_listing_t *l, const char *name) {
    for (uint32_t i = 0; i < l->children_count; i++) {
        if (sv_strcmp(l->children[i], name) == 0) return true;
    }
    return false;
}

int main(void) {
    static char buf[SV_STORE_MAX_VALUE + 1];
    static char big[SV_STORE_MAX_VALUE + 1];
    int rc;
    uint64_t v;
    sv_printf("storeplay: domain %u, home %s\n", sv_domid(), sv_home_path());
    CHECK(sv_store_available(), "no store ring");
    sv_store_remove(SV_STORE_NO_TX, BASE); /* leftovers of an earlier run, if any */

    step("write and read a value");
    rc = sv_store_write(SV_STORE_NO_TX, BASE "/greeting", "hello, store");
    CHECK_RC(rc, "write " BASE "/greeting");
    rc = sv_store_read(SV_STORE_NO_TX, BASE "/greeting", buf, sizeof buf);
    CHECK(rc == 12 && sv_strcmp(buf, "hello, store") == 0, "read back \"%s\" (%d)", buf, rc);
    sv_printf("storeplay:   %s = \"%s\"\n", BASE "/greeting", buf);

    step("a missing node reads as ENOENT");
    rc = sv_store_read(SV_STORE_NO_TX, BASE "/no-such-node", buf, sizeof buf);
    CHECK(rc == SV_STATUS_ENOENT, "expected ENOENT, got %s", sv_status_name(rc));

    step("directory listing");
    CHECK_RC(sv_store_write(SV_STORE_NO_TX, BASE "/list/a", "1"), "write list/a");
    CHECK_RC(sv_store_write(SV_STORE_NO_TX, BASE "/list/b", "2"), "write list/b");
    CHECK_RC(sv_store_write(SV_STORE_NO_TX, BASE "/list/c", "3"), "write list/c");
    static sv_store_directory_listing_t listing;
    rc = sv_store_directory(SV_STORE_NO_TX, BASE "/list", &listing);
    CHECK_RC(rc, "directory " BASE "/list");
    CHECK(listing.children_count == 3 && listing_has(&listing, "a") && listing_has(&listing, "b") &&
              listing_has(&listing, "c"),
          "listing has %u children", listing.children_count);
    sv_printf("storeplay:   %s: %s %s %s\n", BASE "/list", listing.children[0], listing.children[1],
              listing.children[2]);

    step("a value larger than the ring (sent and received in pieces)");
    for (int i = 0; i < SV_STORE_MAX_VALUE; i++) big[i] = (char)('a' + (i * 7) % 26);
    big[SV_STORE_MAX_VALUE] = 0;
    CHECK_RC(sv_store_write(SV_STORE_NO_TX, BASE "/big", big), "write big");
    rc = sv_store_read(SV_STORE_NO_TX, BASE "/big", buf, sizeof buf);
    CHECK(rc == SV_STORE_MAX_VALUE && sv_memcmp(buf, big, SV_STORE_MAX_VALUE) == 0, "big value came back as %d bytes",
          rc);
    sv_printf("storeplay:   %d bytes round-tripped\n", rc);

    step("permissions");
    static sv_store_permissions_t perms;
    CHECK_RC(sv_store_get_perms(SV_STORE_NO_TX, BASE "/greeting", &perms), "get_perms");
    CHECK(perms.perms_count >= 1 && perms.perms[0].domid == sv_domid(), "owner is %u, expected %u",
          perms.perms_count ? perms.perms[0].domid : 0, sv_domid());
    sv_store_permission_t p[2] = {{.domid = sv_domid(), .access = SV_STORE_ACCESS_NONE},
                                  {.domid = 0, .access = SV_STORE_ACCESS_READ}};
    CHECK_RC(sv_store_set_perms(SV_STORE_NO_TX, BASE "/greeting", p, 2), "set_perms");
    CHECK_RC(sv_store_get_perms(SV_STORE_NO_TX, BASE "/greeting", &perms), "get_perms");
    CHECK(perms.perms_count == 2 && perms.perms[1].domid == 0 && perms.perms[1].access == SV_STORE_ACCESS_READ,
          "permissions did not stick (%u entries)", perms.perms_count);
    sv_printf("storeplay:   owner %u, domain 0 may read\n", perms.perms[0].domid);

    step("watch: one event at once, then one per change");
    CHECK_RC(sv_store_mkdir(SV_STORE_NO_TX, BASE "/watched"), "mkdir watched");
    rc = sv_store_watch(BASE "/watched", "storeplay-watch", on_watch, NULL);
    CHECK_RC(rc, "watch");
    CHECK_RC(wait_events(1), "waiting for the initial watch event");
    CHECK(sv_strcmp(last_token, "storeplay-watch") == 0, "token %s", last_token);
    int before = watch_events;
    CHECK_RC(sv_store_write(SV_STORE_NO_TX, BASE "/watched/x", "changed"), "write watched/x");
    CHECK_RC(wait_events(before + 1), "waiting for the change event");
    CHECK(sv_str_starts_with(last_path, sv_home_path()) || sv_str_starts_with(last_path, BASE),
          "event path %s", last_path);
    CHECK(sv_strstr(last_path, "watched") != NULL, "event path %s", last_path);
    CHECK_RC(sv_store_unwatch(BASE "/watched", "storeplay-watch"), "unwatch");
    before = watch_events;
    CHECK_RC(sv_store_write(SV_STORE_NO_TX, BASE "/watched/y", "unseen"), "write watched/y");
    sv_store_dispatch_watches();
    CHECK(watch_events == before, "an event arrived after unwatch");

    step("transaction that commits");
    CHECK_RC(sv_store_write(SV_STORE_NO_TX, BASE "/counter", "0"), "write counter");
    unsigned attempts;
    rc = sv_store_transaction(tx_increment, NULL, &attempts);
    CHECK_RC(rc, "transaction");
    CHECK_RC(sv_store_read_u64(SV_STORE_NO_TX, BASE "/counter", &v), "read counter");
    CHECK(v == 1 && attempts == 1, "counter %lu after %u attempts", (unsigned long)v, attempts);
    sv_printf("storeplay:   counter = %lu after %u attempt\n", (unsigned long)v, attempts);

    step("conflicting transaction answers EAGAIN");
    uint32_t tx;
    CHECK_RC(sv_store_transaction_start(&tx), "transaction_start");
    CHECK_RC(sv_store_read_u64(tx, BASE "/counter", &v), "read in transaction");
    CHECK_RC(sv_store_write(SV_STORE_NO_TX, BASE "/counter", "100"), "write outside the transaction");
    CHECK_RC(sv_store_printf(tx, BASE "/counter", "%lu", (unsigned long)(v + 1)), "write in transaction");
    rc = sv_store_transaction_end(tx, true);
    CHECK(rc == SV_STATUS_EAGAIN, "commit answered %s, expected EAGAIN", sv_status_name(rc));
    CHECK_RC(sv_store_read_u64(SV_STORE_NO_TX, BASE "/counter", &v), "read counter");
    CHECK(v == 100, "counter %lu, expected the outside write (100)", (unsigned long)v);
    sv_printf("storeplay:   commit answered EAGAIN; counter kept the outside value %lu\n", (unsigned long)v);

    step("conflicting transaction retried until it commits");
    rc = sv_store_transaction(tx_increment_with_interference, NULL, &attempts);
    CHECK_RC(rc, "retried transaction");
    CHECK_RC(sv_store_read_u64(SV_STORE_NO_TX, BASE "/counter", &v), "read counter");
    CHECK(attempts == 2 && v == 1101, "counter %lu after %u attempts, expected 1101 after 2", (unsigned long)v,
          attempts);
    sv_printf("storeplay:   committed on attempt %u: counter = %lu\n", attempts, (unsigned long)v);

    step("aborted transaction changes nothing");
    CHECK_RC(sv_store_transaction_start(&tx), "transaction_start");
    CHECK_RC(sv_store_write(tx, BASE "/counter", "7"), "write in transaction");
    CHECK_RC(sv_store_transaction_end(tx, false), "abort");
    CHECK_RC(sv_store_read_u64(SV_STORE_NO_TX, BASE "/counter", &v), "read counter");
    CHECK(v == 1101, "counter %lu after an abort", (unsigned long)v);

    step("remove a subtree");
    CHECK_RC(sv_store_remove(SV_STORE_NO_TX, BASE), "remove");
    rc = sv_store_read(SV_STORE_NO_TX, BASE "/greeting", buf, sizeof buf);
    CHECK(rc == SV_STATUS_ENOENT, "after remove: %s", sv_status_name(rc));

    const sv_store_stats_t *st = sv_store_stats();
    sv_printf("storeplay: %lu requests, %lu watch events, %lu transaction retries\n", (unsigned long)st->requests,
              (unsigned long)st->watch_events, (unsigned long)st->tx_retries);
    sv_printf("storeplay: ok\n");
    return 0;
}
