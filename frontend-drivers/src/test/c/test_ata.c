/*
 * The ATA PIO driver (emul/ata.c) against the register model (model_ata.c): identification,
 * LBA28 and LBA48 transfers with READ/WRITE SECTORS and MULTIPLE, flush, and the device's error
 * answers (ABRT, IDNF, UNC, DF), a device that stays busy, one that ends a transfer early, and
 * channels without an ATA disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <splitvisor/abi.h>

#include "model_ata.h"
#include "svfront/ata.h"
#include "test.h"
#include "test_ports.h"

static model_ata_t model;
static uint64_t fake_now;

static uint64_t clock_1us(void) { return fake_now += 1000; }

static svf_ata_config_t config(void) {
    svf_ata_config_t c = SVF_ATA_PRIMARY_MASTER;
    c.now_ns = clock_1us;
    c.timeout_ns = 50ull * 1000 * 1000;   /* 50 ms of the fake clock */
    c.flush_timeout_ns = 100ull * 1000 * 1000;
    return c;
}

static void fill(uint8_t *buf, size_t len, unsigned seed) {
    for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(i * 31 + seed * 7 + (i >> 9));
}

static bool logged(uint8_t cmd) {
    for (unsigned i = 0; i < model.logged; i++)
        if (model.command_log[i] == cmd) return true;
    return false;
}

static svf_ata_t disk;

static int open_disk(uint64_t sectors) {
    model_ata_init(&model, sectors);
    svf_ata_config_t c = config();
    return svf_ata_init(&disk, &c);
}

static void test_identify(void) {
    CHECK_EQ_INT(open_disk(4096), SV_STATUS_OK);
    CHECK_EQ_INT(model.srst_count, 1);
    CHECK_EQ_INT(disk.sectors, 4096);
    CHECK(disk.lba48);
    CHECK(disk.flush);
    CHECK_EQ_INT(disk.max_multiple, 16);
    CHECK_EQ_INT(disk.multiple, 16);
    CHECK_EQ_INT(model.multiple, 16);
    CHECK(strcmp(disk.model, "SPLITVISOR MODEL DISK") == 0);
    CHECK(strcmp(disk.serial, "SV-TEST-0001") == 0);
    CHECK(logged(SVF_ATA_CMD_IDENTIFY) && logged(SVF_ATA_CMD_SET_MULTIPLE));
    CHECK(strcmp(svf_ata_name(&disk), "ata0-master") == 0);
    CHECK_EQ_INT(test_ports_stray, 0);
    model_ata_free(&model);
}

static void roundtrip(uint64_t lba, uint32_t count, uint8_t expect_write, uint8_t expect_read) {
    size_t len = (size_t)count * 512;
    uint8_t *out = malloc(len), *in = malloc(len);
    fill(out, len, (unsigned)lba);
    model.logged = 0;
    CHECK_EQ_INT(svf_ata_write(&disk, lba, out, count), SV_STATUS_OK);
    CHECK(logged(expect_write));
    uint8_t *first = model_ata_sector(&model, lba), *last = model_ata_sector(&model, lba + count - 1);
    CHECK(first && memcmp(first, out, 512) == 0);
    CHECK(last && memcmp(last, out + len - 512, 512) == 0);
    memset(in, 0, len);
    CHECK_EQ_INT(svf_ata_read(&disk, lba, in, count), SV_STATUS_OK);
    CHECK(logged(expect_read));
    CHECK(memcmp(in, out, len) == 0);
    CHECK(!model.command_while_busy);
    free(out);
    free(in);
}

static void test_multiple_lba28(void) {
    CHECK_EQ_INT(open_disk(4096), SV_STATUS_OK);
    roundtrip(5, 300, SVF_ATA_CMD_WRITE_MULTIPLE, SVF_ATA_CMD_READ_MULTIPLE);   /* 256 + 44: two commands */
    roundtrip(4096 - 7, 7, SVF_ATA_CMD_WRITE_MULTIPLE, SVF_ATA_CMD_READ_MULTIPLE);   /* the last sectors, a partial block */
    CHECK_EQ_INT(disk.stats.sectors_written, 307);
    CHECK_EQ_INT(disk.stats.sectors_read, 307);
    CHECK_EQ_INT(disk.stats.errors, 0);
    model_ata_free(&model);
}

static void test_sectors_without_multiple(void) {
    model_ata_init(&model, 1024);
    model.max_multiple = 0;
    svf_ata_config_t c = config();
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    CHECK_EQ_INT(disk.multiple, 0);
    CHECK(!logged(SVF_ATA_CMD_SET_MULTIPLE));
    roundtrip(100, 20, SVF_ATA_CMD_WRITE_SECTORS, SVF_ATA_CMD_READ_SECTORS);
    CHECK_EQ_INT(disk.stats.blocks, 1 + 40);   /* IDENTIFY, then one block per sector */
    model_ata_free(&model);

    /* A device that refuses SET MULTIPLE MODE (ABRT) is driven with READ/WRITE SECTORS. */
    model_ata_init(&model, 1024);
    model.refuse_set_multiple = true;
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    CHECK_EQ_INT(disk.multiple, 0);
    CHECK(disk.error[0] == 0);
    CHECK_EQ_INT(disk.stats.errors, 0);
    roundtrip(0, 3, SVF_ATA_CMD_WRITE_SECTORS, SVF_ATA_CMD_READ_SECTORS);
    model_ata_free(&model);

    /* cfg.no_multiple, and a cap that is not a power of two (6 -> blocks of 4). */
    model_ata_init(&model, 1024);
    c.max_multiple = 6;
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    CHECK_EQ_INT(disk.multiple, 4);
    roundtrip(10, 9, SVF_ATA_CMD_WRITE_MULTIPLE, SVF_ATA_CMD_READ_MULTIPLE);
    CHECK_EQ_INT(disk.stats.blocks, 1 + 3 + 3);
    model_ata_free(&model);
}

static void test_lba48(void) {
    /* A disk beyond 2^28 sectors (128 GiB), with data only near the top. */
    uint64_t cap = (1ull << 28) + 4096, base = (1ull << 28) - 64;
    model_ata_init_window(&model, cap, base, 4096);
    svf_ata_config_t c = config();
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    CHECK_EQ_INT(disk.sectors, cap);
    /* Below 2^28: the LBA28 commands. */
    roundtrip(base, 32, SVF_ATA_CMD_WRITE_MULTIPLE, SVF_ATA_CMD_READ_MULTIPLE);
    /* Across and above 2^28: the EXT commands with the high-order bytes in the previous register. */
    roundtrip((1ull << 28) - 8, 24, SVF_ATA_CMD_WRITE_MULTIPLE_EXT, SVF_ATA_CMD_READ_MULTIPLE_EXT);
    roundtrip((1ull << 28) + 1000, 260, SVF_ATA_CMD_WRITE_MULTIPLE_EXT, SVF_ATA_CMD_READ_MULTIPLE_EXT);
    model.control |= 0x80;   /* HOB: the high-order bytes of the last command read back */
    uint32_t v;
    model_ata_in(&model, 0x1F3, 1, &v);
    CHECK_EQ_INT(v, (((1ull << 28) + 1000 + 256) >> 24) & 0xFF);
    model.control &= 0x7F;
    /* Without MULTIPLE: READ/WRITE SECTORS EXT. */
    model.max_multiple = 0;
    c.no_multiple = true;
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    roundtrip((1ull << 28) + 5, 3, SVF_ATA_CMD_WRITE_SECTORS_EXT, SVF_ATA_CMD_READ_SECTORS_EXT);
    model_ata_free(&model);

    /* force_lba48 uses the EXT commands at low addresses too. */
    model_ata_init(&model, 512);
    c = config();
    c.force_lba48 = true;
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    roundtrip(7, 17, SVF_ATA_CMD_WRITE_MULTIPLE_EXT, SVF_ATA_CMD_READ_MULTIPLE_EXT);
    model_ata_free(&model);

    /* A disk without LBA48 cannot reach beyond 2^28 (its capacity says so: ERANGE). */
    model_ata_init(&model, 512);
    model.lba48 = false;
    c = config();
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    CHECK(!disk.lba48);
    uint8_t sec[512];
    CHECK_EQ_INT(svf_ata_read(&disk, 1ull << 28, sec, 1), SV_STATUS_ERANGE);
    model_ata_free(&model);
}

static void test_flush(void) {
    CHECK_EQ_INT(open_disk(64), SV_STATUS_OK);
    model.logged = 0;
    CHECK_EQ_INT(svf_ata_flush(&disk), SV_STATUS_OK);
    CHECK(logged(SVF_ATA_CMD_FLUSH_CACHE_EXT));
    CHECK_EQ_INT(disk.stats.flushes, 1);
    /* The device aborts FLUSH CACHE: not implemented, turned off. */
    model.no_flush = true;
    CHECK_EQ_INT(svf_ata_flush(&disk), SV_STATUS_ENOSYS);
    CHECK(!disk.flush);
    unsigned before = model.commands;
    CHECK_EQ_INT(svf_ata_flush(&disk), SV_STATUS_ENOSYS);
    CHECK_EQ_INT(model.commands, before);
    model_ata_free(&model);

    model_ata_init(&model, 64);
    model.lba48 = false;
    svf_ata_config_t c = config();
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    model.logged = 0;
    CHECK_EQ_INT(svf_ata_flush(&disk), SV_STATUS_OK);
    CHECK(logged(SVF_ATA_CMD_FLUSH_CACHE));
    model_ata_free(&model);

    /* IDENTIFY says no FLUSH CACHE: no command is sent. */
    model_ata_init(&model, 64);
    model.no_flush = true;
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    CHECK(!disk.flush);
    CHECK_EQ_INT(svf_ata_flush(&disk), SV_STATUS_ENOSYS);
    model_ata_free(&model);
}

static void test_range_checks(void) {
    CHECK_EQ_INT(open_disk(100), SV_STATUS_OK);
    uint8_t buf[1024];
    unsigned before = model.commands;
    CHECK_EQ_INT(svf_ata_read(&disk, 99, buf, 2), SV_STATUS_ERANGE);
    CHECK_CONTAINS(disk.error, "beyond the disk");
    CHECK_EQ_INT(svf_ata_write(&disk, 100, buf, 1), SV_STATUS_ERANGE);
    CHECK_EQ_INT(svf_ata_read(&disk, 0, buf, 0), SV_STATUS_EINVAL);
    CHECK_EQ_INT(model.commands, before);
    CHECK_EQ_INT(svf_ata_read(&disk, 98, buf, 2), SV_STATUS_OK);
    model_ata_free(&model);
}

static void test_device_errors(void) {
    uint8_t buf[8 * 512];
    /* IDNF: the device is smaller than it said (here: it shrank after IDENTIFY). */
    CHECK_EQ_INT(open_disk(100), SV_STATUS_OK);
    model.sectors = 90;
    CHECK_EQ_INT(svf_ata_read(&disk, 95, buf, 2), SV_STATUS_EIO);
    CHECK_EQ_INT(disk.last_error, SVF_ATA_ER_IDNF);
    CHECK(disk.last_status & SVF_ATA_SR_ERR);
    CHECK_CONTAINS(disk.error, "id not found");
    CHECK_CONTAINS(disk.error, "ata0-master: read failed");
    /* The channel is usable afterwards. */
    CHECK_EQ_INT(svf_ata_read(&disk, 10, buf, 2), SV_STATUS_OK);
    model_ata_free(&model);

    /* UNC on a sector in the middle of a MULTIPLE transfer. */
    CHECK_EQ_INT(open_disk(100), SV_STATUS_OK);
    model.bad_sector = 21;
    CHECK_EQ_INT(svf_ata_read(&disk, 16, buf, 8), SV_STATUS_EIO);
    CHECK_EQ_INT(disk.last_error, SVF_ATA_ER_UNC);
    CHECK_CONTAINS(disk.error, "uncorrectable");
    CHECK(!disk.needs_reset);   /* a clean ERR: no reset needed */
    CHECK_EQ_INT(svf_ata_write(&disk, 20, buf, 4), SV_STATUS_EIO);
    CHECK_EQ_INT(svf_ata_read(&disk, 30, buf, 8), SV_STATUS_OK);
    model_ata_free(&model);

    /* ABRT: the device no longer accepts the EXT commands. */
    model_ata_init(&model, 100);
    svf_ata_config_t c = config();
    c.force_lba48 = true;
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    model.lba48 = false;
    CHECK_EQ_INT(svf_ata_write(&disk, 0, buf, 1), SV_STATUS_EIO);
    CHECK_EQ_INT(disk.last_error, SVF_ATA_ER_ABRT);
    CHECK_CONTAINS(disk.error, "(aborted)");
    CHECK_CONTAINS(disk.error, "write failed");
    model_ata_free(&model);

    /* DF: a device fault. */
    CHECK_EQ_INT(open_disk(100), SV_STATUS_OK);
    model.device_fault = true;
    CHECK_EQ_INT(svf_ata_write(&disk, 0, buf, 1), SV_STATUS_EIO);
    CHECK(disk.last_status & SVF_ATA_SR_DF);
    uint64_t errors = disk.stats.errors;
    CHECK(errors >= 1);
    CHECK_EQ_INT(svf_ata_write(&disk, 0, buf, 1), SV_STATUS_OK);
    model_ata_free(&model);

    /* A read that ends after its first block without an error: a protocol break, then recovery. */
    CHECK_EQ_INT(open_disk(100), SV_STATUS_OK);
    model.short_transfer = true;
    CHECK_EQ_INT(svf_ata_read(&disk, 0, buf, 8), SV_STATUS_OK);   /* one block of 16 covers 8 sectors */
    model.short_transfer = true;
    static uint8_t big[64 * 512];
    CHECK_EQ_INT(svf_ata_read(&disk, 0, big, 64), SV_STATUS_EIO);
    CHECK_CONTAINS(disk.error, "ended the transfer early");
    CHECK(disk.needs_reset);
    CHECK_EQ_INT(svf_ata_read(&disk, 0, big, 64), SV_STATUS_OK);
    CHECK_EQ_INT(disk.stats.resets, 1);
    model_ata_free(&model);
}

static void test_busy_and_timeouts(void) {
    /* A slow device: BSY for a few status reads after every command and block. */
    model_ata_init(&model, 256);
    model.busy_reads = 5;
    svf_ata_config_t c = config();
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    roundtrip(0, 40, SVF_ATA_CMD_WRITE_MULTIPLE, SVF_ATA_CMD_READ_MULTIPLE);
    CHECK(disk.stats.status_polls > 5 * 6);
    model_ata_free(&model);

    /* Stuck busy: the wait ends with ETIMEDOUT after the configured time. */
    CHECK_EQ_INT(open_disk(256), SV_STATUS_OK);
    model.stuck_busy = true;
    uint8_t buf[512];
    uint64_t t0 = fake_now;
    CHECK_EQ_INT(svf_ata_read(&disk, 0, buf, 1), SV_STATUS_ETIMEDOUT);
    CHECK(fake_now - t0 >= c.timeout_ns);
    CHECK(fake_now - t0 < 2 * c.timeout_ns);
    CHECK_CONTAINS(disk.error, "still busy");
    CHECK(disk.needs_reset);
    /* The device recovers: the next command starts with a reset and SET MULTIPLE MODE again. */
    model.stuck_busy = false;
    unsigned srst = model.srst_count;
    model.multiple = 0;
    CHECK_EQ_INT(svf_ata_read(&disk, 0, buf, 1), SV_STATUS_OK);
    CHECK_EQ_INT(model.srst_count, srst + 1);
    CHECK_EQ_INT(disk.stats.resets, 1);
    CHECK_EQ_INT(model.multiple, 16);
    CHECK(!disk.needs_reset);
    model_ata_free(&model);

    /* Without a clock: the timeout counts polls, one per microsecond. */
    model_ata_init(&model, 256);
    c.now_ns = NULL;
    c.timeout_ns = 2000 * 1000;   /* 2 ms: about 2000 polls */
    c.flush_timeout_ns = c.timeout_ns;
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_OK);
    model.stuck_busy = true;
    uint64_t polls = disk.stats.status_polls;
    CHECK_EQ_INT(svf_ata_flush(&disk), SV_STATUS_ETIMEDOUT);
    CHECK(disk.stats.status_polls - polls >= 2000 && disk.stats.status_polls - polls < 2100);
    model_ata_free(&model);

    /* Busy forever after the reset: init fails with ETIMEDOUT. */
    model_ata_init(&model, 256);
    model.stuck_busy = true;
    c = config();
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_ETIMEDOUT);
    CHECK_CONTAINS(disk.error, "reset");
    model_ata_free(&model);
}

static void test_no_disk(void) {
    model_ata_init(&model, 16);
    model.absent = true;
    svf_ata_config_t c = config();
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_ENODEV);
    CHECK_CONTAINS(disk.error, "0xff");
    c.reset = false;
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_ENODEV);
    model_ata_free(&model);

    model_ata_init(&model, 16);
    model.atapi = true;
    c = config();
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_ENODEV);
    CHECK_CONTAINS(disk.error, "not an ATA disk");
    model_ata_free(&model);

    /* No device 1 on the channel: its status reads 0. */
    model_ata_init(&model, 16);
    c = config();
    c.slave = true;
    CHECK_EQ_INT(svf_ata_init(&disk, &c), SV_STATUS_ENODEV);
    CHECK_CONTAINS(disk.error, "ata0-slave: no device");
    model_ata_free(&model);
}

int main(void) {
    test_ports_attach(&model, model_ata_in, model_ata_out);
    RUN(test_identify);
    RUN(test_multiple_lba28);
    RUN(test_sectors_without_multiple);
    RUN(test_lba48);
    RUN(test_flush);
    RUN(test_range_checks);
    RUN(test_device_errors);
    RUN(test_busy_and_timeouts);
    RUN(test_no_disk);
    return tests_done("test_ata");
}
