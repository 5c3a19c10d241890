/*
 * splitvisor/grant.h: granting pages to other domains, and mapping their grants.
 *
 * The domain's own grant table is StartInfo.grant_table_gpa (grant_table_frames pages of 8-byte
 * sv_grant_entry_t). References 0-7 are reserved; the rest come from a free list.
 *
 * Granting follows ABI.md section 8 exactly: domid and frame are written, then a release barrier,
 * then flags (GTF_PERMIT_ACCESS, | GTF_READONLY) last. Revoking reads flags and fails with
 * SV_STATUS_EBUSY while the hypervisor has GTF_READING or GTF_WRITING set (the peer maps or copies
 * the page); otherwise it compare-and-sets flags from that value to 0, and only when that
 * succeeds may the page be reused. Never clear flags any other way.
 *
 * Foreign grants are mapped into the grant-map window (StartInfo.grant_map_gpa, grant_map_pages
 * pages) with the GrantMap hypercall; keep the mapping for sv_grant_unmap.
 */
#ifndef SPLITVISOR_GRANT_H
#define SPLITVISOR_GRANT_H

#include <stdbool.h>
#include <stdint.h>

#include "splitvisor/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t sv_grant_ref_t;

/* Points the grant layer at the table. freelist_storage holds one uint32_t per entry
 * (nr_entries of them); the runtime passes pages from the page allocator. */
int sv_gnttab_setup(sv_grant_entry_t *table, uint32_t nr_entries, uint32_t *freelist_storage);
/* Entries in the table, and how many references are free. */
uint32_t sv_gnttab_entries(void);
uint32_t sv_gnttab_free_count(void);

/* Takes a free reference (>= SV_GRANT_RESERVED_ENTRIES) or returns SV_STATUS_ENOSPC. */
int sv_grant_alloc_ref(sv_grant_ref_t *ref);
/* Returns an unused reference to the free list. The entry must be revoked (flags 0). */
void sv_grant_free_ref(sv_grant_ref_t ref);

/* Fills entry ref: domid, frame, release barrier, then flags. */
void sv_grant_set(sv_grant_ref_t ref, uint16_t domid, uint32_t frame, bool readonly);
/* Allocates a reference and grants domid access to the page at gpa (page-aligned). */
int sv_grant_access(uint16_t domid, uint64_t gpa, bool readonly, sv_grant_ref_t *ref);

/* Revokes entry ref by compare-and-set; SV_STATUS_EBUSY while the peer maps or copies it. The
 * reference stays allocated. */
int sv_grant_revoke(sv_grant_ref_t ref);
/* Revokes and frees the reference; SV_STATUS_EBUSY (nothing changed) while in use. */
int sv_grant_end_access(sv_grant_ref_t ref);
/* As sv_grant_end_access, retrying every millisecond until timeout_ns passes. */
int sv_grant_end_access_wait(sv_grant_ref_t ref, uint64_t timeout_ns);
/* The entry's current flags (GTF_*). */
uint16_t sv_grant_flags(sv_grant_ref_t ref);

/* ---- mapping other domains' grants ---- */
typedef struct sv_grant_mapping {
    void *addr;        /* where the page is mapped (in the grant-map window) */
    uint32_t handle;   /* the hypervisor's handle, for the unmap */
    uint16_t domid;    /* the granting domain */
    sv_grant_ref_t ref;
    bool readonly;
} sv_grant_mapping_t;

/* Sets the grant-map window (the runtime does this before main). */
int sv_grant_map_setup(uint64_t window_gpa, uint32_t pages);
/* Maps grant ref of domid at a free page of the window. */
int sv_grant_map(uint16_t domid, sv_grant_ref_t ref, bool readonly, sv_grant_mapping_t *out);
/* Unmaps it (GrantUnmap with the kept handle) and frees the window page. */
int sv_grant_unmap(sv_grant_mapping_t *m);

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_GRANT_H */
