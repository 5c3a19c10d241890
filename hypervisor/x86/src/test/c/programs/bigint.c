#include "rt.h"
/* Arbitrary-precision arithmetic in base 1e9 and base 2^32, plus 128-bit integers. */
#define LIMBS 400
typedef struct { int n; uint32_t d[LIMBS]; } big;

static void set(big *a, uint32_t v) { a->n = 1; a->d[0] = v; }

static void mul_small(big *a, uint32_t m) {
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t) a->d[i] * m + carry;
        a->d[i] = (uint32_t) (t % 1000000000u);
        carry = t / 1000000000u;
    }
    while (carry) { a->d[a->n++] = (uint32_t) (carry % 1000000000u); carry /= 1000000000u; }
}

static void add(big *r, const big *a, const big *b) {
    uint32_t carry = 0;
    int n = a->n > b->n ? a->n : b->n;
    for (int i = 0; i < n; i++) {
        uint32_t s = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
        carry = s >= 1000000000u;
        r->d[i] = carry ? s - 1000000000u : s;
    }
    r->n = n;
    if (carry) r->d[r->n++] = 1;
}

static void print(const char *label, const big *a) {
    rt_printf("%s = %u", label, a->d[a->n - 1]);
    for (int i = a->n - 2; i >= 0; i--) rt_printf("%09u", a->d[i]);
    rt_printf(" (%d limbs)\n", a->n);
}

static big x, y, z;

/* base 2^32 multiplication and long division by a small divisor */
static void mul_words(uint32_t *r, const uint32_t *a, int na, const uint32_t *b, int nb) {
    memset(r, 0, (na + nb) * 4);
    for (int i = 0; i < na; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < nb; j++) {
            uint64_t t = (uint64_t) a[i] * b[j] + r[i + j] + carry;
            r[i + j] = (uint32_t) t;
            carry = t >> 32;
        }
        r[i + nb] = (uint32_t) carry;
    }
}

static uint32_t div_words(uint32_t *a, int n, uint32_t d) {
    uint64_t rem = 0;
    for (int i = n - 1; i >= 0; i--) {
        uint64_t cur = rem << 32 | a[i];
        a[i] = (uint32_t) (cur / d);
        rem = cur % d;
    }
    return (uint32_t) rem;
}

int main(void) {
    set(&x, 1);
    for (int i = 0; i < 1000; i++) mul_small(&x, 2);
    print("2^1000", &x);
    set(&x, 1);
    for (uint32_t i = 2; i <= 150; i++) mul_small(&x, i);
    print("150!", &x);
    set(&x, 0); set(&y, 1);
    for (int i = 0; i < 700; i++) { add(&z, &x, &y); x = y; y = z; }
    print("fib(701)", &y);

    uint32_t a[16], b[16], r[32];
    for (int i = 0; i < 16; i++) { a[i] = 0x9E3779B9u * (i + 1); b[i] = 0x7F4A7C15u ^ (i * 0x1234567u); }
    mul_words(r, a, 16, b, 16);
    uint64_t h = 0;
    for (int i = 0; i < 32; i++) h = h * 31 + r[i];
    rt_printf("product hash %lx\n", h);
    uint32_t rem = 0;
    for (int k = 0; k < 10; k++) rem ^= div_words(r, 32, 1000000007u + k);
    rt_printf("division remainders xor %u, top %x\n", rem, r[31]);

    unsigned __int128 p = 1;
    for (int i = 0; i < 30; i++) p = p * 7919 + (unsigned __int128) i;
    unsigned __int128 q = p / 1000000007u, m = p % 1000000007u;
    rt_printf("u128 %lx:%016lx q=%lx:%016lx m=%lu\n", (uint64_t) (p >> 64), (uint64_t) p, (uint64_t) (q >> 64),
              (uint64_t) q, (uint64_t) m);
    __int128 s = -(__int128) p / 3;
    rt_printf("s128 %lx:%016lx\n", (uint64_t) ((unsigned __int128) s >> 64), (uint64_t) s);
    return 0;
}
