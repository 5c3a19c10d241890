/*
 * svfront/ata.h: a PIO driver for an ATA disk on a legacy IDE channel (the primary channel at
 * 0x1F0-0x1F7 and 0x3F6, as Splitvisor's emulated disk and QEMU's IDE present it).
 *
 *   svf_ata_t disk;
 *   svf_ata_config_t cfg = SVF_ATA_PRIMARY_MASTER;
 *   cfg.now_ns = sv_time_ns;
 *   if (svf_ata_init(&disk, &cfg) != SV_STATUS_OK) ...      // reset, IDENTIFY, SET MULTIPLE
 *   svf_ata_write(&disk, lba, buf, 2048);                      // 2048 sectors = 1 MiB
 *   svf_ata_flush(&disk);
 *   svf_ata_read(&disk, lba, buf, 2048);
 *
 * What it does, by the ATA/ATAPI-6 register protocol:
 *   - init: nIEN in the device control register (the driver polls; no interrupts), an optional
 *     software reset (SRST), selects the device, IDENTIFY DEVICE (0xEC), reads the capacity (words
 *     60-61; with LBA48, words 100-103), the largest READ/WRITE MULTIPLE block (word 47), FLUSH
 *     support (words 83/86), the model and serial, then SET MULTIPLE MODE (0xC6) to the largest
 *     power-of-two block up to 16 sectors. A device that refuses it is driven with READ/WRITE
 *     SECTORS, one sector per data block.
 *   - read/write: commands of up to 256 sectors (LBA28: READ/WRITE SECTORS 0x20/0x30 or MULTIPLE
 *     0xC4/0xC5) or, for an address beyond 2^28 or with cfg.force_lba48, the LBA48 forms
 *     (0x24/0x34, 0x29/0x39) with the high-order bytes written first. For each data block: wait
 *     until BSY clears and DRQ is set (ERR or DF fail the command), then REP INSW/OUTSW of 256 words
 *     per sector on the data port. After the last block the status must show neither BSY nor DRQ.
 *   - flush: FLUSH CACHE (0xE7), or FLUSH CACHE EXT (0xEA) on an LBA48 device.
 *
 * Recovery: after a timeout, or a transfer the device broke off without ERR, the next command is
 * preceded by a software reset of the channel and SET MULTIPLE MODE again.
 *
 * Errors: SV_STATUS_ENODEV (no device answers: status 0x00 or 0xFF, or a non-ATA signature),
 * SV_STATUS_ERANGE (beyond the disk), SV_STATUS_EINVAL (count 0), SV_STATUS_EIO (the device set
 * ERR or DF, or broke the protocol; last_status/last_error and error() say which),
 * SV_STATUS_ETIMEDOUT (BSY or no DRQ for cfg.timeout_ns). Each sector is 512 bytes.
 */
#ifndef SVFRONT_ATA_H
#define SVFRONT_ATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svfront/portio.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SVF_ATA_SECTOR 512u

/* Task-file registers (offsets from io_base) and the control block register (ctl_base). */
#define SVF_ATA_REG_DATA     0
#define SVF_ATA_REG_ERROR    1   /* read */
#define SVF_ATA_REG_FEATURES 1   /* write */
#define SVF_ATA_REG_COUNT    2
#define SVF_ATA_REG_LBA0     3
#define SVF_ATA_REG_LBA1     4
#define SVF_ATA_REG_LBA2     5
#define SVF_ATA_REG_DEVICE   6
#define SVF_ATA_REG_STATUS   7   /* read */
#define SVF_ATA_REG_COMMAND  7   /* write */

/* Status bits. */
#define SVF_ATA_SR_BSY  0x80
#define SVF_ATA_SR_DRDY 0x40
#define SVF_ATA_SR_DF   0x20
#define SVF_ATA_SR_DSC  0x10
#define SVF_ATA_SR_DRQ  0x08
#define SVF_ATA_SR_ERR  0x01
/* Error bits. */
#define SVF_ATA_ER_ABRT 0x04
#define SVF_ATA_ER_IDNF 0x10
#define SVF_ATA_ER_UNC  0x40
/* Device control bits. */
#define SVF_ATA_DC_NIEN 0x02
#define SVF_ATA_DC_SRST 0x04
#define SVF_ATA_DC_HOB  0x80

/* Commands. */
#define SVF_ATA_CMD_READ_SECTORS       0x20
#define SVF_ATA_CMD_READ_SECTORS_EXT   0x24
#define SVF_ATA_CMD_READ_MULTIPLE_EXT  0x29
#define SVF_ATA_CMD_WRITE_SECTORS      0x30
#define SVF_ATA_CMD_WRITE_SECTORS_EXT  0x34
#define SVF_ATA_CMD_WRITE_MULTIPLE_EXT 0x39
#define SVF_ATA_CMD_READ_MULTIPLE      0xC4
#define SVF_ATA_CMD_WRITE_MULTIPLE     0xC5
#define SVF_ATA_CMD_SET_MULTIPLE       0xC6
#define SVF_ATA_CMD_FLUSH_CACHE        0xE7
#define SVF_ATA_CMD_IDENTIFY           0xEC
#define SVF_ATA_CMD_FLUSH_CACHE_EXT    0xEA

typedef struct svf_ata_config {
    uint16_t io_base;             /* 0x1F0 for the primary channel */
    uint16_t ctl_base;            /* 0x3F6 */
    bool slave;                   /* device 1 instead of device 0 */
    bool reset;                   /* software reset of the channel at init */
    bool force_lba48;             /* LBA48 commands even below 2^28 (when the device has them) */
    bool no_multiple;             /* READ/WRITE SECTORS only */
    uint16_t max_multiple;        /* cap on the MULTIPLE block in sectors (0: 16) */
    svf_clock_fn now_ns;          /* the clock for timeouts; NULL: count polls (1 us each) */
    uint64_t timeout_ns;          /* BSY/DRQ waits (0: 5 s) */
    uint64_t flush_timeout_ns;    /* FLUSH CACHE (0: 60 s: a real disk may write its whole cache) */
} svf_ata_config_t;

/* The primary channel's master with a reset at init. */
#define SVF_ATA_PRIMARY_MASTER ((svf_ata_config_t){.io_base = 0x1F0, .ctl_base = 0x3F6, .reset = true})

typedef struct svf_ata_stats {
    uint64_t commands;            /* commands issued (IDENTIFY and SET MULTIPLE included) */
    uint64_t sectors_read, sectors_written;
    uint64_t blocks;              /* DRQ data blocks moved */
    uint64_t flushes;
    uint64_t status_polls;        /* status register reads while waiting */
    uint64_t errors;              /* commands that ended with ERR, DF, a protocol error or a timeout */
    uint64_t resets;              /* software resets after a timeout or a broken-off transfer */
} svf_ata_stats_t;

typedef struct svf_ata {
    svf_ata_config_t cfg;
    uint64_t sectors;             /* the disk's capacity (LBA48 when the device has it) */
    bool lba48;                   /* the LBA48 feature set (IDENTIFY word 83 bit 10) */
    bool flush;                   /* FLUSH CACHE offered (or assumed: ATA-6 mandates it with a cache) */
    uint16_t multiple;            /* sectors per READ/WRITE MULTIPLE block; 0: SECTORS commands */
    uint16_t max_multiple;        /* the device's maximum (IDENTIFY word 47) */
    char model[41], serial[21];
    uint8_t last_status, last_error;
    bool needs_reset;             /* a command was left half done: reset before the next one */
    char error[96];               /* the last failure in words, "" when none */
    svf_ata_stats_t stats;
    uint16_t identify[256];       /* the IDENTIFY DEVICE data */
} svf_ata_t;

int svf_ata_init(svf_ata_t *d, const svf_ata_config_t *cfg);
/* count sectors (any number >= 1; split into commands of at most 256) from/to lba. */
int svf_ata_read(svf_ata_t *d, uint64_t lba, void *buf, uint32_t count);
int svf_ata_write(svf_ata_t *d, uint64_t lba, const void *buf, uint32_t count);
int svf_ata_flush(svf_ata_t *d);
/* The device's name for messages: "ata0-master" / "ata0-slave". */
const char *svf_ata_name(const svf_ata_t *d);

/* One IDENTIFY string field (words first..first+words-1, two characters a word, high byte first),
 * trailing spaces removed, into out (2 * words + 1 bytes). Exposed for the tests. */
void svf_ata_id_string(const uint16_t *id, unsigned first, unsigned words, char *out);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_ATA_H */
