/*
 * The page allocator over an ordinary aligned buffer: bitmap placement, runs, reservation, reuse,
 * exhaustion, bad frees, and a randomised model check.
 */
#include <stdlib.h>
#include <string.h>

#include "splitvisor/abi.h"
#include "splitvisor/mm.h"
#include "test.h"

#define PAGES 300

static void *arena;

static void test_init_and_bitmap(void) {
    sv_pagealloc_t pa;
    uintptr_t base = (uintptr_t)arena;
    CHECK_EQ_INT(sv_pagealloc_init(&pa, base + 1, base + PAGES * SV_PAGE + 100), 0);
    /* Rounded inward: the first page is skipped (start not aligned), the tail ignored. */
    CHECK_EQ_INT(pa.base, base + SV_PAGE);
    CHECK_EQ_INT(pa.pages, PAGES - 1);
    CHECK_EQ_INT(pa.free_pages, PAGES - 2); /* one page holds the bitmap */
    CHECK(sv_pagealloc_is_allocated(&pa, (void *)pa.base, 1));
    void *p = sv_pagealloc_alloc(&pa, 1);
    CHECK(p == (void *)(pa.base + SV_PAGE));
    CHECK_EQ_INT(sv_pagealloc_init(&pa, base, base + SV_PAGE), SV_STATUS_ENOMEM);
    CHECK_EQ_INT(sv_pagealloc_init(&pa, base + 10, base + 20), SV_STATUS_ENOMEM);
}

static void test_runs_reuse_and_exhaustion(void) {
    sv_pagealloc_t pa;
    uintptr_t base = (uintptr_t)arena;
    sv_pagealloc_init(&pa, base, base + PAGES * SV_PAGE);
    size_t free0 = pa.free_pages;
    char *a = sv_pagealloc_alloc(&pa, 3);
    char *b = sv_pagealloc_alloc(&pa, 10);
    CHECK(a && b && b >= a + 3 * SV_PAGE);
    CHECK(((uintptr_t)a & (SV_PAGE - 1)) == 0);
    memset(a, 1, 3 * SV_PAGE); /* ASan: the run is real memory */
    memset(b, 2, 10 * SV_PAGE);
    CHECK_EQ_INT(pa.free_pages, free0 - 13);
    sv_pagealloc_free(&pa, a, 3);
    CHECK(!sv_pagealloc_is_allocated(&pa, a, 1));
    char *c = sv_pagealloc_alloc(&pa, 2); /* first fit finds the hole */
    CHECK(c == a);
    CHECK(sv_pagealloc_alloc(&pa, 0) == NULL);
    CHECK(sv_pagealloc_alloc(&pa, pa.free_pages + 1) == NULL);
    /* Fragmented: enough pages in total, but no run long enough. */
    size_t n = 0;
    void *singles[PAGES];
    void *p;
    while ((p = sv_pagealloc_alloc(&pa, 1)) != NULL) singles[n++] = p;
    CHECK_EQ_INT(pa.free_pages, 0);
    for (size_t i = 0; i < n; i += 2) sv_pagealloc_free(&pa, singles[i], 1);
    CHECK(pa.free_pages >= 2);
    CHECK(sv_pagealloc_alloc(&pa, 2) == NULL);
    CHECK(sv_pagealloc_alloc(&pa, 1) != NULL);
    /* Bad frees are ignored. */
    size_t before = pa.free_pages;
    sv_pagealloc_free(&pa, (char *)singles[1] + 5, 1);
    sv_pagealloc_free(&pa, (void *)(base - SV_PAGE), 1);
    sv_pagealloc_free(&pa, singles[1], PAGES * 2);
    sv_pagealloc_free(&pa, NULL, 1);
    CHECK_EQ_INT(pa.free_pages, before);
    /* Double free does not count twice. */
    sv_pagealloc_free(&pa, singles[1], 1);
    sv_pagealloc_free(&pa, singles[1], 1);
    CHECK_EQ_INT(pa.free_pages, before + 1);
}

static void test_reserve(void) {
    sv_pagealloc_t pa;
    uintptr_t base = (uintptr_t)arena;
    sv_pagealloc_init(&pa, base, base + PAGES * SV_PAGE);
    size_t free0 = pa.free_pages;
    sv_pagealloc_reserve(&pa, base + 10 * SV_PAGE + 5, base + 12 * SV_PAGE + 1); /* pages 10..12 */
    CHECK_EQ_INT(pa.free_pages, free0 - 3);
    sv_pagealloc_reserve(&pa, base - 10 * SV_PAGE, base - SV_PAGE); /* outside: ignored */
    sv_pagealloc_reserve(&pa, base + PAGES * SV_PAGE, base + (PAGES + 5) * SV_PAGE);
    CHECK_EQ_INT(pa.free_pages, free0 - 3);
    sv_pagealloc_reserve(&pa, base + (PAGES - 1) * SV_PAGE, base + (PAGES + 5) * SV_PAGE); /* clipped */
    CHECK_EQ_INT(pa.free_pages, free0 - 4);
    for (;;) {
        char *p = sv_pagealloc_alloc(&pa, 1);
        if (!p) break;
        size_t idx = (size_t)(p - (char *)base) / SV_PAGE;
        CHECK(idx < 10 || idx > 12);
        CHECK(idx != PAGES - 1);
    }
}

static void test_random_model(void) {
    sv_pagealloc_t pa;
    uintptr_t base = (uintptr_t)arena;
    sv_pagealloc_init(&pa, base, base + PAGES * SV_PAGE);
    static unsigned char owner[PAGES];
    memset(owner, 0, sizeof owner);
    struct { char *p; size_t n; } live[200];
    int nlive = 0;
    uint32_t seed = 99;
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1664525u + 1013904223u;
        if (nlive < 200 && (seed >> 28) < 9) {
            size_t n = 1 + (seed >> 8) % 9;
            char *p = sv_pagealloc_alloc(&pa, n);
            if (!p) continue;
            size_t first = (size_t)(p - (char *)base) / SV_PAGE;
            for (size_t i = first; i < first + n; i++) {
                CHECK(owner[i] == 0); /* never handed out twice */
                owner[i] = 1;
            }
            live[nlive].p = p;
            live[nlive].n = n;
            nlive++;
        } else if (nlive) {
            int k = (int)((seed >> 4) % (uint32_t)nlive);
            size_t first = (size_t)(live[k].p - (char *)base) / SV_PAGE;
            for (size_t i = first; i < first + live[k].n; i++) owner[i] = 0;
            sv_pagealloc_free(&pa, live[k].p, live[k].n);
            live[k] = live[--nlive];
        }
    }
    size_t used = 0;
    for (int i = 0; i < nlive; i++) used += live[i].n;
    CHECK_EQ_INT(pa.free_pages, PAGES - 1 - used);
}

int main(void) {
    arena = aligned_alloc(SV_PAGE, PAGES * SV_PAGE);
    RUN(test_init_and_bitmap);
    RUN(test_runs_reuse_and_exhaustion);
    RUN(test_reserve);
    RUN(test_random_model);
    free(arena);
    return tests_done("test_pagealloc");
}
