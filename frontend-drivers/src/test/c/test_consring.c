/*
 * The console page's frontend side: bytes out and in across the wrap, a full buffer, and a
 * backend whose indices make no sense.
 */
#include <stdint.h>
#include <string.h>

#include <splitvisor/abi.h>

#include "host_support.h"
#include "svfront/consring.h"
#include "test.h"

static _Alignas(4096) uint8_t page_mem[4096];
static sv_console_ring_t *page = (sv_console_ring_t *)page_mem;
static svf_consring_t ring;

static void setup(void) {
    memset(page_mem, 0x77, sizeof page_mem);
    svf_consring_init(&ring, page);
    CHECK_EQ_INT(page->out_prod, 0);
    CHECK_EQ_INT(page->in_cons, 0);
    CHECK_EQ_INT(page->connection, 0);
}

/* The backend consumes n output bytes into dst. */
static void be_consume(char *dst, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) dst[i] = (char)page->out[(page->out_cons + i) & 2047];
    page->out_cons += n;
}

static void be_produce(const char *s, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) page->in[(page->in_prod + i) & 1023] = (uint8_t)s[i];
    page->in_prod += n;
}

static void test_out(void) {
    setup();
    CHECK_EQ_INT(svf_consring_write(&ring, "hello", 5), 5);
    CHECK_EQ_INT(page->out_prod, 5);
    CHECK_EQ_INT(svf_consring_out_pending(&ring), 5);
    char got[4096];
    be_consume(got, 5);
    CHECK(memcmp(got, "hello", 5) == 0);
    /* Fill it completely, across the wrap. */
    static char big[3000];
    for (int i = 0; i < 3000; i++) big[i] = (char)('a' + i % 26);
    CHECK_EQ_INT(svf_consring_write(&ring, big, 3000), 2048);
    CHECK_EQ_INT(svf_consring_write(&ring, big, 10), 0);
    be_consume(got, 2048);
    CHECK(memcmp(got, big, 2048) == 0);
    CHECK_EQ_INT(svf_consring_write(&ring, big + 2048, 952), 952);
    be_consume(got, 952);
    CHECK(memcmp(got, big + 2048, 952) == 0);
    CHECK_EQ_INT(ring.bytes_out, 3005);
}

static void test_in(void) {
    setup();
    char got[2048];
    CHECK_EQ_INT(svf_consring_read(&ring, got, sizeof got), 0);
    be_produce("line one\n", 9);
    CHECK_EQ_INT(svf_consring_in_pending(&ring), 9);
    CHECK_EQ_INT(svf_consring_read(&ring, got, 4), 4);
    CHECK(memcmp(got, "line", 4) == 0);
    CHECK_EQ_INT(svf_consring_read(&ring, got, sizeof got), 5);
    CHECK(memcmp(got, " one\n", 5) == 0);
    CHECK_EQ_INT(page->in_cons, 9);
    static char big[1024];
    for (int i = 0; i < 1024; i++) big[i] = (char)i;
    be_produce(big, 1024);   /* exactly full, wrapping */
    CHECK_EQ_INT(svf_consring_read(&ring, got, sizeof got), 1024);
    CHECK(memcmp(got, big, 1024) == 0);
}

static void test_hostile(void) {
    setup();
    char got[16];
    page->in_prod = 1025;   /* more than the buffer ahead */
    CHECK_EQ_INT(svf_consring_read(&ring, got, sizeof got), SV_STATUS_EPROTO);
    CHECK(ring.broken);
    CHECK_CONTAINS(ring.error, "in_prod 1025");
    CHECK_EQ_INT(svf_consring_write(&ring, "x", 1), SV_STATUS_EPROTO);

    setup();
    svf_consring_write(&ring, "abc", 3);
    page->out_cons = 4;   /* consumed more than was produced */
    CHECK_EQ_INT(svf_consring_write(&ring, "x", 1), SV_STATUS_EPROTO);
    CHECK_CONTAINS(ring.error, "out_cons 4");

    setup();
    page->in_prod = 0xFFFFFFFFu;   /* "behind" the consumer */
    CHECK_EQ_INT(svf_consring_in_pending(&ring), SV_STATUS_EPROTO);
}

static void test_wrap_indices(void) {
    setup();
    page->out_prod = page->out_cons = 0xFFFFFFF0u;
    page->in_prod = page->in_cons = 0xFFFFFFF0u;
    char got[64];
    CHECK_EQ_INT(svf_consring_write(&ring, "0123456789abcdefghijklmnopqrstuv", 32), 32);
    be_consume(got, 32);
    CHECK(memcmp(got, "0123456789abcdefghijklmnopqrstuv", 32) == 0);
    be_produce("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26);
    CHECK_EQ_INT(svf_consring_read(&ring, got, sizeof got), 26);
    CHECK(memcmp(got, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26) == 0);
    CHECK(!ring.broken);
}

int main(void) {
    RUN(test_out);
    RUN(test_in);
    RUN(test_hostile);
    RUN(test_wrap_indices);
    return tests_done("test_consring");
}
