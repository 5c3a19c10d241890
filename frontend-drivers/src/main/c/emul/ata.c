/*
 * The ATA PIO driver; see svfront/ata.h. Portable C over svfront/portio.h.
 */
#include "svfront/ata.h"

#include <stdarg.h>

#include <splitvisor/abi.h>
#include <splitvisor/printf.h>
#include <splitvisor/string.h>

#include "emul_wait.h"

#define DEFAULT_TIMEOUT_NS (5ull * 1000000000ull)
#define DEFAULT_FLUSH_TIMEOUT_NS (60ull * 1000000000ull)
#define MAX_COMMAND_SECTORS 256u
#define LBA28_LIMIT (1ull << 28)
#define LBA48_LIMIT (1ull << 48)

static inline uint16_t reg(const svf_ata_t *d, unsigned r) { return (uint16_t)(d->cfg.io_base + r); }

const char *svf_ata_name(const svf_ata_t *d) { return d->cfg.slave ? "ata0-slave" : "ata0-master"; }

static int fail(svf_ata_t *d, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(svf_ata_t *d, int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sv_vsnprintf(d->error, sizeof d->error, fmt, ap);
    va_end(ap);
    d->stats.errors++;
    return status;
}

static uint8_t read_status(svf_ata_t *d) {
    d->stats.status_polls++;
    uint8_t st = svf_inb(reg(d, SVF_ATA_REG_STATUS));
    d->last_status = st;
    return st;
}

/* The 400 ns the host must wait after writing the command or the device register before the
 * status means anything: one read of the alternate status register (ATA-6 9.x, as Linux does). */
static void settle(svf_ata_t *d) { (void)svf_inb(d->cfg.ctl_base); }

/* Waits for BSY to clear; the status in *st. */
static int wait_not_busy(svf_ata_t *d, uint64_t timeout_ns, uint8_t *st, const char *what) {
    svf_emul_wait_t w;
    svf_emul_wait_start(&w, d->cfg.now_ns, timeout_ns);
    for (;;) {
        uint8_t s = read_status(d);
        if (!(s & SVF_ATA_SR_BSY)) {
            *st = s;
            return SV_STATUS_OK;
        }
        if (svf_emul_wait_expired(&w)) {
            return fail(d, SV_STATUS_ETIMEDOUT, "%s: %s: still busy (status 0x%02x) after %llu ms", svf_ata_name(d), what,
                        s, (unsigned long long)(timeout_ns / 1000000u));
        }
    }
}

static int device_error(svf_ata_t *d, uint8_t st, const char *what) {
    uint8_t err = svf_inb(reg(d, SVF_ATA_REG_ERROR));
    d->last_error = err;
    return fail(d, SV_STATUS_EIO, "%s: %s failed: status 0x%02x, error 0x%02x%s%s%s", svf_ata_name(d), what, st, err,
                (err & SVF_ATA_ER_ABRT) ? " (aborted)" : "", (err & SVF_ATA_ER_IDNF) ? " (id not found)" : "",
                (err & SVF_ATA_ER_UNC) ? " (uncorrectable)" : "");
}

/* Waits for a data block: BSY clear and DRQ set. ERR or DF end the command. */
static int wait_drq(svf_ata_t *d, const char *what) {
    uint8_t st;
    int rc = wait_not_busy(d, d->cfg.timeout_ns, &st, what);
    if (rc) return rc;
    if (st & (SVF_ATA_SR_ERR | SVF_ATA_SR_DF)) return device_error(d, st, what);
    if (!(st & SVF_ATA_SR_DRQ)) {
        return fail(d, SV_STATUS_EIO, "%s: %s: the device ended the transfer early (status 0x%02x, no DRQ)", svf_ata_name(d),
                    what, st);
    }
    return SV_STATUS_OK;
}

/* After the last data block, or for a non-data command: BSY clear, no ERR or DF, no DRQ. */
static int wait_done(svf_ata_t *d, uint64_t timeout_ns, const char *what) {
    uint8_t st;
    int rc = wait_not_busy(d, timeout_ns, &st, what);
    if (rc) return rc;
    if (st & (SVF_ATA_SR_ERR | SVF_ATA_SR_DF)) return device_error(d, st, what);
    if (st & SVF_ATA_SR_DRQ) {
        return fail(d, SV_STATUS_EIO, "%s: %s: the device wants more data than the command moves (status 0x%02x)",
                    svf_ata_name(d), what, st);
    }
    return SV_STATUS_OK;
}

/* Software reset of the channel (SRST for at least 5 us), then wait for BSY to clear. */
static int reset_channel(svf_ata_t *d) {
    svf_outb(d->cfg.ctl_base, SVF_ATA_DC_NIEN | SVF_ATA_DC_SRST);
    for (int i = 0; i < 8; i++) settle(d);
    svf_outb(d->cfg.ctl_base, SVF_ATA_DC_NIEN);
    for (int i = 0; i < 8; i++) settle(d);
    uint8_t st = read_status(d);
    if (st == 0xFF) return fail(d, SV_STATUS_ENODEV, "%s: no device (the status register floats at 0xff)", svf_ata_name(d));
    return wait_not_busy(d, d->cfg.timeout_ns, &st, "reset");
}

static int issue(svf_ata_t *d, uint8_t cmd, uint64_t lba, uint32_t count, bool lba48, const char *what);

/* SET MULTIPLE MODE to d->multiple; a device that aborts it gets READ/WRITE SECTORS instead. */
static int set_multiple(svf_ata_t *d, uint16_t sectors) {
    d->multiple = 0;
    if (!sectors) return SV_STATUS_OK;
    int rc = issue(d, SVF_ATA_CMD_SET_MULTIPLE, 0, sectors, false, "SET MULTIPLE MODE");
    if (rc) return rc;
    rc = wait_done(d, d->cfg.timeout_ns, "SET MULTIPLE MODE");
    if (rc == SV_STATUS_OK) {
        d->multiple = sectors;
    } else if (rc == SV_STATUS_EIO && (d->last_error & SVF_ATA_ER_ABRT)) {
        d->error[0] = 0;   /* refused: one sector per block with READ/WRITE SECTORS */
        d->stats.errors--;
        rc = SV_STATUS_OK;
    }
    return rc;
}

/* After a timeout or a transfer the device broke off, the channel may hold a half-done command:
 * reset it (and restore the MULTIPLE block size) before the next command. */
static int recover(svf_ata_t *d) {
    d->needs_reset = false;
    d->stats.resets++;
    uint16_t multiple = d->multiple;
    int rc = reset_channel(d);
    if (rc) return rc;
    svf_outb((uint16_t)(d->cfg.io_base + SVF_ATA_REG_DEVICE), (uint8_t)(0xA0 | (d->cfg.slave ? 0x10 : 0)));
    settle(d);
    return set_multiple(d, multiple);
}

static uint8_t device_bits(const svf_ata_t *d) { return (uint8_t)(0xA0 | (d->cfg.slave ? 0x10 : 0)); }

/* Writes the task file and the command (LBA28 or LBA48 form). The channel must be idle. */
static int issue(svf_ata_t *d, uint8_t cmd, uint64_t lba, uint32_t count, bool lba48, const char *what) {
    uint8_t st;
    int rc;
    if (d->needs_reset && (rc = recover(d)) != SV_STATUS_OK) return rc;
    rc = wait_not_busy(d, d->cfg.timeout_ns, &st, what);
    if (rc) return rc;
    if (st & SVF_ATA_SR_DRQ) {
        return fail(d, SV_STATUS_EIO, "%s: %s: the device still holds data from an earlier command (status 0x%02x)",
                    svf_ata_name(d), what, st);
    }
    if (lba48) {
        /* High-order bytes first: each register is a two-deep FIFO (the "previous" content). */
        svf_outb(reg(d, SVF_ATA_REG_COUNT), (uint8_t)(count >> 8));
        svf_outb(reg(d, SVF_ATA_REG_LBA0), (uint8_t)(lba >> 24));
        svf_outb(reg(d, SVF_ATA_REG_LBA1), (uint8_t)(lba >> 32));
        svf_outb(reg(d, SVF_ATA_REG_LBA2), (uint8_t)(lba >> 40));
        svf_outb(reg(d, SVF_ATA_REG_COUNT), (uint8_t)count);
        svf_outb(reg(d, SVF_ATA_REG_LBA0), (uint8_t)lba);
        svf_outb(reg(d, SVF_ATA_REG_LBA1), (uint8_t)(lba >> 8));
        svf_outb(reg(d, SVF_ATA_REG_LBA2), (uint8_t)(lba >> 16));
        svf_outb(reg(d, SVF_ATA_REG_DEVICE), (uint8_t)(device_bits(d) | 0x40));
    } else {
        svf_outb(reg(d, SVF_ATA_REG_COUNT), (uint8_t)count);   /* 256 is written as 0 */
        svf_outb(reg(d, SVF_ATA_REG_LBA0), (uint8_t)lba);
        svf_outb(reg(d, SVF_ATA_REG_LBA1), (uint8_t)(lba >> 8));
        svf_outb(reg(d, SVF_ATA_REG_LBA2), (uint8_t)(lba >> 16));
        svf_outb(reg(d, SVF_ATA_REG_DEVICE), (uint8_t)(device_bits(d) | 0x40 | ((lba >> 24) & 0x0F)));
    }
    svf_outb(reg(d, SVF_ATA_REG_COMMAND), cmd);
    settle(d);
    d->stats.commands++;
    return SV_STATUS_OK;
}

void svf_ata_id_string(const uint16_t *id, unsigned first, unsigned words, char *out) {
    unsigned n = 0;
    for (unsigned i = 0; i < words; i++) {
        out[n++] = (char)(id[first + i] >> 8);
        out[n++] = (char)(id[first + i] & 0xFF);
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == 0)) n--;
    out[n] = 0;
}

static int identify(svf_ata_t *d) {
    uint16_t io = d->cfg.io_base;
    svf_outb((uint16_t)(io + SVF_ATA_REG_DEVICE), device_bits(d));
    for (int i = 0; i < 4; i++) settle(d);
    uint8_t st = read_status(d);
    if (st == 0xFF) return fail(d, SV_STATUS_ENODEV, "%s: no device (the status register floats at 0xff)", svf_ata_name(d));
    svf_outb((uint16_t)(io + SVF_ATA_REG_COUNT), 0);
    svf_outb((uint16_t)(io + SVF_ATA_REG_LBA0), 0);
    svf_outb((uint16_t)(io + SVF_ATA_REG_LBA1), 0);
    svf_outb((uint16_t)(io + SVF_ATA_REG_LBA2), 0);
    svf_outb((uint16_t)(io + SVF_ATA_REG_COMMAND), SVF_ATA_CMD_IDENTIFY);
    settle(d);
    d->stats.commands++;
    st = read_status(d);
    if (st == 0) return fail(d, SV_STATUS_ENODEV, "%s: no device (status 0 after IDENTIFY)", svf_ata_name(d));
    int rc = wait_not_busy(d, d->cfg.timeout_ns, &st, "IDENTIFY");
    if (rc) return rc;
    uint8_t mid = svf_inb((uint16_t)(io + SVF_ATA_REG_LBA1)), high = svf_inb((uint16_t)(io + SVF_ATA_REG_LBA2));
    if (mid != 0 || high != 0) {
        return fail(d, SV_STATUS_ENODEV, "%s: not an ATA disk (signature 0x%02x%02x: ATAPI or SATA)", svf_ata_name(d), high,
                    mid);
    }
    if (st & (SVF_ATA_SR_ERR | SVF_ATA_SR_DF)) return device_error(d, st, "IDENTIFY");
    if (!(st & SVF_ATA_SR_DRQ)) return fail(d, SV_STATUS_EIO, "%s: IDENTIFY: no data (status 0x%02x)", svf_ata_name(d), st);
    svf_insw((uint16_t)(io + SVF_ATA_REG_DATA), d->identify, 256);
    d->stats.blocks++;
    return wait_done(d, d->cfg.timeout_ns, "IDENTIFY");
}

int svf_ata_init(svf_ata_t *d, const svf_ata_config_t *cfg) {
    sv_memset(d, 0, sizeof *d);
    d->cfg = *cfg;
    if (!d->cfg.timeout_ns) d->cfg.timeout_ns = DEFAULT_TIMEOUT_NS;
    if (!d->cfg.flush_timeout_ns) d->cfg.flush_timeout_ns = DEFAULT_FLUSH_TIMEOUT_NS;
    if (!d->cfg.max_multiple) d->cfg.max_multiple = 16;
    if (d->cfg.reset) {
        int rc = reset_channel(d);
        if (rc) return rc;
    } else {
        svf_outb(d->cfg.ctl_base, SVF_ATA_DC_NIEN);   /* polled: no interrupts */
    }
    int rc = identify(d);
    if (rc) return rc;
    const uint16_t *id = d->identify;
    if (!(id[49] & (1u << 9))) return fail(d, SV_STATUS_ENODEV, "%s: the disk has no LBA addressing", svf_ata_name(d));
    bool w83_valid = (id[83] & 0xC000) == 0x4000;
    d->lba48 = w83_valid && (id[83] & (1u << 10));
    uint64_t lba28 = (uint64_t)id[60] | (uint64_t)id[61] << 16;
    uint64_t lba48 = (uint64_t)id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48;
    d->sectors = d->lba48 && lba48 ? lba48 : lba28;
    /* ATA-6 makes FLUSH CACHE mandatory for devices with a write cache; trust word 83 when valid. */
    d->flush = !w83_valid || (id[83] & (1u << 12)) || (id[82] & (1u << 5));
    svf_ata_id_string(id, 27, 20, d->model);
    svf_ata_id_string(id, 10, 10, d->serial);
    d->max_multiple = id[47] & 0xFF;
    uint16_t want = 0;
    if (!d->cfg.no_multiple && d->max_multiple >= 2) {
        uint16_t cap = d->max_multiple < d->cfg.max_multiple ? d->max_multiple : d->cfg.max_multiple;
        want = 1;
        while ((uint16_t)(want * 2) <= cap) want = (uint16_t)(want * 2);
        if (want < 2) want = 0;
    }
    rc = set_multiple(d, want);
    if (rc) return rc;
    return SV_STATUS_OK;
}

static int check_range(svf_ata_t *d, uint64_t lba, uint32_t count) {
    if (count == 0) return fail(d, SV_STATUS_EINVAL, "%s: a transfer of 0 sectors", svf_ata_name(d));
    if (lba >= d->sectors || count > d->sectors - lba) {
        return fail(d, SV_STATUS_ERANGE, "%s: sectors %llu..%llu are beyond the disk (%llu sectors)", svf_ata_name(d),
                    (unsigned long long)lba, (unsigned long long)(lba + count - 1), (unsigned long long)d->sectors);
    }
    return SV_STATUS_OK;
}

static bool use_lba48(const svf_ata_t *d, uint64_t lba, uint32_t count) {
    return d->lba48 && (d->cfg.force_lba48 || lba + count > LBA28_LIMIT);
}

static uint8_t command_for(const svf_ata_t *d, bool write, bool lba48) {
    if (d->multiple) {
        if (lba48) return write ? SVF_ATA_CMD_WRITE_MULTIPLE_EXT : SVF_ATA_CMD_READ_MULTIPLE_EXT;
        return write ? SVF_ATA_CMD_WRITE_MULTIPLE : SVF_ATA_CMD_READ_MULTIPLE;
    }
    if (lba48) return write ? SVF_ATA_CMD_WRITE_SECTORS_EXT : SVF_ATA_CMD_READ_SECTORS_EXT;
    return write ? SVF_ATA_CMD_WRITE_SECTORS : SVF_ATA_CMD_READ_SECTORS;
}

/* One command of at most 256 sectors. */
static int transfer(svf_ata_t *d, bool write, uint64_t lba, uint8_t *buf, uint32_t count) {
    bool lba48 = use_lba48(d, lba, count);
    if (!lba48 && lba + count > LBA28_LIMIT) {
        return fail(d, SV_STATUS_ERANGE, "%s: sector %llu needs LBA48, which the disk lacks", svf_ata_name(d),
                    (unsigned long long)(lba + count - 1));
    }
    const char *what = write ? "write" : "read";
    int rc = issue(d, command_for(d, write, lba48), lba, count, lba48, what);
    if (rc) return rc;
    uint16_t data = reg(d, SVF_ATA_REG_DATA);
    uint32_t per_block = d->multiple ? d->multiple : 1;
    for (uint32_t done = 0; done < count;) {
        uint32_t n = count - done < per_block ? count - done : per_block;
        rc = wait_drq(d, what);
        if (rc) return rc;
        if (write) svf_outsw(data, buf + (size_t)done * SVF_ATA_SECTOR, (size_t)n * (SVF_ATA_SECTOR / 2));
        else svf_insw(data, buf + (size_t)done * SVF_ATA_SECTOR, (size_t)n * (SVF_ATA_SECTOR / 2));
        d->stats.blocks++;
        settle(d);   /* the status is valid 400 ns after the block's last word */
        done += n;
    }
    rc = wait_done(d, d->cfg.timeout_ns, what);
    if (rc) return rc;
    if (write) d->stats.sectors_written += count;
    else d->stats.sectors_read += count;
    return SV_STATUS_OK;
}

static int rw(svf_ata_t *d, bool write, uint64_t lba, uint8_t *buf, uint32_t count) {
    int rc = check_range(d, lba, count);
    if (rc) return rc;
    while (count) {
        uint32_t n = count < MAX_COMMAND_SECTORS ? count : MAX_COMMAND_SECTORS;
        rc = transfer(d, write, lba, buf, n);
        if (rc) {
            /* Not a clean ERR from the device: the next command starts with a reset. */
            if (!(d->last_status & (SVF_ATA_SR_ERR | SVF_ATA_SR_DF)) || (d->last_status & SVF_ATA_SR_BSY)) d->needs_reset = true;
            return rc;
        }
        lba += n;
        buf += (size_t)n * SVF_ATA_SECTOR;
        count -= n;
    }
    return SV_STATUS_OK;
}

int svf_ata_read(svf_ata_t *d, uint64_t lba, void *buf, uint32_t count) { return rw(d, false, lba, buf, count); }

int svf_ata_write(svf_ata_t *d, uint64_t lba, const void *buf, uint32_t count) {
    return rw(d, true, lba, (uint8_t *)(uintptr_t)buf, count);
}

int svf_ata_flush(svf_ata_t *d) {
    if (!d->flush) return SV_STATUS_ENOSYS;
    uint8_t cmd = d->lba48 ? SVF_ATA_CMD_FLUSH_CACHE_EXT : SVF_ATA_CMD_FLUSH_CACHE;
    int rc = issue(d, cmd, 0, 0, false, "FLUSH CACHE");
    if (rc) return rc;
    rc = wait_done(d, d->cfg.flush_timeout_ns, "FLUSH CACHE");
    if (rc == SV_STATUS_ETIMEDOUT) d->needs_reset = true;
    if (rc == SV_STATUS_EIO && d->last_error == SVF_ATA_ER_ABRT) {
        d->flush = false;   /* not implemented by this device (as Linux turns the feature off) */
        return SV_STATUS_ENOSYS;
    }
    if (rc == SV_STATUS_OK) d->stats.flushes++;
    return rc;
}
