/*
 * The disk cases. Sequential: the region (mib MiB from sector 0) is written from a buffer holding
 * svfront/util.h's pattern, then read back into the zeroed buffer, in transfers of xfer bytes;
 * random: 4 KiB reads at random 4 KiB-aligned offsets of the region. Only the I/O calls are
 * inside a case's marks: the pattern is made before and the data checked after, so the host's
 * exit, hypercall and instruction counts between the marks belong to the I/O alone.
 */
#include "iobench.h"

#define RAND_BYTES 4096u
#define SECTOR 512u

static int sequential(const iob_config_t *cfg, svf_disk_t *disk, uint8_t *buf, uint64_t bytes) {
    uint64_t xfers = (bytes + cfg->xfer - 1) / cfg->xfer;
    iob_samples_t w, r;
    if (!iob_samples_init(&w, xfers) || !iob_samples_init(&r, xfers)) return iob_failed("no memory for the samples", 0);
    svf_pattern_fill(buf, bytes, 0, cfg->seed);

    if (iob_mark(cfg, "begin", "seq-write")) return 1;
    uint64_t t0 = sv_time_ns();
    for (uint64_t off = 0; off < bytes; off += cfg->xfer) {
        uint64_t len = bytes - off < cfg->xfer ? bytes - off : cfg->xfer;
        uint64_t s = sv_time_ns();
        int rc = svf_disk_write(disk, off / SECTOR, buf + off, len);
        if (rc) return iob_failed("a sequential write", rc);
        iob_samples_add(&w, sv_time_ns() - s);
    }
    int rc = svf_disk_flush(disk);
    if (rc && rc != SV_STATUS_ENOSYS) return iob_failed("the flush after the writes", rc);   /* ENOSYS: no write cache */
    uint64_t write_ns = sv_time_ns() - t0;
    if (iob_mark(cfg, "end", "seq-write")) return 1;
    iob_report(cfg, &(iob_result_t){.name = "seq-write", .bytes = bytes, .ops = w.count, .ns = write_ns, .samples = &w});

    sv_memset(buf, 0, bytes);
    if (iob_mark(cfg, "begin", "seq-read")) return 1;
    t0 = sv_time_ns();
    for (uint64_t off = 0; off < bytes; off += cfg->xfer) {
        uint64_t len = bytes - off < cfg->xfer ? bytes - off : cfg->xfer;
        uint64_t s = sv_time_ns();
        rc = svf_disk_read(disk, off / SECTOR, buf + off, len);
        if (rc) return iob_failed("a sequential read", rc);
        iob_samples_add(&r, sv_time_ns() - s);
    }
    uint64_t read_ns = sv_time_ns() - t0;
    if (iob_mark(cfg, "end", "seq-read")) return 1;
    size_t bad = svf_pattern_check(buf, bytes, 0, cfg->seed);
    iob_report(cfg, &(iob_result_t){.name = "seq-read", .bytes = bytes, .ops = r.count, .ns = read_ns,
                                     .errors = bad == bytes ? 0 : 1, .samples = &r});
    iob_samples_free(&w);
    iob_samples_free(&r);
    if (bad != bytes) {
        sv_printf("iobench: FAILED: seq-read: byte %lu differs from what was written\n", (unsigned long)bad);
        return 1;
    }
    return 0;
}

static int random_reads(const iob_config_t *cfg, svf_disk_t *disk, uint8_t *buf, uint64_t bytes) {
    uint64_t blocks = bytes / RAND_BYTES, ops = cfg->rand_ops;
    uint64_t *where = sv_malloc(ops * sizeof(uint64_t));
    iob_samples_t s;
    if (!where || !iob_samples_init(&s, ops)) return iob_failed("no memory for the random reads", 0);
    uint64_t state = 0x9E3779B97F4A7C15ull ^ cfg->seed;
    for (uint64_t i = 0; i < ops; i++) where[i] = (iob_xorshift(&state) % blocks) * RAND_BYTES;
    sv_memset(buf, 0, ops * RAND_BYTES);

    if (iob_mark(cfg, "begin", "rand-read")) return 1;
    uint64_t t0 = sv_time_ns();
    for (uint64_t i = 0; i < ops; i++) {
        uint64_t st = sv_time_ns();
        int rc = svf_disk_read(disk, where[i] / SECTOR, buf + i * RAND_BYTES, RAND_BYTES);
        if (rc) return iob_failed("a random read", rc);
        iob_samples_add(&s, sv_time_ns() - st);
    }
    uint64_t ns = sv_time_ns() - t0;
    if (iob_mark(cfg, "end", "rand-read")) return 1;
    uint64_t bad = 0;
    for (uint64_t i = 0; i < ops; i++) {
        if (svf_pattern_check(buf + i * RAND_BYTES, RAND_BYTES, where[i], cfg->seed) != RAND_BYTES) bad++;
    }
    iob_report(cfg, &(iob_result_t){.name = "rand-read", .bytes = ops * RAND_BYTES, .ops = ops, .ns = ns, .errors = bad,
                                     .samples = &s});
    iob_samples_free(&s);
    sv_free(where);
    if (bad) {
        sv_printf("iobench: FAILED: rand-read: %lu of %lu reads returned the wrong data\n", (unsigned long)bad,
                  (unsigned long)ops);
        return 1;
    }
    return 0;
}

int iob_run_disk(const iob_config_t *cfg, bool seq, bool rand) {
    svf_disk_t *disk;
    svf_io_options_t opts = iob_io_options(cfg);
    int rc = svf_disk_open(&disk, &opts);
    if (rc == SV_STATUS_ENOSYS) {   /* this guest build has no driver for it */
        if (seq) iob_skip(cfg, "seq-write", svf_io_open_error()), iob_skip(cfg, "seq-read", svf_io_open_error());
        if (rand) iob_skip(cfg, "rand-read", svf_io_open_error());
        return 0;
    }
    if (rc) {
        sv_printf("iobench: %s\n", svf_io_open_error());
        return iob_failed("opening the disk", rc);
    }
    uint64_t sectors = svf_disk_info(disk)->sectors;
    uint64_t bytes = cfg->mib << 20;
    if (bytes > sectors * SECTOR) bytes = sectors * SECTOR - (sectors * SECTOR) % RAND_BYTES;
    if (bytes < RAND_BYTES) return iob_failed("the disk is smaller than 4 KiB", 0);
    uint64_t need = bytes > cfg->rand_ops * RAND_BYTES ? bytes : cfg->rand_ops * RAND_BYTES;
    uint8_t *buf = sv_page_alloc((need + SV_PAGE - 1) / SV_PAGE);
    if (!buf) return iob_failed("no memory for the data (give the guest more with --mem)", 0);
    int result = 0;
    if (seq) result = sequential(cfg, disk, buf, bytes);
    if (result == 0 && rand) {
        if (!seq) {
            /* The region must hold the pattern; written before the case begins. */
            svf_pattern_fill(buf, bytes, 0, cfg->seed);
            for (uint64_t off = 0; off < bytes && result == 0; off += cfg->xfer) {
                uint64_t len = bytes - off < cfg->xfer ? bytes - off : cfg->xfer;
                if ((rc = svf_disk_write(disk, off / SECTOR, buf + off, len))) result = iob_failed("preparing the disk", rc);
            }
        }
        if (result == 0) result = random_reads(cfg, disk, buf, bytes);
    }
    sv_page_free(buf, (need + SV_PAGE - 1) / SV_PAGE);
    svf_disk_close(disk);
    return result;
}
