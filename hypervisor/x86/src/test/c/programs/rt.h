/* The tiny runtime the test programs use; the same sources build as guests and as Linux programs. */
#ifndef RT_H
#define RT_H
typedef unsigned long size_t;
typedef unsigned long uint64_t;
typedef long int64_t;
typedef unsigned int uint32_t;
typedef int int32_t;
typedef unsigned short uint16_t;
typedef short int16_t;
typedef unsigned char uint8_t;
typedef unsigned long uintptr_t;

/* provided by rt_guest.c or rt_linux.c */
void rt_write(const char *s, size_t n);
void rt_exit(int code) __attribute__((noreturn));
/* monotonic nanoseconds (0 on the guest, which the host times from outside) */
uint64_t rt_clock_ns(void);
/* benchmark driver: report the measured time (Linux: "bench-ns=N" on stderr; guest: nothing) */
void rt_bench_report(uint64_t ns);
/* a 4 KiB-aligned buffer of the given size that may be written and executed */
void *rt_exec_buffer(size_t size);

/* provided by rt.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strcpy(char *d, const char *s);
void rt_puts(const char *s);
int rt_printf(const char *fmt, ...);
int rt_snprintf(char *buf, size_t size, const char *fmt, ...);

typedef struct { uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip; } rt_jmp_buf[1];
int rt_setjmp(rt_jmp_buf env) __attribute__((returns_twice));
void rt_longjmp(rt_jmp_buf env, int value) __attribute__((noreturn));
#endif
