/*
 * Makes every kind of bad hypercall and prints the status of each as "case NAME STATUS", then
 * exits 0. The test checks each status and that the domain (and its neighbour) kept running.
 */
#include "rt.h"

static uint8_t scratch[8192] __attribute__((aligned(4096)));

static void report(const char *name, long status) {
    rt_print("case ");
    rt_print(name);
    rt_print_num(" ", status);
}

/* A frame built by hand, to say what the typed wrappers never would. */
static long raw(uint64_t gpa, uint32_t op, uint32_t req_len, uint32_t cap, const uint8_t *payload, uint32_t n) {
    sv_hypercall_frame_t *f = (sv_hypercall_frame_t *)(uintptr_t)gpa;
    f->op = op;
    f->request_len = req_len;
    f->response_capacity = cap;
    f->reserved = 0;
    f->status = 12345;
    f->response_len = 777;
    for (uint32_t i = 0; i < n; i++) ((uint8_t *)f)[32 + i] = payload[i];
    return rt_raw_hypercall(gpa);
}

int main(void) {
    uint64_t frame = (uint64_t)(uintptr_t)scratch;
    uint64_t ram_end = rt_si.memory_bytes;

    /* Frames the hypervisor cannot even read: nothing is written, the guest goes on. */
    rt_outl(SV_HYPERCALL_PORT, 0x7FFFFFF8u);
    rt_outl(SV_HYPERCALL_PORT, (uint32_t)frame + 4);
    report("unreadable-frames-survived", 0);

    report("huge-request", raw(frame, SV_OP_VERSION, 0xFFFFFFFFu, 64, 0, 0));
    report("payload-past-ram", raw(ram_end - 40, SV_OP_VERSION, 100, 100, 0, 0));
    report("unknown-op", raw(frame, 0x99, 0, 64, 0, 0));
    report("privileged-op", raw(frame, SV_OP_DOMAIN_LIST, 0, 4096, 0, 0));
    static const uint8_t garbage[] = { 0xFF, 0xFF, 0xFF };
    report("garbage-request", raw(frame, SV_OP_EVTCHN_SEND, 3, 64, garbage, 3));

    /* Too small a response buffer: ENOBUFS, and response_len says what is needed. */
    long s = raw(frame, SV_OP_VERSION, 0, 2, 0, 0);
    report("tiny-capacity", s);
    report("tiny-capacity-needed-more-than-2", ((sv_hypercall_frame_t *)(uintptr_t)frame)->response_len > 2);

    /* A console write of 2000 bytes, over the declared 1024: field 1, length 2000 (varint d0 0f). */
    uint8_t big[2003];
    big[0] = 0x0A; big[1] = 0xD0; big[2] = 0x0F;
    for (int i = 3; i < 2003; i++) big[i] = 'x';
    report("oversized-console-write", raw(frame, SV_OP_CONSOLE_WRITE, sizeof big, 64, big, sizeof big));

    sv_evtchn_send_request_t send; sv_evtchn_send_response_t send_rsp;
    sv_evtchn_send_request_init(&send);
    send.port = 4000;
    report("send-bad-port", sv_hc_evtchn_send(&send, &send_rsp));
    send.port = 0;
    report("send-port-zero", sv_hc_evtchn_send(&send, &send_rsp));

    sv_evtchn_bind_interdomain_request_t bind; sv_evtchn_bind_interdomain_response_t bind_rsp;
    sv_evtchn_bind_interdomain_request_init(&bind);
    bind.remote_domid = 3000;
    bind.remote_port = 1;
    report("bind-foreign-domain", sv_hc_evtchn_bind_interdomain(&bind, &bind_rsp));
    bind.remote_domid = 0;
    bind.remote_port = 1;
    report("bind-bound-dom0-port", sv_hc_evtchn_bind_interdomain(&bind, &bind_rsp));
    sv_evtchn_alloc_unbound_request_t offer; sv_evtchn_alloc_unbound_response_t offered;
    sv_evtchn_alloc_unbound_request_init(&offer);
    offer.remote_domid = 0;   /* offered to dom0: we may not bind it ourselves */
    sv_hc_evtchn_alloc_unbound(&offer, &offered);
    bind.remote_domid = SV_DOMID_SELF;
    bind.remote_port = offered.port;
    report("bind-port-offered-to-dom0", sv_hc_evtchn_bind_interdomain(&bind, &bind_rsp));

    sv_grant_map_request_t map; sv_grant_map_response_t map_rsp;
    sv_grant_map_request_init(&map);
    map.domid = SV_DOMID_SELF;
    map.ref = 100000;
    map.guest_addr = rt_si.grant_map_gpa;
    report("map-ref-out-of-range", sv_hc_grant_map(&map, &map_rsp));
    map.ref = 9;
    map.guest_addr = 0x1000;
    report("map-outside-window", sv_hc_grant_map(&map, &map_rsp));

    sv_grant_copy_request_t copy; sv_grant_copy_response_t copy_rsp;
    sv_grant_copy_request_init(&copy);
    copy.ops_count = 2;
    copy.ops[0].has_source = copy.ops[0].has_dest = true;
    copy.ops[0].source.target_case = SV_GRANT_COPY_SEGMENT_GPA_TAG;
    copy.ops[0].source.target.gpa = frame;
    copy.ops[0].source.domid = SV_DOMID_SELF;
    copy.ops[0].source.offset = 4000;
    copy.ops[0].dest = copy.ops[0].source;
    copy.ops[0].dest.offset = 0;
    copy.ops[0].length = 200;
    copy.ops[1] = copy.ops[0];
    copy.ops[1].source.offset = 0;
    copy.ops[1].dest.target.gpa = frame + 4096;
    copy.ops[1].length = 16;
    report("copy-call", sv_hc_grant_copy(&copy, &copy_rsp));
    report("copy-crossing-page", copy_rsp.status[0]);
    report("copy-within-pages", copy_rsp.status[1]);

    sv_set_upcall_vector_request_t up; sv_set_upcall_vector_response_t up_rsp;
    sv_set_upcall_vector_request_init(&up);
    up.vector = 3;
    report("upcall-vector-3", sv_hc_set_upcall_vector(&up, &up_rsp));

    sv_shutdown_request_t bad_shutdown; sv_shutdown_response_t bad_shutdown_rsp;
    sv_shutdown_request_init(&bad_shutdown);
    bad_shutdown.reason = 77;
    report("shutdown-bad-reason", sv_hc_sched_shutdown(&bad_shutdown, &bad_shutdown_rsp));

    /* A storm: 100000 doorbell rings on the console channel and on bad ports. */
    for (int i = 0; i < 100000; i++) {
        rt_outl(SV_DOORBELL_PORT, rt_si.console_evtchn);
        rt_outl(SV_DOORBELL_PORT, 4095);
    }
    report("storm-survived", 0);
    return 0;
}
