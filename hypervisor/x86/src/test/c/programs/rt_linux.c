/* Linux flavour: the same programs as static processes, output through write(2). */
#include "rt.h"

int main(void);

__asm__(".text\n.globl _start\n_start:\n  and $-16, %rsp\n  call main\n  mov %eax, %edi\n  call rt_exit\n");

static long sys3(long n, long a, long b, long c) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

static long sys6(long n, long a, long b, long c, long d, long e, long f) {
    long r;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return r;
}

void rt_write(const char *s, size_t n) {
#ifdef RT_QUIET
    (void) s;
    (void) n;
#else
    while (n) {
        long w = sys3(1, 1, (long) s, (long) n);
        if (w <= 0) break;
        s += w;
        n -= w;
    }
#endif
}

void rt_exit(int code) {
    sys3(231, code, 0, 0);
    for (;;) {}
}

void *rt_exec_buffer(size_t size) {
    long p = sys6(9, 0, (long) size, 7 /* RWX */, 0x22 /* private anonymous */, -1, 0);
    return p < 0 && p > -4096 ? 0 : (void *) p;
}

uint64_t rt_clock_ns(void) {
    struct { long sec, nsec; } ts;
    sys3(228, 1 /* CLOCK_MONOTONIC */, (long) &ts, 0);
    return (uint64_t) ts.sec * 1000000000ul + (uint64_t) ts.nsec;
}

void rt_bench_report(uint64_t ns) {
    char buf[40];
    int n = rt_snprintf(buf, sizeof buf, "bench-ns=%lu\n", ns);
    sys3(1, 2, (long) buf, n);
}
