/*
 * What the privileged parts of splitvisor/arch.h turn into in host tests (SV_HOST_TEST): port
 * writes are recorded, the interrupt flag is a variable.
 */
#include <stdint.h>

#include "host_stubs.h"

unsigned long sv_test_rflags = 0x202; /* IF set */
uint32_t sv_test_doorbells[SV_TEST_MAX_RECORDED];
unsigned sv_test_doorbell_count;
void (*sv_test_doorbell_hook)(uint32_t port);
char sv_test_debug_out[65536];
unsigned sv_test_debug_len;

void sv_test_outb(uint16_t port, uint8_t value) {
    if (port == 0xE9 && sv_test_debug_len < sizeof sv_test_debug_out - 1) {
        sv_test_debug_out[sv_test_debug_len++] = (char)value;
        sv_test_debug_out[sv_test_debug_len] = 0;
    }
}

void sv_test_outl(uint16_t port, uint32_t value) {
    if (port == 0x504) {
        if (sv_test_doorbell_count < SV_TEST_MAX_RECORDED) sv_test_doorbells[sv_test_doorbell_count] = value;
        sv_test_doorbell_count++;
        if (sv_test_doorbell_hook) sv_test_doorbell_hook(value);
    }
}
