#include "rt.h"
static uint64_t ackermann(uint64_t m, uint64_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static int depth(int n, volatile char *trail) {
    char local[24];
    local[0] = (char) n;
    trail[n & 15] = local[0];
    return n == 0 ? 0 : 1 + depth(n - 1, trail) + (local[0] != (char) n);
}

static int is_even(unsigned n);
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }

static uint64_t fib(int n) { return n < 2 ? (uint64_t) n : fib(n - 1) + fib(n - 2); }

typedef uint64_t (*op_fn)(uint64_t, uint64_t);
static uint64_t op_add(uint64_t a, uint64_t b) { return a + b; }
static uint64_t op_mul(uint64_t a, uint64_t b) { return a * b; }
static uint64_t op_xor(uint64_t a, uint64_t b) { return a ^ (b << 7); }

static uint64_t hanoi(int n, int from, int to, int via, uint64_t *moves) {
    if (n == 0) return 0;
    uint64_t left = hanoi(n - 1, from, via, to, moves);
    *moves = *moves * 3 + (uint64_t) (from * 10 + to);
    return left + 1 + hanoi(n - 1, via, to, from, moves);
}

int main(void) {
    rt_printf("ackermann(2,300) = %lu\n", ackermann(2, 300));
    rt_printf("ackermann(3,5) = %lu\n", ackermann(3, 5));
    volatile char trail[16];
    rt_printf("depth(20000) = %d\n", depth(20000, trail));
    rt_printf("is_even(5001) = %d\n", is_even(5001));
    rt_printf("fib(22) = %lu\n", fib(22));
    op_fn ops[3] = {op_add, op_mul, op_xor};
    uint64_t acc = 1;
    for (int i = 0; i < 3000; i++) acc = ops[i % 3](acc, (uint64_t) i + 3);
    rt_printf("function pointers = %lx\n", acc);
    uint64_t moves = 0;
    uint64_t count = hanoi(14, 1, 3, 2, &moves);
    rt_printf("hanoi(14) = %lu moves, trace %lx\n", count, moves);
    return 0;
}
