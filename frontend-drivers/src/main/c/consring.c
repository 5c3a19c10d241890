/*
 * The frontend's side of a console page. Portable C; see svfront/consring.h.
 */
#include "svfront/consring.h"

#include <splitvisor/arch.h>
#include <splitvisor/printf.h>
#include <splitvisor/string.h>

_Static_assert(sizeof(((sv_console_ring_t *)0)->out) == SVF_CONS_OUT_SIZE, "out size");
_Static_assert(sizeof(((sv_console_ring_t *)0)->in) == SVF_CONS_IN_SIZE, "in size");

static void violation(svf_consring_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void violation(svf_consring_t *r, const char *fmt, ...) {
    if (r->broken) return;
    r->broken = true;
    va_list ap;
    va_start(ap, fmt);
    sv_vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
}

void svf_consring_init(svf_consring_t *r, sv_console_ring_t *page) {
    sv_memset(r, 0, sizeof *r);
    r->page = page;
    sv_memset(page, 0, sizeof *page);
    sv_wmb();
}

static uint32_t load(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static void store(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

int svf_consring_out_pending(svf_consring_t *r) {
    if (r->broken) return SV_STATUS_EPROTO;
    uint32_t prod = r->page->out_prod;   /* ours */
    uint32_t cons = load(&r->page->out_cons);
    if (prod - cons > SVF_CONS_OUT_SIZE) {
        violation(r, "console out_cons %u is not within the %u bytes before out_prod %u", cons, SVF_CONS_OUT_SIZE, prod);
        return SV_STATUS_EPROTO;
    }
    return (int)(prod - cons);
}

int svf_consring_write(svf_consring_t *r, const void *data, size_t len) {
    int pending = svf_consring_out_pending(r);
    if (pending < 0) return pending;
    uint32_t prod = r->page->out_prod;
    size_t room = SVF_CONS_OUT_SIZE - (uint32_t)pending;
    size_t n = len < room ? len : room;
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) r->page->out[(prod + i) & (SVF_CONS_OUT_SIZE - 1)] = p[i];
    store(&r->page->out_prod, prod + (uint32_t)n);   /* release: the bytes before the index */
    r->bytes_out += n;
    return (int)n;
}

int svf_consring_in_pending(svf_consring_t *r) {
    if (r->broken) return SV_STATUS_EPROTO;
    uint32_t cons = r->page->in_cons;   /* ours */
    uint32_t prod = load(&r->page->in_prod);
    if (prod - cons > SVF_CONS_IN_SIZE) {
        violation(r, "console in_prod %u runs more than %u bytes ahead of in_cons %u", prod, SVF_CONS_IN_SIZE, cons);
        return SV_STATUS_EPROTO;
    }
    return (int)(prod - cons);
}

int svf_consring_read(svf_consring_t *r, void *buf, size_t cap) {
    int avail = svf_consring_in_pending(r);
    if (avail < 0) return avail;
    uint32_t cons = r->page->in_cons;
    size_t n = (size_t)avail < cap ? (size_t)avail : cap;
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++) p[i] = r->page->in[(cons + i) & (SVF_CONS_IN_SIZE - 1)];
    sv_mb();   /* the bytes are read before the backend may overwrite them */
    store(&r->page->in_cons, cons + (uint32_t)n);
    r->bytes_in += n;
    return (int)n;
}
