/*
 * svfront/io.h over the emulated PC devices' drivers: the ATA PIO disk (ata.h), the NE2000
 * (ne2000.h) and the 16550A UART (uart16550.h). Their timeouts run on sv_time_ns.
 */
#include <splitvisor/abi.h>
#include <splitvisor/mm.h>
#include <splitvisor/printf.h>
#include <splitvisor/string.h>
#include <splitvisor/time.h>

#include "io_impl.h"
#include "svfront/ata.h"
#include "svfront/ne2000.h"
#include "svfront/uart16550.h"

static uint64_t clock_ns(void) { return sv_time_ns(); }

/* The drivers hold nothing but their own state: closing frees it. */
static int free_impl(void *impl) {
    sv_free(impl);
    return SV_STATUS_OK;
}

/* ---- disks: ATA on the primary channel ---- */

static int ata_read(void *impl, uint64_t sector, void *buf, size_t len) {
    return svf_ata_read(impl, sector, buf, (uint32_t)(len / SVF_ATA_SECTOR));
}
static int ata_write(void *impl, uint64_t sector, const void *buf, size_t len) {
    return svf_ata_write(impl, sector, buf, (uint32_t)(len / SVF_ATA_SECTOR));
}
static int ata_flush(void *impl) { return svf_ata_flush(impl); }
static const char *ata_error(const void *impl) { return ((const svf_ata_t *)impl)->error; }
static void ata_stats(const void *impl, svf_io_stats_t *out) { out->waits = ((const svf_ata_t *)impl)->stats.status_polls; }

static const svf_disk_ops_t ata_ops = {ata_read, ata_write, ata_flush, ata_error, ata_stats, free_impl};

int svf_io_emul_disk_open(svf_disk_t *d, const svf_io_options_t *o, char *msg, size_t cap) {
    if (o->index > 1) {
        sv_snprintf(msg, cap, "disk %u: the emulated disks are 0 (primary master) and 1 (primary slave)", o->index);
        return SV_STATUS_ENODEV;
    }
    svf_ata_t *ata = sv_malloc(sizeof *ata);
    if (!ata) {
        sv_snprintf(msg, cap, "ata: out of memory");
        return SV_STATUS_ENOMEM;
    }
    svf_ata_config_t cfg = SVF_ATA_PRIMARY_MASTER;
    cfg.slave = o->index == 1;
    cfg.now_ns = clock_ns;
    cfg.timeout_ns = o->timeout_ns;
    int rc = svf_ata_init(ata, &cfg);
    if (rc) {
        sv_strlcpy(msg, ata->error, cap);
        sv_free(ata);
        return rc;
    }
    d->ops = &ata_ops;
    d->impl = ata;
    sv_strlcpy(d->info.name, svf_ata_name(ata), sizeof d->info.name);
    sv_strlcpy(d->info.model, ata->model, sizeof d->info.model);
    d->info.sectors = ata->sectors;
    d->info.sector_size = SVF_ATA_SECTOR;
    d->info.max_transfer = 256u * SVF_ATA_SECTOR;
    d->info.readonly = false;   /* ATA has no read-only flag: such a disk aborts writes */
    d->info.flush = ata->flush;
    return SV_STATUS_OK;
}

/* ---- network interfaces: NE2000 at 0x300 ---- */

static int ne_send(void *impl, const void *frame, size_t len) { return svf_ne2000_send(impl, frame, len); }
static int ne_recv(void *impl, void *buf, size_t cap, uint64_t timeout_ns) { return svf_ne2000_recv(impl, buf, cap, timeout_ns); }
static const char *ne_error(const void *impl) { return ((const svf_ne2000_t *)impl)->error; }
static void ne_stats(const void *impl, svf_io_stats_t *out) {
    const svf_ne2000_stats_t *s = &((const svf_ne2000_t *)impl)->stats;
    out->waits = s->polls;
    out->dropped = s->rx_missed + s->rx_truncated;
}
static int ne_close(void *impl) {
    svf_ne2000_stop(impl);
    return free_impl(impl);
}

static const svf_nic_ops_t ne_ops = {ne_send, ne_recv, ne_error, ne_stats, ne_close};

int svf_io_emul_nic_open(svf_nic_t *n, const svf_io_options_t *o, char *msg, size_t cap) {
    if (o->index != 0) {
        sv_snprintf(msg, cap, "NIC %u: the emulated NIC is 0 (the NE2000 at 0x300)", o->index);
        return SV_STATUS_ENODEV;
    }
    svf_ne2000_t *ne = sv_malloc(sizeof *ne);
    if (!ne) {
        sv_snprintf(msg, cap, "ne2000: out of memory");
        return SV_STATUS_ENOMEM;
    }
    svf_ne2000_config_t cfg = SVF_NE2000_DEFAULT;
    cfg.now_ns = clock_ns;
    cfg.timeout_ns = o->timeout_ns;
    int rc = svf_ne2000_init(ne, &cfg);
    if (rc) {
        sv_strlcpy(msg, ne->error, cap);
        sv_free(ne);
        return rc;
    }
    n->ops = &ne_ops;
    n->impl = ne;
    sv_strlcpy(n->name, ne->name, sizeof n->name);
    sv_memcpy(n->mac, ne->mac, 6);
    return SV_STATUS_OK;
}

/* ---- consoles: 16550A UART ---- */

static int uart_write(void *impl, const void *data, size_t len) { return svf_uart_write(impl, data, len); }
static int uart_read(void *impl, void *buf, size_t cap, uint64_t timeout_ns) { return svf_uart_read(impl, buf, cap, timeout_ns); }
static int uart_flush(void *impl, uint64_t timeout_ns) { return svf_uart_flush(impl, timeout_ns ? timeout_ns : 1); }
static const char *uart_error(const void *impl) { return ((const svf_uart_t *)impl)->error; }
static void uart_stats(const void *impl, svf_io_stats_t *out) {
    const svf_uart_stats_t *s = &((const svf_uart_t *)impl)->stats;
    out->waits = s->lsr_polls;
    out->dropped = s->overruns + s->rx_errors;
}

static const svf_console_ops_t uart_ops = {uart_write, uart_read, uart_flush, uart_error, uart_stats, free_impl};

int svf_io_emul_console_open(svf_console_t *c, const svf_io_options_t *o, char *msg, size_t cap) {
    static const uint16_t bases[] = {SVF_UART_COM1_BASE, SVF_UART_COM2_BASE};
    if (o->index >= sizeof bases / sizeof bases[0]) {
        sv_snprintf(msg, cap, "console %u: the emulated consoles are 0 (COM1, 0x3f8) and 1 (COM2, 0x2f8)", o->index);
        return SV_STATUS_ENODEV;
    }
    svf_uart_t *u = sv_malloc(sizeof *u);
    if (!u) {
        sv_snprintf(msg, cap, "uart: out of memory");
        return SV_STATUS_ENOMEM;
    }
    svf_uart_config_t cfg = {.base = bases[o->index], .now_ns = clock_ns, .timeout_ns = o->timeout_ns};
    int rc = svf_uart_init(u, &cfg);
    if (rc) {
        sv_strlcpy(msg, u->error, cap);
        sv_free(u);
        return rc;
    }
    c->ops = &uart_ops;
    c->impl = u;
    sv_strlcpy(c->name, u->name, sizeof c->name);
    return SV_STATUS_OK;
}
