/*
 * Command-line words: `key=value` or a bare `key`, separated by spaces or tabs. Portable C: also
 * run by the host tests.
 */
#include "splitvisor/runtime.h"
#include "splitvisor/string.h"

bool sv_cmdline_lookup(const char *line, const char *key, char *buf, size_t cap) {
    size_t klen = sv_strlen(key);
    if (!line || klen == 0) return false;
    const char *p = line;
    while (*p) {
        while (*p == ' ' || *p == '\t') p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t') p++;
        size_t wlen = (size_t)(p - w);
        if (wlen < klen || sv_strncmp(w, key, klen) != 0) continue;
        const char *v;
        size_t vlen;
        if (wlen == klen) {
            v = "1"; /* a bare word counts as "1" */
            vlen = 1;
        } else if (w[klen] == '=') {
            v = w + klen + 1;
            vlen = wlen - klen - 1;
        } else {
            continue;
        }
        if (buf && cap) {
            size_t k = vlen < cap - 1 ? vlen : cap - 1;
            sv_memcpy(buf, v, k);
            buf[k] = 0;
        }
        return true;
    }
    return false;
}
