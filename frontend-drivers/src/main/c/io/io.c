/*
 * svfront/io.h: the path choice and the handles. The checks every caller relies on (alignment,
 * the disk's end, frame sizes, read-only disks) are made here, once for both paths, so a pv and an
 * emulated device answer the same call with the same status.
 */
#include <stdarg.h>
#include <stddef.h>

#include <splitvisor/abi.h>
#include <splitvisor/mm.h>
#include <splitvisor/printf.h>
#include <splitvisor/runtime.h>
#include <splitvisor/string.h>

#include "io_impl.h"

#define MIN_FRAME 14u
#define MAX_FRAME 1514u

static char open_error[SVF_IO_ERROR_LEN];

const char *svf_io_open_error(void) { return open_error; }

const char *svf_io_path_name(svf_io_path_t path) {
    switch (path) {
    case SVF_IO_PV: return "pv";
    case SVF_IO_EMULATED: return "emulated";
    default: return "auto";
    }
}

static bool word_is(const char *w, size_t len, const char *s) {
    return sv_strlen(s) == len && sv_strncmp(w, s, len) == 0;
}

static int path_from_word(const char *v, size_t len, svf_io_path_t *out) {
    if (word_is(v, len, "pv")) *out = SVF_IO_PV;
    else if (word_is(v, len, "emulated")) *out = SVF_IO_EMULATED;
    else return SV_STATUS_EINVAL;
    return SV_STATUS_OK;
}

int svf_io_path_from_cmdline(const char *cmdline, svf_io_path_t *out) {
    *out = SVF_IO_AUTO;
    const char *p = cmdline ? cmdline : "";
    bool value_next = false;   /* the word after a bare "--io" */
    while (*p) {
        while (*p == ' ' || *p == '\t') p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t') p++;
        size_t n = (size_t)(p - w);
        if (n == 0) break;
        const char *v = NULL;
        size_t vlen = 0;
        if (value_next) {
            v = w, vlen = n;
            value_next = false;
        } else if (n >= 3 && sv_strncmp(w, "io=", 3) == 0) {
            v = w + 3, vlen = n - 3;
        } else if (n >= 5 && sv_strncmp(w, "--io=", 5) == 0) {
            v = w + 5, vlen = n - 5;
        } else if (word_is(w, n, "--io")) {
            value_next = true;
            continue;
        } else {
            continue;
        }
        if (path_from_word(v, vlen, out) != SV_STATUS_OK) {
            sv_snprintf(open_error, sizeof open_error, "io=%.*s: the I/O path is pv or emulated", (int)(vlen > 40 ? 40 : vlen), v);
            return SV_STATUS_EINVAL;
        }
    }
    if (value_next) {
        sv_snprintf(open_error, sizeof open_error, "--io needs a value: pv or emulated");
        return SV_STATUS_EINVAL;
    }
    return SV_STATUS_OK;
}

svf_io_path_t svf_io_detect(void) {
    uint32_t r[4];
    /* CPUID is unprivileged: the same instruction in a guest and in the host tests. */
    __asm__ __volatile__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(SV_CPUID_LEAF_SIGNATURE), "c"(0));
    bool splitvisor = r[1] == SV_CPUID_SIGNATURE_EBX && r[2] == SV_CPUID_SIGNATURE_ECX && r[3] == SV_CPUID_SIGNATURE_EDX;
    return splitvisor ? SVF_IO_PV : SVF_IO_EMULATED;
}

int svf_io_choose(svf_io_path_t *out) {
    int rc = svf_io_path_from_cmdline(sv_cmdline(), out);
    if (rc) return rc;
    if (*out == SVF_IO_AUTO) *out = svf_io_detect();
    return SV_STATUS_OK;
}

static int resolve(const svf_io_options_t *opts, svf_io_options_t *o) {
    *o = opts ? *opts : SVF_IO_DEFAULTS;
    if (o->path == SVF_IO_PV || o->path == SVF_IO_EMULATED) return SV_STATUS_OK;
    if (o->path != SVF_IO_AUTO) {
        sv_snprintf(open_error, sizeof open_error, "I/O path %d is not pv, emulated or auto", (int)o->path);
        return SV_STATUS_EINVAL;
    }
    return svf_io_choose(&o->path);
}

static int set_error(char *buf, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_error(char *buf, int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sv_vsnprintf(buf, SVF_IO_ERROR_LEN, fmt, ap);
    va_end(ap);
    return status;
}

/* After an implementation failed: its message, or the status when it has none. */
static int impl_failed(char *buf, svf_io_stats_t *st, const char *name, int status, const char *impl_msg) {
    st->errors++;
    if (impl_msg && impl_msg[0]) sv_strlcpy(buf, impl_msg, SVF_IO_ERROR_LEN);
    else set_error(buf, status, "%s: failed with status %d", name, status);
    return status;
}

/* ---- opening: one allocation, the path resolved, the path's opener ---- */

typedef int (*opener_fn)(void *handle, const svf_io_options_t *o, char *msg, size_t cap);

static int open_handle(void **out, size_t size, size_t path_offset, const svf_io_options_t *opts, opener_fn pv,
                       opener_fn emulated, const char *kind) {
    *out = NULL;
    open_error[0] = 0;
    svf_io_options_t o;
    int rc = resolve(opts, &o);
    if (rc) return rc;
    void *h = sv_calloc(1, size);
    if (!h) return set_error(open_error, SV_STATUS_ENOMEM, "%s: out of memory", kind);
    *(svf_io_path_t *)((char *)h + path_offset) = o.path;
    rc = (o.path == SVF_IO_PV ? pv : emulated)(h, &o, open_error, sizeof open_error);
    if (rc) {
        sv_free(h);
        return rc;
    }
    *out = h;
    return SV_STATUS_OK;
}

static int pv_disk(void *h, const svf_io_options_t *o, char *msg, size_t cap) { return svf_io_pv_disk_open(h, o, msg, cap); }
static int emul_disk(void *h, const svf_io_options_t *o, char *msg, size_t cap) { return svf_io_emul_disk_open(h, o, msg, cap); }
static int pv_nic(void *h, const svf_io_options_t *o, char *msg, size_t cap) { return svf_io_pv_nic_open(h, o, msg, cap); }
static int emul_nic(void *h, const svf_io_options_t *o, char *msg, size_t cap) { return svf_io_emul_nic_open(h, o, msg, cap); }
static int pv_console(void *h, const svf_io_options_t *o, char *msg, size_t cap) { return svf_io_pv_console_open(h, o, msg, cap); }
static int emul_console(void *h, const svf_io_options_t *o, char *msg, size_t cap) {
    return svf_io_emul_console_open(h, o, msg, cap);
}

/* ---- disks ---- */

int svf_disk_open(svf_disk_t **out, const svf_io_options_t *opts) {
    return open_handle((void **)out, sizeof **out, offsetof(svf_disk_t, info.path), opts, pv_disk, emul_disk, "disk");
}

const svf_disk_info_t *svf_disk_info(const svf_disk_t *d) { return &d->info; }
const char *svf_disk_error(const svf_disk_t *d) { return d->error; }

static int disk_check(svf_disk_t *d, uint64_t sector, size_t len, bool write) {
    const svf_disk_info_t *i = &d->info;
    uint32_t per = i->sector_size / 512u;
    if (len == 0 || len % i->sector_size || sector % per) {
        d->stats.errors++;
        return set_error(d->error, SV_STATUS_EINVAL, "%s: sector %llu, %zu bytes: not whole %u-byte sectors", i->name,
                         (unsigned long long)sector, len, i->sector_size);
    }
    uint64_t n = len / 512u;
    if (sector >= i->sectors || n > i->sectors - sector) {
        d->stats.errors++;
        return set_error(d->error, SV_STATUS_ERANGE, "%s: sectors %llu..%llu are beyond the end of the disk (%llu sectors)",
                         i->name, (unsigned long long)sector, (unsigned long long)(sector + n - 1),
                         (unsigned long long)i->sectors);
    }
    if (write && i->readonly) {
        d->stats.errors++;
        return set_error(d->error, SV_STATUS_EROFS, "%s: the disk is read-only", i->name);
    }
    return SV_STATUS_OK;
}

int svf_disk_read(svf_disk_t *d, uint64_t sector, void *buf, size_t len) {
    int rc = disk_check(d, sector, len, false);
    if (rc) return rc;
    rc = d->ops->read(d->impl, sector, buf, len);
    if (rc) return impl_failed(d->error, &d->stats, d->info.name, rc, d->ops->error(d->impl));
    d->stats.ops++;
    d->stats.bytes_in += len;
    return SV_STATUS_OK;
}

int svf_disk_write(svf_disk_t *d, uint64_t sector, const void *buf, size_t len) {
    int rc = disk_check(d, sector, len, true);
    if (rc) return rc;
    rc = d->ops->write(d->impl, sector, buf, len);
    if (rc) return impl_failed(d->error, &d->stats, d->info.name, rc, d->ops->error(d->impl));
    d->stats.ops++;
    d->stats.bytes_out += len;
    return SV_STATUS_OK;
}

int svf_disk_flush(svf_disk_t *d) {
    if (!d->info.flush) {
        d->stats.errors++;
        return set_error(d->error, SV_STATUS_ENOSYS, "%s: the disk offers no cache flush", d->info.name);
    }
    int rc = d->ops->flush(d->impl);
    if (rc == SV_STATUS_ENOSYS) d->info.flush = false;   /* the device refused it: off from now on */
    if (rc) return impl_failed(d->error, &d->stats, d->info.name, rc, d->ops->error(d->impl));
    d->stats.ops++;
    return SV_STATUS_OK;
}

void svf_disk_stats(const svf_disk_t *d, svf_io_stats_t *out) {
    *out = d->stats;
    d->ops->stats(d->impl, out);
}

int svf_disk_close(svf_disk_t *d) {
    if (!d) return SV_STATUS_OK;
    int rc = d->ops->close(d->impl);
    sv_free(d);
    return rc;
}

/* ---- network interfaces ---- */

int svf_nic_open(svf_nic_t **out, const svf_io_options_t *opts) {
    return open_handle((void **)out, sizeof **out, offsetof(svf_nic_t, path), opts, pv_nic, emul_nic, "nic");
}

const char *svf_nic_name(const svf_nic_t *n) { return n->name; }
svf_io_path_t svf_nic_path(const svf_nic_t *n) { return n->path; }
const uint8_t *svf_nic_mac(const svf_nic_t *n) { return n->mac; }
const char *svf_nic_error(const svf_nic_t *n) { return n->error; }

int svf_nic_send(svf_nic_t *n, const void *frame, size_t len) {
    if (len < MIN_FRAME || len > MAX_FRAME) {
        n->stats.errors++;
        return set_error(n->error, len < MIN_FRAME ? SV_STATUS_EINVAL : SV_STATUS_EMSGSIZE,
                         "%s: a frame of %zu bytes (Ethernet frames are %u..%u bytes without the FCS)", n->name, len,
                         MIN_FRAME, MAX_FRAME);
    }
    int rc = n->ops->send(n->impl, frame, len);
    if (rc) return impl_failed(n->error, &n->stats, n->name, rc, n->ops->error(n->impl));
    n->stats.ops++;
    n->stats.bytes_out += len;
    return SV_STATUS_OK;
}

int svf_nic_recv(svf_nic_t *n, void *buf, size_t cap, uint64_t timeout_ns) {
    int rc = n->ops->recv(n->impl, buf, cap, timeout_ns);
    if (rc < 0) return impl_failed(n->error, &n->stats, n->name, rc, n->ops->error(n->impl));
    if (rc > 0) {
        n->stats.ops++;
        n->stats.bytes_in += (uint64_t)rc;
    }
    return rc;
}

void svf_nic_stats(const svf_nic_t *n, svf_io_stats_t *out) {
    *out = n->stats;
    n->ops->stats(n->impl, out);
}

int svf_nic_close(svf_nic_t *n) {
    if (!n) return SV_STATUS_OK;
    int rc = n->ops->close(n->impl);
    sv_free(n);
    return rc;
}

/* ---- consoles ---- */

int svf_console_open(svf_console_t **out, const svf_io_options_t *opts) {
    return open_handle((void **)out, sizeof **out, offsetof(svf_console_t, path), opts, pv_console, emul_console, "console");
}

const char *svf_console_name(const svf_console_t *c) { return c->name; }
svf_io_path_t svf_console_path(const svf_console_t *c) { return c->path; }
const char *svf_console_error(const svf_console_t *c) { return c->error; }

int svf_console_write(svf_console_t *c, const void *data, size_t len) {
    if (len == 0) return 0;
    int rc = c->ops->write(c->impl, data, len);
    if (rc < 0) return impl_failed(c->error, &c->stats, c->name, rc, c->ops->error(c->impl));
    c->stats.ops++;
    c->stats.bytes_out += len;
    return (int)len;
}

int svf_console_read(svf_console_t *c, void *buf, size_t cap, uint64_t timeout_ns) {
    if (cap == 0) return 0;
    int rc = c->ops->read(c->impl, buf, cap, timeout_ns);
    if (rc < 0) return impl_failed(c->error, &c->stats, c->name, rc, c->ops->error(c->impl));
    if (rc > 0) {
        c->stats.ops++;
        c->stats.bytes_in += (uint64_t)rc;
    }
    return rc;
}

int svf_console_flush(svf_console_t *c, uint64_t timeout_ns) {
    int rc = c->ops->flush(c->impl, timeout_ns);
    if (rc < 0) return impl_failed(c->error, &c->stats, c->name, rc, c->ops->error(c->impl));
    return SV_STATUS_OK;
}

void svf_console_stats(const svf_console_t *c, svf_io_stats_t *out) {
    *out = c->stats;
    c->ops->stats(c->impl, out);
}

int svf_console_close(svf_console_t *c) {
    if (!c) return SV_STATUS_OK;
    int rc = c->ops->close(c->impl);
    sv_free(c);
    return rc;
}
