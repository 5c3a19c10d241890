/*
 * blkdemo: the block frontend end to end. Writes a pattern to a disk, flushes, reads it back,
 * verifies every byte and reports the throughput of each phase.
 *
 *   ./splitvisor run frontend-drivers/target/guests/blkdemo.elf --disk disk.img --cmdline "size=1024"
 *
 * Command line:
 *   disk=N      which disk: the N-th of device/vbd in id order (default 0, normally xvda)
 *   size=KiB    how much to write and read (default 1024, clamped to the disk)
 *   start=S     first 512-byte sector (default 0)
 *   seed=N      pattern seed (default 1; the pattern is svfront/util.h's)
 *   passes=N    write+flush+read+verify passes (default 1)
 *   pool=P      data pages granted to the backend (default 128)
 *   timeout=S   handshake and I/O timeout in seconds (default 30)
 *
 * On a read-only disk it checks that writing is refused (EROFS) and only reads.
 * Prints "blkdemo: ok" and exits 0, or "blkdemo: FAILED: ..." and exits 1.
 */
#include <splitvisor/sdk.h>
#include <svfront/svfront.h>

static int failed(const char *what, int rc) {
    if (rc) sv_printf("blkdemo: FAILED: %s (%s)\n", what, sv_status_name(rc));
    else sv_printf("blkdemo: FAILED: %s\n", what);
    return 1;
}

/* "12.34" MB/s (10^6 bytes per second) from bytes and nanoseconds, without floating point. */
static void rate(char *out, size_t cap, uint64_t bytes, uint64_t ns) {
    if (ns == 0) ns = 1;
    uint64_t centi = bytes * 100000ull / ns;   /* (bytes / 1e6) / (ns / 1e9) * 100 */
    sv_snprintf(out, cap, "%lu.%02lu", (unsigned long)(centi / 100), (unsigned long)(centi % 100));
}

int main(void) {
    unsigned index = (unsigned)sv_cmdline_get_u64("disk", 0);
    uint64_t kib = sv_cmdline_get_u64("size", 1024);
    uint64_t start = sv_cmdline_get_u64("start", 0);
    uint32_t seed = (uint32_t)sv_cmdline_get_u64("seed", 1);
    uint64_t passes = sv_cmdline_get_u64("passes", 1);
    uint64_t timeout = sv_cmdline_get_u64("timeout", 30) * SV_NS_PER_SEC;

    unsigned id;
    int rc = svf_front_find("vbd", index, &id);
    if (rc) return failed("no disk (attach one with --disk image.raw)", rc == SV_STATUS_ENODEV ? 0 : rc);
    svf_blk_options_t opts = {.pool_pages = (uint32_t)sv_cmdline_get_u64("pool", 0),
                              .connect_timeout_ns = timeout,
                              .io_timeout_ns = timeout};
    svf_blk_t *disk;
    if ((rc = svf_blk_open(&disk, id, &opts))) return failed("opening the disk", rc);
    const svf_blk_info_t *info = svf_blk_get_info(disk);
    uint32_t ss = info->sector_size;
    if (start % (ss / 512)) return failed("start is not aligned to the sector size", 0);
    uint64_t bytes = kib * 1024;
    uint64_t room = (info->sectors - (start < info->sectors ? start : info->sectors)) * 512;
    if (bytes > room) bytes = room;
    bytes -= bytes % ss;
    if (bytes == 0) return failed("the disk has no room at that start sector", 0);
    uint8_t *buf = sv_malloc(bytes);
    uint8_t *back = sv_malloc(bytes);
    if (!buf || !back) return failed("out of memory for the buffers", SV_STATUS_ENOMEM);
    sv_printf("blkdemo: %s: %lu sectors (%lu KiB), sector size %u, %s; testing %lu KiB from sector %lu\n",
              svf_blk_name(disk), (unsigned long)info->sectors, (unsigned long)(info->sectors / 2), ss,
              info->readonly ? "read-only" : "read-write", (unsigned long)(bytes / 1024), (unsigned long)start);

    for (uint64_t pass = 0; pass < passes; pass++) {
        uint32_t s = seed + (uint32_t)pass;
        char wr[32], rd[32];
        uint64_t t_write = 0, t_flush = 0;
        if (!info->readonly) {
            svf_pattern_fill(buf, bytes, start * 512, s);
            uint64_t t0 = sv_time_ns();
            if ((rc = svf_blk_write(disk, start, buf, bytes))) return failed("writing", rc);
            uint64_t t1 = sv_time_ns();
            if (info->flush && (rc = svf_blk_flush(disk))) return failed("flushing", rc);
            uint64_t t2 = sv_time_ns();
            t_write = t1 - t0;
            t_flush = t2 - t1;
        } else {
            rc = svf_blk_write(disk, start, buf, ss);
            if (rc != SV_STATUS_EROFS) return failed("a write to the read-only disk was not refused with EROFS", rc);
            sv_printf("blkdemo: read-only disk: write refused (EROFS) as it should be\n");
        }
        sv_memset(back, 0, bytes);
        uint64_t t3 = sv_time_ns();
        if ((rc = svf_blk_read(disk, start, back, bytes))) return failed("reading", rc);
        uint64_t t4 = sv_time_ns();
        rate(rd, sizeof rd, bytes, t4 - t3);
        if (!info->readonly) {
            size_t bad = svf_pattern_check(back, bytes, start * 512, s);
            if (bad != bytes) {
                sv_printf("blkdemo: FAILED: byte %lu (sector %lu) reads 0x%02x, wrote 0x%02x\n", (unsigned long)bad,
                          (unsigned long)(start + bad / 512), back[bad], buf[bad]);
                return 1;
            }
            rate(wr, sizeof wr, bytes, t_write);
            sv_printf("blkdemo: pass %lu: wrote %lu KiB in %lu ms (%s MB/s), flush %lu ms, read in %lu ms (%s MB/s), verified\n",
                      (unsigned long)pass, (unsigned long)(bytes / 1024), (unsigned long)(t_write / SV_NS_PER_MS), wr,
                      (unsigned long)(t_flush / SV_NS_PER_MS), (unsigned long)((t4 - t3) / SV_NS_PER_MS), rd);
        } else {
            sv_printf("blkdemo: pass %lu: read %lu KiB in %lu ms (%s MB/s), crc32 0x%08x\n", (unsigned long)pass,
                      (unsigned long)(bytes / 1024), (unsigned long)((t4 - t3) / SV_NS_PER_MS), rd,
                      svf_crc32(0, back, bytes));
        }
    }
    svf_blk_stats_t st;
    svf_blk_get_stats(disk, &st);
    sv_printf("blkdemo: %lu requests (%lu segments) in %lu publications; %lu notifications sent, %lu received, %lu waits\n",
              (unsigned long)st.ring.requests, (unsigned long)st.ring.segments, (unsigned long)st.ring.pushes,
              (unsigned long)st.kicks, (unsigned long)st.events, (unsigned long)st.waits);
    if ((rc = svf_blk_close(disk))) return failed("closing the disk", rc);
    sv_free(buf);
    sv_free(back);
    sv_printf("blkdemo: ok\n");
    return 0;
}
