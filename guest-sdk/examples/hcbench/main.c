/*
 * hcbench: the cost of the two ways into the hypervisor, measured from inside the guest.
 *
 *   ops=N   operations per measurement (default 200000)
 *
 * "doorbell": a 32-bit OUT of a port number to the doorbell port (an event-channel send with no
 * memory touched), on a loopback channel whose receiving end is masked, so nothing interrupts
 * the loop. "gate": the same send as an EvtchnSend hypercall through the frame (encode the
 * request, OUT, decode the empty response): the difference is what the doorbell saves.
 * "gate-version": the Version hypercall, whose response carries five fields and a string.
 * Prints "<name>: N ops in T ns, X ns each" and exits 0.
 */
#include <splitvisor/sdk.h>

static void report(const char *name, uint64_t ops, uint64_t ns) {
    uint64_t tenths = ops ? ns * 10 / ops : 0;
    sv_printf("%s: %lu ops in %lu ns, %lu.%lu ns each\n", name, (unsigned long)ops, (unsigned long)ns,
              (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
}

int main(void) {
    uint64_t ops = sv_cmdline_get_u64("ops", 200000);
    uint32_t offered, bound;
    int rc = sv_evtchn_alloc_unbound(SV_DOMID_SELF, &offered);
    if (rc == SV_STATUS_OK) {
        rc = sv_evtchn_bind_interdomain(sv_domid(), offered, &bound);
    }
    if (rc != SV_STATUS_OK) {
        sv_printf("hcbench: FAILED: loopback channel (%s)\n", sv_status_name(rc));
        return 1;
    }
    sv_evtchn_mask(offered);   /* keep the receiving end quiet: no upcalls while we measure */

    uint64_t t0 = sv_time_ns();
    for (uint64_t i = 0; i < ops; i++) {
        sv_doorbell(bound);
    }
    uint64_t t1 = sv_time_ns();
    report("doorbell", ops, t1 - t0);

    sv_evtchn_send_request_t send;
    sv_evtchn_send_response_t sent;
    sv_evtchn_send_request_init(&send);
    send.port = bound;
    t0 = sv_time_ns();
    for (uint64_t i = 0; i < ops; i++) {
        rc = sv_hc_evtchn_send(&send, &sent);
        if (rc != SV_STATUS_OK) {
            sv_printf("hcbench: FAILED: EvtchnSend (%s)\n", sv_status_name(rc));
            return 1;
        }
    }
    t1 = sv_time_ns();
    report("gate", ops, t1 - t0);

    sv_version_request_t req;
    sv_version_response_t rsp;
    sv_version_request_init(&req);
    t0 = sv_time_ns();
    for (uint64_t i = 0; i < ops; i++) {
        rc = sv_hc_version(&req, &rsp);
        if (rc != SV_STATUS_OK) {
            sv_printf("hcbench: FAILED: Version (%s)\n", sv_status_name(rc));
            return 1;
        }
    }
    t1 = sv_time_ns();
    report("gate-version", ops, t1 - t0);
    return 0;
}
