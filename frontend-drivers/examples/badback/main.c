/*
 * badback: the block frontend against a backend that misbehaves on purpose, end to end in two
 * guests, to show what a frontend that does not trust its backend does about it: the violation is
 * named, the call fails with a clear status, the device is disabled, nothing crashes, and the
 * close still completes.
 *
 *   ./splitvisor run badback.elf badback.elf --cmdline "role=frontend mode=id" --cmdline "role=backend mode=id"
 *
 *   role=frontend   plants device/vbd/<id> in its own home pointing at the peer's backend
 *                   directory (what the toolstack does for dom0's backends), opens it with
 *                   svf_blk_open, writes and reads, and checks the outcome the mode must give
 *   role=backend    serves that device from /local/domain/<self>/backend/vbd/<fe>/<id>: maps the
 *                   ring page, binds the channel, answers requests (no data is moved), and
 *                   misbehaves as the mode says
 *   mode=           none     a correct backend (every request answered OKAY)
 *                   id       answers with an id that was never issued
 *                   dup      answers the first request, then replays that answer for the second
 *                   op       answers with the wrong operation
 *                   status   answers with status 7
 *                   prod     moves rsp_prod 1000 ahead
 *                   silent   never answers (the frontend times out after timeout= seconds)
 *                   close    writes its `error` key and moves to Closing instead of answering
 *                   initwait never reaches InitWait (the handshake times out)
 *                   4k       a correct backend of 4096-byte sectors, which answers ERROR to any
 *                            request not made of whole, aligned 4 KiB sectors (the frontend
 *                            must refuse those itself, with EINVAL)
 *   peer=<domid>    the other guest (default: the next domain for the frontend, the previous one
 *                   for the backend)
 *   id=N            the device id (default 9), timeout=S (default 3)
 *
 * Both print "badback: <mode>: ok" and exit 0 when the frontend saw exactly what it should.
 */
#include <splitvisor/sdk.h>
#include <svfront/svfront.h>

static uint32_t self, peer;
static unsigned dev_id;
static char mode[16] = "none";
static uint64_t timeout_ns;

static int failed(const char *what, int rc) {
    if (rc) sv_printf("badback: FAILED: %s (%s)\n", what, sv_status_name(rc));
    else sv_printf("badback: FAILED: %s\n", what);
    return 1;
}

static bool is(const char *m) { return sv_strcmp(mode, m) == 0; }

static int set_perms(uint32_t tx, const char *path) {
    sv_store_permission_t perms[2] = {{.domid = self, .access = SV_STORE_ACCESS_NONE},
                                      {.domid = peer, .access = SV_STORE_ACCESS_READ}};
    return sv_store_set_perms(tx, path, perms, 2);
}

/* ---- frontend ---- */

static int plant(uint32_t tx, void *arg) {
    (void)arg;
    char dir[64], path[160];
    sv_snprintf(dir, sizeof dir, "device/vbd/%u", dev_id);
    int rc = sv_store_mkdir(tx, dir);
    if (rc && rc != SV_STATUS_EEXIST) return rc;
    if ((rc = set_perms(tx, dir))) return rc;   /* what is written below inherits it */
    sv_snprintf(path, sizeof path, "%s/backend", dir);
    if ((rc = sv_store_printf(tx, path, "/local/domain/%u/backend/vbd/%u/%u", peer, self, dev_id))) return rc;
    sv_snprintf(path, sizeof path, "%s/backend-id", dir);
    if ((rc = sv_store_printf(tx, path, "%u", peer))) return rc;
    sv_snprintf(path, sizeof path, "%s/state", dir);
    return sv_store_printf(tx, path, "%d", SV_XENBUS_STATE_INITIALISING);
}

static int expect(const char *what, int got, int want) {
    if (got != want) {
        sv_printf("badback: FAILED: %s answered %s, expected %s\n", what, sv_status_name(got), sv_status_name(want));
        return 1;
    }
    sv_printf("badback: %s: %s answered %s as expected\n", mode, what, sv_status_name(got));
    return 0;
}

static int run_frontend(void) {
    int rc = sv_store_transaction(plant, NULL, NULL);
    if (rc) return failed("planting the device directory", rc);
    svf_blk_options_t o = {.pool_pages = 16, .connect_timeout_ns = timeout_ns, .io_timeout_ns = timeout_ns};
    svf_blk_t *disk;
    rc = svf_blk_open(&disk, dev_id, &o);
    if (is("initwait")) {
        if (expect("open", rc, SV_STATUS_ETIMEDOUT)) return 1;
        return 0;
    }
    if (rc) return failed("opening the device", rc);
    static uint8_t buf[8192];
    if (is("4k")) {
        if (svf_blk_get_info(disk)->sector_size != 4096) return failed("the sector size is not 4096", 0);
        if (expect("a 512-byte write", svf_blk_write(disk, 0, buf, 512), SV_STATUS_EINVAL)) return 1;
        if (expect("a write at sector 1", svf_blk_write(disk, 1, buf, 4096), SV_STATUS_EINVAL)) return 1;
        if (expect("an 8 KiB write at sector 8", svf_blk_write(disk, 8, buf, 8192), SV_STATUS_OK)) return 1;
        if (expect("an 8 KiB read at sector 2040", svf_blk_read(disk, 2040, buf, 8192), SV_STATUS_ERANGE)) return 1;
        if (expect("a 4 KiB read at sector 2040", svf_blk_read(disk, 2040, buf, 4096), SV_STATUS_OK)) return 1;
        svf_blk_close(disk);
        return 0;
    }
    int want = SV_STATUS_OK;
    if (is("id") || is("op") || is("status") || is("prod")) want = SV_STATUS_EPROTO;
    if (is("silent")) want = SV_STATUS_ETIMEDOUT;
    if (is("close")) want = SV_STATUS_ENOTCONN;
    svf_pattern_fill(buf, sizeof buf, 0, 1);
    rc = svf_blk_write(disk, 0, buf, sizeof buf);
    if (is("dup")) {
        /* The first answer is fine; the duplicate is found with the next request's answers. */
        if (expect("the first write", rc, SV_STATUS_OK)) return 1;
        rc = svf_blk_read(disk, 0, buf, 4096);
        want = SV_STATUS_EPROTO;
        if (expect("the next read", rc, want)) return 1;
    } else if (expect("a write", rc, want)) {
        return 1;
    }
    if (want != SV_STATUS_OK) {
        if (!svf_blk_broken(disk)) return failed("the device is still enabled after the failure", 0);
        /* Disabled: later calls fail at once, without the backend. */
        if (expect("a later read", svf_blk_read(disk, 0, buf, 512), want)) return 1;
    } else {
        if (expect("a read", svf_blk_read(disk, 0, buf, 4096), SV_STATUS_OK)) return 1;
        if (expect("a flush", svf_blk_flush(disk), SV_STATUS_OK)) return 1;
    }
    rc = svf_blk_close(disk);
    sv_printf("badback: %s: close answered %s\n", mode, sv_status_name(rc));
    return 0;
}

/* ---- backend ---- */

static volatile uint64_t events;
static void on_event(uint32_t port, void *arg) {
    (void)port;
    (void)arg;
    events++;
}

static char fe_dir[96], be_dir[96];

static int publish(uint32_t tx, void *arg) {
    int state = *(int *)arg;
    char path[160];
    int rc = sv_store_mkdir(tx, be_dir);
    if (rc && rc != SV_STATUS_EEXIST) return rc;
    if ((rc = set_perms(tx, be_dir))) return rc;
    static const char *const keys[][2] = {{"sectors", "2048"}, {"info", "0"}, {"mode", "w"}, {"feature-flush-cache", "1"}};
    sv_snprintf(path, sizeof path, "%s/sector-size", be_dir);
    if ((rc = sv_store_write(tx, path, is("4k") ? "4096" : "512"))) return rc;
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        sv_snprintf(path, sizeof path, "%s/%s", be_dir, keys[i][0]);
        if ((rc = sv_store_write(tx, path, keys[i][1]))) return rc;
    }
    sv_snprintf(path, sizeof path, "%s/frontend", be_dir);
    if ((rc = sv_store_write(tx, path, fe_dir))) return rc;
    sv_snprintf(path, sizeof path, "%s/frontend-id", be_dir);
    if ((rc = sv_store_printf(tx, path, "%u", peer))) return rc;
    sv_snprintf(path, sizeof path, "%s/state", be_dir);
    return sv_store_printf(tx, path, "%d", state);
}

static int fe_state(void) {
    int s = 0;
    sv_xenbus_read_state(fe_dir, &s);
    return s;
}

static bool notified(void *arg) {
    (void)arg;
    return events > 0;
}

static int run_backend(void) {
    sv_snprintf(fe_dir, sizeof fe_dir, "/local/domain/%u/device/vbd/%u", peer, dev_id);
    sv_snprintf(be_dir, sizeof be_dir, "backend/vbd/%u/%u", peer, dev_id);
    int state = is("initwait") ? SV_XENBUS_STATE_INITIALISING : SV_XENBUS_STATE_INIT_WAIT;
    int rc = sv_store_transaction(publish, &state, NULL);
    if (rc) return failed("publishing the backend directory", rc);
    sv_xenbus_device_t dev;
    sv_xenbus_device_init(&dev, "badback", be_dir, fe_dir, peer, "frontend");
    dev.local_state = state;
    if (is("initwait")) {
        /* Never moves on; waits for the frontend to give up (it closes or its domain ends). */
        sv_xenbus_wait_peer(&dev, SV_XENBUS_MASK(SV_XENBUS_STATE_CLOSING) | SV_XENBUS_MASK(SV_XENBUS_STATE_CLOSED),
                            4 * timeout_ns, NULL);
        sv_printf("badback: %s: ok\n", mode);
        return 0;
    }
    rc = sv_xenbus_wait_peer(&dev, SV_XENBUS_MASK(SV_XENBUS_STATE_INITIALISED) | SV_XENBUS_MASK(SV_XENBUS_STATE_CONNECTED),
                             30 * SV_NS_PER_SEC, NULL);
    if (rc) return failed("waiting for the frontend", rc);
    char key[160];
    uint64_t ref, port;
    sv_snprintf(key, sizeof key, "%s/ring-ref", fe_dir);
    if ((rc = sv_store_read_u64(SV_STORE_NO_TX, key, &ref))) return failed("reading ring-ref", rc);
    sv_snprintf(key, sizeof key, "%s/event-channel", fe_dir);
    if ((rc = sv_store_read_u64(SV_STORE_NO_TX, key, &port))) return failed("reading event-channel", rc);
    sv_grant_mapping_t map;
    if ((rc = sv_grant_map((uint16_t)peer, (sv_grant_ref_t)ref, false, &map))) return failed("mapping the ring", rc);
    sv_blkif_sring_t *ring = map.addr;
    uint32_t local;
    if ((rc = sv_evtchn_bind_interdomain(peer, (uint32_t)port, &local))) return failed("binding the channel", rc);
    sv_evtchn_bind_handler(local, on_event, NULL);
    if ((rc = sv_xenbus_set_state(&dev, SV_XENBUS_STATE_CONNECTED))) return failed("writing Connected", rc);
    sv_printf("badback: backend: serving %s (ring-ref %lu, port %lu), mode %s\n", fe_dir, (unsigned long)ref,
              (unsigned long)port, mode);

    sv_back_ring_t b = {0, 0};
    unsigned answered = 0;
    bool misbehaved = false;
    sv_blkif_response_t first = {0};
    bool have_first = false;
    for (;;) {
        int fs = fe_state();
        if (fs == SV_XENBUS_STATE_CLOSING || fs == SV_XENBUS_STATE_CLOSED || fs == SV_XENBUS_STATE_UNKNOWN) break;
        uint32_t n = sv_ring_requests_to_consume(&ring->hdr, &b, 32);
        if (n == 0) {
            if (sv_ring_final_check_for_requests(&ring->hdr, &b, 32)) continue;
            sv_wait(notified, NULL, sv_deadline_in(100 * SV_NS_PER_MS));   /* the state is looked at every 100 ms */
            events = 0;
            continue;
        }
        while (n--) {
            sv_blkif_request_t req = *SV_RING_REQ(ring, b.req_cons);
            b.req_cons++;
            if (is("dup") && !have_first) {
                /* Answered correctly; replayed for the next request (a stale duplicate). */
                sv_blkif_response_t *r = SV_RING_RSP(ring, b.rsp_prod_pvt++);
                r->id = req.id;
                r->operation = req.operation;
                r->status = SV_BLKIF_STATUS_OKAY;
                first = *r;
                have_first = true;
                answered++;
                continue;
            }
            if (misbehaved || is("none") || is("4k")) {
                sv_blkif_response_t *r = SV_RING_RSP(ring, b.rsp_prod_pvt++);
                r->id = req.id;
                r->operation = req.operation;
                r->status = SV_BLKIF_STATUS_OKAY;
                if (is("4k") && (req.operation == SV_BLKIF_OP_READ || req.operation == SV_BLKIF_OP_WRITE)) {
                    bool whole = req.sector_number % 8 == 0 && req.nr_segments >= 1 && req.nr_segments <= 11;
                    for (unsigned i = 0; whole && i < req.nr_segments; i++) {
                        whole = req.seg[i].first_sect == 0 && req.seg[i].last_sect == 7;
                    }
                    if (!whole) r->status = SV_BLKIF_STATUS_ERROR;
                }
                answered++;
                continue;
            }
            misbehaved = true;
            if (is("silent")) continue;
            if (is("close")) {
                char path[160];
                sv_snprintf(path, sizeof path, "%s/error", be_dir);
                sv_store_write(SV_STORE_NO_TX, path, "badback: giving up on purpose");
                sv_xenbus_set_state(&dev, SV_XENBUS_STATE_CLOSING);
                continue;
            }
            sv_blkif_response_t *r = SV_RING_RSP(ring, b.rsp_prod_pvt++);
            r->id = req.id;
            r->operation = req.operation;
            r->status = SV_BLKIF_STATUS_OKAY;
            if (is("id")) r->id = req.id ^ 0x5500;
            if (is("op")) r->operation = (uint8_t)(req.operation + 1);
            if (is("status")) r->status = 7;
            if (is("dup")) *r = first;
            if (is("prod")) b.rsp_prod_pvt += 1000;
        }
        if (sv_ring_push_responses(&ring->hdr, b.rsp_prod_pvt)) sv_evtchn_send(local);
    }
    /* The frontend is closing: follow it, then let go of its pages. */
    sv_xenbus_set_state(&dev, SV_XENBUS_STATE_CLOSING);
    sv_xenbus_wait_peer(&dev, SV_XENBUS_MASK(SV_XENBUS_STATE_CLOSED) | SV_XENBUS_MASK(SV_XENBUS_STATE_UNKNOWN),
                        10 * SV_NS_PER_SEC, NULL);
    sv_grant_unmap(&map);
    sv_evtchn_close(local);
    sv_xenbus_set_state(&dev, SV_XENBUS_STATE_CLOSED);
    sv_printf("badback: backend: %u requests answered correctly; %s: ok\n", answered, mode);
    return 0;
}

int main(void) {
    char role[16] = "";
    sv_cmdline_get("role", role, sizeof role);
    sv_cmdline_get("mode", mode, sizeof mode);
    bool front = sv_strcmp(role, "frontend") == 0;
    if (!front && sv_strcmp(role, "backend") != 0) {
        sv_printf("badback: usage: role=frontend|backend mode=none|id|dup|op|status|prod|silent|close|initwait|4k\n");
        return 2;
    }
    self = sv_domid();
    peer = (uint32_t)sv_cmdline_get_u64("peer", front ? self + 1 : self - 1);
    dev_id = (unsigned)sv_cmdline_get_u64("id", 9);
    timeout_ns = sv_cmdline_get_u64("timeout", 3) * SV_NS_PER_SEC;
    int rc = front ? run_frontend() : run_backend();
    if (rc == 0 && front) sv_printf("badback: %s: ok\n", mode);
    return rc;
}
