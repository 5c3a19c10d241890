/*
 * svfront/portio.h: x86 port I/O for the emulated-device drivers (uart16550.h, ata.h, ne2000.h).
 *
 * In a guest these are single IN/OUT instructions (REP INSW/OUTSW for the block moves), each of
 * which is an exit to the hypervisor's device model. Built with -DSV_HOST_TEST (the host tests)
 * every access becomes a call to two hooks the test supplies, so a software model of the device's
 * registers can stand behind them:
 *
 *     uint32_t svf_test_port_in(uint16_t port, unsigned size);              size 1, 2 or 4
 *     void     svf_test_port_out(uint16_t port, unsigned size, uint32_t value);
 *
 * The drivers only use what is here, plus the SDK's string functions and status codes, so they
 * also run outside the SDK's runtime (on bare hardware or under QEMU).
 */
#ifndef SVFRONT_PORTIO_H
#define SVFRONT_PORTIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef SV_HOST_TEST

static inline uint8_t svf_inb(uint16_t port) {
    uint8_t v;
    __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}
static inline uint16_t svf_inw(uint16_t port) {
    uint16_t v;
    __asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}
static inline uint32_t svf_inl(uint16_t port) {
    uint32_t v;
    __asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}
static inline void svf_outb(uint16_t port, uint8_t v) {
    __asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
static inline void svf_outw(uint16_t port, uint16_t v) {
    __asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
static inline void svf_outl(uint16_t port, uint32_t v) {
    __asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
/* REP INSW: count 16-bit words from port into buf (any alignment). */
static inline void svf_insw(uint16_t port, void *buf, size_t count) {
    __asm__ __volatile__("cld; rep insw" : "+D"(buf), "+c"(count) : "d"(port) : "memory");
}
/* REP OUTSW: count 16-bit words from buf to port. */
static inline void svf_outsw(uint16_t port, const void *buf, size_t count) {
    __asm__ __volatile__("cld; rep outsw" : "+S"(buf), "+c"(count) : "d"(port) : "memory");
}

#else /* SV_HOST_TEST */

uint32_t svf_test_port_in(uint16_t port, unsigned size);
void svf_test_port_out(uint16_t port, unsigned size, uint32_t value);

static inline uint8_t svf_inb(uint16_t port) { return (uint8_t)svf_test_port_in(port, 1); }
static inline uint16_t svf_inw(uint16_t port) { return (uint16_t)svf_test_port_in(port, 2); }
static inline uint32_t svf_inl(uint16_t port) { return svf_test_port_in(port, 4); }
static inline void svf_outb(uint16_t port, uint8_t v) { svf_test_port_out(port, 1, v); }
static inline void svf_outw(uint16_t port, uint16_t v) { svf_test_port_out(port, 2, v); }
static inline void svf_outl(uint16_t port, uint32_t v) { svf_test_port_out(port, 4, v); }
static inline void svf_insw(uint16_t port, void *buf, size_t count) {
    uint8_t *b = buf;
    for (size_t i = 0; i < count; i++) {
        uint16_t w = svf_inw(port);
        b[2 * i] = (uint8_t)w;
        b[2 * i + 1] = (uint8_t)(w >> 8);
    }
}
static inline void svf_outsw(uint16_t port, const void *buf, size_t count) {
    const uint8_t *b = buf;
    for (size_t i = 0; i < count; i++) svf_outw(port, (uint16_t)(b[2 * i] | b[2 * i + 1] << 8));
}

#endif /* SV_HOST_TEST */

/* A monotonic clock in nanoseconds for the drivers' timeouts (sv_time_ns in a Splitvisor guest).
 * NULL in a driver's configuration means "count polls instead" (see each driver). */
typedef uint64_t (*svf_clock_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_PORTIO_H */
