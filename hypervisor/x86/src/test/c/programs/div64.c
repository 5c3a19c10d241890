#include "rt.h"
/* 64-bit (and 32/16/8-bit) division edge cases; volatile keeps the divisions real DIV/IDIV instructions. */
static volatile uint64_t uvals[] = {0, 1, 2, 3, 7, 10, 0xFF, 0x100, 0xFFFF, 0x7FFFFFFF, 0x80000000ul, 0xFFFFFFFFul,
                                    0x100000000ul, 0x123456789ABCDEFul, 0x7FFFFFFFFFFFFFFFul, 0x8000000000000000ul,
                                    0xFFFFFFFFFFFFFFFFul, 0xFFFFFFFFFFFFFFFEul, 1000000007ul, 0xDEADBEEFCAFEBABEul};

int main(void) {
    int n = sizeof uvals / sizeof uvals[0];
    uint64_t h = 0, hs = 0, h32 = 0, h8 = 0;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            uint64_t a = uvals[i], b = uvals[j];
            if (b == 0) continue;
            h = h * 1099511628211ul ^ (a / b) ^ (a % b) << 1;
            int64_t sa = (int64_t) a, sb = (int64_t) b;
            if (!(sa == (int64_t) 0x8000000000000000ul && sb == -1)) {
                hs = hs * 1099511628211ul ^ (uint64_t) (sa / sb) ^ (uint64_t) (sa % sb) << 1;
            }
            uint32_t a32 = (uint32_t) a, b32 = (uint32_t) b;
            if (b32) h32 = h32 * 31 + a32 / b32 + (a32 % b32) * 7;
            int32_t s32 = (int32_t) a32, t32 = (int32_t) b32;
            if (t32 && !(s32 == (int32_t) 0x80000000u && t32 == -1)) h32 = h32 * 31 + (uint32_t) (s32 / t32);
            uint8_t a8 = (uint8_t) a, b8 = (uint8_t) b;
            if (b8) h8 = h8 * 31 + a8 / b8 + a8 % b8;
            int16_t s16 = (int16_t) a, t16 = (int16_t) b;
            if (t16 && !(s16 == -32768 && t16 == -1)) h8 = h8 * 31 + (uint16_t) (s16 / t16) + (uint16_t) (s16 % t16);
        }
    }
    rt_printf("unsigned %lx\nsigned %lx\n32-bit %lx\nsmall %lx\n", h, hs, h32, h8);
    unsigned __int128 big = ((unsigned __int128) 0xFFFFFFFFFFFFFFFFul << 64) | 0x123456789ul;
    for (int j = 1; j < n; j++) {
        uint64_t d = uvals[j];
        unsigned __int128 q = big / d;
        h = h * 31 + (uint64_t) q + (uint64_t) (q >> 64) + (uint64_t) (big % d);
    }
    rt_printf("u128 by u64 %lx\n", h);
    int64_t m = -7;
    rt_printf("-7/2=%ld -7%%2=%ld 7/-2=%ld 7%%-2=%ld\n", m / 2, m % 2, -m / -2, -m % -2);
    return (int) (h & 0x3F);
}
