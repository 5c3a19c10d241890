/*
 * svfront/io.h over the split-driver frontends: blkfront, netfront, and for consoles the primary
 * console ring (console 0, the SDK's console.h) or consfront (device/console/<n>).
 */
#include <splitvisor/abi.h>
#include <splitvisor/console.h>
#include <splitvisor/hypercall.h>
#include <splitvisor/mm.h>
#include <splitvisor/printf.h>
#include <splitvisor/string.h>

#include "io_impl.h"
#include "svfront/blkfront.h"
#include "svfront/consfront.h"
#include "svfront/netfront.h"

static int nothing_found(char *msg, size_t cap, const char *kind, const char *type, unsigned n, int rc) {
    sv_snprintf(msg, cap, "%s %u: the domain has no device/%s number %u (%s)", kind, n, type, n, sv_status_name(rc));
    return rc;
}

static int cannot_connect(char *msg, size_t cap, const char *type, unsigned id, int rc) {
    sv_snprintf(msg, cap, "%s/%u: cannot connect to the backend (%s; the frontend printed why)", type, id, sv_status_name(rc));
    return rc;
}

/* ---- disks: blkfront ---- */

static int blk_read(void *impl, uint64_t sector, void *buf, size_t len) { return svf_blk_read(impl, sector, buf, len); }
static int blk_write(void *impl, uint64_t sector, const void *buf, size_t len) {
    return svf_blk_write(impl, sector, buf, len);
}
static int blk_flush(void *impl) { return svf_blk_flush(impl); }
static const char *blk_error(const void *impl) { return svf_blk_error(impl); }
static void blk_stats(const void *impl, svf_io_stats_t *out) {
    svf_blk_stats_t s;
    svf_blk_get_stats(impl, &s);
    out->notifications = s.kicks;
    out->waits = s.waits;
}
static int blk_close(void *impl) { return svf_blk_close(impl); }

static const svf_disk_ops_t blk_ops = {blk_read, blk_write, blk_flush, blk_error, blk_stats, blk_close};

int svf_io_pv_disk_open(svf_disk_t *d, const svf_io_options_t *o, char *msg, size_t cap) {
    svf_blk_options_t bo = {.io_timeout_ns = o->timeout_ns, .quiet = o->quiet};
    svf_blk_t *blk;
    unsigned id;
    int rc = svf_front_find("vbd", o->index, &id);
    if (rc) return nothing_found(msg, cap, "disk", "vbd", o->index, rc);
    rc = svf_blk_open(&blk, id, &bo);
    if (rc) return cannot_connect(msg, cap, "vbd", id, rc);
    const svf_blk_info_t *bi = svf_blk_get_info(blk);
    d->ops = &blk_ops;
    d->impl = blk;
    sv_strlcpy(d->info.name, svf_blk_name(blk), sizeof d->info.name);
    d->info.sectors = bi->sectors;
    d->info.sector_size = bi->sector_size;
    d->info.max_transfer = SVF_BLK_MAX_SEGS * SV_PAGE;
    d->info.readonly = bi->readonly;
    d->info.flush = bi->flush;
    return SV_STATUS_OK;
}

/* ---- network interfaces: netfront ---- */

static int net_send(void *impl, const void *frame, size_t len) { return svf_net_send(impl, frame, len); }
static int net_recv(void *impl, void *buf, size_t cap, uint64_t timeout_ns) { return svf_net_recv(impl, buf, cap, timeout_ns); }
static const char *net_error(const void *impl) { return svf_net_error(impl); }
static void net_stats(const void *impl, svf_io_stats_t *out) {
    svf_net_stats_t s;
    svf_net_get_stats(impl, &s);
    out->notifications = s.kicks;
    out->waits = s.waits;
    out->dropped = s.ring.tx_dropped + s.ring.rx_bad;
}
static int net_close(void *impl) { return svf_net_close(impl); }

static const svf_nic_ops_t net_ops = {net_send, net_recv, net_error, net_stats, net_close};

int svf_io_pv_nic_open(svf_nic_t *n, const svf_io_options_t *o, char *msg, size_t cap) {
    svf_net_options_t no = {.io_timeout_ns = o->timeout_ns, .quiet = o->quiet};
    svf_net_t *net;
    unsigned id;
    int rc = svf_front_find("vif", o->index, &id);
    if (rc) return nothing_found(msg, cap, "NIC", "vif", o->index, rc);
    rc = svf_net_open(&net, id, &no);
    if (rc) return cannot_connect(msg, cap, "vif", id, rc);
    n->ops = &net_ops;
    n->impl = net;
    sv_strlcpy(n->name, svf_net_name(net), sizeof n->name);
    sv_memcpy(n->mac, svf_net_mac(net), 6);
    return SV_STATUS_OK;
}

/* ---- console 0: the primary console ring ---- */

static int primary_write(void *impl, const void *data, size_t len) {
    (void)impl;
    sv_console_write(data, len);   /* blocks while the ring is full; never fails */
    return (int)len;
}

static int primary_read(void *impl, void *buf, size_t cap, uint64_t timeout_ns) {
    (void)impl;
    size_t n = sv_console_read(buf, cap);
    if (n > 0 || timeout_ns == SVF_IO_NO_WAIT) return (int)n;
    /* sv_getc's 0 means forever; a finite wait below 1 ns does not exist. */
    int ch = sv_getc(timeout_ns == SVF_IO_FOREVER ? 0 : timeout_ns);
    if (ch < 0) return 0;
    ((char *)buf)[0] = (char)ch;
    return (int)(1 + sv_console_read((char *)buf + 1, cap - 1));
}

static int primary_flush(void *impl, uint64_t timeout_ns) {
    (void)impl;
    uint64_t t = timeout_ns == SVF_IO_FOREVER ? UINT64_MAX / 2 : (timeout_ns ? timeout_ns : 1);
    return sv_console_flush(t) ? SV_STATUS_OK : SV_STATUS_ETIMEDOUT;
}

static const char *primary_error(const void *impl) {
    (void)impl;
    return "console/0: dom0 did not consume the console output in time";
}
static void primary_stats(const void *impl, svf_io_stats_t *out) { (void)impl, (void)out; }
static int primary_close(void *impl) {
    (void)impl;
    return SV_STATUS_OK;
}

static const svf_console_ops_t primary_ops = {primary_write, primary_read, primary_flush, primary_error, primary_stats,
                                              primary_close};

/* ---- consoles 1..n: consfront ---- */

static int cons_write(void *impl, const void *data, size_t len) { return svf_cons_write(impl, data, len); }
static int cons_read(void *impl, void *buf, size_t cap, uint64_t timeout_ns) {
    return svf_cons_read(impl, buf, cap, timeout_ns);
}
static int cons_flush(void *impl, uint64_t timeout_ns) {
    return svf_cons_flush(impl, timeout_ns == SVF_IO_NO_WAIT ? 1 : timeout_ns);   /* consfront's 0 is forever */
}
static const char *cons_error(const void *impl) { return svf_cons_error(impl); }
static void cons_stats(const void *impl, svf_io_stats_t *out) { (void)impl, (void)out; }
static int cons_close(void *impl) { return svf_cons_close(impl); }

static const svf_console_ops_t cons_ops = {cons_write, cons_read, cons_flush, cons_error, cons_stats, cons_close};

int svf_io_pv_console_open(svf_console_t *c, const svf_io_options_t *o, char *msg, size_t cap) {
    if (o->index == 0) {
        if (sv_console_evtchn() == 0) {
            sv_snprintf(msg, cap, "console/0: the domain has no console ring");
            return SV_STATUS_ENODEV;
        }
        c->ops = &primary_ops;
        c->impl = NULL;
        sv_strlcpy(c->name, "console/0", sizeof c->name);
        return SV_STATUS_OK;
    }
    svf_cons_options_t co = {.io_timeout_ns = o->timeout_ns, .quiet = o->quiet};
    svf_cons_t *cons;
    unsigned id;
    int rc = svf_front_find("console", o->index - 1, &id);
    if (rc) return nothing_found(msg, cap, "console", "console", o->index - 1, rc);
    rc = svf_cons_open(&cons, id, &co);
    if (rc) return cannot_connect(msg, cap, "console", id, rc);
    c->ops = &cons_ops;
    c->impl = cons;
    sv_strlcpy(c->name, svf_cons_name(cons), sizeof c->name);
    return SV_STATUS_OK;
}
