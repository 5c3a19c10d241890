/*
 * sv_snprintf against the C library's snprintf: every combination of flags, widths, precisions
 * and length modifiers the SDK supports, over edge values; then truncation and return values.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "splitvisor/printf.h"
#include "test.h"

static int compared;

/* Formats with both and compares text and return value. */
static void same(const char *fmt, ...) {
    char a[512], b[512];
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int ra = sv_vsnprintf(a, sizeof a, fmt, ap);
    int rb = vsnprintf(b, sizeof b, fmt, aq);
    va_end(aq);
    va_end(ap);
    compared++;
    CHECK_MSG(ra == rb && strcmp(a, b) == 0, "format \"%s\": sv \"%s\" (%d), libc \"%s\" (%d)", fmt, a, ra, b, rb);
}

static const char *const flag_sets[] = {"", "-", "0", "+", " ", "#", "-0", "+0", "-+", "- ", "#0", "#-", "0 ", "-#0+"};
static const char *const widths[] = {"", "1", "3", "8", "21", "*"};
static const char *const precisions[] = {"", ".", ".0", ".1", ".3", ".12", ".*"};

static void test_integers(void) {
    static const long long values[] = {0, 1, -1, 7, -8, 9, 10, 42, -42, 255, 256, 4095, 65535, 65536, -65536,
                                       INT_MAX, INT_MIN, (long long)UINT_MAX, LLONG_MAX, LLONG_MIN, 0x1234abcd,
                                       -0x7edcba98, 1000000007, 0x100000000ll, -0x100000000ll};
    static const char *const convs = "diuxXo";
    static const char *const lengths[] = {"", "hh", "h", "l", "ll", "z", "j", "t"};
    char fmt[64];
    for (size_t f = 0; f < sizeof flag_sets / sizeof *flag_sets; f++)
        for (size_t w = 0; w < sizeof widths / sizeof *widths; w++)
            for (size_t p = 0; p < sizeof precisions / sizeof *precisions; p++)
                for (size_t l = 0; l < sizeof lengths / sizeof *lengths; l++)
                    for (const char *c = convs; *c; c++) {
                        snprintf(fmt, sizeof fmt, "[%%%s%s%s%s%c]", flag_sets[f], widths[w], precisions[p],
                                 lengths[l], *c);
                        bool star_w = widths[w][0] == '*', star_p = precisions[p][0] && precisions[p][1] == '*';
                        for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
                            long long x = values[v];
                            int sw = 12 - (int)(v % 5) * 7, sp = (int)(v % 4) * 3 - 2;
                            const char *L = lengths[l];
#define ARGS3(val)                                                             \
    do {                                                                       \
        if (star_w && star_p) same(fmt, sw, sp, val);                          \
        else if (star_w) same(fmt, sw, val);                                   \
        else if (star_p) same(fmt, sp, val);                                   \
        else same(fmt, val);                                                   \
    } while (0)
                            if (!strcmp(L, "") || !strcmp(L, "hh") || !strcmp(L, "h")) ARGS3((int)x);
                            else if (!strcmp(L, "l")) ARGS3((long)x);
                            else if (!strcmp(L, "ll")) ARGS3(x);
                            else if (!strcmp(L, "z")) ARGS3((size_t)x);
                            else if (!strcmp(L, "j")) ARGS3((intmax_t)x);
                            else ARGS3((ptrdiff_t)x);
                        }
                    }
}

static void test_strings_and_chars(void) {
    static const char *const strs[] = {"", "a", "hello", "hello, world", "with\ttab"};
    char fmt[64];
    for (size_t f = 0; f < 3; f++) /* "", "-", "0" ('0' with s is undefined in C; skip it below) */
        for (size_t w = 0; w < sizeof widths / sizeof *widths; w++)
            for (size_t p = 0; p < sizeof precisions / sizeof *precisions; p++) {
                if (f == 2) continue;
                snprintf(fmt, sizeof fmt, "<%%%s%s%ss>", flag_sets[f], widths[w], precisions[p]);
                bool star_w = widths[w][0] == '*', star_p = precisions[p][0] && precisions[p][1] == '*';
                for (size_t s = 0; s < sizeof strs / sizeof *strs; s++) {
                    if (star_w && star_p) same(fmt, (int)s * 3 - 4, (int)s - 1, strs[s]);
                    else if (star_w) same(fmt, (int)s * 3 - 4, strs[s]);
                    else if (star_p) same(fmt, (int)s - 1, strs[s]);
                    else same(fmt, strs[s]);
                }
                if (!star_w && !star_p) {
                    snprintf(fmt, sizeof fmt, "<%%%s%sc>", flag_sets[f], widths[w]);
                    same(fmt, 'x');
                    same(fmt, ' ');
                }
            }
    same("%s", (const char *)NULL);
    same("%10s|", (const char *)NULL);
    same("%.6s|", (const char *)NULL);
    same("%c%c%c", 'a', 0x7f, '~');
}

static void test_pointers_and_misc(void) {
    int local;
    void *ptrs[] = {&local, (void *)0x1, (void *)0x100000, (void *)0xffffffffffffull, (void *)UINTPTR_MAX};
    const char *pfmts[] = {"%p", "%20p", "%-20p|", "%3p"};
    for (size_t i = 0; i < sizeof ptrs / sizeof *ptrs; i++)
        for (size_t j = 0; j < sizeof pfmts / sizeof *pfmts; j++) same(pfmts[j], ptrs[i]);
    same("%p", (void *)NULL);
    same("%10p|", (void *)NULL);
    same("100%%");
    same("plain text, no conversions");
    same("");
    same("%d %s %u %x %c %ld %lu %lx %llx %lld %llu %zu %zd %%", -5, "mix", 7u, 0xbeefu, 'q', -123456789L,
         123456789UL, 0xdeadbeefUL, 0x123456789abcdefULL, -1234567890123LL, 98765432109ULL, (size_t)77,
         (ptrdiff_t)-66);
    same("Hello from domain %u\n", 3u);
    same("%08x|%-8x|%#08x|%#-8x|%+.3d|% .0d|%.0x|%#.0o|%#o", 0x2a, 0x2a, 0x2a, 0x2a, 7, 0, 0, 0, 0);
}

static void test_truncation(void) {
    const char *expect = "value=12345 name=abcdef";
    char buf[64];
    for (size_t cap = 0; cap < 30; cap++) {
        memset(buf, '#', sizeof buf);
        int n = sv_snprintf(buf, cap, "value=%d name=%s", 12345, "abcdef");
        CHECK_EQ_INT(n, (int)strlen(expect));
        if (cap == 0) {
            CHECK(buf[0] == '#');
        } else {
            size_t k = cap - 1 < strlen(expect) ? cap - 1 : strlen(expect);
            CHECK(memcmp(buf, expect, k) == 0);
            CHECK(buf[k] == 0);
            CHECK(buf[k + 1] == '#' || k + 1 >= cap);
        }
    }
    CHECK_EQ_INT(sv_snprintf(NULL, 0, "%d", 123456), 6);
    /* Long padding goes through the pad loop in pieces. */
    static char big[400];
    int n = sv_snprintf(big, sizeof big, "%300d|%-100s|", 1, "x");
    CHECK_EQ_INT(n, 300 + 1 + 100 + 1);
    CHECK(strlen(big) == sizeof big - 1);
}

typedef struct collect {
    char text[256];
    size_t len;
    int calls;
} collect_t;

static void collector(void *ctx, const char *data, size_t len) {
    collect_t *c = ctx;
    memcpy(c->text + c->len, data, len);
    c->len += len;
    c->text[c->len] = 0;
    c->calls++;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void test_sink(void) {
    collect_t c = {{0}, 0, 0};
    int n = sv_format(collector, &c, "a%db%sc", 12, "xy");
    CHECK_EQ_INT(n, 7);
    CHECK(strcmp(c.text, "a12bxyc") == 0);
    CHECK(c.calls >= 3);
    c.len = 0;
    n = sv_format(collector, &c, "unsupported %f and %n stay literal");
    CHECK(strcmp(c.text, "unsupported %f and %n stay literal") == 0);
    CHECK_EQ_INT(n, (int)strlen(c.text));
    c.len = 0;
    sv_format(collector, &c, "trailing %");
    CHECK(strcmp(c.text, "trailing %") == 0);
}
#pragma GCC diagnostic pop

int main(void) {
    RUN(test_integers);
    RUN(test_strings_and_chars);
    RUN(test_pointers_and_misc);
    RUN(test_truncation);
    RUN(test_sink);
    printf("test_printf: %d formats compared with the C library\n", compared);
    return tests_done("test_printf");
}
