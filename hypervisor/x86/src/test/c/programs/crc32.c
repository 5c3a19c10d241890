#include "rt.h"
static uint32_t table[256];
static uint8_t data[65536];

static void make_table(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc_table(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) c = table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint32_t crc_bitwise(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
    }
    return ~c;
}

static uint16_t crc16_ccitt(const uint8_t *p, size_t n) {
    uint16_t c = 0xFFFF;
    while (n--) {
        c ^= (uint16_t) (*p++ << 8);
        for (int k = 0; k < 8; k++) c = c & 0x8000 ? (uint16_t) ((c << 1) ^ 0x1021) : (uint16_t) (c << 1);
    }
    return c;
}

static uint32_t adler32(const uint8_t *p, size_t n) {
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) { a = (a + p[i]) % 65521; b = (b + a) % 65521; }
    return b << 16 | a;
}

int main(void) {
    make_table();
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof data; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        data[i] = (uint8_t) x;
    }
    rt_printf("crc32(\"123456789\") = %08x\n", crc_table((const uint8_t *) "123456789", 9));
    rt_printf("crc32 table   = %08x\n", crc_table(data, sizeof data));
    rt_printf("crc32 bitwise = %08x\n", crc_bitwise(data, 8192));
    rt_printf("crc16         = %04x\n", crc16_ccitt(data, 8192));
    rt_printf("adler32       = %08x\n", adler32(data, sizeof data));
    return (int) (crc_table(data, 100) & 0x7F);
}
