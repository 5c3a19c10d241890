/*
 * splitvisor/arch.h: the few x86-64 instructions the SDK needs, as inline functions.
 *
 * Port I/O, CPUID, interrupt flag control, barriers and atomic bit operations. Everything that
 * needs CPL 0 or a hypervisor is here, so the portable parts of the SDK stay testable as ordinary
 * host programs: built with -DSV_HOST_TEST, the privileged operations become calls to hooks the
 * test provides (sv_test_outb, sv_test_outl) and the interrupt flag becomes a variable.
 */
#ifndef SPLITVISOR_ARCH_H
#define SPLITVISOR_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SV_RFLAGS_IF 0x200ul

/* ---- barriers (x86 is TSO: only store->load needs a fence) ---- */

/* Stops the compiler from moving memory accesses across it. */
static inline void sv_barrier(void) { __asm__ __volatile__("" ::: "memory"); }
/* Orders earlier stores before later stores (a release fence). */
static inline void sv_wmb(void) { __atomic_thread_fence(__ATOMIC_RELEASE); }
/* Orders earlier loads before later loads (an acquire fence). */
static inline void sv_rmb(void) { __atomic_thread_fence(__ATOMIC_ACQUIRE); }
/* A full fence, store->load included. A locked add, not MFENCE (an SSE2 instruction). */
static inline void sv_mb(void) { __asm__ __volatile__("lock; orl $0, (%%rsp)" ::: "memory", "cc"); }

/* ---- atomic bit operations on 64-bit words (single instructions with a LOCK prefix) ---- */

/* Atomically clears bit `bit` of *word; returns whether it was set. */
static inline bool sv_test_and_clear_bit(volatile uint64_t *word, unsigned bit) {
    bool old;
    __asm__ __volatile__("lock; btrq %2, %0" : "+m"(*word), "=@ccc"(old) : "r"((uint64_t)bit) : "memory");
    return old;
}

/* Atomically sets bit `bit` of *word; returns whether it was set. */
static inline bool sv_test_and_set_bit(volatile uint64_t *word, unsigned bit) {
    bool old;
    __asm__ __volatile__("lock; btsq %2, %0" : "+m"(*word), "=@ccc"(old) : "r"((uint64_t)bit) : "memory");
    return old;
}

static inline bool sv_test_bit(const volatile uint64_t *word, unsigned bit) {
    return (__atomic_load_n(word, __ATOMIC_ACQUIRE) >> bit) & 1;
}

#ifndef SV_HOST_TEST

/* ---- port I/O (the hypercall gate, the doorbell and the debug ports) ---- */

static inline void sv_outb(uint16_t port, uint8_t value) {
    __asm__ __volatile__("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}
/* The "memory" clobber makes the OUT a compiler barrier: the hypercall frame is complete before
 * it, and its response is read after it. */
static inline void sv_outl(uint16_t port, uint32_t value) {
    __asm__ __volatile__("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}
static inline uint8_t sv_inb(uint16_t port) {
    uint8_t v;
    __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}

/* ---- interrupt flag ---- */

static inline unsigned long sv_read_rflags(void) {
    unsigned long f;
    __asm__ __volatile__("pushfq; popq %0" : "=r"(f) : : "memory");
    return f;
}
static inline void sv_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void sv_irq_enable(void) { __asm__ __volatile__("sti" ::: "memory"); }
static inline bool sv_irqs_enabled(void) { return (sv_read_rflags() & SV_RFLAGS_IF) != 0; }
/* Disables interrupts and returns the previous RFLAGS for sv_irq_restore. */
static inline unsigned long sv_irq_save(void) {
    unsigned long f;
    __asm__ __volatile__("pushfq; popq %0; cli" : "=r"(f) : : "memory");
    return f;
}
static inline void sv_irq_restore(unsigned long flags) {
    if (flags & SV_RFLAGS_IF) sv_irq_enable();
}

/* ---- misc ---- */

static inline void sv_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
    __asm__ __volatile__("cpuid" : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
                         : "a"(leaf), "c"(subleaf));
}
static inline uint64_t sv_rdtsc(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t sv_read_cr2(void) {
    uint64_t v;
    __asm__ __volatile__("movq %%cr2, %0" : "=r"(v));
    return v;
}
static inline uint64_t sv_read_cr3(void) {
    uint64_t v;
    __asm__ __volatile__("movq %%cr3, %0" : "=r"(v));
    return v;
}
static inline void sv_invlpg(const void *va) { __asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory"); }
static inline void sv_pause(void) { __asm__ __volatile__("pause" ::: "memory"); }
static inline void sv_halt(void) { __asm__ __volatile__("hlt" ::: "memory"); }

#else /* SV_HOST_TEST: hooks the host test supplies */

void sv_test_outb(uint16_t port, uint8_t value);
void sv_test_outl(uint16_t port, uint32_t value);
extern unsigned long sv_test_rflags;
static inline void sv_outb(uint16_t port, uint8_t value) { sv_barrier(); sv_test_outb(port, value); sv_barrier(); }
static inline void sv_outl(uint16_t port, uint32_t value) { sv_barrier(); sv_test_outl(port, value); sv_barrier(); }
static inline unsigned long sv_read_rflags(void) { return sv_test_rflags; }
static inline void sv_irq_disable(void) { sv_test_rflags &= ~SV_RFLAGS_IF; }
static inline void sv_irq_enable(void) { sv_test_rflags |= SV_RFLAGS_IF; }
static inline bool sv_irqs_enabled(void) { return (sv_test_rflags & SV_RFLAGS_IF) != 0; }
static inline unsigned long sv_irq_save(void) { unsigned long f = sv_test_rflags; sv_irq_disable(); return f; }
static inline void sv_irq_restore(unsigned long flags) { if (flags & SV_RFLAGS_IF) sv_irq_enable(); }
static inline void sv_pause(void) { }

#endif /* SV_HOST_TEST */

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_ARCH_H */
