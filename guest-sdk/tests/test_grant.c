/*
 * Grant table management against a table in ordinary memory: entry contents and flags written
 * last, the free list, revoke by compare-and-set that fails while the "hypervisor" has READING or
 * WRITING set, and foreign mappings through a fake GrantMap/GrantUnmap hypercall.
 */
#include <string.h>

#include "splitvisor/grant.h"
#include "test.h"

#define ENTRIES 1024

static sv_grant_entry_t table[ENTRIES];
static uint32_t storage[ENTRIES];

/* ---- a fake hypercall for GrantMap / GrantUnmap ---- */
static int map_calls, unmap_calls;
static sv_grant_map_request_t last_map;
static int map_status;
static uint32_t next_handle = 100;

int sv_hypercall(uint32_t op, const sv_pb_msgdesc_t *req_desc, const void *req, const sv_pb_msgdesc_t *rsp_desc,
                 void *rsp) {
    (void)req_desc;
    sv_pb_init(rsp_desc, rsp);
    if (op == SV_OP_GRANT_MAP) {
        map_calls++;
        last_map = *(const sv_grant_map_request_t *)req;
        if (map_status) return map_status;
        ((sv_grant_map_response_t *)rsp)->handle = next_handle++;
        return SV_STATUS_OK;
    }
    if (op == SV_OP_GRANT_UNMAP) {
        unmap_calls++;
        return ((const sv_grant_unmap_request_t *)req)->handle >= 100 ? SV_STATUS_OK : SV_STATUS_ENOENT;
    }
    return SV_STATUS_ENOSYS;
}

static void setup(void) {
    memset(table, 0, sizeof table);
    CHECK_EQ_INT(sv_gnttab_setup(table, ENTRIES, storage), 0);
}

static void test_setup_and_free_list(void) {
    setup();
    CHECK_EQ_INT(sv_gnttab_entries(), ENTRIES);
    CHECK_EQ_INT(sv_gnttab_free_count(), ENTRIES - SV_GRANT_RESERVED_ENTRIES);
    sv_grant_ref_t r;
    CHECK_EQ_INT(sv_grant_alloc_ref(&r), 0);
    CHECK_EQ_INT(r, SV_GRANT_RESERVED_ENTRIES); /* the lowest free ref first, never a reserved one */
    sv_grant_free_ref(r);
    sv_grant_free_ref(r); /* a double free is ignored */
    sv_grant_free_ref(3); /* reserved: ignored */
    sv_grant_free_ref(ENTRIES + 7);
    CHECK_EQ_INT(sv_gnttab_free_count(), ENTRIES - SV_GRANT_RESERVED_ENTRIES);
    int n = 0;
    bool seen[ENTRIES] = {false};
    while (sv_grant_alloc_ref(&r) == SV_STATUS_OK) {
        CHECK(r >= SV_GRANT_RESERVED_ENTRIES && r < ENTRIES);
        CHECK(!seen[r]);
        seen[r] = true;
        n++;
    }
    CHECK_EQ_INT(n, ENTRIES - SV_GRANT_RESERVED_ENTRIES);
    CHECK_EQ_INT(sv_grant_alloc_ref(&r), SV_STATUS_ENOSPC);
    CHECK_EQ_INT(sv_gnttab_setup(table, 4, storage), SV_STATUS_EINVAL);
}

static void test_grant_and_revoke(void) {
    setup();
    sv_grant_ref_t r;
    CHECK_EQ_INT(sv_grant_access(7, 0x123000, false, &r), 0);
    CHECK_EQ_INT(table[r].domid, 7);
    CHECK_EQ_INT(table[r].frame, 0x123);
    CHECK_EQ_INT(table[r].flags, SV_GTF_PERMIT_ACCESS);
    sv_grant_ref_t ro;
    CHECK_EQ_INT(sv_grant_access(9, 0x7000, true, &ro), 0);
    CHECK_EQ_INT(table[ro].flags, SV_GTF_PERMIT_ACCESS | SV_GTF_READONLY);
    CHECK_EQ_INT(sv_grant_flags(ro), SV_GTF_PERMIT_ACCESS | SV_GTF_READONLY);
    CHECK_EQ_INT(sv_grant_access(7, 0x123001, false, &r), SV_STATUS_EINVAL); /* not page-aligned */
    CHECK_EQ_INT(sv_grant_access(7, 1ull << 45, false, &r), SV_STATUS_ERANGE); /* frame over 32 bits */

    /* In use (the hypervisor set READING or WRITING): revoke fails and changes nothing. */
    CHECK_EQ_INT(sv_grant_access(7, 0x200000, false, &r), 0);
    table[r].flags |= SV_GTF_WRITING;
    uint32_t free_before = sv_gnttab_free_count();
    CHECK_EQ_INT(sv_grant_end_access(r), SV_STATUS_EBUSY);
    CHECK_EQ_INT(table[r].flags, SV_GTF_PERMIT_ACCESS | SV_GTF_WRITING);
    CHECK_EQ_INT(sv_gnttab_free_count(), free_before);
    table[r].flags = SV_GTF_PERMIT_ACCESS | SV_GTF_READING;
    CHECK_EQ_INT(sv_grant_revoke(r), SV_STATUS_EBUSY);
    /* Unmapped: revoke succeeds, flags go to 0, the ref is free again. */
    table[r].flags = SV_GTF_PERMIT_ACCESS;
    CHECK_EQ_INT(sv_grant_end_access(r), 0);
    CHECK_EQ_INT(table[r].flags, 0);
    CHECK_EQ_INT(sv_gnttab_free_count(), free_before + 1);
    CHECK_EQ_INT(sv_grant_revoke(2), SV_STATUS_EINVAL);       /* reserved */
    CHECK_EQ_INT(sv_grant_revoke(ENTRIES), SV_STATUS_EINVAL); /* out of range */
    /* Revoking a read-only grant works the same way. */
    CHECK_EQ_INT(sv_grant_end_access(ro), 0);
    CHECK_EQ_INT(table[ro].flags, 0);
}

static void test_set_writes_flags_last(void) {
    setup();
    /* sv_grant_set on a dirty entry: every field ends as asked. */
    table[20].domid = 0xFFFF;
    table[20].frame = 0xFFFFFFFF;
    sv_grant_set(20, 3, 0x42, true);
    CHECK_EQ_INT(table[20].domid, 3);
    CHECK_EQ_INT(table[20].frame, 0x42);
    CHECK_EQ_INT(table[20].flags, SV_GTF_PERMIT_ACCESS | SV_GTF_READONLY);
    sv_grant_set(ENTRIES + 1, 3, 0x42, true); /* out of range: ignored */
}

static void test_map_window(void) {
    setup();
    static _Alignas(4096) uint8_t window[4 * 4096];
    CHECK_EQ_INT(sv_grant_map_setup((uint64_t)(uintptr_t)window + 1, 4), SV_STATUS_EINVAL);
    CHECK_EQ_INT(sv_grant_map_setup((uint64_t)(uintptr_t)window, 4), 0);
    sv_grant_mapping_t m[5];
    for (int i = 0; i < 4; i++) {
        CHECK_EQ_INT(sv_grant_map(2, (sv_grant_ref_t)(8 + i), i == 3, &m[i]), 0);
        CHECK(m[i].addr == window + i * 4096);
        CHECK_EQ_INT(last_map.guest_addr, (uint64_t)(uintptr_t)(window + i * 4096));
        CHECK_EQ_INT(last_map.domid, 2);
        CHECK_EQ_INT(last_map.ref, 8 + i);
        CHECK_EQ_INT(last_map.readonly, i == 3);
    }
    CHECK_EQ_INT(sv_grant_map(2, 30, false, &m[4]), SV_STATUS_ENOSPC); /* window full: no hypercall */
    CHECK_EQ_INT(map_calls, 4);
    CHECK_EQ_INT(sv_grant_unmap(&m[1]), 0);
    CHECK(m[1].addr == NULL);
    CHECK_EQ_INT(sv_grant_unmap(&m[1]), SV_STATUS_EINVAL);
    CHECK_EQ_INT(sv_grant_map(2, 31, false, &m[4]), 0);
    CHECK(m[4].addr == window + 4096); /* the freed page is reused */
    /* A failed map gives its window page back. */
    CHECK_EQ_INT(sv_grant_unmap(&m[4]), 0);
    map_status = SV_STATUS_EACCES;
    CHECK_EQ_INT(sv_grant_map(2, 32, false, &m[4]), SV_STATUS_EACCES);
    map_status = 0;
    CHECK_EQ_INT(sv_grant_map(2, 33, false, &m[4]), 0);
    CHECK(m[4].addr == window + 4096);
    /* An unmap the hypervisor refuses keeps the page taken. */
    m[4].handle = 5;
    CHECK_EQ_INT(sv_grant_unmap(&m[4]), SV_STATUS_ENOENT);
    CHECK(m[4].addr != NULL);
    CHECK_EQ_INT(unmap_calls, 3);
}

int main(void) {
    RUN(test_setup_and_free_list);
    RUN(test_grant_and_revoke);
    RUN(test_set_writes_flags_last);
    RUN(test_map_window);
    return tests_done("test_grant");
}
