/*
 * The formatter behind sv_printf and sv_snprintf. Portable C: also compiled into the host tests,
 * which compare it with the C library's snprintf.
 */
#include "splitvisor/printf.h"

#include <stdbool.h>
#include <stdint.h>

#include "splitvisor/string.h"

enum {
    F_LEFT = 1,   /* '-' */
    F_ZERO = 2,   /* '0' */
    F_PLUS = 4,   /* '+' */
    F_SPACE = 8,  /* ' ' */
    F_ALT = 16,   /* '#' */
};

enum length { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_PTRDIFF, L_INTMAX };

typedef struct out {
    sv_format_sink_t sink;
    void *ctx;
    int count;
} out_t;

static void emit(out_t *o, const char *s, size_t n) {
    if (n) {
        o->sink(o->ctx, s, n);
        o->count += (int)n;
    }
}

static void emit_pad(out_t *o, char c, int n) {
    char buf[32];
    sv_memset(buf, c, sizeof buf);
    while (n > 0) {
        int k = n > (int)sizeof buf ? (int)sizeof buf : n;
        emit(o, buf, (size_t)k);
        n -= k;
    }
}

/* Emits prefix + zero padding + digits, padded to width. */
static void emit_number(out_t *o, const char *prefix, const char *digits, int ndigits, int flags,
                        int width, int precision) {
    int plen = (int)sv_strlen(prefix);
    int zeros = 0;
    if (precision >= 0) {
        if (precision > ndigits) zeros = precision - ndigits;
    } else if ((flags & F_ZERO) && !(flags & F_LEFT)) {
        int total = plen + ndigits;
        if (width > total) zeros = width - total;
    }
    int total = plen + zeros + ndigits;
    if (!(flags & F_LEFT)) emit_pad(o, ' ', width - total);
    emit(o, prefix, (size_t)plen);
    emit_pad(o, '0', zeros);
    emit(o, digits, (size_t)ndigits);
    if (flags & F_LEFT) emit_pad(o, ' ', width - total);
}

static void format_integer(out_t *o, uintmax_t value, bool negative, bool is_signed, char conv,
                           int flags, int width, int precision) {
    char digits[32];
    int n = 0;
    unsigned base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X' || conv == 'p') ? 16 : 10;
    const char *alphabet = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[32];
    if (!(value == 0 && precision == 0)) {
        do {
            tmp[n++] = alphabet[value % base];
            value /= base;
        } while (value);
    }
    for (int i = 0; i < n; i++) digits[i] = tmp[n - 1 - i];

    const char *prefix = "";
    if (is_signed) {
        if (negative) prefix = "-";
        else if (flags & F_PLUS) prefix = "+";
        else if (flags & F_SPACE) prefix = " ";
    } else if (flags & F_ALT) {
        if (base == 16 && n > 0 && !(n == 1 && digits[0] == '0')) prefix = conv == 'X' ? "0X" : "0x";
        /* '#' with o: the first digit must be 0, unless the precision already makes it one. */
        if (base == 8 && precision <= n && (n == 0 || digits[0] != '0')) prefix = "0";
    }
    emit_number(o, prefix, digits, n, flags, width, precision);
}

static void format_string(out_t *o, const char *s, int flags, int width, int precision) {
    if (!s) s = (precision < 0 || precision >= 6) ? "(null)" : "";
    size_t len = precision >= 0 ? sv_strnlen(s, (size_t)precision) : sv_strlen(s);
    if (!(flags & F_LEFT)) emit_pad(o, ' ', width - (int)len);
    emit(o, s, len);
    if (flags & F_LEFT) emit_pad(o, ' ', width - (int)len);
}

int sv_vformat(sv_format_sink_t sink, void *ctx, const char *fmt, va_list ap_in) {
    out_t o = {sink, ctx, 0};
    va_list ap;
    va_copy(ap, ap_in);
    const char *p = fmt;
    while (*p) {
        if (*p != '%') {
            const char *start = p;
            while (*p && *p != '%') p++;
            emit(&o, start, (size_t)(p - start));
            continue;
        }
        const char *spec = p++;
        int flags = 0;
        for (;; p++) {
            if (*p == '-') flags |= F_LEFT;
            else if (*p == '0') flags |= F_ZERO;
            else if (*p == '+') flags |= F_PLUS;
            else if (*p == ' ') flags |= F_SPACE;
            else if (*p == '#') flags |= F_ALT;
            else break;
        }
        int width = 0;
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = width == INT32_MIN ? INT32_MAX : -width;
            }
            p++;
        } else {
            while (sv_isdigit((unsigned char)*p)) {
                if (width < 100000000) width = width * 10 + (*p - '0');
                p++;
            }
        }
        int precision = -1;
        if (*p == '.') {
            p++;
            precision = 0;
            if (*p == '*') {
                precision = va_arg(ap, int);
                if (precision < 0) precision = -1;
                p++;
            } else {
                while (sv_isdigit((unsigned char)*p)) {
                    if (precision < 100000000) precision = precision * 10 + (*p - '0');
                    p++;
                }
            }
        }
        enum length len = L_INT;
        switch (*p) {
        case 'h':
            p++;
            if (*p == 'h') { p++; len = L_CHAR; } else len = L_SHORT;
            break;
        case 'l':
            p++;
            if (*p == 'l') { p++; len = L_LLONG; } else len = L_LONG;
            break;
        case 'z': p++; len = L_SIZE; break;
        case 't': p++; len = L_PTRDIFF; break;
        case 'j': p++; len = L_INTMAX; break;
        default: break;
        }
        char conv = *p;
        if (conv) p++;
        switch (conv) {
        case 'd':
        case 'i': {
            intmax_t v;
            switch (len) {
            case L_CHAR: v = (signed char)va_arg(ap, int); break;
            case L_SHORT: v = (short)va_arg(ap, int); break;
            case L_LONG: v = va_arg(ap, long); break;
            case L_LLONG: v = va_arg(ap, long long); break;
            case L_SIZE: v = (intmax_t)va_arg(ap, long); break; /* ssize_t */
            case L_PTRDIFF: v = va_arg(ap, ptrdiff_t); break;
            case L_INTMAX: v = va_arg(ap, intmax_t); break;
            default: v = va_arg(ap, int); break;
            }
            uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
            format_integer(&o, mag, v < 0, true, conv, flags, width, precision);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uintmax_t v;
            switch (len) {
            case L_CHAR: v = (unsigned char)va_arg(ap, unsigned); break;
            case L_SHORT: v = (unsigned short)va_arg(ap, unsigned); break;
            case L_LONG: v = va_arg(ap, unsigned long); break;
            case L_LLONG: v = va_arg(ap, unsigned long long); break;
            case L_SIZE: v = va_arg(ap, size_t); break;
            case L_PTRDIFF: v = (uintmax_t)va_arg(ap, ptrdiff_t); break;
            case L_INTMAX: v = va_arg(ap, uintmax_t); break;
            default: v = va_arg(ap, unsigned); break;
            }
            format_integer(&o, v, false, false, conv, flags, width, precision);
            break;
        }
        case 'p': {
            void *ptr = va_arg(ap, void *);
            if (!ptr) format_string(&o, "(nil)", flags, width, -1);
            else format_integer(&o, (uintptr_t)ptr, false, false, 'p', flags | F_ALT, width, precision);
            break;
        }
        case 's':
            format_string(&o, va_arg(ap, const char *), flags, width, precision);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!(flags & F_LEFT)) emit_pad(&o, ' ', width - 1);
            emit(&o, &c, 1);
            if (flags & F_LEFT) emit_pad(&o, ' ', width - 1);
            break;
        }
        case '%':
            emit(&o, "%", 1);
            break;
        default:
            /* Unsupported or truncated: print the specification as written. */
            emit(&o, spec, (size_t)(p - spec));
            break;
        }
    }
    va_end(ap);
    return o.count;
}

int sv_format(sv_format_sink_t sink, void *ctx, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = sv_vformat(sink, ctx, fmt, ap);
    va_end(ap);
    return n;
}

typedef struct buf_sink {
    char *buf;
    size_t cap;   /* usable bytes, the NUL excluded */
    size_t used;
} buf_sink_t;

static void to_buffer(void *ctx, const char *data, size_t len) {
    buf_sink_t *b = ctx;
    if (b->used < b->cap) {
        size_t room = b->cap - b->used;
        size_t n = len < room ? len : room;
        sv_memcpy(b->buf + b->used, data, n);
        b->used += n;
    }
}

int sv_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap) {
    buf_sink_t b = {buf, cap ? cap - 1 : 0, 0};
    int n = sv_vformat(to_buffer, &b, fmt, ap);
    if (cap) buf[b.used] = 0;
    return n;
}

int sv_snprintf(char *buf, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = sv_vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}
