/*
 * badnet: the network frontend against a backend guest that misbehaves on purpose (badback's
 * counterpart for vif): violations disable the device with a message, unusable received frames
 * are dropped and counted, and the close still completes.
 *
 *   ./splitvisor run badnet.elf badnet.elf --cmdline "role=frontend mode=txid" --cmdline "role=backend mode=txid"
 *
 *   role=frontend  plants device/vif/<id> (mac 00:16:3e:99:00:<domid>) pointing at the peer's
 *                  backend directory, opens it with svf_net_open, sends a frame and waits for its
 *                  echo, and checks the outcome the mode must give
 *   role=backend   serves it from /local/domain/<self>/backend/vif/<fe>/<id>: maps both rings,
 *                  binds the channel and echoes every transmitted frame into the next posted rx
 *                  buffer with a grant copy (frontend page to frontend page)
 *   mode=          none    a correct backend
 *                  txid    answers the transmit with an id that is not in flight (found when the
 *                          next send reaps transmit responses)
 *                  rxslot  puts the echo's response in its slot with another slot's id
 *                  rxprod  moves the rx rsp_prod 500 ahead
 *                  rxlen   first delivers a response of 3000 bytes (dropped and counted by the
 *                          frontend), then the echo
 *                  rxcopy  does not offer feature-rx-copy (the frontend must refuse to connect)
 *   peer=<domid>, id=N (default 7), timeout=S (default 5)
 *
 * Both print "badnet: <mode>: ok" and exit 0 when the frontend saw exactly what it should.
 */
#include <splitvisor/sdk.h>
#include <svfront/svfront.h>

static uint32_t self, peer;
static unsigned dev_id;
static char mode[16] = "none";
static uint64_t timeout_ns;

static int failed(const char *what, int rc) {
    if (rc) sv_printf("badnet: FAILED: %s (%s)\n", what, sv_status_name(rc));
    else sv_printf("badnet: FAILED: %s\n", what);
    return 1;
}

static bool is(const char *m) { return sv_strcmp(mode, m) == 0; }

static int set_perms(uint32_t tx, const char *path) {
    sv_store_permission_t perms[2] = {{.domid = self, .access = SV_STORE_ACCESS_NONE},
                                      {.domid = peer, .access = SV_STORE_ACCESS_READ}};
    return sv_store_set_perms(tx, path, perms, 2);
}

static int write_key(uint32_t tx, const char *dir, const char *key, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int write_key(uint32_t tx, const char *dir, const char *key, const char *fmt, ...) {
    char path[160], value[96];
    va_list ap;
    va_start(ap, fmt);
    sv_vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    sv_snprintf(path, sizeof path, "%s/%s", dir, key);
    return sv_store_write(tx, path, value);
}

/* ---- frontend ---- */

static int plant(uint32_t tx, void *arg) {
    (void)arg;
    char dir[64];
    sv_snprintf(dir, sizeof dir, "device/vif/%u", dev_id);
    int rc = sv_store_mkdir(tx, dir);
    if (rc && rc != SV_STATUS_EEXIST) return rc;
    if ((rc = set_perms(tx, dir))) return rc;
    if ((rc = write_key(tx, dir, "backend", "/local/domain/%u/backend/vif/%u/%u", peer, self, dev_id))) return rc;
    if ((rc = write_key(tx, dir, "backend-id", "%u", peer))) return rc;
    if ((rc = write_key(tx, dir, "mac", "00:16:3e:99:00:%02x", self & 0xFF))) return rc;
    return write_key(tx, dir, "state", "%d", SV_XENBUS_STATE_INITIALISING);
}

static int expect(const char *what, int got, int want) {
    if (got != want) {
        sv_printf("badnet: FAILED: %s answered %s, expected %s\n", what, sv_status_name(got), sv_status_name(want));
        return 1;
    }
    sv_printf("badnet: %s: %s answered %s as expected\n", mode, what, sv_status_name(got));
    return 0;
}

static int run_frontend(void) {
    int rc = sv_store_transaction(plant, NULL, NULL);
    if (rc) return failed("planting the device directory", rc);
    svf_net_options_t o = {.tx_pages = 4, .rx_bufs = 8, .connect_timeout_ns = timeout_ns, .io_timeout_ns = timeout_ns};
    svf_net_t *nic;
    rc = svf_net_open(&nic, dev_id, &o);
    if (is("rxcopy")) return expect("open", rc, SV_STATUS_ENODEV);
    if (rc) return failed("opening the interface", rc);
    static uint8_t frame[200], got[2048];
    sv_memset(frame, 0xff, 6);
    sv_memcpy(frame + 6, svf_net_mac(nic), 6);
    frame[12] = 0x88;
    frame[13] = 0xB5;
    svf_pattern_fill(frame + 14, sizeof frame - 14, 0, 5);
    if ((rc = svf_net_send(nic, frame, sizeof frame))) return failed("sending", rc);
    int n = svf_net_recv(nic, got, sizeof got, timeout_ns);
    svf_net_stats_t st;
    svf_net_get_stats(nic, &st);
    if (is("none") || is("rxlen")) {
        if (n != (int)sizeof frame || sv_memcmp(got, frame, sizeof frame) != 0) return failed("the echo did not come back intact", n < 0 ? n : 0);
        sv_printf("badnet: %s: the echo came back intact; %lu frames dropped as unusable\n", mode, (unsigned long)st.ring.rx_bad);
        if (is("rxlen") && st.ring.rx_bad != 1) return failed("the 3000-byte response was not dropped and counted", 0);
        if (svf_net_broken(nic)) return failed("the device was disabled", 0);
    } else if (is("txid")) {
        /* Transmit responses are reaped lazily: the echo arrives, the next send finds the bad id. */
        if (n != (int)sizeof frame) return failed("the echo did not come back", n < 0 ? n : 0);
        if (expect("the next send", svf_net_send(nic, frame, sizeof frame), SV_STATUS_EPROTO)) return 1;
        if (!svf_net_broken(nic)) return failed("the device is still enabled", 0);
        if (expect("a later receive", svf_net_recv(nic, got, sizeof got, 0), SV_STATUS_EPROTO)) return 1;
    } else {
        if (expect("receiving", n, SV_STATUS_EPROTO)) return 1;
        if (!svf_net_broken(nic)) return failed("the device is still enabled", 0);
        if (expect("a later send", svf_net_send(nic, frame, sizeof frame), SV_STATUS_EPROTO)) return 1;
    }
    rc = svf_net_close(nic);
    sv_printf("badnet: %s: close answered %s\n", mode, sv_status_name(rc));
    return 0;
}

/* ---- backend ---- */

static volatile uint64_t events;
static void on_event(uint32_t port, void *arg) {
    (void)port;
    (void)arg;
    events++;
}
static bool notified(void *arg) {
    (void)arg;
    return events > 0;
}

static char fe_dir[96], be_dir[96];

static int publish(uint32_t tx, void *arg) {
    (void)arg;
    int rc = sv_store_mkdir(tx, be_dir);
    if (rc && rc != SV_STATUS_EEXIST) return rc;
    if ((rc = set_perms(tx, be_dir))) return rc;
    if ((rc = write_key(tx, be_dir, "feature-rx-copy", "%d", is("rxcopy") ? 0 : 1))) return rc;
    if ((rc = write_key(tx, be_dir, "frontend", "%s", fe_dir))) return rc;
    if ((rc = write_key(tx, be_dir, "frontend-id", "%u", peer))) return rc;
    return write_key(tx, be_dir, "state", "%d", SV_XENBUS_STATE_INIT_WAIT);
}

static int read_fe(const char *key, uint64_t *v) {
    char path[160];
    sv_snprintf(path, sizeof path, "%s/%s", fe_dir, key);
    return sv_store_read_u64(SV_STORE_NO_TX, path, v);
}

/* Copies `len` bytes from the frontend's tx grant to its rx grant (both are the frontend's). */
static int copy_frame(uint32_t tx_ref, uint16_t tx_off, uint32_t rx_ref, uint16_t len) {
    static sv_grant_copy_request_t req;
    static sv_grant_copy_response_t rsp;
    sv_memset(&req, 0, sizeof req);
    req.ops_count = 1;
    req.ops[0].has_source = req.ops[0].has_dest = true;
    req.ops[0].source.target_case = SV_GRANT_COPY_SEGMENT_REF_TAG;
    req.ops[0].source.target.ref = tx_ref;
    req.ops[0].source.domid = peer;
    req.ops[0].source.offset = tx_off;
    req.ops[0].dest.target_case = SV_GRANT_COPY_SEGMENT_REF_TAG;
    req.ops[0].dest.target.ref = rx_ref;
    req.ops[0].dest.domid = peer;
    req.ops[0].dest.offset = 0;
    req.ops[0].length = len;
    int rc = sv_hc_grant_copy(&req, &rsp);
    if (rc == SV_STATUS_OK && rsp.status_count == 1) rc = rsp.status[0];
    return rc;
}

static int run_backend(void) {
    sv_snprintf(fe_dir, sizeof fe_dir, "/local/domain/%u/device/vif/%u", peer, dev_id);
    sv_snprintf(be_dir, sizeof be_dir, "backend/vif/%u/%u", peer, dev_id);
    int rc = sv_store_transaction(publish, NULL, NULL);
    if (rc) return failed("publishing the backend directory", rc);
    sv_xenbus_device_t dev;
    sv_xenbus_device_init(&dev, "badnet", be_dir, fe_dir, peer, "frontend");
    dev.local_state = SV_XENBUS_STATE_INIT_WAIT;
    if (is("rxcopy")) {
        /* The frontend refuses; it never publishes rings. Wait for its domain to finish. */
        sv_xenbus_wait_peer(&dev, SV_XENBUS_MASK(SV_XENBUS_STATE_CONNECTED), 2 * timeout_ns, NULL);
        sv_printf("badnet: %s: ok\n", mode);
        return 0;
    }
    rc = sv_xenbus_wait_peer(&dev, SV_XENBUS_MASK(SV_XENBUS_STATE_INITIALISED) | SV_XENBUS_MASK(SV_XENBUS_STATE_CONNECTED),
                             30 * SV_NS_PER_SEC, NULL);
    if (rc) return failed("waiting for the frontend", rc);
    uint64_t txref, rxref, port, copy = 0;
    if ((rc = read_fe("tx-ring-ref", &txref)) || (rc = read_fe("rx-ring-ref", &rxref)) || (rc = read_fe("event-channel", &port))) {
        return failed("reading the frontend's keys", rc);
    }
    read_fe("request-rx-copy", &copy);
    if (copy != 1) return failed("the frontend did not write request-rx-copy = 1", 0);
    sv_grant_mapping_t txm, rxm;
    if ((rc = sv_grant_map((uint16_t)peer, (sv_grant_ref_t)txref, false, &txm))) return failed("mapping the tx ring", rc);
    if ((rc = sv_grant_map((uint16_t)peer, (sv_grant_ref_t)rxref, false, &rxm))) return failed("mapping the rx ring", rc);
    sv_netif_tx_sring_t *txr = txm.addr;
    sv_netif_rx_sring_t *rxr = rxm.addr;
    uint32_t local;
    if ((rc = sv_evtchn_bind_interdomain(peer, (uint32_t)port, &local))) return failed("binding the channel", rc);
    sv_evtchn_bind_handler(local, on_event, NULL);
    if ((rc = sv_xenbus_set_state(&dev, SV_XENBUS_STATE_CONNECTED))) return failed("writing Connected", rc);

    sv_back_ring_t tb = {0, 0}, rb = {0, 0};
    bool misbehaved = false;
    unsigned echoed = 0;
    for (;;) {
        int fs = 0;
        sv_xenbus_read_state(fe_dir, &fs);
        if (fs == SV_XENBUS_STATE_CLOSING || fs == SV_XENBUS_STATE_CLOSED || fs == SV_XENBUS_STATE_UNKNOWN) break;
        uint32_t n = sv_ring_requests_to_consume(&txr->hdr, &tb, 256);
        if (n == 0) {
            if (sv_ring_final_check_for_requests(&txr->hdr, &tb, 256)) continue;
            sv_wait(notified, NULL, sv_deadline_in(100 * SV_NS_PER_MS));
            events = 0;
            continue;
        }
        bool tx_notify = false, rx_notify = false;
        while (n--) {
            sv_netif_tx_request_t req = *SV_RING_REQ(txr, tb.req_cons);
            tb.req_cons++;
            /* The echo, into the next posted rx buffer (if any). */
            if (sv_ring_requests_to_consume(&rxr->hdr, &rb, 256) > 0) {
                if (is("rxlen") && !misbehaved) {
                    sv_netif_rx_request_t bad = *SV_RING_REQ(rxr, rb.req_cons);
                    rb.req_cons++;
                    sv_netif_rx_response_t *r = SV_RING_RSP(rxr, rb.rsp_prod_pvt++);
                    r->id = bad.id;
                    r->offset = 0;
                    r->flags = 0;
                    r->status = 3000;
                }
                if (sv_ring_requests_to_consume(&rxr->hdr, &rb, 256) > 0) {
                    sv_netif_rx_request_t buf = *SV_RING_REQ(rxr, rb.req_cons);
                    rb.req_cons++;
                    int crc = copy_frame(req.gref, req.offset, buf.gref, req.size);
                    sv_netif_rx_response_t *r = SV_RING_RSP(rxr, rb.rsp_prod_pvt++);
                    r->id = buf.id;
                    r->offset = 0;
                    r->flags = 0;
                    r->status = crc == SV_STATUS_OK ? (int16_t)req.size : SV_NETIF_STATUS_ERROR;
                    if (is("rxslot") && !misbehaved) r->id = (uint16_t)(buf.id + 1);
                    echoed++;
                }
            }
            sv_netif_tx_response_t *t = SV_RING_RSP(txr, tb.rsp_prod_pvt++);
            t->id = req.id;
            t->status = SV_NETIF_STATUS_OKAY;
            if (is("txid") && !misbehaved) t->id = (uint16_t)(req.id + 100);
            if (is("rxprod") && !misbehaved) rb.rsp_prod_pvt += 500;
            misbehaved = true;
        }
        tx_notify = sv_ring_push_responses(&txr->hdr, tb.rsp_prod_pvt);
        rx_notify = sv_ring_push_responses(&rxr->hdr, rb.rsp_prod_pvt);
        if (tx_notify || rx_notify) sv_evtchn_send(local);
    }
    sv_xenbus_set_state(&dev, SV_XENBUS_STATE_CLOSING);
    sv_xenbus_wait_peer(&dev, SV_XENBUS_MASK(SV_XENBUS_STATE_CLOSED) | SV_XENBUS_MASK(SV_XENBUS_STATE_UNKNOWN),
                        10 * SV_NS_PER_SEC, NULL);
    sv_grant_unmap(&txm);
    sv_grant_unmap(&rxm);
    sv_evtchn_close(local);
    sv_xenbus_set_state(&dev, SV_XENBUS_STATE_CLOSED);
    sv_printf("badnet: backend: %u frames echoed; %s: ok\n", echoed, mode);
    return 0;
}

int main(void) {
    char role[16] = "";
    sv_cmdline_get("role", role, sizeof role);
    sv_cmdline_get("mode", mode, sizeof mode);
    bool front = sv_strcmp(role, "frontend") == 0;
    if (!front && sv_strcmp(role, "backend") != 0) {
        sv_printf("badnet: usage: role=frontend|backend mode=none|txid|rxslot|rxprod|rxlen|rxcopy\n");
        return 2;
    }
    self = sv_domid();
    peer = (uint32_t)sv_cmdline_get_u64("peer", front ? self + 1 : self - 1);
    dev_id = (unsigned)sv_cmdline_get_u64("id", 7);
    timeout_ns = sv_cmdline_get_u64("timeout", 5) * SV_NS_PER_SEC;
    int rc = front ? run_frontend() : run_backend();
    if (rc == 0 && front) sv_printf("badnet: %s: ok\n", mode);
    return rc;
}
