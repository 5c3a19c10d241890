/*
 * rngdemo: the entropy frontend (the worked example of docs/WRITING-A-DRIVER.md) end to end:
 * reads random bytes from dom0 and checks they look random enough to be real.
 *
 *   ./splitvisor run frontend-drivers/target/guests/rngdemo.elf --rng
 *
 * Command line: bytes=N (default 65536), timeout=S (default 30).
 * Prints "rngdemo: ok" and exits 0, or "rngdemo: FAILED: ..." and exits 1.
 */
#include <splitvisor/sdk.h>
#include <svfront/svfront.h>

int main(void) {
    uint64_t n = sv_cmdline_get_u64("bytes", 65536);
    uint64_t timeout = sv_cmdline_get_u64("timeout", 30) * SV_NS_PER_SEC;
    unsigned id;
    int rc = svf_front_find("vrng", 0, &id);
    if (rc) {
        sv_printf("rngdemo: FAILED: no entropy device (attach one with --rng)\n");
        return 1;
    }
    svf_rng_options_t opts = {.connect_timeout_ns = timeout, .io_timeout_ns = timeout};
    svf_rng_t *rng;
    if ((rc = svf_rng_open(&rng, id, &opts))) {
        sv_printf("rngdemo: FAILED: opening %s (%s)\n", "vrng", sv_status_name(rc));
        return 1;
    }
    uint8_t *buf = sv_malloc(n ? n : 1);
    uint64_t t0 = sv_time_ns();
    rc = svf_rng_read(rng, buf, n);
    uint64_t t1 = sv_time_ns();
    if (rc) {
        sv_printf("rngdemo: FAILED: reading (%s)\n", sv_status_name(rc));
        return 1;
    }
    /* Every byte value should turn up in 64 KiB of random data; a stuck generator fails this. */
    uint32_t counts[256] = {0};
    for (uint64_t i = 0; i < n; i++) counts[buf[i]]++;
    unsigned missing = 0;
    for (int v = 0; v < 256; v++) missing += counts[v] == 0;
    sv_printf("rngdemo: %lu bytes in %lu ms, %u requests, crc32 0x%08x, %u byte values never seen\n", (unsigned long)n,
              (unsigned long)((t1 - t0) / SV_NS_PER_MS), (unsigned)svf_rng_stats(rng)->requests, svf_crc32(0, buf, n),
              missing);
    if (n >= 65536 && missing > 0) {
        sv_printf("rngdemo: FAILED: the bytes do not look random\n");
        return 1;
    }
    if ((rc = svf_rng_close(rng))) {
        sv_printf("rngdemo: FAILED: closing (%s)\n", sv_status_name(rc));
        return 1;
    }
    sv_printf("rngdemo: ok\n");
    return 0;
}
