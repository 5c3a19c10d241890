/*
 * Memory and string functions. Portable C: also compiled into the host unit tests.
 *
 * This file must be compiled with -fno-tree-loop-distribute-patterns (the Makefile does), or gcc
 * may turn the loops below back into calls to memset and memcpy, which are these functions.
 */
#include "splitvisor/string.h"

typedef uint64_t __attribute__((__may_alias__)) sv_word_alias_t;

void *sv_memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        while (n >= 8) {
            *(sv_word_alias_t *)d = *(const sv_word_alias_t *)s;
            d += 8;
            s += 8;
            n -= 8;
        }
    }
    while (n--) *d++ = *s++;
    return dst;
}

void *sv_memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0) return dst;
    if (d < s || d >= s + n) return sv_memcpy(dst, src, n);
    /* Overlapping with dst above src: copy backwards. */
    d += n;
    s += n;
    while (n--) *--d = *--s;
    return dst;
}

void *sv_memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    unsigned char b = (unsigned char)c;
    while (n && ((uintptr_t)d & 7)) {
        *d++ = b;
        n--;
    }
    uint64_t w = b * 0x0101010101010101ull;
    while (n >= 8) {
        *(sv_word_alias_t *)d = w;
        d += 8;
        n -= 8;
    }
    while (n--) *d++ = b;
    return dst;
}

int sv_memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

void *sv_memchr(const void *s, int c, size_t n) {
    const unsigned char *p = s;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == (unsigned char)c) return (void *)(p + i);
    }
    return NULL;
}

size_t sv_strlen(const char *s) {
    const char *p = s;
    while (*p) p++;
    return (size_t)(p - s);
}

size_t sv_strnlen(const char *s, size_t max) {
    size_t n = 0;
    while (n < max && s[n]) n++;
    return n;
}

int sv_strcmp(const char *a, const char *b) {
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    while (*x && *x == *y) {
        x++;
        y++;
    }
    return (*x > *y) - (*x < *y);
}

int sv_strncmp(const char *a, const char *b, size_t n) {
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (; n; n--, x++, y++) {
        if (*x != *y) return (*x > *y) - (*x < *y);
        if (!*x) return 0;
    }
    return 0;
}

int sv_strcasecmp(const char *a, const char *b) {
    for (;; a++, b++) {
        int x = sv_tolower((unsigned char)*a), y = sv_tolower((unsigned char)*b);
        if (x != y) return (x > y) - (x < y);
        if (!x) return 0;
    }
}

char *sv_strcpy(char *dst, const char *src) {
    char *d = dst;
    while ((*d++ = *src++) != 0) {
    }
    return dst;
}

char *sv_strncpy(char *dst, const char *src, size_t n) {
    size_t i = 0;
    for (; i < n && src[i]; i++) dst[i] = src[i];
    for (; i < n; i++) dst[i] = 0;
    return dst;
}

char *sv_strcat(char *dst, const char *src) {
    sv_strcpy(dst + sv_strlen(dst), src);
    return dst;
}

char *sv_strchr(const char *s, int c) {
    for (;; s++) {
        if (*s == (char)c) return (char *)s;
        if (!*s) return NULL;
    }
}

char *sv_strrchr(const char *s, int c) {
    const char *found = NULL;
    for (;; s++) {
        if (*s == (char)c) found = s;
        if (!*s) return (char *)found;
    }
}

char *sv_strstr(const char *haystack, const char *needle) {
    size_t n = sv_strlen(needle);
    if (n == 0) return (char *)haystack;
    for (; *haystack; haystack++) {
        if (*haystack == *needle && sv_strncmp(haystack, needle, n) == 0) return (char *)haystack;
    }
    return NULL;
}

size_t sv_strlcpy(char *dst, const char *src, size_t cap) {
    size_t len = sv_strlen(src);
    if (cap) {
        size_t n = len < cap - 1 ? len : cap - 1;
        sv_memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}

size_t sv_strlcat(char *dst, const char *src, size_t cap) {
    size_t used = sv_strnlen(dst, cap);
    if (used == cap) return cap + sv_strlen(src);
    return used + sv_strlcpy(dst + used, src, cap - used);
}

bool sv_str_starts_with(const char *s, const char *prefix) {
    while (*prefix) {
        if (*s++ != *prefix++) return false;
    }
    return true;
}

int sv_isdigit(int c) { return c >= '0' && c <= '9'; }
int sv_isxdigit(int c) { return sv_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int sv_isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
int sv_isupper(int c) { return c >= 'A' && c <= 'Z'; }
int sv_islower(int c) { return c >= 'a' && c <= 'z'; }
int sv_isalpha(int c) { return sv_isupper(c) || sv_islower(c); }
int sv_isalnum(int c) { return sv_isalpha(c) || sv_isdigit(c); }
int sv_isprint(int c) { return c >= 0x20 && c < 0x7f; }
int sv_tolower(int c) { return sv_isupper(c) ? c + ('a' - 'A') : c; }
int sv_toupper(int c) { return sv_islower(c) ? c - ('a' - 'A') : c; }

static int digit_value(int c) {
    if (sv_isdigit(c)) return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

/* The common part of the strto* family: returns the magnitude, sets *neg and *end. */
static unsigned long long parse_magnitude(const char *s, char **end, int base, bool *neg,
                                          unsigned long long limit, bool *overflowed) {
    const char *p = s;
    *neg = false;
    while (sv_isspace((unsigned char)*p)) p++;
    if (*p == '+' || *p == '-') {
        *neg = *p == '-';
        p++;
    }
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value((unsigned char)p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    if (base < 2 || base > 36) {
        if (end) *end = (char *)s;
        if (overflowed) *overflowed = false;
        return 0;
    }
    unsigned long long v = 0;
    bool any = false, overflow = false;
    for (;; p++) {
        int d = digit_value((unsigned char)*p);
        if (d >= base) break;
        any = true;
        if (v > (limit - (unsigned)d) / (unsigned)base) overflow = true;
        else v = v * (unsigned)base + (unsigned)d;
    }
    if (end) *end = (char *)(any ? p : s);
    if (!any) *neg = false;
    if (overflowed) *overflowed = overflow;
    return overflow ? limit : v;
}

unsigned long long sv_strtoull(const char *s, char **end, int base) {
    bool neg, overflow;
    unsigned long long v = parse_magnitude(s, end, base, &neg, ~0ull, &overflow);
    if (overflow) return ~0ull; /* as the C library: ULLONG_MAX whatever the sign */
    return neg ? -v : v;
}

unsigned long sv_strtoul(const char *s, char **end, int base) {
    return (unsigned long)sv_strtoull(s, end, base);
}

long sv_strtol(const char *s, char **end, int base) {
    bool neg;
    const unsigned long long max = (unsigned long long)(~0ul >> 1);
    unsigned long long v = parse_magnitude(s, end, base, &neg, max + 1, NULL);
    if (neg) return v > max ? (long)(-(long long)max - 1) : -(long)v;
    return v > max ? (long)max : (long)v;
}

bool sv_parse_u64(const char *s, uint64_t *out) {
    if (!s || !sv_isdigit((unsigned char)*s)) return false;
    char *end;
    bool neg, overflow;
    int base = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
    unsigned long long v = parse_magnitude(s, &end, base, &neg, ~0ull, &overflow);
    if (*end != 0 || end == s || overflow) return false;
    *out = v;
    return true;
}

#ifndef SV_HOST_TEST
/* The standard names. gcc emits calls to memcpy, memset, memmove and memcmp by itself (struct
 * copies, large initialisers), so a freestanding program must define them. */
#define SV_ALIAS(name, target) __typeof__(target) name __attribute__((alias(#target)))
SV_ALIAS(memcpy, sv_memcpy);
SV_ALIAS(memmove, sv_memmove);
SV_ALIAS(memset, sv_memset);
SV_ALIAS(memcmp, sv_memcmp);
SV_ALIAS(memchr, sv_memchr);
SV_ALIAS(strlen, sv_strlen);
SV_ALIAS(strnlen, sv_strnlen);
SV_ALIAS(strcmp, sv_strcmp);
SV_ALIAS(strncmp, sv_strncmp);
SV_ALIAS(strcpy, sv_strcpy);
SV_ALIAS(strncpy, sv_strncpy);
SV_ALIAS(strcat, sv_strcat);
SV_ALIAS(strchr, sv_strchr);
SV_ALIAS(strrchr, sv_strrchr);
SV_ALIAS(strstr, sv_strstr);
#endif
