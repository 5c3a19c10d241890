/*
 * A bitmap page allocator over one address range. Portable C: also run by the host tests.
 */
#include "splitvisor/mm.h"

#include "splitvisor/abi.h"
#include "splitvisor/string.h"

#define BITS 64u

static bool bit_get(const sv_pagealloc_t *pa, size_t i) { return (pa->bitmap[i / BITS] >> (i % BITS)) & 1; }

static void mark(sv_pagealloc_t *pa, size_t first, size_t n, bool used) {
    for (size_t i = first; i < first + n; i++) {
        uint64_t b = 1ull << (i % BITS);
        uint64_t *w = &pa->bitmap[i / BITS];
        if (used && !(*w & b)) {
            *w |= b;
            pa->free_pages--;
        } else if (!used && (*w & b)) {
            *w &= ~b;
            pa->free_pages++;
        }
    }
}

int sv_pagealloc_init(sv_pagealloc_t *pa, uintptr_t start, uintptr_t end) {
    sv_memset(pa, 0, sizeof *pa);
    uintptr_t base = (start + SV_PAGE - 1) & ~(uintptr_t)(SV_PAGE - 1);
    uintptr_t top = end & ~(uintptr_t)(SV_PAGE - 1);
    if (top <= base) return SV_STATUS_ENOMEM;
    size_t pages = (top - base) / SV_PAGE;
    size_t bitmap_bytes = ((pages + BITS - 1) / BITS) * sizeof(uint64_t);
    size_t bitmap_pages = (bitmap_bytes + SV_PAGE - 1) / SV_PAGE;
    if (bitmap_pages >= pages) return SV_STATUS_ENOMEM;
    pa->bitmap = (uint64_t *)base;
    pa->base = base;
    pa->pages = pages;
    sv_memset(pa->bitmap, 0, bitmap_pages * SV_PAGE);
    pa->free_pages = pages;
    /* The pages past the end of the last bitmap word stay "used" so the search never finds them. */
    size_t words = bitmap_bytes / sizeof(uint64_t);
    for (size_t i = pages; i < words * BITS; i++) pa->bitmap[i / BITS] |= 1ull << (i % BITS);
    mark(pa, 0, bitmap_pages, true);
    pa->hint = bitmap_pages;
    return SV_STATUS_OK;
}

void sv_pagealloc_reserve(sv_pagealloc_t *pa, uintptr_t start, uintptr_t end) {
    uintptr_t lo = start & ~(uintptr_t)(SV_PAGE - 1);
    uintptr_t hi = (end + SV_PAGE - 1) & ~(uintptr_t)(SV_PAGE - 1);
    uintptr_t top = pa->base + pa->pages * SV_PAGE;
    if (hi <= pa->base || lo >= top) return;
    if (lo < pa->base) lo = pa->base;
    if (hi > top) hi = top;
    mark(pa, (lo - pa->base) / SV_PAGE, (hi - lo) / SV_PAGE, true);
}

/* First fit from `from`: the first run of n free pages in [from, limit). */
static size_t search(const sv_pagealloc_t *pa, size_t from, size_t limit, size_t n) {
    size_t run = 0;
    for (size_t i = from; i < limit; i++) {
        if ((i % BITS) == 0 && run == 0 && i + BITS <= limit && pa->bitmap[i / BITS] == ~0ull) {
            i += BITS - 1; /* a full word: skip it */
            continue;
        }
        if (bit_get(pa, i)) {
            run = 0;
        } else if (++run == n) {
            return i + 1 - n;
        }
    }
    return (size_t)-1;
}

void *sv_pagealloc_alloc(sv_pagealloc_t *pa, size_t n) {
    if (n == 0 || n > pa->free_pages) return NULL;
    size_t first = search(pa, pa->hint, pa->pages, n);
    if (first == (size_t)-1) first = search(pa, 0, pa->pages, n);
    if (first == (size_t)-1) return NULL;
    mark(pa, first, n, true);
    pa->hint = first + n;
    return (void *)(pa->base + first * SV_PAGE);
}

void sv_pagealloc_free(sv_pagealloc_t *pa, void *p, size_t n) {
    uintptr_t a = (uintptr_t)p;
    if (!p || n == 0 || (a & (SV_PAGE - 1)) || a < pa->base) return;
    size_t first = (a - pa->base) / SV_PAGE;
    if (first + n > pa->pages || first + n < first) return;
    mark(pa, first, n, false);
    if (first < pa->hint) pa->hint = first;
}

bool sv_pagealloc_is_allocated(const sv_pagealloc_t *pa, const void *p, size_t n) {
    uintptr_t a = (uintptr_t)p;
    if ((a & (SV_PAGE - 1)) || a < pa->base) return false;
    size_t first = (a - pa->base) / SV_PAGE;
    if (first + n > pa->pages) return false;
    for (size_t i = first; i < first + n; i++) {
        if (!bit_get(pa, i)) return false;
    }
    return true;
}
