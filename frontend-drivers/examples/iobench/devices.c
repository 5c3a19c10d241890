/*
 * iobench's devices over the PV frontends. The emulated path answers ENOSYS until the guest
 * SDK's emulated drivers are in this build.
 */
#include <splitvisor/sdk.h>
#include <svfront/svfront.h>

#include "devices.h"

struct iob_disk {
    svf_blk_t *blk;
};

struct iob_nic {
    svf_net_t *net;
};

static struct iob_disk the_disk;
static struct iob_nic the_nic;

const char *iob_path_name(iob_path_t path) {
    return path == IOB_PV ? "pv" : "emulated";
}

int iob_disk_open(iob_path_t path, iob_disk_t **out, uint64_t *sectors, uint64_t timeout_ns) {
    if (path != IOB_PV) return SV_STATUS_ENOSYS;
    unsigned id;
    int rc = svf_front_find("vbd", 0, &id);
    if (rc) return rc;
    svf_blk_options_t opts = {.connect_timeout_ns = timeout_ns, .io_timeout_ns = timeout_ns, .quiet = true};
    if ((rc = svf_blk_open(&the_disk.blk, id, &opts))) return rc;
    *sectors = svf_blk_get_info(the_disk.blk)->sectors;
    *out = &the_disk;
    return SV_STATUS_OK;
}

int iob_disk_read(iob_disk_t *d, uint64_t sector, void *buf, size_t len) {
    return svf_blk_read(d->blk, sector, buf, len);
}

int iob_disk_write(iob_disk_t *d, uint64_t sector, const void *buf, size_t len) {
    return svf_blk_write(d->blk, sector, buf, len);
}

int iob_disk_flush(iob_disk_t *d) {
    int rc = svf_blk_flush(d->blk);
    return rc == SV_STATUS_ENOSYS ? SV_STATUS_OK : rc;
}

void iob_disk_close(iob_disk_t *d) {
    svf_blk_close(d->blk);
}

int iob_nic_open(iob_path_t path, iob_nic_t **out, uint64_t timeout_ns) {
    if (path != IOB_PV) return SV_STATUS_ENOSYS;
    unsigned id;
    int rc = svf_front_find("vif", 0, &id);
    if (rc) return rc;
    svf_net_options_t opts = {.connect_timeout_ns = timeout_ns, .quiet = true};
    if ((rc = svf_net_open(&the_nic.net, id, &opts))) return rc;
    *out = &the_nic;
    return SV_STATUS_OK;
}

const uint8_t *iob_nic_mac(const iob_nic_t *n) {
    return svf_net_mac(n->net);
}

int iob_nic_send(iob_nic_t *n, const void *frame, size_t len) {
    return svf_net_send(n->net, frame, len);
}

int iob_nic_recv(iob_nic_t *n, void *buf, size_t cap, uint64_t timeout_ns) {
    return svf_net_recv(n->net, buf, cap, timeout_ns);
}

void iob_nic_close(iob_nic_t *n) {
    svf_net_close(n->net);
}

int iob_console_open(iob_path_t path) {
    return path == IOB_PV ? SV_STATUS_OK : SV_STATUS_ENOSYS;
}

int iob_console_write(iob_path_t path, const char *data, size_t len) {
    (void)path;
    sv_console_write(data, len);
    return SV_STATUS_OK;
}

int iob_console_flush(iob_path_t path) {
    (void)path;
    return sv_console_flush(10 * SV_NS_PER_SEC) ? SV_STATUS_OK : SV_STATUS_ETIMEDOUT;
}
