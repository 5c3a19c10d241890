/*
 * selftest: the SDK's runtime services inside a real domain, one line per check, then
 * "selftest: ok" (exit 0) or "selftest: FAILED: ..." (exit 1).
 *
 * Time and the timer (sv_time_ns, sv_sleep_ns, a wait that times out), the heap and the page
 * allocator, a loopback event channel (alloc_unbound for DOMID_SELF, bind_interdomain to it) with
 * a handler, masking and the re-raise on unmask, the doorbell and the EvtchnSend hypercall, a
 * grant to ourselves revoked by compare-and-set, GrantCopy from our own grant, and the Version and
 * MemoryReservation hypercalls.
 */
#include <splitvisor/sdk.h>

static int failures;

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            failures++;                                                       \
            sv_printf("selftest: FAILED: %s:%d: ", __FILE__, __LINE__);       \
            sv_printf(__VA_ARGS__);                                           \
            sv_printf("\n");                                                  \
        }                                                                     \
    } while (0)

static volatile int loop_events;
static void on_loop(uint32_t port, void *arg) {
    (void)port;
    (void)arg;
    loop_events++;
}

static bool events_at_least(void *arg) { return loop_events >= *(int *)arg; }
static bool never(void *arg) {
    (void)arg;
    return false;
}

static void check_time(void) {
    uint64_t t0 = sv_time_ns();
    uint64_t t1 = sv_time_ns();
    CHECK(t1 >= t0, "time went backwards: %lu then %lu", (unsigned long)t0, (unsigned long)t1);
    sv_sleep_ms(20);
    uint64_t t2 = sv_time_ns();
    CHECK(t2 - t1 >= 20 * SV_NS_PER_MS, "slept %lu ns, asked for 20 ms", (unsigned long)(t2 - t1));
    int rc = sv_wait(never, NULL, sv_deadline_in(10 * SV_NS_PER_MS));
    CHECK(rc == SV_STATUS_ETIMEDOUT, "a wait for nothing answered %s", sv_status_name(rc));
    uint64_t sec;
    uint32_t nsec;
    rc = sv_wallclock(&sec, &nsec);
    CHECK(rc == SV_STATUS_OK && sec > 1600000000ull, "wall clock %lu (%s)", (unsigned long)sec, sv_status_name(rc));
    sv_printf("selftest: time: slept %lu us for 20 ms, wall clock %lu s\n", (unsigned long)((t2 - t1) / 1000),
              (unsigned long)sec);
}

static void check_memory(void) {
    size_t free0 = sv_pages_free();
    char *p = sv_page_alloc_zeroed(4);
    CHECK(p && ((uintptr_t)p & 4095) == 0, "page allocation");
    if (p) {
        for (int i = 0; i < 4 * 4096; i++) CHECK(p[i] == 0, "page not zeroed at %d", i);
        sv_memset(p, 0x5A, 4 * 4096);
        sv_page_free(p, 4);
    }
    CHECK(sv_pages_free() == free0, "pages leaked: %zu then %zu", free0, sv_pages_free());
    void *blocks[64];
    for (int i = 0; i < 64; i++) {
        blocks[i] = sv_malloc((size_t)(i * 97 + 1));
        CHECK(blocks[i] != NULL, "malloc %d", i);
        if (blocks[i]) sv_memset(blocks[i], i, (size_t)(i * 97 + 1));
    }
    for (int i = 0; i < 64; i += 2) sv_free(blocks[i]);
    char *big = sv_calloc(1, 200000);
    CHECK(big && big[199999] == 0, "calloc of a large block");
    sv_free(big);
    for (int i = 1; i < 64; i += 2) {
        unsigned char *b = blocks[i];
        bool ok = true;
        for (int k = 0; k < i * 97 + 1; k++) ok &= b[k] == (unsigned char)i;
        CHECK(ok, "heap block %d corrupted", i);
        sv_free(b);
    }
    CHECK(sv_heap()->bytes_in_use == 0, "heap still holds %zu bytes", sv_heap()->bytes_in_use);
    sv_printf("selftest: memory: %zu of %zu pages free, heap ok\n", sv_pages_free(), sv_pages_total());
}

static void check_loopback_channel(void) {
    uint32_t unbound, bound;
    int rc = sv_evtchn_alloc_unbound(SV_DOMID_SELF, &unbound);
    CHECK(rc == SV_STATUS_OK, "alloc_unbound(DOMID_SELF): %s", sv_status_name(rc));
    if (rc) return;
    rc = sv_evtchn_bind_interdomain(sv_domid(), unbound, &bound);
    CHECK(rc == SV_STATUS_OK, "bind_interdomain to ourselves: %s", sv_status_name(rc));
    if (rc) return;
    sv_evtchn_bind_handler(unbound, on_loop, NULL);
    sv_evtchn_bind_handler(bound, on_loop, NULL);
    sv_evtchn_poll(); /* a newly bound port starts pending */
    loop_events = 0;

    int want = 1;
    sv_evtchn_send(bound); /* doorbell: the other end, `unbound`, fires */
    CHECK(sv_wait(events_at_least, &want, sv_deadline_in(SV_NS_PER_SEC)) == SV_STATUS_OK, "doorbell event lost");
    want = 2;
    rc = sv_evtchn_send_checked(unbound);
    CHECK(rc == SV_STATUS_OK, "EvtchnSend: %s", sv_status_name(rc));
    CHECK(sv_wait(events_at_least, &want, sv_deadline_in(SV_NS_PER_SEC)) == SV_STATUS_OK, "hypercall event lost");

    /* Masked: the event waits in the pending bit; unmasking delivers it. */
    sv_evtchn_mask(unbound);
    sv_evtchn_send(bound);
    sv_sleep_ms(5);
    CHECK(loop_events == 2, "a masked port delivered an event");
    CHECK(sv_evtchn_is_pending(unbound), "the masked port is not pending");
    sv_evtchn_unmask(unbound);
    want = 3;
    CHECK(sv_wait(events_at_least, &want, sv_deadline_in(SV_NS_PER_SEC)) == SV_STATUS_OK,
          "unmask did not deliver the pending event");
    CHECK(sv_evtchn_send_checked(4000) == SV_STATUS_EBADF, "EvtchnSend to an unbound port");
    sv_evtchn_close(bound);
    sv_evtchn_close(unbound);
    sv_printf("selftest: event channels: loopback %u <-> %u, %d events, upcalls %s\n", unbound, bound, loop_events,
              sv_upcalls_enabled() ? "on" : "off");
}

static void check_grants(void) {
    char *page = sv_page_alloc_zeroed(1);
    char *dest = sv_page_alloc_zeroed(1);
    if (!page || !dest) {
        CHECK(false, "no pages");
        return;
    }
    sv_strlcpy(page + 100, "granted bytes", 32);
    sv_grant_ref_t ref;
    int rc = sv_grant_access((uint16_t)sv_domid(), (uint64_t)(uintptr_t)page, true, &ref);
    CHECK(rc == SV_STATUS_OK, "grant: %s", sv_status_name(rc));
    if (rc) return;
    /* Copy out of our own grant into another of our pages. */
    static sv_grant_copy_request_t req;
    static sv_grant_copy_response_t rsp;
    sv_grant_copy_request_init(&req);
    req.ops_count = 1;
    sv_grant_copy_op_t *op = &req.ops[0];
    op->has_source = true;
    op->source.target_case = SV_GRANT_COPY_SEGMENT_REF_TAG;
    op->source.target.ref = ref;
    op->source.domid = sv_domid();
    op->source.offset = 100;
    op->has_dest = true;
    op->dest.target_case = SV_GRANT_COPY_SEGMENT_GPA_TAG;
    op->dest.target.gpa = (uint64_t)(uintptr_t)dest;
    op->dest.domid = SV_DOMID_SELF;
    op->dest.offset = 8;
    op->length = 14;
    rc = sv_hc_grant_copy(&req, &rsp);
    CHECK(rc == SV_STATUS_OK && rsp.status_count == 1 && rsp.status[0] == SV_STATUS_OK,
          "grant copy: %s / %s", sv_status_name(rc), rsp.status_count ? sv_status_name(rsp.status[0]) : "-");
    CHECK(sv_strcmp(dest + 8, "granted bytes") == 0, "grant copy moved \"%s\"", dest + 8);
    rc = sv_grant_end_access(ref);
    CHECK(rc == SV_STATUS_OK, "revoke: %s", sv_status_name(rc));
    CHECK(sv_grant_flags(ref) == 0, "flags after revoke: %u", sv_grant_flags(ref));
    sv_page_free(page, 1);
    sv_page_free(dest, 1);
    sv_printf("selftest: grants: ref %u granted, copied, revoked; %u refs free\n", ref, sv_gnttab_free_count());
}

static void check_hypercalls(void) {
    sv_version_request_t vq = {0};
    static sv_version_response_t vr;
    int rc = sv_hc_version(&vq, &vr);
    CHECK(rc == SV_STATUS_OK && vr.abi_major == SV_ABI_MAJOR && vr.page_size == 4096, "Version: %s",
          sv_status_name(rc));
    sv_memory_reservation_request_t mq = {0};
    sv_memory_reservation_response_t mr;
    rc = sv_hc_memory_reservation(&mq, &mr);
    CHECK(rc == SV_STATUS_OK && mr.pages * 4096 == sv_start_info()->memory_bytes, "MemoryReservation: %s, %lu pages",
          sv_status_name(rc), (unsigned long)mr.pages);
    sv_domain_list_request_t dq = {0};
    static sv_domain_list_response_t dr;
    rc = sv_hc_domain_list(&dq, &dr);
    CHECK(rc == SV_STATUS_EPERM, "DomainList from a guest answered %s, not EPERM", sv_status_name(rc));
    sv_printf("selftest: hypercalls: ABI %u.%u, build \"%s\", features 0x%lx, %lu hypercalls so far\n", vr.abi_major,
              vr.abi_minor, vr.build, (unsigned long)vr.features, (unsigned long)sv_hypercall_count());
}

int main(void) {
    sv_printf("selftest: domain %u (%s), %lu MiB\n", sv_domid(), sv_start_info()->name,
              (unsigned long)(sv_start_info()->memory_bytes >> 20));
    check_hypercalls();
    check_time();
    check_memory();
    check_loopback_channel();
    check_grants();
    if (failures) {
        sv_printf("selftest: %d checks FAILED\n", failures);
        return 1;
    }
    sv_printf("selftest: ok\n");
    return 0;
}
