/*
 * CRC-32, the test data pattern, MAC addresses, the page copy. Portable C.
 */
#include "svfront/util.h"

#include <splitvisor/string.h>

static uint32_t crc_table[256];
static bool crc_ready;

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    crc_ready = true;
}

uint32_t svf_crc32(uint32_t crc, const void *data, size_t len) {
    if (!crc_ready) crc_init();
    const uint8_t *p = data;
    crc = ~crc;
    while (len--) crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

uint64_t svf_pattern_word(uint64_t word_index, uint32_t seed) {
    uint64_t x = ((word_index + 1) * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)seed * 0xBF58476D1CE4E5B9ull);
    return x ^ (x >> 31);
}

static uint8_t pattern_byte(uint64_t pos, uint32_t seed) {
    return (uint8_t)(svf_pattern_word(pos / 8, seed) >> (8 * (pos % 8)));
}

void svf_pattern_fill(void *buf, size_t len, uint64_t pos, uint32_t seed) {
    uint8_t *b = buf;
    size_t i = 0;
    /* Bytes up to a word boundary of the position, then whole words, then the tail. */
    while (i < len && ((pos + i) & 7)) {
        b[i] = pattern_byte(pos + i, seed);
        i++;
    }
    if ((((uintptr_t)(b + i)) & 7) == 0) {
        for (; i + 8 <= len; i += 8) *(uint64_t *)(void *)(b + i) = svf_pattern_word((pos + i) / 8, seed);
    }
    for (; i < len; i++) b[i] = pattern_byte(pos + i, seed);
}

size_t svf_pattern_check(const void *buf, size_t len, uint64_t pos, uint32_t seed) {
    const uint8_t *b = buf;
    size_t i = 0;
    while (i < len && ((pos + i) & 7)) {
        if (b[i] != pattern_byte(pos + i, seed)) return i;
        i++;
    }
    if ((((uintptr_t)(b + i)) & 7) == 0) {
        for (; i + 8 <= len; i += 8) {
            if (*(const uint64_t *)(const void *)(b + i) != svf_pattern_word((pos + i) / 8, seed)) break;
        }
    }
    for (; i < len; i++) {
        if (b[i] != pattern_byte(pos + i, seed)) return i;
    }
    return len;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool svf_mac_parse(const char *s, uint8_t mac[6]) {
    if (!s) return false;
    for (int i = 0; i < 6; i++) {
        int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
        if (hi < 0 || lo < 0) return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
        s += 2;
        if (i < 5) {
            if (*s != ':') return false;
            s++;
        }
    }
    return *s == 0;
}

void svf_mac_format(const uint8_t mac[6], char out[18]) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        out[3 * i] = hex[mac[i] >> 4];
        out[3 * i + 1] = hex[mac[i] & 15];
        out[3 * i + 2] = i < 5 ? ':' : 0;
    }
}

void svf_copy(void *dst, const void *src, size_t n) {
#ifndef SV_HOST_TEST
    if (((((uintptr_t)dst) | ((uintptr_t)src) | n) & 7) == 0) {
        /* One instruction for the whole copy: much cheaper than a loop on the interpreter. */
        size_t words = n / 8;
        __asm__ __volatile__("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
        return;
    }
#endif
    sv_memcpy(dst, src, n);
}
