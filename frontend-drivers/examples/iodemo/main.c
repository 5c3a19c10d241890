/*
 * iodemo: one program over svfront/io.h that runs unchanged on the pv devices (blkfront,
 * netfront, the console ring) and on the emulated ones (ATA disk, NE2000, 16550A UART).
 *
 *   ./splitvisor run iodemo.elf --disk disk.img --cmdline "test=disk io=pv"
 *   ./splitvisor run iodemo.elf --ata disk.img --cmdline "test=disk io=emulated"
 *   ./splitvisor run iodemo.elf iodemo.elf --ne2000 --cmdline "test=net role=ping io=emulated" \
 *                                          --cmdline "test=net role=pong io=emulated"
 *   ./splitvisor run iodemo.elf --uart --cmdline "test=console io=emulated"
 *
 *   io=pv|emulated  the path (without it: detection, see io.h)
 *   test=disk       writes size= KiB (default 1024) of the test pattern (seed=, default 1) from
 *                   sector start= (default 0) in chunk= KiB pieces (default 64), flushes, reads
 *                   it back and checks it; then the error answers: a read past the end (ERANGE)
 *                   and a length that is not whole sectors (EINVAL)
 *   test=net        role=ping sends count= (default 20) frames of size= bytes (default 256)
 *                   carrying the pattern and checks each echo; role=pong echoes until ping's
 *                   goodbye. Frames: dst src type 0x88B5 | "SVIO" | kind u8 (1 echo request,
 *                   2 reply, 3 goodbye) | seq u32 LE | pattern from byte 23
 *   test=console    writes lines= (default 20) lines of the pattern in hex to the console
 *   index=N         which device of its kind (default 0); timeout=S (default 30)
 *
 * Every line but the first names no device and no path, so a run on pv and a run on emulated
 * print the same lines (tests compare them). The last line is "iodemo: ok" (exit 0) or
 * "iodemo: FAILED: ..." (exit 1).
 */
#include <splitvisor/sdk.h>
#include <svfront/svfront.h>

#define ETHERTYPE 0x88B5u
#define KIND_REQUEST 1
#define KIND_REPLY 2
#define KIND_BYE 3
#define HDR 14u
#define PAYLOAD_OFF 23u   /* header 14, magic 4, kind 1, seq 4 */

static svf_io_options_t opts;
static uint32_t seed;

static int failed(const char *what, int rc, const char *detail) {
    sv_printf("iodemo: FAILED: %s: %s%s%s\n", what, sv_status_name(rc), detail && detail[0] ? ": " : "", detail ? detail : "");
    return 1;
}

static void print_stats(const char *kind, const svf_io_stats_t *s) {
    sv_printf("iodemo: %s stats: ops %llu, in %llu B, out %llu B, notifications %llu, waits %llu, dropped %llu, errors %llu\n",
              kind, (unsigned long long)s->ops, (unsigned long long)s->bytes_in, (unsigned long long)s->bytes_out,
              (unsigned long long)s->notifications, (unsigned long long)s->waits, (unsigned long long)s->dropped,
              (unsigned long long)s->errors);
}

/* ---- disk ---- */

static int disk_test(void) {
    svf_disk_t *d;
    int rc = svf_disk_open(&d, &opts);
    if (rc) return failed("disk open", rc, svf_io_open_error());
    const svf_disk_info_t *info = svf_disk_info(d);
    sv_printf("iodemo: disk %s (%s%s%s): %llu sectors of %u bytes\n", info->name, svf_io_path_name(info->path),
              info->model[0] ? ", " : "", info->model, (unsigned long long)info->sectors, info->sector_size);
    uint64_t size = sv_cmdline_get_u64("size", 1024) * 1024;
    uint64_t start = sv_cmdline_get_u64("start", 0);
    size_t chunk = (size_t)sv_cmdline_get_u64("chunk", 64) * 1024;
    if (chunk == 0 || chunk % info->sector_size || size % chunk) {
        return failed("disk", SV_STATUS_EINVAL, "size= must be a multiple of chunk=, chunk= of the sector size");
    }
    if (start * 512 + size > info->sectors * 512) {
        return failed("disk", SV_STATUS_ERANGE, "start= and size= reach beyond the disk");
    }
    uint8_t *buf = sv_malloc(chunk);
    if (!buf) return failed("disk", SV_STATUS_ENOMEM, "");
    uint32_t crc = 0;
    for (uint64_t off = 0; off < size; off += chunk) {
        svf_pattern_fill(buf, chunk, start * 512 + off, seed);
        crc = svf_crc32(crc, buf, chunk);
        rc = svf_disk_write(d, start + off / 512, buf, chunk);
        if (rc) return failed("disk write", rc, svf_disk_error(d));
    }
    rc = svf_disk_flush(d);
    const char *flushed = rc == SV_STATUS_OK ? "flushed" : "no flush";
    if (rc && rc != SV_STATUS_ENOSYS) return failed("disk flush", rc, svf_disk_error(d));
    uint32_t crc_in = 0;
    for (uint64_t off = 0; off < size; off += chunk) {
        sv_memset(buf, 0, chunk);
        rc = svf_disk_read(d, start + off / 512, buf, chunk);
        if (rc) return failed("disk read", rc, svf_disk_error(d));
        crc_in = svf_crc32(crc_in, buf, chunk);
        size_t bad = svf_pattern_check(buf, chunk, start * 512 + off, seed);
        if (bad != chunk) {
            sv_printf("iodemo: FAILED: disk: byte %llu reads back wrong\n", (unsigned long long)(start * 512 + off + bad));
            return 1;
        }
    }
    sv_printf("iodemo: disk: wrote %llu KiB from sector %llu, %s, read back: crc32 0x%08x, verified\n",
              (unsigned long long)(size / 1024), (unsigned long long)start, flushed, crc_in);
    if (crc_in != crc) return failed("disk", SV_STATUS_EIO, "the checksums differ");
    /* The error answers every path gives alike. */
    rc = svf_disk_read(d, info->sectors, buf, info->sector_size);
    sv_printf("iodemo: disk: read past the end: %s\n", sv_status_name(rc));
    if (rc != SV_STATUS_ERANGE) return failed("disk: read past the end", rc, "expected ERANGE");
    rc = svf_disk_read(d, 0, buf, info->sector_size + 1);
    sv_printf("iodemo: disk: read of a partial sector: %s\n", sv_status_name(rc));
    if (rc != SV_STATUS_EINVAL) return failed("disk: partial sector", rc, "expected EINVAL");
    svf_io_stats_t st;
    svf_disk_stats(d, &st);
    print_stats("disk", &st);
    sv_free(buf);
    rc = svf_disk_close(d);
    if (rc) return failed("disk close", rc, "");
    return 0;
}

/* ---- net ---- */

static uint8_t frame[1514], rx[2048];

static size_t build(const uint8_t *dst, const uint8_t *src, uint8_t kind, uint32_t seq, size_t size) {
    sv_memcpy(frame, dst, 6);
    sv_memcpy(frame + 6, src, 6);
    frame[12] = ETHERTYPE >> 8;
    frame[13] = ETHERTYPE & 0xFF;
    sv_memcpy(frame + HDR, "SVIO", 4);
    frame[18] = kind;
    for (int i = 0; i < 4; i++) frame[19 + i] = (uint8_t)(seq >> (8 * i));
    if (size > PAYLOAD_OFF) svf_pattern_fill(frame + PAYLOAD_OFF, size - PAYLOAD_OFF, (uint64_t)seq * 2048, seed);
    return size;
}

static bool ours(const uint8_t *f, int n) {
    return n >= (int)PAYLOAD_OFF && f[12] == (ETHERTYPE >> 8) && f[13] == (ETHERTYPE & 0xFF) && sv_memcmp(f + HDR, "SVIO", 4) == 0;
}

static uint32_t seq_of(const uint8_t *f) {
    return (uint32_t)f[19] | (uint32_t)f[20] << 8 | (uint32_t)f[21] << 16 | (uint32_t)f[22] << 24;
}

static int net_test(void) {
    char role[16] = "";
    sv_cmdline_get("role", role, sizeof role);
    bool ping = sv_strcmp(role, "ping") == 0;
    if (!ping && sv_strcmp(role, "pong") != 0) return failed("net", SV_STATUS_EINVAL, "role= is ping or pong");
    uint32_t count = (uint32_t)sv_cmdline_get_u64("count", 20);
    size_t size = (size_t)sv_cmdline_get_u64("size", 256);
    if (size < 60 || size > 1514) return failed("net", SV_STATUS_EINVAL, "size= is 60..1514");
    uint64_t timeout = opts.timeout_ns;
    svf_nic_t *n;
    int rc = svf_nic_open(&n, &opts);
    if (rc) return failed("nic open", rc, svf_io_open_error());
    const uint8_t *mac = svf_nic_mac(n);
    char macs[18];
    svf_mac_format(mac, macs);
    sv_printf("iodemo: nic %s (%s): mac %s\n", svf_nic_name(n), svf_io_path_name(svf_nic_path(n)), macs);
    static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t peer[6];
    sv_memcpy(peer, broadcast, 6);
    uint32_t crc = 0;
    if (ping) {
        for (uint32_t seq = 0; seq < count; seq++) {
            size_t len = build(peer, mac, KIND_REQUEST, seq, size);
            rc = svf_nic_send(n, frame, len);
            if (rc) return failed("net send", rc, svf_nic_error(n));
            uint64_t deadline = sv_deadline_in(timeout);
            for (;;) {
                /* The first request may reach pong before its NIC is up: send it again each second. */
                int got = svf_nic_recv(n, rx, sizeof rx, SV_NS_PER_SEC);
                if (got < 0) return failed("net recv", got, svf_nic_error(n));
                if (got > 0 && ours(rx, got) && rx[18] == KIND_REPLY && seq_of(rx) == seq) {
                    if ((size_t)got < len) return failed("net", SV_STATUS_EIO, "a short echo");
                    if (svf_pattern_check(rx + PAYLOAD_OFF, len - PAYLOAD_OFF, (uint64_t)seq * 2048, seed) != len - PAYLOAD_OFF) {
                        return failed("net", SV_STATUS_EIO, "an echo with other bytes");
                    }
                    crc = svf_crc32(crc, rx + HDR, len - HDR);
                    sv_memcpy(peer, rx + 6, 6);
                    break;
                }
                if (sv_time_ns() >= deadline) return failed("net", SV_STATUS_ETIMEDOUT, "no echo from pong");
                if (got == 0) {
                    rc = svf_nic_send(n, frame, len);
                    if (rc) return failed("net send", rc, svf_nic_error(n));
                }
            }
        }
        /* Goodbye, twice in case one is lost. */
        for (int i = 0; i < 2; i++) svf_nic_send(n, frame, build(peer, mac, KIND_BYE, count, 60));
        sv_printf("iodemo: net: %u echoes of %u-byte frames verified, crc32 0x%08x\n", count, (unsigned)size, crc);
    } else {
        uint32_t echoed = 0;
        uint64_t deadline = sv_deadline_in(timeout);
        for (;;) {
            int got = svf_nic_recv(n, rx, sizeof rx, SV_NS_PER_SEC);
            if (got < 0) return failed("net recv", got, svf_nic_error(n));
            if (got > 0 && ours(rx, got)) {
                if (rx[18] == KIND_BYE) break;
                if (rx[18] != KIND_REQUEST) continue;
                sv_memcpy(frame, rx + 6, 6);
                sv_memcpy(frame + 6, mac, 6);
                sv_memcpy(frame + 12, rx + 12, (size_t)got - 12);
                frame[18] = KIND_REPLY;
                rc = svf_nic_send(n, frame, (size_t)got);
                if (rc) return failed("net send", rc, svf_nic_error(n));
                echoed++;
                deadline = sv_deadline_in(timeout);
            }
            if (sv_time_ns() >= deadline) return failed("net", SV_STATUS_ETIMEDOUT, "ping went quiet");
        }
        sv_printf("iodemo: net: echoed %u frames\n", echoed);
    }
    /* Frames of a bad size are refused alike on every path. */
    rc = svf_nic_send(n, frame, 1515);
    sv_printf("iodemo: net: a 1515-byte frame: %s\n", sv_status_name(rc));
    if (rc != SV_STATUS_EMSGSIZE) return failed("net: oversized frame", rc, "expected EMSGSIZE");
    svf_io_stats_t st;
    svf_nic_stats(n, &st);
    print_stats("net", &st);
    svf_nic_close(n);
    return 0;
}

/* ---- console ---- */

static int console_test(void) {
    svf_console_t *c;
    int rc = svf_console_open(&c, &opts);
    if (rc) return failed("console open", rc, svf_io_open_error());
    sv_printf("iodemo: console %s (%s)\n", svf_console_name(c), svf_io_path_name(svf_console_path(c)));
    /* The UART and the console ring reach the same log: let this line arrive before the UART's. */
    sv_console_flush(SV_NS_PER_SEC);
    uint64_t lines = sv_cmdline_get_u64("lines", 20);
    uint32_t crc = 0;
    char line[96];
    for (uint64_t i = 0; i < lines; i++) {
        uint8_t bytes[16];
        svf_pattern_fill(bytes, sizeof bytes, i * sizeof bytes, seed);
        int n = sv_snprintf(line, sizeof line, "iodemo line %llu:", (unsigned long long)i);
        for (unsigned k = 0; k < sizeof bytes; k++) n += sv_snprintf(line + n, sizeof line - (size_t)n, " %02x", bytes[k]);
        line[n++] = '\n';
        crc = svf_crc32(crc, line, (size_t)n);
        rc = svf_console_write(c, line, (size_t)n);
        if (rc < 0) return failed("console write", rc, svf_console_error(c));
    }
    rc = svf_console_flush(c, opts.timeout_ns);
    if (rc) return failed("console flush", rc, svf_console_error(c));
    sv_printf("iodemo: console: %llu lines written, crc32 0x%08x\n", (unsigned long long)lines, crc);
    svf_io_stats_t st;
    svf_console_stats(c, &st);
    print_stats("console", &st);
    svf_console_close(c);
    return 0;
}

int main(void) {
    char test[16] = "disk";
    sv_cmdline_get("test", test, sizeof test);
    seed = (uint32_t)sv_cmdline_get_u64("seed", 1);
    opts = SVF_IO_DEFAULTS;
    opts.index = (unsigned)sv_cmdline_get_u64("index", 0);
    opts.timeout_ns = sv_cmdline_get_u64("timeout", 30) * SV_NS_PER_SEC;
    opts.quiet = true;
    int rc;
    if (sv_strcmp(test, "disk") == 0) rc = disk_test();
    else if (sv_strcmp(test, "net") == 0) rc = net_test();
    else if (sv_strcmp(test, "console") == 0) rc = console_test();
    else rc = failed("test=", SV_STATUS_EINVAL, "test= is disk, net or console");
    if (rc == 0) sv_printf("iodemo: ok\n");
    return rc;
}
