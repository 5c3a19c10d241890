/*
 * Host stand-ins for what the portable frontend code calls; see host_support.h.
 */
#include "host_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <splitvisor/abi.h>
#include <splitvisor/printf.h>
#include <splitvisor/string.h>

/* ---- the SDK's string and printf functions ---- */

void *sv_memcpy(void *dst, const void *src, size_t n) { return memcpy(dst, src, n); }
void *sv_memset(void *dst, int c, size_t n) { return memset(dst, c, n); }
int sv_memcmp(const void *a, const void *b, size_t n) { return memcmp(a, b, n); }
size_t sv_strlen(const char *s) { return strlen(s); }
int sv_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap) { return vsnprintf(buf, cap, fmt, ap); }
int sv_snprintf(char *buf, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

int sv_strncmp(const char *a, const char *b, size_t n) { return strncmp(a, b, n); }
size_t sv_strlcpy(char *dst, const char *src, size_t cap) {
    size_t n = strlen(src);
    if (cap) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(dst, src, k);
        dst[k] = 0;
    }
    return n;
}

/* ---- the heap ---- */

void *sv_malloc(size_t size) { return malloc(size ? size : 1); }
void *sv_calloc(size_t count, size_t size) { return calloc(count ? count : 1, size ? size : 1); }
void sv_free(void *p) { free(p); }

/* ---- arch.h's privileged hooks ---- */

unsigned long sv_test_rflags = 0x202;
void sv_test_outb(uint16_t port, uint8_t value);
void sv_test_outl(uint16_t port, uint32_t value);
void sv_test_outb(uint16_t port, uint8_t value) {
    (void)port;
    (void)value;
}
void sv_test_outl(uint16_t port, uint32_t value) {
    (void)port;
    (void)value;
}

/* ---- fake grants ---- */

fake_grants_t fake_grants;

void fake_grants_reset(void) { memset(&fake_grants, 0, sizeof fake_grants); }

static int fake_grant(void *ctx, uint16_t domid, void *page, bool readonly, uint32_t *ref) {
    (void)ctx;
    if (((uintptr_t)page & 4095) != 0) return SV_STATUS_EINVAL;
    if (fake_grants.fail_grant_after && fake_grants.granted >= fake_grants.fail_grant_after) return SV_STATUS_ENOSPC;
    for (uint32_t r = SV_GRANT_RESERVED_ENTRIES; r < FAKE_GRANTS; r++) {
        if (!fake_grants.entry[r].used) {
            fake_grants.entry[r].used = true;
            fake_grants.entry[r].domid = domid;
            fake_grants.entry[r].page = page;
            fake_grants.entry[r].readonly = readonly;
            fake_grants.entry[r].mapped = false;
            fake_grants.granted++;
            *ref = r;
            return SV_STATUS_OK;
        }
    }
    return SV_STATUS_ENOSPC;
}

static int fake_end_access(void *ctx, uint32_t ref) {
    (void)ctx;
    if (ref >= FAKE_GRANTS || !fake_grants.entry[ref].used) return SV_STATUS_EINVAL;
    if (fake_grants.entry[ref].mapped) {
        fake_grants.busy_answers++;
        return SV_STATUS_EBUSY;
    }
    fake_grants.entry[ref].used = false;
    fake_grants.revoked++;
    return SV_STATUS_OK;
}

static void *fake_page_alloc(void *ctx) {
    (void)ctx;
    if (fake_grants.fail_alloc_after && fake_grants.pages_allocated >= fake_grants.fail_alloc_after) return NULL;
    void *p = aligned_alloc(4096, 4096);
    if (p) {
        memset(p, 0, 4096);
        fake_grants.pages_allocated++;
    }
    return p;
}

static void fake_page_free(void *ctx, void *page) {
    (void)ctx;
    fake_grants.pages_freed++;
    free(page);
}

static uint64_t fake_now(void *ctx) {
    (void)ctx;
    return fake_grants.now_ns;
}

static void fake_pause(void *ctx) {
    (void)ctx;
    fake_grants.pauses++;
    fake_grants.now_ns += 1000000;
}

const svf_grant_ops_t fake_grant_ops = {
    .grant = fake_grant,
    .end_access = fake_end_access,
    .page_alloc = fake_page_alloc,
    .page_free = fake_page_free,
    .now = fake_now,
    .pause = fake_pause,
    .ctx = NULL,
};

void *fake_grant_page(uint32_t ref, uint16_t domid) {
    if (ref >= FAKE_GRANTS || !fake_grants.entry[ref].used || fake_grants.entry[ref].domid != domid) return NULL;
    return fake_grants.entry[ref].page;
}
