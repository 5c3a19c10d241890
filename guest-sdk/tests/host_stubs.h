#ifndef SV_HOST_STUBS_H
#define SV_HOST_STUBS_H

#include <stdint.h>

#define SV_TEST_MAX_RECORDED 4096
extern unsigned long sv_test_rflags;
extern uint32_t sv_test_doorbells[SV_TEST_MAX_RECORDED];
extern unsigned sv_test_doorbell_count;
extern void (*sv_test_doorbell_hook)(uint32_t port);
extern char sv_test_debug_out[65536];
extern unsigned sv_test_debug_len;

void sv_test_outb(uint16_t port, uint8_t value);
void sv_test_outl(uint16_t port, uint32_t value);

#endif
