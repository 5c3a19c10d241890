/*
 * The heap over pages from the page allocator (and from the C library, for ASan's sake):
 * alignment, reuse, coalescing, large blocks, realloc, bad frees, exhaustion, a random stress
 * with content checks.
 */
#include <stdlib.h>
#include <string.h>

#include "splitvisor/mm.h"
#include "test.h"

#define ARENA_PAGES 512

static sv_pagealloc_t pa;
static int grows, releases;
static size_t grow_limit = (size_t)-1;

static void *grow_pages(void *ctx, size_t n) {
    (void)ctx;
    if (n > grow_limit) return NULL;
    grows++;
    return sv_pagealloc_alloc(&pa, n);
}

static void release_pages(void *ctx, void *p, size_t n) {
    (void)ctx;
    releases++;
    sv_pagealloc_free(&pa, p, n);
}

static const char *last_corruption;
static void *last_bad;
static void corrupt(const char *what, void *p) {
    last_corruption = what;
    last_bad = p;
}

static void *arena;

static void fresh(sv_heap_t *h) {
    sv_pagealloc_init(&pa, (uintptr_t)arena, (uintptr_t)arena + ARENA_PAGES * SV_PAGE);
    sv_heap_init(h, grow_pages, release_pages, NULL);
    h->corrupt = corrupt;
    grows = releases = 0;
    grow_limit = (size_t)-1;
    last_corruption = NULL;
}

static size_t free_blocks(const sv_heap_t *h) {
    size_t n = 0;
    for (const struct sv_heap_block *b = h->free_list; b; b = *(struct sv_heap_block *const *)((const char *)b + 16)) n++;
    return n;
}

static void test_alignment_and_reuse(void) {
    sv_heap_t h;
    fresh(&h);
    void *p[64];
    for (int i = 0; i < 64; i++) {
        p[i] = sv_heap_alloc(&h, (size_t)i * 3 + 1);
        CHECK(p[i] != NULL);
        CHECK(((uintptr_t)p[i] & 15) == 0);
        CHECK(sv_heap_usable(p[i]) >= (size_t)i * 3 + 1);
        memset(p[i], i, (size_t)i * 3 + 1);
    }
    for (int i = 0; i < 64; i++) {
        unsigned char *c = p[i];
        for (int k = 0; k < i * 3 + 1; k++) CHECK(c[k] == (unsigned char)i);
    }
    CHECK_EQ_INT(grows, 1);
    CHECK_EQ_INT(h.allocations, 64);
    void *again = NULL;
    sv_heap_free(&h, p[10]);
    again = sv_heap_alloc(&h, 20);
    CHECK(again == p[10]); /* first fit reuses the hole */
    CHECK(sv_heap_check(&h));
    CHECK(sv_heap_alloc(&h, (size_t)-1 / 2 + 10) == NULL);
}

static void test_coalescing(void) {
    sv_heap_t h;
    fresh(&h);
    void *p[100];
    for (int i = 0; i < 100; i++) p[i] = sv_heap_alloc(&h, 100);
    size_t chunks = (size_t)grows;
    /* Free every other block, then the rest: everything must merge back. */
    for (int i = 0; i < 100; i += 2) sv_heap_free(&h, p[i]);
    CHECK(sv_heap_check(&h));
    CHECK(free_blocks(&h) >= 50);
    for (int i = 1; i < 100; i += 2) sv_heap_free(&h, p[i]);
    CHECK(sv_heap_check(&h));
    CHECK(free_blocks(&h) <= chunks); /* one per grown chunk at most (contiguous chunks merge too) */
    CHECK_EQ_INT(h.bytes_in_use, 0);
    CHECK_EQ_INT(h.allocations, 0);
    /* The merged space serves a big (but not "large") request without growing. */
    int g = grows;
    void *big = sv_heap_alloc(&h, 16 * 1024);
    CHECK(big != NULL);
    CHECK_EQ_INT(grows, g);
}

static void test_large_blocks(void) {
    sv_heap_t h;
    fresh(&h);
    size_t free0 = pa.free_pages;
    void *big = sv_heap_alloc(&h, 100000);
    CHECK(big != NULL);
    CHECK(((uintptr_t)big & 15) == 0);
    memset(big, 7, 100000);
    CHECK_EQ_INT(pa.free_pages, free0 - 25); /* (100000 + 16) rounded up to pages */
    sv_heap_free(&h, big);
    CHECK_EQ_INT(releases, 1);
    CHECK_EQ_INT(pa.free_pages, free0);
    CHECK_EQ_INT(h.bytes_mapped, 0);
}

static void test_realloc(void) {
    sv_heap_t h;
    fresh(&h);
    char *p = sv_heap_realloc(&h, NULL, 10);
    CHECK(p != NULL);
    memcpy(p, "0123456789", 10);
    char *q = sv_heap_realloc(&h, p, 5); /* shrink: same block */
    CHECK(q == p);
    q = sv_heap_realloc(&h, p, 5000);
    CHECK(q != NULL && memcmp(q, "0123456789", 10) == 0);
    q = sv_heap_realloc(&h, q, 200000); /* into a large block */
    CHECK(q != NULL && memcmp(q, "0123456789", 10) == 0);
    q = sv_heap_realloc(&h, q, 0);
    CHECK(q == NULL);
    CHECK_EQ_INT(h.allocations, 0);
}

static void test_bad_frees(void) {
    sv_heap_t h;
    fresh(&h);
    char *p = sv_heap_alloc(&h, 64);
    char *keep = sv_heap_alloc(&h, 64); /* so p's block does not merge away */
    sv_heap_free(&h, p);
    sv_heap_free(&h, p);
    CHECK(last_corruption && strstr(last_corruption, "double free"));
    CHECK(last_bad == p);
    last_corruption = NULL;
    sv_heap_free(&h, keep + 3);
    CHECK(last_corruption != NULL);
    last_corruption = NULL;
    static _Alignas(16) char not_heap[64];
    sv_heap_free(&h, not_heap + 32);
    CHECK(last_corruption != NULL);
    sv_heap_free(&h, NULL); /* fine */
    CHECK(sv_heap_check(&h));
}

static void test_exhaustion(void) {
    sv_heap_t h;
    fresh(&h);
    grow_limit = 0;
    CHECK(sv_heap_alloc(&h, 10) == NULL);
    CHECK(sv_heap_alloc(&h, 1000000) == NULL);
    grow_limit = (size_t)-1;
    int n = 0;
    while (sv_heap_alloc(&h, 3000) != NULL) n++;
    CHECK(n > 100);
    CHECK(sv_heap_check(&h));
}

/* Backed by malloc'd chunks: ASan sees every overrun past a grown chunk. */
static void *chunks[4096];
static int nchunks;
static void *grow_malloc(void *ctx, size_t n) {
    (void)ctx;
    void *p = aligned_alloc(SV_PAGE, n * SV_PAGE);
    if (p && nchunks < 4096) chunks[nchunks++] = p;
    return p;
}
static void release_malloc(void *ctx, void *p, size_t n) {
    (void)ctx;
    (void)n;
    for (int i = 0; i < nchunks; i++) {
        if (chunks[i] == p) {
            chunks[i] = chunks[--nchunks];
            break;
        }
    }
    free(p);
}

static void test_random_stress(void) {
    sv_heap_t h;
    sv_heap_init(&h, grow_malloc, release_malloc, NULL);
    h.corrupt = corrupt;
    last_corruption = NULL;
    struct { unsigned char *p; size_t n; unsigned char tag; } live[500];
    int nlive = 0;
    uint32_t seed = 7;
    for (int step = 0; step < 40000; step++) {
        seed = seed * 1664525u + 1013904223u;
        int op = (int)(seed >> 29);
        if (op < 4 && nlive < 500) {
            size_t n = (seed >> 7) % ((seed >> 20) % 8 == 0 ? 40000 : 300) + 1;
            unsigned char *p = sv_heap_alloc(&h, n);
            CHECK(p != NULL);
            if (!p) continue;
            unsigned char tag = (unsigned char)(seed >> 3);
            memset(p, tag, n);
            live[nlive].p = p;
            live[nlive].n = n;
            live[nlive].tag = tag;
            nlive++;
        } else if (op < 6 && nlive) {
            int k = (int)((seed >> 9) % (uint32_t)nlive);
            size_t n = (seed >> 5) % 600 + 1;
            unsigned char *q = sv_heap_realloc(&h, live[k].p, n);
            CHECK(q != NULL);
            size_t keep = n < live[k].n ? n : live[k].n;
            for (size_t i = 0; i < keep; i++) CHECK(q[i] == live[k].tag);
            memset(q, live[k].tag, n);
            live[k].p = q;
            live[k].n = n;
        } else if (nlive) {
            int k = (int)((seed >> 11) % (uint32_t)nlive);
            bool ok = true;
            for (size_t i = 0; i < live[k].n; i++) ok &= live[k].p[i] == live[k].tag;
            CHECK(ok);
            sv_heap_free(&h, live[k].p);
            live[k] = live[--nlive];
        }
        if (step % 1000 == 0) CHECK(sv_heap_check(&h));
    }
    for (int k = 0; k < nlive; k++) sv_heap_free(&h, live[k].p);
    CHECK(last_corruption == NULL);
    CHECK_EQ_INT(h.bytes_in_use, 0);
    /* The small-block chunks stay with the heap; give them back for LeakSanitizer. */
    while (nchunks) free(chunks[--nchunks]);
}

int main(void) {
    arena = aligned_alloc(SV_PAGE, ARENA_PAGES * SV_PAGE);
    RUN(test_alignment_and_reuse);
    RUN(test_coalescing);
    RUN(test_large_blocks);
    RUN(test_realloc);
    RUN(test_bad_frees);
    RUN(test_exhaustion);
    RUN(test_random_stress);
    free(arena);
    return tests_done("test_heap");
}
