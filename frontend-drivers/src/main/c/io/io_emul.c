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

static uint64_t clock_ns(void) { return sv_time_ns(); }

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
static int ata_close(void *impl) {
    sv_free(impl);
    return SV_STATUS_OK;
}

static const svf_disk_ops_t ata_ops = {ata_read, ata_write, ata_flush, ata_error, ata_stats, ata_close};

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

/* ---- network interfaces and consoles: not in this build yet ---- */

int svf_io_emul_nic_open(svf_nic_t *n, const svf_io_options_t *o, char *msg, size_t cap) {
    (void)n, (void)o;
    sv_snprintf(msg, cap, "nic: the emulated NIC (NE2000) driver is not in this build");
    return SV_STATUS_ENOSYS;
}

int svf_io_emul_console_open(svf_console_t *c, const svf_io_options_t *o, char *msg, size_t cap) {
    (void)c, (void)o;
    sv_snprintf(msg, cap, "console: the emulated console (16550A UART) driver is not in this build");
    return SV_STATUS_ENOSYS;
}
