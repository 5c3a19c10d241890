/*
 * The store client against the fake store: framing in pieces and across the ring's wrap (and the
 * 32-bit index wrap), messages larger than the ring, watch events that arrive in the middle of a
 * request, queue overflow, transactions retried on EAGAIN, stray and malformed messages, stalls.
 */
#include <stdio.h>
#include <string.h>

#include "fake_store.h"
#include "splitvisor/events.h"
#include "splitvisor/store.h"
#include "test.h"

static fake_store_t fs;

/* Ring start indices and per-step chunk sizes every basic test runs with. */
static const uint32_t starts[] = {0, 1000, 0xFFFFFF00u, 0xFFFFFFFDu};
static const uint32_t chunks[] = {0, 1, 3, 100, 1023};

static void test_basic_ops_all_framings(void) {
    static char buf[SV_STORE_MAX_VALUE + 1];
    static char big[SV_STORE_MAX_VALUE + 1];
    for (int i = 0; i < SV_STORE_MAX_VALUE; i++) big[i] = (char)('A' + i % 23);
    for (size_t s = 0; s < sizeof starts / sizeof *starts; s++) {
        for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
            fake_store_init(&fs, 5, starts[s], chunks[c]);
            CHECK(sv_store_available());
            CHECK_EQ_INT(sv_store_write(0, "data/x", "hello"), 0);
            CHECK_EQ_INT(sv_store_read(0, "data/x", buf, sizeof buf), 5);
            CHECK(strcmp(buf, "hello") == 0);
            CHECK(fake_store_lookup(&fs, "/local/domain/5/data/x") != NULL);
            CHECK_EQ_INT(sv_store_read(0, "data/missing", buf, sizeof buf), SV_STATUS_ENOENT);
            /* Larger than the 1024-byte ring both ways. */
            CHECK_EQ_INT(sv_store_write(0, "/local/domain/5/data/big", big), 0);
            CHECK_EQ_INT(sv_store_read(0, "data/big", buf, sizeof buf), SV_STORE_MAX_VALUE);
            CHECK(memcmp(buf, big, SV_STORE_MAX_VALUE) == 0);
            CHECK(fs.max_request_len > SV_STORE_RING_RING_SIZE);
            uint64_t v;
            CHECK_EQ_INT(sv_store_printf(0, "data/n", "%d", 4242), 0);
            CHECK_EQ_INT(sv_store_read_u64(0, "data/n", &v), 0);
            CHECK_EQ_INT(v, 4242);
            CHECK_EQ_INT(sv_store_read_u64(0, "data/x", &v), SV_STATUS_EINVAL);
            static sv_store_directory_listing_t l;
            CHECK_EQ_INT(sv_store_directory(0, "data", &l), 0);
            CHECK_EQ_INT(l.children_count, 3);
            CHECK_EQ_INT(sv_store_remove(0, "data/x"), 0);
            CHECK(!sv_store_exists(0, "data/x"));
            CHECK(sv_store_exists(0, "data/n"));
            CHECK_EQ_INT(sv_store_mkdir(0, "data/dir"), 0);
            sv_store_permission_t p[2] = {{5, SV_STORE_ACCESS_NONE}, {7, SV_STORE_ACCESS_READ}};
            CHECK_EQ_INT(sv_store_set_perms(0, "data/dir", p, 2), 0);
            static sv_store_permissions_t got;
            CHECK_EQ_INT(sv_store_get_perms(0, "data/dir", &got), 0);
            CHECK(got.perms_count == 2 && got.perms[1].domid == 7 && got.perms[1].access == SV_STORE_ACCESS_READ);
            CHECK_EQ_INT(sv_store_stats()->stray_messages, 0);
            CHECK(!fs.protocol_error);
        }
    }
}

static void test_argument_checks(void) {
    static char buf[16];
    static char long_path[SV_STORE_MAX_PATH + 10];
    fake_store_init(&fs, 5, 0, 0);
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = 0;
    CHECK_EQ_INT(sv_store_write(0, long_path, "x"), SV_STATUS_ENAMETOOLONG);
    CHECK_EQ_INT(sv_store_write(0, "", "x"), SV_STATUS_EINVAL);
    static char too_big[SV_STORE_MAX_VALUE + 2];
    memset(too_big, 'v', sizeof too_big - 1);
    CHECK_EQ_INT(sv_store_write(0, "data/v", too_big), SV_STATUS_E2BIG);
    fake_store_set(&fs, "data/long", "0123456789abcdefXYZ");
    CHECK_EQ_INT(sv_store_read(0, "data/long", buf, sizeof buf), SV_STATUS_ERANGE);
    CHECK_EQ_INT(sv_store_read(0, "data/long", buf, 0), SV_STATUS_ERANGE);
    CHECK_EQ_INT(fs.requests, 1); /* only the read that reached the store */
    CHECK_EQ_INT(sv_store_set_perms(0, "data/long", NULL, 0), SV_STATUS_EINVAL);
    CHECK_EQ_INT(sv_store_watch("data", "", NULL, NULL), SV_STATUS_EINVAL);
}

/* ---- watches ---- */

static int events;
static char ev_path[600], ev_token[80];
static void on_watch(const char *path, const char *token, void *arg) {
    events++;
    snprintf(ev_path, sizeof ev_path, "%s", path);
    snprintf(ev_token, sizeof ev_token, "%s", token);
    if (arg) (*(int *)arg)++;
}

static void test_watch_initial_and_change(void) {
    fake_store_init(&fs, 3, 0xFFFFFFF0u, 7);
    events = 0;
    CHECK_EQ_INT(sv_store_watch("data/w", "tok", on_watch, NULL), 0);
    /* The initial event follows the response (Xen's order): it is not delivered during the
     * request, and may still be on its way, so wait for it. */
    CHECK_EQ_INT(events, 0);
    CHECK_EQ_INT(sv_store_wait_watch(fs.now_ns + 1000000000ull), 1);
    CHECK_EQ_INT(events, 1);
    CHECK(strcmp(ev_path, "data/w") == 0 && strcmp(ev_token, "tok") == 0);
    CHECK_EQ_INT(sv_store_write(0, "data/w/child", "1"), 0);
    CHECK_EQ_INT(events, 1);
    CHECK_EQ_INT(sv_store_dispatch_watches(), 1);
    CHECK(strcmp(ev_path, "data/w/child") == 0);
    CHECK_EQ_INT(sv_store_watch("data/other", "tok", on_watch, NULL), SV_STATUS_EEXIST);
    /* Another domain's change arrives while we wait. */
    fake_store_write_external(&fs, "/local/domain/3/data/w/ext", "2");
    CHECK_EQ_INT(sv_store_wait_watch(fs.now_ns + 5000000000ull), 1);
    CHECK(strcmp(ev_path, "data/w/ext") == 0);
    /* Nothing more: the wait times out on the fake clock. */
    CHECK_EQ_INT(sv_store_wait_watch(fs.now_ns + 50000000ull), SV_STATUS_ETIMEDOUT);
    CHECK_EQ_INT(sv_store_unwatch("data/w", "tok"), 0);
    CHECK_EQ_INT(sv_store_write(0, "data/w/after", "3"), 0);
    CHECK_EQ_INT(sv_store_dispatch_watches(), 0);
}

/* Events the store sends in the middle of a request (before the response) are queued, and the
 * response still matches. */
static void inject_events(fake_store_t *f, const sv_store_request_t *req) {
    if (req->op_case == SV_STORE_REQUEST_READ_TAG) {
        fake_store_queue_event(f, "data/a", "t1");
        fake_store_queue_event(f, "data/b", "t2");
        fake_store_queue_event(f, "data/c", "unknown-token");
    }
}

static void test_events_during_request(void) {
    static char buf[32];
    int c1 = 0, c2 = 0;
    fake_store_init(&fs, 3, 100, 5);
    CHECK_EQ_INT(sv_store_watch("data/a", "t1", on_watch, &c1), 0);
    CHECK_EQ_INT(sv_store_watch("data/b", "t2", on_watch, &c2), 0);
    while (c1 + c2 < 2) CHECK(sv_store_wait_watch(fs.now_ns + 1000000000ull) > 0);
    c1 = c2 = 0;
    fake_store_set(&fs, "data/v", "value");
    fs.after_request = inject_events;
    CHECK_EQ_INT(sv_store_read(0, "data/v", buf, sizeof buf), 5);
    CHECK(strcmp(buf, "value") == 0);
    fs.after_request = NULL;
    CHECK_EQ_INT(c1 + c2, 0);
    CHECK_EQ_INT(sv_store_dispatch_watches(), 2);
    CHECK_EQ_INT(c1, 1);
    CHECK_EQ_INT(c2, 1);
    CHECK_EQ_INT(sv_store_stats()->stray_messages, 1); /* the unknown token */
}

static void test_queue_overflow_merges_and_keeps_one(void) {
    int count = 0;
    fake_store_init(&fs, 3, 0, 0);
    CHECK_EQ_INT(sv_store_watch("data", "big", on_watch, &count), 0);
    sv_store_dispatch_watches();
    count = 0;
    /* Duplicates merge. */
    for (int i = 0; i < 5; i++) fake_store_queue_event(&fs, "data/same", "big");
    /* More distinct events than the queue holds: the excess becomes one event for the watch path. */
    char path[64];
    for (int i = 0; i < SV_STORE_EVENT_QUEUE + 10; i++) {
        snprintf(path, sizeof path, "data/n%d", i);
        fake_store_queue_event(&fs, path, "big");
    }
    while (fake_store_step(&fs)) {
        /* Deliver into the ring in pieces while the client reads: dispatch reads and delivers. */
        sv_store_dispatch_watches();
    }
    sv_store_dispatch_watches();
    const sv_store_stats_t *st = sv_store_stats();
    CHECK_EQ_INT(st->watch_events_merged, 4);
    CHECK(count >= SV_STORE_EVENT_QUEUE);
    CHECK(count <= 1 + SV_STORE_EVENT_QUEUE + 10 + 1);
}

static void test_overflow_without_dispatch(void) {
    int count = 0;
    fake_store_init(&fs, 3, 0, 0);
    CHECK_EQ_INT(sv_store_watch("data", "w", on_watch, &count), 0);
    char path[64];
    for (int i = 0; i < SV_STORE_EVENT_QUEUE + 5; i++) {
        snprintf(path, sizeof path, "data/n%d", i);
        fake_store_queue_event(&fs, path, "w");
    }
    /* A request makes the client read everything while nobody dispatches. */
    static char buf[8];
    fake_store_set(&fs, "data/q", "1");
    CHECK_EQ_INT(sv_store_read(0, "data/q", buf, sizeof buf), 1);
    CHECK(sv_store_stats()->watch_overflows >= 1);
    events = 0;
    int delivered = sv_store_dispatch_watches();
    CHECK_EQ_INT(delivered, SV_STORE_EVENT_QUEUE + 1); /* the queue, then one for the watch path */
    CHECK(strcmp(ev_path, "data") == 0);             /* the overflow event names the watch's own path */
}

/* ---- transactions ---- */

static int runs;
static int tx_body(uint32_t tx, void *arg) {
    runs++;
    CHECK(tx != 0);
    return sv_store_printf(tx, "data/t", "%d", *(int *)arg);
}

static int tx_fails(uint32_t tx, void *arg) {
    (void)tx;
    (void)arg;
    runs++;
    return SV_STATUS_EACCES;
}

static int tx_again(uint32_t tx, void *arg) {
    (void)tx;
    runs++;
    return runs < *(int *)arg ? SV_STATUS_EAGAIN : 0;
}

static void test_transactions(void) {
    int value = 9;
    unsigned attempts = 0;
    fake_store_init(&fs, 3, 0, 64);
    runs = 0;
    CHECK_EQ_INT(sv_store_transaction(tx_body, &value, &attempts), 0);
    CHECK_EQ_INT(attempts, 1);
    CHECK_EQ_INT(fs.commits, 1);

    fs.fail_commits = 2;
    runs = 0;
    CHECK_EQ_INT(sv_store_transaction(tx_body, &value, &attempts), 0);
    CHECK_EQ_INT(attempts, 3);
    CHECK_EQ_INT(runs, 3);
    CHECK_EQ_INT(fs.commits, 2);
    CHECK_EQ_INT(sv_store_stats()->tx_retries, 2);
    CHECK_EQ_INT(fs.last_request.op_case, SV_STORE_REQUEST_TRANSACTION_END_TAG);

    runs = 0;
    CHECK_EQ_INT(sv_store_transaction(tx_fails, NULL, &attempts), SV_STATUS_EACCES);
    CHECK_EQ_INT(runs, 1);
    CHECK_EQ_INT(fs.aborts, 1);
    CHECK(!fs.last_request.op.transaction_end.commit);

    int until = 4;
    runs = 0;
    CHECK_EQ_INT(sv_store_transaction(tx_again, &until, &attempts), 0);
    CHECK_EQ_INT(attempts, 4);

    fs.fail_commits = 1000;
    runs = 0;
    CHECK_EQ_INT(sv_store_transaction(tx_body, &value, &attempts), SV_STATUS_EAGAIN);
    CHECK_EQ_INT(attempts, SV_STORE_TX_MAX_ATTEMPTS);
    CHECK_EQ_INT(runs, SV_STORE_TX_MAX_ATTEMPTS);

    uint32_t tx;
    fs.fail_commits = 1;
    CHECK_EQ_INT(sv_store_transaction_start(&tx), 0);
    CHECK_EQ_INT(sv_store_write(tx, "data/t", "1"), 0);
    CHECK_EQ_INT(fs.last_request.tx_id, tx);
    CHECK_EQ_INT(sv_store_transaction_end(tx, true), SV_STATUS_EAGAIN);
}

/* ---- the ring misbehaving ---- */

static void stray_then_real(fake_store_t *f, const sv_store_request_t *req) {
    static sv_store_server_message_t m;
    sv_store_server_message_init(&m);
    m.kind_case = SV_STORE_SERVER_MESSAGE_RESPONSE_TAG;
    m.kind.response.req_id = req->req_id + 1000; /* nobody asked */
    m.kind.response.status = SV_STATUS_EPERM;
    fake_store_queue_message(f, &m);
    static const uint8_t junk[] = {3, 0, 0, 0, 0xFF, 0xFF, 0xFF}; /* a message that does not decode */
    fake_store_queue_raw(f, junk, sizeof junk);
}

static void test_stray_and_undecodable_messages_are_skipped(void) {
    static char buf[16];
    fake_store_init(&fs, 3, 0, 2);
    fake_store_set(&fs, "data/s", "ok");
    fs.after_request = stray_then_real;
    CHECK_EQ_INT(sv_store_read(0, "data/s", buf, sizeof buf), 2);
    fs.after_request = NULL;
    CHECK_EQ_INT(sv_store_stats()->stray_messages, 2);
    CHECK(sv_store_available());
}

static void test_oversized_length_breaks_the_connection(void) {
    static char buf[16];
    fake_store_init(&fs, 3, 0, 0);
    static const uint8_t bad[] = {0x01, 0x20, 0x00, 0x00}; /* 8193 bytes: over STORE_MAX_MESSAGE */
    fake_store_queue_raw(&fs, bad, sizeof bad);
    CHECK_EQ_INT(sv_store_read(0, "data/s", buf, sizeof buf), SV_STATUS_EPROTO);
    CHECK(!sv_store_available());
    CHECK_EQ_INT(sv_store_read(0, "data/s", buf, sizeof buf), SV_STATUS_EIO);
}

static void test_ring_error_field(void) {
    static char buf[16];
    fake_store_init(&fs, 3, 0, 0);
    fs.ring.error = 3;
    CHECK_EQ_INT(sv_store_read(0, "data/s", buf, sizeof buf), SV_STATUS_EIO);
}

static void test_producer_overrun_is_a_protocol_error(void) {
    static char buf[16];
    fake_store_init(&fs, 3, 0, 0);
    fs.ring.rsp_prod = 5000; /* more than a ring ahead of rsp_cons */
    CHECK_EQ_INT(sv_store_read(0, "data/s", buf, sizeof buf), SV_STATUS_EPROTO);
}

static void test_timeouts(void) {
    static char buf[16];
    static char big[SV_STORE_MAX_VALUE + 1];
    /* Stalled before answering: the request fits the ring, the response never comes. */
    fake_store_init(&fs, 3, 0, 0);
    sv_store_set_timeout(2000000000ull);
    fs.stalled = true;
    CHECK_EQ_INT(sv_store_read(0, "data/s", buf, sizeof buf), SV_STATUS_ETIMEDOUT);
    CHECK(fs.now_ns >= 2000000000ull);
    /* The stream is intact: once the store wakes up, the late response is dropped as stray and the
     * next request gets its own answer. */
    CHECK(sv_store_available());
    fs.stalled = false;
    fake_store_set(&fs, "data/s", "late");
    CHECK_EQ_INT(sv_store_read(0, "data/s", buf, sizeof buf), 4);
    CHECK_EQ_INT(sv_store_stats()->stray_messages, 1);

    /* Stalled with half a request in the ring: the connection cannot be trusted any more. */
    fake_store_init(&fs, 3, 0, 0);
    fs.stalled = true;
    memset(big, 'b', SV_STORE_MAX_VALUE);
    big[SV_STORE_MAX_VALUE] = 0;
    CHECK_EQ_INT(sv_store_write(0, "data/big", big), SV_STATUS_ETIMEDOUT);
    CHECK(!sv_store_available());
    sv_store_set_timeout(30ull * 1000000000ull);
}

/* A handler must not wait on the store: calls from the event drain answer EBUSY. */
static sv_shared_info_t shinfo;
static int handler_rc = 1;
static void store_from_handler(uint32_t port, void *arg) {
    (void)port;
    (void)arg;
    char buf[8];
    handler_rc = sv_store_read(0, "data/s", buf, sizeof buf);
}

static void test_no_store_calls_from_handlers(void) {
    fake_store_init(&fs, 3, 0, 0);
    sv_evtchn_setup(&shinfo);
    sv_evtchn_bind_handler(9, store_from_handler, NULL);
    shinfo.evtchn_pending[0] = 1u << 9;
    shinfo.vcpu_info[0].evtchn_pending_sel = 1;
    shinfo.vcpu_info[0].evtchn_upcall_pending = 1;
    sv_evtchn_do_upcall();
    CHECK_EQ_INT(handler_rc, SV_STATUS_EBUSY);
    CHECK_EQ_INT(fs.requests, 0);
}

static void test_not_connected(void) {
    sv_store_transport_t none = {0};
    sv_store_setup(&none);
    char buf[4];
    CHECK(!sv_store_available());
    CHECK_EQ_INT(sv_store_read(0, "x", buf, sizeof buf), SV_STATUS_ENOSYS);
    CHECK_EQ_INT(sv_store_dispatch_watches(), 0);
}

int main(void) {
    RUN(test_basic_ops_all_framings);
    RUN(test_argument_checks);
    RUN(test_watch_initial_and_change);
    RUN(test_events_during_request);
    RUN(test_queue_overflow_merges_and_keeps_one);
    RUN(test_overflow_without_dispatch);
    RUN(test_transactions);
    RUN(test_stray_and_undecodable_messages_are_skipped);
    RUN(test_oversized_length_breaks_the_connection);
    RUN(test_ring_error_field);
    RUN(test_producer_overrun_is_a_protocol_error);
    RUN(test_timeouts);
    RUN(test_no_store_calls_from_handlers);
    RUN(test_not_connected);
    return tests_done("test_store");
}
