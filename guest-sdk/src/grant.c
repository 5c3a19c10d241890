/*
 * Grant table management (ABI.md section 8, grant entry) and foreign mappings. Portable C: the
 * host tests run it against a table in ordinary memory and a fake hypercall.
 */
#include "splitvisor/grant.h"

#include "splitvisor/arch.h"
#include "splitvisor/string.h"
#include "splitvisor/time.h"

#define END_OF_LIST 0xFFFFFFFFu
#define ALLOCATED 0xFFFFFFFEu

static volatile sv_grant_entry_t *table;
static uint32_t entries;
static uint32_t *next_free;    /* per ref: the next free ref, or ALLOCATED */
static uint32_t free_head = END_OF_LIST;
static uint32_t free_count;

int sv_gnttab_setup(sv_grant_entry_t *t, uint32_t nr_entries, uint32_t *storage) {
    if (!t || !storage || nr_entries <= SV_GRANT_RESERVED_ENTRIES) return SV_STATUS_EINVAL;
    table = t;
    entries = nr_entries;
    next_free = storage;
    free_head = END_OF_LIST;
    free_count = 0;
    for (uint32_t r = 0; r < SV_GRANT_RESERVED_ENTRIES; r++) next_free[r] = ALLOCATED;
    /* Push in reverse so the lowest refs come out first. */
    for (uint32_t r = nr_entries; r-- > SV_GRANT_RESERVED_ENTRIES;) {
        next_free[r] = free_head;
        free_head = r;
        free_count++;
    }
    return SV_STATUS_OK;
}

uint32_t sv_gnttab_entries(void) { return entries; }
uint32_t sv_gnttab_free_count(void) { return free_count; }

int sv_grant_alloc_ref(sv_grant_ref_t *ref) {
    unsigned long f = sv_irq_save();
    int rc = SV_STATUS_ENOSPC;
    if (free_head != END_OF_LIST) {
        uint32_t r = free_head;
        free_head = next_free[r];
        next_free[r] = ALLOCATED;
        free_count--;
        *ref = r;
        rc = SV_STATUS_OK;
    }
    sv_irq_restore(f);
    return rc;
}

void sv_grant_free_ref(sv_grant_ref_t ref) {
    if (ref < SV_GRANT_RESERVED_ENTRIES || ref >= entries) return;
    unsigned long f = sv_irq_save();
    if (next_free[ref] == ALLOCATED) {   /* ignore double frees */
        next_free[ref] = free_head;
        free_head = ref;
        free_count++;
    }
    sv_irq_restore(f);
}

void sv_grant_set(sv_grant_ref_t ref, uint16_t domid, uint32_t frame, bool readonly) {
    if (ref >= entries) return;
    volatile sv_grant_entry_t *e = &table[ref];
    e->domid = domid;
    e->frame = frame;
    /* Everything above is visible before the flags make the entry valid. */
    sv_wmb();
    __atomic_store_n(&e->flags, (uint16_t)(SV_GTF_PERMIT_ACCESS | (readonly ? SV_GTF_READONLY : 0)),
                     __ATOMIC_RELEASE);
}

int sv_grant_access(uint16_t domid, uint64_t gpa, bool readonly, sv_grant_ref_t *ref) {
    if (gpa & (SV_PAGE_SIZE - 1)) return SV_STATUS_EINVAL;
    if ((gpa >> SV_PAGE_SHIFT) > 0xFFFFFFFFull) return SV_STATUS_ERANGE;
    sv_grant_ref_t r;
    int rc = sv_grant_alloc_ref(&r);
    if (rc != SV_STATUS_OK) return rc;
    sv_grant_set(r, domid, (uint32_t)(gpa >> SV_PAGE_SHIFT), readonly);
    *ref = r;
    return SV_STATUS_OK;
}

uint16_t sv_grant_flags(sv_grant_ref_t ref) {
    return ref < entries ? __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE) : 0;
}

int sv_grant_revoke(sv_grant_ref_t ref) {
    if (ref < SV_GRANT_RESERVED_ENTRIES || ref >= entries) return SV_STATUS_EINVAL;
    volatile sv_grant_entry_t *e = &table[ref];
    uint16_t old = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
    for (;;) {
        if (old & (SV_GTF_READING | SV_GTF_WRITING)) return SV_STATUS_EBUSY;
        /* Only a successful compare-and-set from a not-in-use value ends the grant: the
         * hypervisor may set READING/WRITING at any moment before it. */
        if (__atomic_compare_exchange_n(&e->flags, &old, (uint16_t)0, false, __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE)) {
            return SV_STATUS_OK;
        }
    }
}

int sv_grant_end_access(sv_grant_ref_t ref) {
    int rc = sv_grant_revoke(ref);
    if (rc == SV_STATUS_OK) sv_grant_free_ref(ref);
    return rc;
}

#ifndef SV_HOST_TEST
int sv_grant_end_access_wait(sv_grant_ref_t ref, uint64_t timeout_ns) {
    uint64_t deadline = sv_deadline_in(timeout_ns);
    for (;;) {
        int rc = sv_grant_end_access(ref);
        if (rc != SV_STATUS_EBUSY) return rc;
        if (sv_time_ns() >= deadline) return SV_STATUS_EBUSY;
        sv_sleep_ns(SV_NS_PER_MS);
    }
}
#endif

/* ---- foreign mappings ---- */

#define MAX_WINDOW_PAGES 4096u

static uint64_t window;
static uint32_t window_pages;
static uint64_t window_used[MAX_WINDOW_PAGES / 64];

int sv_grant_map_setup(uint64_t window_gpa, uint32_t pages) {
    if (window_gpa & (SV_PAGE_SIZE - 1)) return SV_STATUS_EINVAL;
    window = window_gpa;
    window_pages = pages > MAX_WINDOW_PAGES ? MAX_WINDOW_PAGES : pages;
    sv_memset(window_used, 0, sizeof window_used);
    return SV_STATUS_OK;
}

int sv_grant_map(uint16_t domid, sv_grant_ref_t ref, bool readonly, sv_grant_mapping_t *out) {
    if (!window || !window_pages) return SV_STATUS_ENOSYS;
    unsigned long f = sv_irq_save();
    uint32_t slot = window_pages;
    for (uint32_t i = 0; i < window_pages; i++) {
        if (!((window_used[i / 64] >> (i % 64)) & 1)) {
            slot = i;
            window_used[i / 64] |= 1ull << (i % 64);
            break;
        }
    }
    sv_irq_restore(f);
    if (slot == window_pages) return SV_STATUS_ENOSPC;
    uint64_t addr = window + (uint64_t)slot * SV_PAGE_SIZE;
    sv_grant_map_request_t req = {.domid = domid, .ref = ref, .guest_addr = addr, .readonly = readonly};
    sv_grant_map_response_t rsp;
    int rc = sv_hc_grant_map(&req, &rsp);
    if (rc != SV_STATUS_OK) {
        window_used[slot / 64] &= ~(1ull << (slot % 64));
        return rc;
    }
    out->addr = (void *)(uintptr_t)addr;
    out->handle = rsp.handle;
    out->domid = domid;
    out->ref = ref;
    out->readonly = readonly;
    return SV_STATUS_OK;
}

int sv_grant_unmap(sv_grant_mapping_t *m) {
    if (!m || !m->addr) return SV_STATUS_EINVAL;
    sv_grant_unmap_request_t req = {.handle = m->handle};
    sv_grant_unmap_response_t rsp;
    int rc = sv_hc_grant_unmap(&req, &rsp);
    if (rc == SV_STATUS_OK) {
        uint64_t slot = ((uint64_t)(uintptr_t)m->addr - window) / SV_PAGE_SIZE;
        if (slot < window_pages) window_used[slot / 64] &= ~(1ull << (slot % 64));
        m->addr = NULL;
    }
    return rc;
}
