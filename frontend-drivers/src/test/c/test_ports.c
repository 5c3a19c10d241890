/*
 * The host tests' port bus; see test_ports.h.
 */
#include "test_ports.h"

#include <stddef.h>

#include "svfront/portio.h"

#define MAX_MODELS 4

static struct {
    void *model;
    test_port_in_fn in;
    test_port_out_fn out;
} models[MAX_MODELS];
static unsigned attached;
unsigned test_ports_stray;

void test_ports_reset(void) {
    attached = 0;
    test_ports_stray = 0;
}

void test_ports_attach(void *model, test_port_in_fn in, test_port_out_fn out) {
    if (attached < MAX_MODELS) models[attached++] = (typeof(models[0])){model, in, out};
}

uint32_t svf_test_port_in(uint16_t port, unsigned size) {
    uint32_t v;
    for (unsigned i = 0; i < attached; i++)
        if (models[i].in(models[i].model, port, size, &v)) return v;
    test_ports_stray++;
    return size == 1 ? 0xFFu : size == 2 ? 0xFFFFu : 0xFFFFFFFFu;
}

void svf_test_port_out(uint16_t port, unsigned size, uint32_t value) {
    for (unsigned i = 0; i < attached; i++)
        if (models[i].out(models[i].model, port, size, value)) return;
    test_ports_stray++;
}
