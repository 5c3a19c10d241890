/*
 * The SDK's string functions against the C library's, over many lengths, alignments and inputs.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "splitvisor/runtime.h"
#include "splitvisor/string.h"
#include "test.h"

static int sign(int x) { return (x > 0) - (x < 0); }

static void test_memcpy_memset_alignments(void) {
    static unsigned char src[300], a[300], b[300];
    for (int i = 0; i < 300; i++) src[i] = (unsigned char)(i * 37 + 11);
    for (int so = 0; so < 9; so++) {
        for (int dof = 0; dof < 9; dof++) {
            for (int n = 0; n < 70; n++) {
                memset(a, 0xAA, sizeof a);
                memset(b, 0xAA, sizeof b);
                void *r = sv_memcpy(a + dof, src + so, (size_t)n);
                memcpy(b + dof, src + so, (size_t)n);
                CHECK(r == a + dof);
                CHECK(memcmp(a, b, sizeof a) == 0);
                memset(a, 0x55, sizeof a);
                memset(b, 0x55, sizeof b);
                r = sv_memset(a + dof, so * 29 + 1, (size_t)n);
                memset(b + dof, so * 29 + 1, (size_t)n);
                CHECK(r == a + dof);
                CHECK(memcmp(a, b, sizeof a) == 0);
            }
        }
    }
}

static void test_memmove_overlaps(void) {
    static unsigned char a[128], b[128];
    for (int from = 0; from < 40; from++) {
        for (int to = 0; to < 40; to++) {
            for (int n = 0; n < 60; n += 7) {
                for (int i = 0; i < 128; i++) a[i] = b[i] = (unsigned char)i;
                sv_memmove(a + to, a + from, (size_t)n);
                memmove(b + to, b + from, (size_t)n);
                CHECK(memcmp(a, b, sizeof a) == 0);
            }
        }
    }
}

static void test_compare_and_search(void) {
    const char *words[] = {"", "a", "b", "ab", "abc", "abd", "ABC", "abcdef", "zz", "\x80", "a\x80"};
    size_t nw = sizeof words / sizeof words[0];
    for (size_t i = 0; i < nw; i++) {
        CHECK_EQ_INT(sv_strlen(words[i]), strlen(words[i]));
        for (size_t k = 0; k < 8; k++) CHECK_EQ_INT(sv_strnlen(words[i], k), strnlen(words[i], k));
        for (size_t j = 0; j < nw; j++) {
            CHECK_EQ_INT(sign(sv_strcmp(words[i], words[j])), sign(strcmp(words[i], words[j])));
            CHECK_EQ_INT(sign(sv_strcasecmp(words[i], words[j])), sign(strcasecmp(words[i], words[j])));
            for (size_t n = 0; n < 5; n++) {
                CHECK_EQ_INT(sign(sv_strncmp(words[i], words[j], n)), sign(strncmp(words[i], words[j], n)));
                size_t m = n < strlen(words[i]) + 1 && n < strlen(words[j]) + 1 ? n : 0;
                CHECK_EQ_INT(sign(sv_memcmp(words[i], words[j], m)), sign(memcmp(words[i], words[j], m)));
            }
            CHECK(sv_strstr(words[i], words[j]) == strstr(words[i], words[j]));
        }
        for (int c = 0; c < 256; c += 17) {
            CHECK(sv_strchr(words[i], c) == strchr(words[i], c));
            CHECK(sv_strrchr(words[i], c) == strrchr(words[i], c));
            CHECK(sv_memchr(words[i], c, strlen(words[i])) == memchr(words[i], c, strlen(words[i])));
        }
        CHECK(sv_strchr(words[i], 0) == words[i] + strlen(words[i]));
    }
    CHECK(sv_strstr("hello world", "o w") == strstr("hello world", "o w"));
    CHECK(sv_strstr("aaab", "aab") == strstr("aaab", "aab"));
}

static void test_copy_and_concat(void) {
    char a[32], b[32];
    CHECK(strcmp(sv_strcpy(a, "abc"), "abc") == 0);
    memset(a, 'x', sizeof a);
    memset(b, 'x', sizeof b);
    sv_strncpy(a, "hi", 6);
    strncpy(b, "hi", 6);
    CHECK(memcmp(a, b, sizeof a) == 0);
    sv_strncpy(a, "longer than n", 4);
    CHECK(memcmp(a, "longhi\0\0", 8) == 0 || memcmp(a, "long", 4) == 0);
    CHECK(a[4] == b[4]); /* untouched past n */
    strcpy(a, "foo");
    CHECK(strcmp(sv_strcat(a, "bar"), "foobar") == 0);

    CHECK_EQ_INT(sv_strlcpy(a, "hello", sizeof a), 5);
    CHECK(strcmp(a, "hello") == 0);
    CHECK_EQ_INT(sv_strlcpy(a, "hello", 3), 5);
    CHECK(strcmp(a, "he") == 0);
    CHECK_EQ_INT(sv_strlcpy(a, "hello", 0), 5);
    strcpy(a, "ab");
    CHECK_EQ_INT(sv_strlcat(a, "cdef", 5), 6);
    CHECK(strcmp(a, "abcd") == 0);
    memset(a, 'z', 4);
    CHECK_EQ_INT(sv_strlcat(a, "q", 4), 5); /* no NUL within cap */
    CHECK(sv_str_starts_with("device/vbd/0", "device/"));
    CHECK(!sv_str_starts_with("dev", "device"));
    CHECK(sv_str_starts_with("x", ""));
}

static void test_ctype(void) {
    for (int c = 0; c < 128; c++) {
        CHECK_EQ_INT(!!sv_isdigit(c), !!(c >= '0' && c <= '9'));
        CHECK_EQ_INT(sv_tolower(c), (c >= 'A' && c <= 'Z') ? c + 32 : c);
        CHECK_EQ_INT(sv_toupper(c), (c >= 'a' && c <= 'z') ? c - 32 : c);
        CHECK_EQ_INT(!!sv_isspace(c), !!(c == ' ' || (c >= 9 && c <= 13)));
        CHECK_EQ_INT(!!sv_isxdigit(c), !!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
        CHECK_EQ_INT(!!sv_isalnum(c), !!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')));
        CHECK_EQ_INT(!!sv_isprint(c), !!(c >= 32 && c < 127));
    }
}

static void test_strto(void) {
    const char *inputs[] = {"0", "42", "  -17", "+9", "0x1F", "0X1f", "017", "09", "123abc", "", "  ", "-",
                            "0x", "0xg", "18446744073709551615", "18446744073709551616", "9223372036854775807",
                            "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "zz", "1e5"};
    int bases[] = {0, 10, 16, 8, 36};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
            char *e1, *e2;
            unsigned long u1 = sv_strtoul(inputs[i], &e1, bases[b]);
            errno = 0;
            unsigned long u2 = strtoul(inputs[i], &e2, bases[b]);
            CHECK_MSG(u1 == u2 && e1 == e2, "strtoul(\"%s\", %d): %lu/%td vs %lu/%td", inputs[i], bases[b], u1,
                      e1 - inputs[i], u2, e2 - inputs[i]);
            long l1 = sv_strtol(inputs[i], &e1, bases[b]);
            long l2 = strtol(inputs[i], &e2, bases[b]);
            CHECK_MSG(l1 == l2 && e1 == e2, "strtol(\"%s\", %d): %ld vs %ld", inputs[i], bases[b], l1, l2);
            unsigned long long q1 = sv_strtoull(inputs[i], &e1, bases[b]);
            unsigned long long q2 = strtoull(inputs[i], &e2, bases[b]);
            CHECK_MSG(q1 == q2 && e1 == e2, "strtoull(\"%s\", %d)", inputs[i], bases[b]);
        }
    }
    uint64_t v;
    CHECK(sv_parse_u64("12345", &v) && v == 12345);
    CHECK(sv_parse_u64("0x10", &v) && v == 16);
    CHECK(sv_parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
    CHECK(!sv_parse_u64("18446744073709551616", &v));
    CHECK(!sv_parse_u64("", &v));
    CHECK(!sv_parse_u64("-1", &v));
    CHECK(!sv_parse_u64("12 ", &v));
    CHECK(!sv_parse_u64(" 12", &v));
    CHECK(!sv_parse_u64("0x", &v));
    CHECK(!sv_parse_u64(NULL, &v));
}

static void test_cmdline(void) {
    const char *line = "role=ping  peer=2\tdebugcon rounds=100 empty= x=a=b rolex=no";
    char buf[16];
    CHECK(sv_cmdline_lookup(line, "role", buf, sizeof buf) && strcmp(buf, "ping") == 0);
    CHECK(sv_cmdline_lookup(line, "peer", buf, sizeof buf) && strcmp(buf, "2") == 0);
    CHECK(sv_cmdline_lookup(line, "debugcon", buf, sizeof buf) && strcmp(buf, "1") == 0);
    CHECK(sv_cmdline_lookup(line, "debugcon", NULL, 0));
    CHECK(sv_cmdline_lookup(line, "empty", buf, sizeof buf) && strcmp(buf, "") == 0);
    CHECK(sv_cmdline_lookup(line, "x", buf, sizeof buf) && strcmp(buf, "a=b") == 0);
    CHECK(sv_cmdline_lookup(line, "rolex", buf, sizeof buf) && strcmp(buf, "no") == 0);
    CHECK(!sv_cmdline_lookup(line, "rol", buf, sizeof buf));
    CHECK(!sv_cmdline_lookup(line, "debug", buf, sizeof buf));
    CHECK(!sv_cmdline_lookup(line, "", buf, sizeof buf));
    CHECK(!sv_cmdline_lookup("", "role", buf, sizeof buf));
    CHECK(!sv_cmdline_lookup(NULL, "role", buf, sizeof buf));
    CHECK(sv_cmdline_lookup(line, "rounds", buf, 3) && strcmp(buf, "10") == 0); /* truncated */
}

int main(void) {
    RUN(test_cmdline);
    RUN(test_memcpy_memset_alignments);
    RUN(test_memmove_overlaps);
    RUN(test_compare_and_search);
    RUN(test_copy_and_concat);
    RUN(test_ctype);
    RUN(test_strto);
    return tests_done("test_string");
}
