#include "rt.h"
#include <stdarg.h>

void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--) *d++ = *s++;
    } else {
        while (n--) d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--) *d++ = (unsigned char) c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int strcmp(const char *a, const char *b) {
    while (*a && *a == *b) { a++; b++; }
    return (unsigned char) *a - (unsigned char) *b;
}

char *strcpy(char *d, const char *s) {
    char *r = d;
    while ((*d++ = *s++)) {}
    return r;
}

void rt_puts(const char *s) {
    rt_write(s, strlen(s));
    rt_write("\n", 1);
}

struct out { char *buf; size_t size, len; };

static void put(struct out *o, char c) {
    if (o->buf) {
        if (o->len + 1 < o->size) o->buf[o->len] = c;
    } else {
        rt_write(&c, 1);
    }
    o->len++;
}

static void put_num(struct out *o, uint64_t v, int base, int neg, int width, char pad, int upper) {
    char tmp[32];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do { tmp[n++] = digits[v % base]; v /= base; } while (v);
    if (neg) tmp[n++] = '-';
    while (n < width) { put(o, pad); width--; }
    while (n) put(o, tmp[--n]);
}

static int format(struct out *o, const char *fmt, va_list ap) {
    for (; *fmt; fmt++) {
        if (*fmt != '%') { put(o, *fmt); continue; }
        fmt++;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') { longs++; fmt++; }
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(o, v < 0 ? -(uint64_t) v : (uint64_t) v, 10, v < 0, width, pad, 0);
            break;
        }
        case 'u': put_num(o, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, 0, width, pad, 0); break;
        case 'x': put_num(o, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, 0, width, pad, 0); break;
        case 'X': put_num(o, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, 0, width, pad, 1); break;
        case 'p': put(o, '0'); put(o, 'x'); put_num(o, (uint64_t) va_arg(ap, void *), 16, 0, width, pad, 0); break;
        case 'c': put(o, (char) va_arg(ap, int)); break;
        case 's': { const char *s = va_arg(ap, const char *); while (*s) put(o, *s++); break; }
        case '%': put(o, '%'); break;
        default: put(o, '?'); break;
        }
    }
    return (int) o->len;
}

int rt_printf(const char *fmt, ...) {
    struct out o = {0, 0, 0};
    va_list ap;
    va_start(ap, fmt);
    int n = format(&o, fmt, ap);
    va_end(ap);
    return n;
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...) {
    struct out o = {buf, size, 0};
    va_list ap;
    va_start(ap, fmt);
    int n = format(&o, fmt, ap);
    va_end(ap);
    if (size) buf[o.len < size ? o.len : size - 1] = 0;
    return n;
}

/* setjmp/longjmp: callee-saved registers, stack pointer and return address */
__asm__(
    ".text\n.globl rt_setjmp\n.type rt_setjmp,@function\nrt_setjmp:\n"
    "  mov %rbx, 0(%rdi)\n  mov %rbp, 8(%rdi)\n  mov %r12, 16(%rdi)\n  mov %r13, 24(%rdi)\n"
    "  mov %r14, 32(%rdi)\n  mov %r15, 40(%rdi)\n  lea 8(%rsp), %rdx\n  mov %rdx, 48(%rdi)\n"
    "  mov (%rsp), %rdx\n  mov %rdx, 56(%rdi)\n  xor %eax, %eax\n  ret\n"
    ".globl rt_longjmp\n.type rt_longjmp,@function\nrt_longjmp:\n"
    "  mov %esi, %eax\n  test %eax, %eax\n  jnz 1f\n  inc %eax\n1:\n"
    "  mov 0(%rdi), %rbx\n  mov 8(%rdi), %rbp\n  mov 16(%rdi), %r12\n  mov 24(%rdi), %r13\n"
    "  mov 32(%rdi), %r14\n  mov 40(%rdi), %r15\n  mov 48(%rdi), %rsp\n  jmp *56(%rdi)\n");

/* 128-bit division for gcc's __int128 (libgcc's versions use SSE registers, which guests must not touch). */
typedef unsigned __int128 rt_u128;
typedef __int128 rt_s128;

static rt_u128 udivmod128(rt_u128 n, rt_u128 d, rt_u128 *rem) {
    if (d == 0) {
        volatile unsigned zero = 0;
        return 1 / zero; /* divide error, as the hardware would raise */
    }
    rt_u128 q = 0, r = 0;
    for (int i = 127; i >= 0; i--) {
        r = r << 1 | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= (rt_u128) 1 << i;
        }
    }
    if (rem) *rem = r;
    return q;
}

rt_u128 __udivti3(rt_u128 n, rt_u128 d) { return udivmod128(n, d, 0); }

rt_u128 __umodti3(rt_u128 n, rt_u128 d) {
    rt_u128 r;
    udivmod128(n, d, &r);
    return r;
}

rt_s128 __divti3(rt_s128 n, rt_s128 d) {
    int neg = (n < 0) != (d < 0);
    rt_u128 q = udivmod128(n < 0 ? -(rt_u128) n : (rt_u128) n, d < 0 ? -(rt_u128) d : (rt_u128) d, 0);
    return neg ? -(rt_s128) q : (rt_s128) q;
}

rt_s128 __modti3(rt_s128 n, rt_s128 d) {
    rt_u128 r;
    udivmod128(n < 0 ? -(rt_u128) n : (rt_u128) n, d < 0 ? -(rt_u128) d : (rt_u128) d, &r);
    return n < 0 ? -(rt_s128) r : (rt_s128) r;
}

rt_u128 __udivmodti4(rt_u128 n, rt_u128 d, rt_u128 *rem) { return udivmod128(n, d, rem); }
