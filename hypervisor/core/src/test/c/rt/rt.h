/* A minimal runtime for the hypervisor core's test guests (the real one is the guest SDK). */
#ifndef RT_H
#define RT_H
#include "splitvisor/abi.h"

extern sv_start_info_t rt_si;
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int main(void);
void rt_debug(const char *s);
void rt_print(const char *s);
void rt_print_num(const char *label, long value);
void rt_exit(int code) __attribute__((noreturn));
int rt_raw_hypercall(uint64_t frame_gpa);

static inline void rt_outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory"); }
static inline void rt_outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory"); }
static inline uint8_t rt_inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory"); return v; }
static inline uint16_t rt_inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory"); return v; }
static inline void rt_outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory"); }
#endif
