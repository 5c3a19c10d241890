/*
 * CRC-32 against known values, the data pattern against its definition (and golden values other
 * implementations can check against), MAC parsing and formatting, the copy.
 */
#include <stdint.h>
#include <string.h>

#include "host_support.h"
#include "svfront/util.h"
#include "test.h"

static void test_crc32(void) {
    CHECK_EQ_INT(svf_crc32(0, "123456789", 9), 0xCBF43926u);
    CHECK_EQ_INT(svf_crc32(0, "", 0), 0);
    CHECK_EQ_INT(svf_crc32(0, "The quick brown fox jumps over the lazy dog", 43), 0x414FA339u);
    /* Chained in pieces = at once. */
    uint32_t c = svf_crc32(0, "1234", 4);
    c = svf_crc32(c, "56789", 5);
    CHECK_EQ_INT(c, 0xCBF43926u);
}

/* The definition, written out independently. */
static uint8_t reference_byte(uint64_t p, uint32_t seed) {
    uint64_t w = p / 8;
    uint64_t x = (w + 1) * 0x9E3779B97F4A7C15ull;
    x ^= (uint64_t)seed * 0xBF58476D1CE4E5B9ull;
    x ^= x >> 31;
    return (uint8_t)(x >> (8 * (p % 8)));
}

static void test_pattern(void) {
    static uint8_t buf[4096 + 16];
    /* Every combination of buffer alignment and starting position. */
    for (unsigned align = 0; align < 8; align++) {
        for (uint64_t pos = 0; pos < 9; pos++) {
            uint8_t *b = buf + align;
            svf_pattern_fill(b, 1000, pos * 7 + 512 * 3, 42);
            int ok = 1;
            for (size_t i = 0; i < 1000; i++) ok &= b[i] == reference_byte(pos * 7 + 512 * 3 + i, 42);
            CHECK(ok);
            CHECK_EQ_INT(svf_pattern_check(b, 1000, pos * 7 + 512 * 3, 42), 1000);
            b[777] ^= 1;
            CHECK_EQ_INT(svf_pattern_check(b, 1000, pos * 7 + 512 * 3, 42), 777);
            CHECK_EQ_INT(svf_pattern_check(b, 1000, pos * 7 + 512 * 3, 43) < 8, 1);
        }
    }
    /* Golden values (documented for other implementations). */
    CHECK(svf_pattern_word(0, 0) == 0x9E3779B843248F67ull);
    svf_pattern_fill(buf, 16, 0, 1);
    uint32_t crc = svf_crc32(0, buf, 16);
    uint8_t first[16];
    for (int i = 0; i < 16; i++) first[i] = reference_byte((uint64_t)i, 1);
    CHECK_EQ_INT(crc, svf_crc32(0, first, 16));
    /* One sector of seed 7 at sector 100: the CRC the frontend-under-test prints for it. */
    svf_pattern_fill(buf, 512, 100 * 512, 7);
    uint8_t ref[512];
    for (int i = 0; i < 512; i++) ref[i] = reference_byte(100 * 512 + (uint64_t)i, 7);
    CHECK(memcmp(buf, ref, 512) == 0);
    printf("test_util: pattern word(0, seed 0) = 0x%016llx, crc32(sector 100, seed 7) = 0x%08x\n",
           (unsigned long long)svf_pattern_word(0, 0), svf_crc32(0, buf, 512));
}

static void test_mac(void) {
    uint8_t mac[6];
    CHECK(svf_mac_parse("00:16:3e:0a:Bc:FF", mac));
    CHECK(mac[0] == 0x00 && mac[1] == 0x16 && mac[2] == 0x3e && mac[3] == 0x0a && mac[4] == 0xbc && mac[5] == 0xff);
    char s[18];
    svf_mac_format(mac, s);
    CHECK(strcmp(s, "00:16:3e:0a:bc:ff") == 0);
    CHECK(!svf_mac_parse("00:16:3e:0a:bc", mac));
    CHECK(!svf_mac_parse("00:16:3e:0a:bc:ff:", mac));
    CHECK(!svf_mac_parse("00-16-3e-0a-bc-ff", mac));
    CHECK(!svf_mac_parse("0:16:3e:0a:bc:ff", mac));
    CHECK(!svf_mac_parse("00:16:3e:0a:bc:fg", mac));
    CHECK(!svf_mac_parse("", mac));
    CHECK(!svf_mac_parse(NULL, mac));
}

static void test_copy(void) {
    uint64_t a[64], b[64];
    for (int i = 0; i < 64; i++) a[i] = (uint64_t)i * 0x0101010101010101ull;
    svf_copy(b, a, sizeof a);
    CHECK(memcmp(a, b, sizeof a) == 0);
    uint8_t c[13];
    svf_copy(c, (uint8_t *)a + 3, 13);
    CHECK(memcmp(c, (uint8_t *)a + 3, 13) == 0);
}

int main(void) {
    RUN(test_crc32);
    RUN(test_pattern);
    RUN(test_mac);
    RUN(test_copy);
    return tests_done("test_util");
}
