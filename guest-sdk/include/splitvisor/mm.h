/*
 * splitvisor/mm.h: the page allocator and the heap.
 *
 * Pages: every page from StartInfo.first_free_gpa (or the end of the image, if higher) up to
 * memory_bytes, identity-mapped, is managed by a bitmap allocator (the bitmap itself occupies the
 * first pages of that range). Allocations are runs of contiguous pages, page-aligned, not zeroed
 * (sv_page_alloc_zeroed zeroes them).
 *
 * Heap: sv_malloc and friends, 16-byte aligned, first fit with coalescing, growing by whole pages
 * from the page allocator; large blocks get their own pages. Not for event handlers.
 *
 * Both are also usable over any memory (sv_pagealloc_init / sv_heap_init), which is how the host
 * tests exercise them.
 */
#ifndef SPLITVISOR_MM_H
#define SPLITVISOR_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SV_PAGE 4096ul

/* ---- a page allocator over one range ---- */
typedef struct sv_pagealloc {
    uintptr_t base;        /* first managed page */
    size_t pages;          /* managed pages */
    uint64_t *bitmap;      /* bit set: page in use */
    size_t free_pages;
    size_t hint;           /* where the next search starts */
} sv_pagealloc_t;

/* Manages [start, end) (rounded inward to pages); the bitmap is carved from the start. */
int sv_pagealloc_init(sv_pagealloc_t *pa, uintptr_t start, uintptr_t end);
/* Marks [start, end) used (platform pages inside the range). */
void sv_pagealloc_reserve(sv_pagealloc_t *pa, uintptr_t start, uintptr_t end);
/* n contiguous pages, or NULL. */
void *sv_pagealloc_alloc(sv_pagealloc_t *pa, size_t n);
void sv_pagealloc_free(sv_pagealloc_t *pa, void *p, size_t n);
/* True when every one of the n pages at p is allocated. */
bool sv_pagealloc_is_allocated(const sv_pagealloc_t *pa, const void *p, size_t n);

/* ---- the domain's pages ---- */
void *sv_page_alloc(size_t n);
void *sv_page_alloc_zeroed(size_t n);
void sv_page_free(void *p, size_t n);
size_t sv_pages_free(void);
size_t sv_pages_total(void);
sv_pagealloc_t *sv_pages(void);

/* ---- a heap ---- */
typedef struct sv_heap {
    /* Returns `pages` fresh pages (page-aligned) or NULL. */
    void *(*grow)(void *ctx, size_t pages);
    void (*release)(void *ctx, void *p, size_t pages);
    void *ctx;
    /* Called on a bad free (double free, wild pointer); NULL ignores it. */
    void (*corrupt)(const char *what, void *p);
    struct sv_heap_block *free_list;   /* address-ordered free blocks */
    size_t bytes_in_use;
    size_t bytes_mapped;
    size_t allocations;
} sv_heap_t;

/* Allocations of SV_HEAP_LARGE bytes or more get pages of their own, returned on free. */
#define SV_HEAP_LARGE (32u * 1024u)
/* The heap grows by at least this many pages at a time. */
#define SV_HEAP_GROW_PAGES 16u

void sv_heap_init(sv_heap_t *h, void *(*grow)(void *, size_t), void (*release)(void *, void *, size_t), void *ctx);
void *sv_heap_alloc(sv_heap_t *h, size_t size);
void sv_heap_free(sv_heap_t *h, void *p);
void *sv_heap_realloc(sv_heap_t *h, void *p, size_t size);
/* Usable size of an allocation. */
size_t sv_heap_usable(const void *p);
/* Walks every free block and checks the invariants; returns false on corruption. */
bool sv_heap_check(const sv_heap_t *h);

/* ---- the domain's heap ---- */
void *sv_malloc(size_t size);
void *sv_calloc(size_t count, size_t size);
void *sv_realloc(void *p, size_t size);
void sv_free(void *p);
/* As sv_malloc, but crashes the domain (SV_EXIT_OUT_OF_MEMORY) instead of returning NULL. */
void *sv_malloc_or_die(size_t size);
sv_heap_t *sv_heap(void);

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_MM_H */
