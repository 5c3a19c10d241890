/*
 * The handshake helpers against the fake store: states written and read, waiting that succeeds
 * when the peer moves (a watch event), and the timeout message that names the device and both
 * states.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fake_store.h"
#include "splitvisor/printf.h"
#include "splitvisor/time.h"
#include "splitvisor/xenbus.h"
#include "test.h"

static fake_store_t fs;

/* What the guest runtime provides, on the fake clock. */
static char printed[4096];
int sv_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t used = strlen(printed);
    int n = sv_vsnprintf(printed + used, sizeof printed - used, fmt, ap);
    va_end(ap);
    return n;
}
uint64_t sv_time_ns(void) { return fake_store_current->now_ns; }
uint64_t sv_deadline_in(uint64_t ns) { return fake_store_current->now_ns + ns; }

#define FE "/local/domain/5/device/vbd/0"
#define BE "/local/domain/0/backend/vbd/5/0"

static void devices(void) {
    fake_store_init(&fs, 5, 0xFFFFFF80u, 16);
    fake_store_set(&fs, FE "/backend", BE);
    fake_store_set(&fs, FE "/backend-id", "0");
    fake_store_set(&fs, FE "/state", "1");
    fake_store_set(&fs, BE "/frontend", FE);
    fake_store_set(&fs, BE "/frontend-id", "5");
    fake_store_set(&fs, BE "/state", "2");
    printed[0] = 0;
}

static void test_names(void) {
    CHECK(strcmp(sv_xenbus_state_name(1), "Initialising") == 0);
    CHECK(strcmp(sv_xenbus_state_name(2), "InitWait") == 0);
    CHECK(strcmp(sv_xenbus_state_name(3), "Initialised") == 0);
    CHECK(strcmp(sv_xenbus_state_name(4), "Connected") == 0);
    CHECK(strcmp(sv_xenbus_state_name(5), "Closing") == 0);
    CHECK(strcmp(sv_xenbus_state_name(6), "Closed") == 0);
    CHECK(strcmp(sv_xenbus_state_name(0), "Unknown") == 0);
    CHECK(strcmp(sv_xenbus_state_name(99), "Unknown") == 0);
    CHECK(strcmp(sv_xenbus_state_name(-1), "Unknown") == 0);
}

static void test_switch_and_read(void) {
    devices();
    int s = -1;
    CHECK_EQ_INT(sv_xenbus_switch_state("device/vbd/0", SV_XENBUS_STATE_INITIALISED), 0);
    fake_node_t *n = fake_store_lookup(&fs, FE "/state");
    CHECK(n && n->len == 1 && n->value[0] == '3');
    CHECK_EQ_INT(sv_xenbus_read_state(FE, &s), 0);
    CHECK_EQ_INT(s, 3);
    CHECK_EQ_INT(sv_xenbus_read_state(FE "/state", &s), 0);
    CHECK_EQ_INT(s, 3);
    CHECK_EQ_INT(sv_xenbus_read_state("/local/domain/9/nothing", &s), 0);
    CHECK_EQ_INT(s, SV_XENBUS_STATE_UNKNOWN);
}

static void test_device_timeout_message(void) {
    devices();
    sv_xenbus_device_t dev;
    CHECK_EQ_INT(sv_xenbus_frontend_init(&dev, "device/vbd/0"), 0);
    CHECK(strcmp(dev.name, "vbd/0") == 0);
    CHECK(strcmp(dev.otherend, BE) == 0);
    CHECK_EQ_INT(dev.otherend_id, 0);
    CHECK_EQ_INT(dev.local_state, 1);
    CHECK_EQ_INT(sv_xenbus_set_state(&dev, SV_XENBUS_STATE_INITIALISED), 0);
    int got = -1;
    uint64_t t0 = fs.now_ns;
    int rc = sv_xenbus_wait_peer(&dev, SV_XENBUS_MASK(SV_XENBUS_STATE_CONNECTED), 2 * SV_NS_PER_SEC, &got);
    CHECK_EQ_INT(rc, SV_STATUS_ETIMEDOUT);
    CHECK_EQ_INT(got, 2);
    CHECK(fs.now_ns - t0 >= 2 * SV_NS_PER_SEC);
    CHECK_MSG(strstr(printed, "vbd/0: timed out waiting for backend: local state 3 (Initialised), remote state 2 "
                              "(InitWait)\n") != NULL, "printed: %s", printed);
    /* The watch it used is gone. */
    for (int i = 0; i < FAKE_MAX_WATCHES; i++) CHECK(!fs.watches[i].used);
}

/* The backend moves after a few more requests, as another domain would. */
static int requests_until_connect;
static void backend_connects_later(fake_store_t *f, const sv_store_request_t *req) {
    (void)req;
    if (--requests_until_connect == 0) fake_store_write_external(f, BE "/state", "4");
}

static void test_wait_succeeds_on_watch(void) {
    devices();
    sv_xenbus_device_t dev;
    CHECK_EQ_INT(sv_xenbus_frontend_init(&dev, "device/vbd/0"), 0);
    requests_until_connect = 3;
    fs.after_request = backend_connects_later;
    int got = -1;
    int rc = sv_xenbus_wait_peer(&dev, SV_XENBUS_MASK(SV_XENBUS_STATE_CONNECTED), 5 * SV_NS_PER_SEC, &got);
    fs.after_request = NULL;
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(got, 4);
    CHECK(printed[0] == 0);
    /* Already there: returns at once. */
    CHECK_EQ_INT(sv_xenbus_wait_peer(&dev, SV_XENBUS_MASK(3) | SV_XENBUS_MASK(4), SV_NS_PER_SEC, &got), 0);
    CHECK_EQ_INT(got, 4);
}

static void test_plain_wait_finds_names(void) {
    devices();
    CHECK_EQ_INT(sv_xenbus_switch_state(FE, SV_XENBUS_STATE_INITIALISED), 0);
    int got;
    int rc = sv_xenbus_wait_state(BE "/state", SV_XENBUS_MASK(4), SV_NS_PER_SEC, &got);
    CHECK_EQ_INT(rc, SV_STATUS_ETIMEDOUT);
    CHECK_MSG(strstr(printed, "vbd/0: timed out waiting for backend: local state 3 (Initialised), remote state 2 "
                              "(InitWait)") != NULL, "printed: %s", printed);
    /* A backend waiting for its frontend. */
    printed[0] = 0;
    rc = sv_xenbus_wait_state(FE, SV_XENBUS_MASK(4), SV_NS_PER_SEC, &got);
    CHECK_EQ_INT(rc, SV_STATUS_ETIMEDOUT);
    CHECK_MSG(strstr(printed, "vbd/0: timed out waiting for frontend: local state 2 (InitWait), remote state 3 "
                              "(Initialised)") != NULL, "printed: %s", printed);
    /* A path that is no device: no local state to report. */
    printed[0] = 0;
    rc = sv_xenbus_wait_state("/local/domain/7/data/thing", SV_XENBUS_MASK(4), SV_NS_PER_SEC, &got);
    CHECK_EQ_INT(rc, SV_STATUS_ETIMEDOUT);
    CHECK_EQ_INT(got, 0);
    CHECK_MSG(strstr(printed, "/local/domain/7/data/thing: timed out waiting for peer: remote state 0 (Unknown)") != NULL,
              "printed: %s", printed);
}

int main(void) {
    RUN(test_names);
    RUN(test_switch_and_read);
    RUN(test_device_timeout_message);
    RUN(test_wait_succeeds_on_watch);
    RUN(test_plain_wait_finds_names);
    return tests_done("test_xenbus");
}
