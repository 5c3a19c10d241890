/*
 * frontend-under-test: runs a script of frontend operations given on its command line and
 * prints one result line per operation, so that one test suite can drive the C frontends and the
 * Java ones the same way (the shared suite runs this guest against the backends).
 *
 *   ./splitvisor run frontend-under-test.elf --disk d.img --cmdline "ops=blk-open,blk-write:0:16:7,blk-read:0:16:7"
 *
 * Command line:
 *   ops=OP,OP,...   the script; an operation's arguments follow it after ':' (no spaces anywhere:
 *                   text arguments use %XX escapes, e.g. %20 for a space, %0A for a newline)
 *   serve           instead of a script: read operations from console 0's input, one per line
 *                   (what a test adapter does with Domain.console().sendInput): the guest prints
 *                   "fut: ready" before reading each line, runs it, prints its result line, and
 *                   stops at the line "quit" (or after idle=S seconds without input, default 600).
 *                   dom0 queues at most 65536 bytes of console input (more is dropped), so send
 *                   one line after each "fut: ready" and keep every line, its newline included,
 *                   below 65536 bytes: a *-hex line (those operations carry data) may hold up to
 *                   32000 bytes of data; 16 KiB chunks are the simple choice (32 KiB is too much:
 *                   its 65536 hex digits alone fill the queue).
 *   timeout=S       handshake and I/O timeout of every device, in seconds (default 30)
 *   pool=P          block data pages (default: the library's)
 *
 * Output, one line per operation, always in this shape:
 *   fut: <op as written> -> OK[ key=value ...]
 *   fut: <op as written> -> ERR <status name, e.g. EROFS, ETIMEDOUT, EPROTO>
 * (an operation longer than 100 characters is echoed cut, with "..."), then
 * "fut: done ok=<n> err=<m>". Exit code 0 once the script ran (whatever the results), 2 for
 * a script that does not parse. Messages of the library itself (e.g. "vbd/51712: backend protocol
 * violation: ...") come on their own lines before the result line.
 *
 * Numbers are decimal unless noted; crc32 values are 0x%08x of zlib's CRC-32 (java.util.zip.CRC32);
 * "pattern" data is svfront/util.h's: byte p (an absolute disk byte position, or the position in
 * a frame's payload) of seed s.
 *
 * Block (the last opened disk is the current one):
 *   blk-open[:N]          open the N-th disk (device/vbd in id order, default 0)
 *                         -> OK name=vbd/<id> sectors=<512-byte sectors> sector-size=<bytes> info=<bits>
 *                               mode=<r|w|-> readonly=<0|1> flush=<0|1> discard=<0|1>
 *   blk-info              the same keys as blk-open
 *   blk-write:S:N:SEED    write N 512-byte sectors at sector S, pattern SEED -> OK crc32=<of the data>
 *   blk-read:S:N[:SEED]   read N sectors at S -> OK crc32=<of the data>[ verify=ok | verify=bad@<byte>]
 *   blk-write-hex:S:HEX   write the bytes given in hex (a whole number of sectors) -> OK crc32=
 *   blk-read-hex:S:N      -> OK crc32=<of the data> lines=<L>, then L lines "fut-data: <hex>" of
 *                         up to 1024 bytes each (so that no line reaches the console log's
 *                         4096-character limit)
 *   blk-flush             -> OK
 *   blk-discard:S:N       -> OK
 *   blk-stats             -> OK requests= segments= pushes= kicks= events= waits= errors= violations=
 *   blk-close             -> OK
 * Net:
 *   net-open[:N]          -> OK name=vif/<id> mac=<aa:bb:..>
 *   net-send:DST:TYPE:LEN:SEED   send a LEN-byte frame to DST (a MAC, "bcast" or "self") with
 *                         EtherType TYPE (hex) and a pattern payload -> OK crc32=<of the frame>
 *   net-send-hex:HEX      send the frame given in hex -> OK crc32=<of the frame>
 *   net-recv-hex:MS       as net-recv, plus " lines=1" and a "fut-data: <hex>" line with the frame
 *   net-recv:MS           wait up to MS ms for a frame -> OK len= dst= src= type=<hex> crc32=<of the frame>
 *                         (ERR ETIMEDOUT when none came)
 *   net-echo:COUNT:MS     send each of the next COUNT frames back to its source (addresses
 *                         swapped), waiting up to MS ms for each -> OK echoed=<n>
 *   net-stats             -> OK tx= rx= tx-pushes= kicks= events= rx-dropped= violations=
 *   net-close             -> OK
 * Console (secondary, device/console):
 *   cons-open[:N]         -> OK name=console/<id> channel=<name or ->
 *   cons-write:TEXT       -> OK bytes=<n>
 *   cons-read:MS          one line -> OK line=<the line, %XX-escaped like the input>
 *   cons-close            -> OK
 * Entropy (vrng):
 *   rng-open[:N]          -> OK name=vrng/<id>
 *   rng-read:BYTES        -> OK crc32=<of the bytes> distinct=<byte values seen>
 *   rng-close             -> OK
 * Other:
 *   sleep:MS              -> OK
 */
#include <splitvisor/sdk.h>
#include <svfront/svfront.h>

static uint64_t timeout_ns;
static uint32_t pool_pages;
static svf_blk_t *disk;
static svf_net_t *nic;
static svf_cons_t *cons;
static svf_rng_t *rng;
static unsigned ok_count, err_count;
static uint8_t *buf;
static size_t buf_cap;

/* ---- arguments ---- */

#define MAX_ARGS 6
typedef struct op {
    char echo[112];           /* the operation as written, cut at 100 characters */
    char *name;
    char *arg[MAX_ARGS];
    int nargs;
} op_t;

/* Splits "name:arg:arg" in place. */
static bool parse_op(op_t *op, char *text) {
    size_t len = sv_strlen(text);
    if (len > 100) sv_snprintf(op->echo, sizeof op->echo, "%.100s...", text);
    else sv_strlcpy(op->echo, text, sizeof op->echo);
    op->nargs = 0;
    op->name = text;
    char *colon = sv_strchr(text, ':');
    while (colon) {
        *colon = 0;
        char *p = colon + 1;
        if (op->nargs == MAX_ARGS) return false;
        op->arg[op->nargs++] = p;
        colon = sv_strchr(p, ':');
    }
    return op->name[0] != 0;
}

static bool num(const op_t *op, int i, uint64_t *v) { return i < op->nargs && sv_parse_u64(op->arg[i], v); }
static uint64_t num_or(const op_t *op, int i, uint64_t dflt) {
    uint64_t v;
    return num(op, i, &v) ? v : dflt;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* %XX decoding in place; returns the length. */
static size_t unescape(char *s) {
    size_t o = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '%' && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            s[o++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
            i += 2;
        } else {
            s[o++] = s[i];
        }
    }
    s[o] = 0;
    return o;
}

/* %XX-escapes everything but letters, digits and - _ . / */
static void escape(char *out, size_t cap, const char *in) {
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; in[i] && o + 4 < cap; i++) {
        unsigned char c = (unsigned char)in[i];
        if (sv_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = 0;
}

/* Hex text to bytes; the byte count, or -1 for odd length or a bad digit. */
static long unhex(const char *h, uint8_t *out, size_t cap) {
    size_t n = sv_strlen(h);
    if (n % 2 || n / 2 > cap) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

/* ---- results ---- */

#define DATA_LINE_BYTES 1024u   /* 2048 hex digits: a line stays below the console log's 4096-character limit */
static char result[512];
static const uint8_t *data_out;   /* printed after the result line as "fut-data: <hex>" lines */
static size_t data_len;

static void print_data(void) {
    static const char hex[] = "0123456789abcdef";
    static char line[2 * DATA_LINE_BYTES + 1];
    for (size_t pos = 0; pos < data_len; pos += DATA_LINE_BYTES) {
        size_t n = data_len - pos < DATA_LINE_BYTES ? data_len - pos : DATA_LINE_BYTES;
        for (size_t i = 0; i < n; i++) {
            line[2 * i] = hex[data_out[pos + i] >> 4];
            line[2 * i + 1] = hex[data_out[pos + i] & 15];
        }
        line[2 * n] = 0;
        sv_printf("fut-data: %s\n", line);
    }
    data_out = NULL;
    data_len = 0;
}

static void ok(const op_t *op) {
    sv_printf("fut: %s -> OK%s%s\n", op->echo, result[0] ? " " : "", result);
    if (data_out) print_data();
    ok_count++;
}

static void err(const op_t *op, int rc) {
    data_out = NULL;
    sv_printf("fut: %s -> ERR %s\n", op->echo, sv_status_name(rc));
    err_count++;
}

static void set_result(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void set_result(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sv_vsnprintf(result, sizeof result, fmt, ap);
    va_end(ap);
}

static bool ensure_buf(size_t n) {
    if (n <= buf_cap) return true;
    sv_free(buf);
    buf = sv_malloc(n);
    buf_cap = buf ? n : 0;
    return buf != NULL;
}

/* ---- block ---- */

static void blk_info_result(void) {
    const svf_blk_info_t *i = svf_blk_get_info(disk);
    set_result("name=%s sectors=%lu sector-size=%u info=%u mode=%s readonly=%d flush=%d discard=%d", svf_blk_name(disk),
               (unsigned long)i->sectors, i->sector_size, i->info, i->mode[0] ? i->mode : "-", i->readonly, i->flush,
               i->discard);
}

static int do_blk(const op_t *op) {
    const char *n = op->name + 4;
    if (sv_strcmp(n, "open") == 0) {
        if (disk) return SV_STATUS_EISCONN;
        unsigned id;
        int rc = svf_front_find("vbd", (unsigned)num_or(op, 0, 0), &id);
        if (rc) return rc;
        svf_blk_options_t o = {.pool_pages = pool_pages, .connect_timeout_ns = timeout_ns, .io_timeout_ns = timeout_ns,
                               .quiet = true};
        if ((rc = svf_blk_open(&disk, id, &o))) return rc;
        blk_info_result();
        return SV_STATUS_OK;
    }
    if (!disk) return SV_STATUS_ENOTCONN;
    if (sv_strcmp(n, "info") == 0) {
        blk_info_result();
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "write") == 0 || sv_strcmp(n, "read") == 0) {
        bool write = n[0] == 'w';
        uint64_t s, count, seed = 0;
        if (!num(op, 0, &s) || !num(op, 1, &count) || (write && !num(op, 2, &seed))) return SV_STATUS_EINVAL;
        bool verify = !write && num(op, 2, &seed);
        if (count > (64u << 20) / 512) return SV_STATUS_E2BIG;
        size_t len = (size_t)count * 512;
        if (!ensure_buf(len ? len : 1)) return SV_STATUS_ENOMEM;
        int rc;
        if (write) {
            svf_pattern_fill(buf, len, s * 512, (uint32_t)seed);
            rc = svf_blk_write(disk, s, buf, len);
        } else {
            sv_memset(buf, 0, len);
            rc = svf_blk_read(disk, s, buf, len);
        }
        if (rc) return rc;
        if (verify) {
            size_t bad = svf_pattern_check(buf, len, s * 512, (uint32_t)seed);
            if (bad == len) set_result("crc32=0x%08x verify=ok", svf_crc32(0, buf, len));
            else set_result("crc32=0x%08x verify=bad@%lu", svf_crc32(0, buf, len), (unsigned long)bad);
        } else {
            set_result("crc32=0x%08x", svf_crc32(0, buf, len));
        }
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "write-hex") == 0) {
        uint64_t s;
        if (op->nargs < 2 || !num(op, 0, &s)) return SV_STATUS_EINVAL;
        size_t hexlen = sv_strlen(op->arg[1]);
        if (!ensure_buf(hexlen / 2 + 1)) return SV_STATUS_ENOMEM;
        long len = unhex(op->arg[1], buf, buf_cap);
        if (len <= 0) return SV_STATUS_EINVAL;
        int rc = svf_blk_write(disk, s, buf, (size_t)len);
        if (rc) return rc;
        set_result("crc32=0x%08x", svf_crc32(0, buf, (size_t)len));
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "read-hex") == 0) {
        uint64_t s, count;
        if (!num(op, 0, &s) || !num(op, 1, &count)) return SV_STATUS_EINVAL;
        if (count > (16u << 20) / 512) return SV_STATUS_E2BIG;
        size_t len = (size_t)count * 512;
        if (!ensure_buf(len ? len : 1)) return SV_STATUS_ENOMEM;
        int rc = svf_blk_read(disk, s, buf, len);
        if (rc) return rc;
        set_result("crc32=0x%08x lines=%lu", svf_crc32(0, buf, len),
                   (unsigned long)((len + DATA_LINE_BYTES - 1) / DATA_LINE_BYTES));
        data_out = buf;
        data_len = len;
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "flush") == 0) return svf_blk_flush(disk);
    if (sv_strcmp(n, "discard") == 0) {
        uint64_t s, count;
        if (!num(op, 0, &s) || !num(op, 1, &count)) return SV_STATUS_EINVAL;
        return svf_blk_discard(disk, s, count);
    }
    if (sv_strcmp(n, "stats") == 0) {
        svf_blk_stats_t st;
        svf_blk_get_stats(disk, &st);
        set_result("requests=%lu segments=%lu pushes=%lu kicks=%lu events=%lu waits=%lu errors=%lu violations=%lu",
                   (unsigned long)st.ring.requests, (unsigned long)st.ring.segments, (unsigned long)st.ring.pushes,
                   (unsigned long)st.kicks, (unsigned long)st.events, (unsigned long)st.waits,
                   (unsigned long)st.ring.errors, (unsigned long)st.ring.violations);
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "close") == 0) {
        int rc = svf_blk_close(disk);
        disk = NULL;
        return rc;
    }
    return SV_STATUS_ENOSYS;
}

/* ---- net ---- */

static void frame_result(const uint8_t *f, int len) {
    char dst[18], src[18];
    svf_mac_format(f, dst);
    svf_mac_format(f + 6, src);
    set_result("len=%d dst=%s src=%s type=%02x%02x crc32=0x%08x", len, dst, src, f[12], f[13], svf_crc32(0, f, (size_t)len));
}

static int do_net(const op_t *op) {
    const char *n = op->name + 4;
    if (sv_strcmp(n, "open") == 0) {
        if (nic) return SV_STATUS_EISCONN;
        unsigned id;
        int rc = svf_front_find("vif", (unsigned)num_or(op, 0, 0), &id);
        if (rc) return rc;
        svf_net_options_t o = {.connect_timeout_ns = timeout_ns, .io_timeout_ns = timeout_ns, .quiet = true};
        if ((rc = svf_net_open(&nic, id, &o))) return rc;
        char mac[18];
        svf_mac_format(svf_net_mac(nic), mac);
        set_result("name=%s mac=%s", svf_net_name(nic), mac);
        return SV_STATUS_OK;
    }
    if (!nic) return SV_STATUS_ENOTCONN;
    if (!ensure_buf(2048)) return SV_STATUS_ENOMEM;
    if (sv_strcmp(n, "send") == 0) {
        uint64_t len, seed;
        if (op->nargs < 4 || !num(op, 2, &len) || !num(op, 3, &seed)) return SV_STATUS_EINVAL;
        uint8_t dst[6];
        if (sv_strcmp(op->arg[0], "bcast") == 0) sv_memset(dst, 0xff, 6);
        else if (sv_strcmp(op->arg[0], "self") == 0) sv_memcpy(dst, svf_net_mac(nic), 6);
        else if (!svf_mac_parse(op->arg[0], dst)) return SV_STATUS_EINVAL;
        unsigned long type = sv_strtoul(op->arg[1], NULL, 16);
        if (len > 2048) return SV_STATUS_EMSGSIZE;
        if (len >= 14) {
            sv_memcpy(buf, dst, 6);
            sv_memcpy(buf + 6, svf_net_mac(nic), 6);
            buf[12] = (uint8_t)(type >> 8);
            buf[13] = (uint8_t)type;
            svf_pattern_fill(buf + 14, len - 14, 0, (uint32_t)seed);
        }
        int rc = svf_net_send(nic, buf, (size_t)len);
        if (rc) return rc;
        set_result("crc32=0x%08x", svf_crc32(0, buf, (size_t)len));
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "send-hex") == 0) {
        if (op->nargs < 1) return SV_STATUS_EINVAL;
        long len = unhex(op->arg[0], buf, 2048);
        if (len < 0) return SV_STATUS_EINVAL;
        int rc = svf_net_send(nic, buf, (size_t)len);
        if (rc) return rc;
        set_result("crc32=0x%08x", svf_crc32(0, buf, (size_t)len));
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "recv-hex") == 0) {
        int len = svf_net_recv(nic, buf, 2048, num_or(op, 0, 1000) * SV_NS_PER_MS);
        if (len < 0) return len;
        if (len == 0) return SV_STATUS_ETIMEDOUT;
        frame_result(buf, len);
        sv_strlcat(result, " lines=1", sizeof result);
        data_out = buf;
        data_len = (size_t)len;
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "recv") == 0) {
        int len = svf_net_recv(nic, buf, 2048, num_or(op, 0, 1000) * SV_NS_PER_MS);
        if (len < 0) return len;
        if (len == 0) return SV_STATUS_ETIMEDOUT;
        frame_result(buf, len);
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "echo") == 0) {
        uint64_t count = num_or(op, 0, 1), ms = num_or(op, 1, 1000), echoed = 0;
        while (echoed < count) {
            int len = svf_net_recv(nic, buf, 2048, ms * SV_NS_PER_MS);
            if (len < 0) return len;
            if (len == 0) break;
            uint8_t tmp[6];
            sv_memcpy(tmp, buf + 6, 6);
            sv_memcpy(buf, tmp, 6);
            sv_memcpy(buf + 6, svf_net_mac(nic), 6);
            int rc = svf_net_send(nic, buf, (size_t)len);
            if (rc) return rc;
            echoed++;
        }
        set_result("echoed=%lu", (unsigned long)echoed);
        return echoed == count ? SV_STATUS_OK : SV_STATUS_ETIMEDOUT;
    }
    if (sv_strcmp(n, "stats") == 0) {
        svf_net_stats_t st;
        svf_net_get_stats(nic, &st);
        set_result("tx=%lu rx=%lu tx-pushes=%lu kicks=%lu events=%lu rx-dropped=%lu violations=%lu",
                   (unsigned long)st.ring.tx_frames, (unsigned long)st.ring.rx_frames, (unsigned long)st.ring.tx_pushes,
                   (unsigned long)st.kicks, (unsigned long)st.events,
                   (unsigned long)(st.ring.rx_bad + st.ring.rx_errors), (unsigned long)st.ring.violations);
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "close") == 0) {
        int rc = svf_net_close(nic);
        nic = NULL;
        return rc;
    }
    return SV_STATUS_ENOSYS;
}

/* ---- console ---- */

static int do_cons(const op_t *op) {
    const char *n = op->name + 5;
    if (sv_strcmp(n, "open") == 0) {
        if (cons) return SV_STATUS_EISCONN;
        unsigned id;
        int rc = svf_front_find("console", (unsigned)num_or(op, 0, 0), &id);
        if (rc) return rc;
        svf_cons_options_t o = {.connect_timeout_ns = timeout_ns, .io_timeout_ns = timeout_ns, .quiet = true};
        if ((rc = svf_cons_open(&cons, id, &o))) return rc;
        set_result("name=%s channel=%s", svf_cons_name(cons), svf_cons_channel(cons)[0] ? svf_cons_channel(cons) : "-");
        return SV_STATUS_OK;
    }
    if (!cons) return SV_STATUS_ENOTCONN;
    if (sv_strcmp(n, "write") == 0) {
        if (op->nargs < 1) return SV_STATUS_EINVAL;
        char text[128];
        sv_strlcpy(text, op->arg[0], sizeof text);
        size_t len = unescape(text);
        int rc = svf_cons_write(cons, text, len);
        if (rc < 0) return rc;
        set_result("bytes=%d", rc);
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "read") == 0) {
        char line[256], esc[768];
        int rc = svf_cons_readline(cons, line, sizeof line, num_or(op, 0, 1000) * SV_NS_PER_MS);
        if (rc < 0) return rc;
        if (rc == 0 && line[0] == 0) return SV_STATUS_ETIMEDOUT;
        escape(esc, sizeof esc, line);
        set_result("line=%s", esc);
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "close") == 0) {
        int rc = svf_cons_close(cons);
        cons = NULL;
        return rc;
    }
    return SV_STATUS_ENOSYS;
}

/* ---- entropy ---- */

static int do_rng(const op_t *op) {
    const char *n = op->name + 4;
    if (sv_strcmp(n, "open") == 0) {
        if (rng) return SV_STATUS_EISCONN;
        unsigned id;
        int rc = svf_front_find("vrng", (unsigned)num_or(op, 0, 0), &id);
        if (rc) return rc;
        svf_rng_options_t o = {.connect_timeout_ns = timeout_ns, .io_timeout_ns = timeout_ns, .quiet = true};
        if ((rc = svf_rng_open(&rng, id, &o))) return rc;
        set_result("name=%s", svf_rng_name(rng));
        return SV_STATUS_OK;
    }
    if (!rng) return SV_STATUS_ENOTCONN;
    if (sv_strcmp(n, "read") == 0) {
        uint64_t len;
        if (!num(op, 0, &len) || len > (16u << 20)) return SV_STATUS_EINVAL;
        if (!ensure_buf(len ? len : 1)) return SV_STATUS_ENOMEM;
        int rc = svf_rng_read(rng, buf, (size_t)len);
        if (rc) return rc;
        bool seen[256] = {false};
        unsigned distinct = 0;
        for (uint64_t i = 0; i < len; i++) {
            if (!seen[buf[i]]) {
                seen[buf[i]] = true;
                distinct++;
            }
        }
        set_result("crc32=0x%08x distinct=%u", svf_crc32(0, buf, (size_t)len), distinct);
        return SV_STATUS_OK;
    }
    if (sv_strcmp(n, "close") == 0) {
        int rc = svf_rng_close(rng);
        rng = NULL;
        return rc;
    }
    return SV_STATUS_ENOSYS;
}

static int run(const op_t *op) {
    result[0] = 0;
    if (sv_str_starts_with(op->name, "blk-")) return do_blk(op);
    if (sv_str_starts_with(op->name, "net-")) return do_net(op);
    if (sv_str_starts_with(op->name, "cons-")) return do_cons(op);
    if (sv_str_starts_with(op->name, "rng-")) return do_rng(op);
    if (sv_strcmp(op->name, "sleep") == 0) {
        sv_sleep_ms(num_or(op, 0, 0));
        return SV_STATUS_OK;
    }
    return SV_STATUS_ENOSYS;
}

/* ---- serve mode: operations from console input ---- */

#define LINE_MAX_BYTES (80u * 1024u)
static char line[LINE_MAX_BYTES];

/* Reads one line from console 0's input (bulk reads, not a doorbell per byte); its length, or
 * -1 when nothing came for timeout_ns, or -2 when the line was longer than the buffer. */
static int read_line(uint64_t timeout_ns) {
    static char pending[1024];
    static size_t have, pos;
    size_t n = 0;
    bool too_long = false;
    for (;;) {
        if (pos == have) {
            int c = sv_getc(timeout_ns);   /* waits for the first byte */
            if (c < 0) return -1;
            pending[0] = (char)c;
            have = 1 + sv_console_read(pending + 1, sizeof pending - 1);
            pos = 0;
        }
        char c = pending[pos++];
        if (c == '\r') continue;
        if (c == '\n') break;
        if (n + 1 < sizeof line) line[n++] = c;
        else too_long = true;
    }
    line[n] = 0;
    return too_long ? -2 : (int)n;
}

static int serve(uint64_t idle_ns) {
    for (;;) {
        sv_printf("fut: ready\n");
        int n = read_line(idle_ns);
        if (n == -1) {
            sv_printf("fut: no input for %lu s; stopping\n", (unsigned long)(idle_ns / SV_NS_PER_SEC));
            break;
        }
        if (n == -2) {
            sv_printf("fut: line longer than %u bytes -> ERR E2BIG\n", LINE_MAX_BYTES - 1);
            err_count++;
            continue;
        }
        if (n == 0) continue;
        if (sv_strcmp(line, "quit") == 0) break;
        op_t op;
        if (!parse_op(&op, line)) {
            sv_printf("fut: bad operation \"%.100s\" -> ERR EINVAL\n", line);
            err_count++;
            continue;
        }
        int rc = run(&op);
        if (rc == SV_STATUS_OK) ok(&op);
        else err(&op, rc);
    }
    return 0;
}

int main(void) {
    static char ops[1024];
    timeout_ns = sv_cmdline_get_u64("timeout", 30) * SV_NS_PER_SEC;
    pool_pages = (uint32_t)sv_cmdline_get_u64("pool", 0);
    if (sv_cmdline_has("serve")) {
        serve(sv_cmdline_get_u64("idle", 600) * SV_NS_PER_SEC);
        sv_printf("fut: done ok=%u err=%u\n", ok_count, err_count);
        return 0;
    }
    if (!sv_cmdline_get("ops", ops, sizeof ops) || !ops[0]) {
        sv_printf("fut: usage: ops=OP,OP,... | serve [timeout=S] [pool=P] (see examples/frontend-under-test/main.c)\n");
        return 2;
    }
    /* Parse everything first: a malformed script runs nothing. */
    static op_t script[64];
    int count = 0;
    char *p = ops;
    while (*p) {
        char *comma = sv_strchr(p, ',');
        if (comma) *comma = 0;
        if (*p) {
            if (count == 64 || !parse_op(&script[count], p)) {
                sv_printf("fut: bad script at \"%s\"\n", p);
                return 2;
            }
            count++;
        }
        if (!comma) break;
        p = comma + 1;
    }
    sv_printf("fut: %d operations\n", count);
    for (int i = 0; i < count; i++) {
        int rc = run(&script[i]);
        if (rc == SV_STATUS_OK) ok(&script[i]);
        else err(&script[i], rc);
    }
    sv_printf("fut: done ok=%u err=%u\n", ok_count, err_count);
    return 0;
}
