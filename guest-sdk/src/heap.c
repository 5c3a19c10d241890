/*
 * A small heap: an address-ordered free list, first fit, splitting and coalescing; large blocks
 * get pages of their own. Portable C: also run by the host tests.
 */
#include "splitvisor/mm.h"

#include "splitvisor/string.h"

#define ALIGN 16u
#define HDR 16u                /* header bytes before the user's pointer */
#define MIN_BLOCK 32u          /* a free block needs its header plus the next pointer */
#define MAGIC_USED 0x5AA110C8u
#define MAGIC_FREE 0xF4EEB10Cu
#define FLAG_LARGE 1u

typedef struct sv_heap_block {
    size_t size;                  /* bytes including this header; a multiple of 16 */
    uint32_t magic;
    uint32_t flags;
    struct sv_heap_block *next;   /* free blocks only: the next free block by address */
} block_t;
_Static_assert(sizeof(block_t) == 24, "block header");

static block_t *header_of(const void *p) { return (block_t *)((uintptr_t)p - HDR); }
static void *user_of(block_t *b) { return (void *)((uintptr_t)b + HDR); }
static uintptr_t end_of(const block_t *b) { return (uintptr_t)b + b->size; }

void sv_heap_init(sv_heap_t *h, void *(*grow)(void *, size_t), void (*release)(void *, void *, size_t), void *ctx) {
    sv_memset(h, 0, sizeof *h);
    h->grow = grow;
    h->release = release;
    h->ctx = ctx;
}

static void bad(sv_heap_t *h, const char *what, void *p) {
    if (h->corrupt) h->corrupt(what, p);
}

/* Inserts a free block in address order, merging with its neighbours. */
static void insert_free(sv_heap_t *h, block_t *b) {
    b->magic = MAGIC_FREE;
    b->flags = 0;
    block_t *prev = NULL, *cur = h->free_list;
    while (cur && cur < b) {
        prev = cur;
        cur = cur->next;
    }
    b->next = cur;
    if (prev) prev->next = b;
    else h->free_list = b;
    if (cur && end_of(b) == (uintptr_t)cur) {
        b->size += cur->size;
        b->next = cur->next;
        cur->magic = 0;
    }
    if (prev && end_of(prev) == (uintptr_t)b) {
        prev->size += b->size;
        prev->next = b->next;
        b->magic = 0;
    }
}

static size_t block_size_for(size_t size) {
    if (size > ((size_t)-1) / 2) return 0;
    size_t total = (size + HDR + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    return total < MIN_BLOCK ? MIN_BLOCK : total;
}

static void *alloc_large(sv_heap_t *h, size_t total) {
    size_t pages = (total + SV_PAGE - 1) / SV_PAGE;
    block_t *b = h->grow ? h->grow(h->ctx, pages) : NULL;
    if (!b) return NULL;
    b->size = pages * SV_PAGE;
    b->magic = MAGIC_USED;
    b->flags = FLAG_LARGE;
    h->bytes_mapped += b->size;
    h->bytes_in_use += b->size;
    h->allocations++;
    return user_of(b);
}

void *sv_heap_alloc(sv_heap_t *h, size_t size) {
    size_t total = block_size_for(size);
    if (!total) return NULL;
    if (total >= SV_HEAP_LARGE) return alloc_large(h, total);
    for (int attempt = 0; attempt < 2; attempt++) {
        block_t *prev = NULL;
        for (block_t *b = h->free_list; b; prev = b, b = b->next) {
            if (b->size < total) continue;
            block_t *next = b->next;
            if (b->size - total >= MIN_BLOCK) {
                block_t *rest = (block_t *)((uintptr_t)b + total);
                rest->size = b->size - total;
                rest->magic = MAGIC_FREE;
                rest->flags = 0;
                rest->next = next;
                next = rest;
                b->size = total;
            }
            if (prev) prev->next = next;
            else h->free_list = next;
            b->magic = MAGIC_USED;
            b->flags = 0;
            h->bytes_in_use += b->size;
            h->allocations++;
            return user_of(b);
        }
        /* Nothing fits: grow by at least SV_HEAP_GROW_PAGES pages and try once more. */
        size_t pages = (total + SV_PAGE - 1) / SV_PAGE;
        if (pages < SV_HEAP_GROW_PAGES) pages = SV_HEAP_GROW_PAGES;
        block_t *fresh = h->grow ? h->grow(h->ctx, pages) : NULL;
        if (!fresh) return NULL;
        fresh->size = pages * SV_PAGE;
        h->bytes_mapped += fresh->size;
        insert_free(h, fresh);
    }
    return NULL;
}

void sv_heap_free(sv_heap_t *h, void *p) {
    if (!p) return;
    if (((uintptr_t)p & (ALIGN - 1)) != 0) {
        bad(h, "free of a pointer the heap never returned", p);
        return;
    }
    block_t *b = header_of(p);
    if (b->magic == MAGIC_FREE) {
        bad(h, "double free", p);
        return;
    }
    if (b->magic != MAGIC_USED) {
        bad(h, "free of a pointer the heap never returned (or a corrupted block)", p);
        return;
    }
    h->bytes_in_use -= b->size;
    h->allocations--;
    if (b->flags & FLAG_LARGE) {
        size_t pages = b->size / SV_PAGE;
        h->bytes_mapped -= b->size;
        b->magic = 0;
        if (h->release) h->release(h->ctx, b, pages);
        return;
    }
    insert_free(h, b);
}

size_t sv_heap_usable(const void *p) {
    return p ? header_of(p)->size - HDR : 0;
}

void *sv_heap_realloc(sv_heap_t *h, void *p, size_t size) {
    if (!p) return sv_heap_alloc(h, size);
    if (size == 0) {
        sv_heap_free(h, p);
        return NULL;
    }
    block_t *b = header_of(p);
    if (b->magic != MAGIC_USED) {
        bad(h, "realloc of a pointer the heap never returned", p);
        return NULL;
    }
    if (sv_heap_usable(p) >= size) return p;
    void *q = sv_heap_alloc(h, size);
    if (!q) return NULL;
    sv_memcpy(q, p, sv_heap_usable(p));
    sv_heap_free(h, p);
    return q;
}

bool sv_heap_check(const sv_heap_t *h) {
    const block_t *prev = NULL;
    for (const block_t *b = h->free_list; b; prev = b, b = b->next) {
        if (b->magic != MAGIC_FREE) return false;
        if (b->size < MIN_BLOCK || (b->size & (ALIGN - 1))) return false;
        if (prev && (prev >= b || end_of(prev) >= (uintptr_t)b)) return false; /* unordered or unmerged */
    }
    return true;
}
