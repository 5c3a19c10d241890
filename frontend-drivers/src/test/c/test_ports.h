/*
 * The port bus of the drivers' host tests: the SV_HOST_TEST hooks of svfront/portio.h route each
 * access to the register models attached here. A port no model claims reads as all ones (a
 * floating ISA bus) and is counted in test_ports_stray.
 */
#ifndef SVF_TEST_PORTS_H
#define SVF_TEST_PORTS_H

#include <stdbool.h>
#include <stdint.h>

typedef bool (*test_port_in_fn)(void *model, uint16_t port, unsigned size, uint32_t *value);
typedef bool (*test_port_out_fn)(void *model, uint16_t port, unsigned size, uint32_t value);

extern unsigned test_ports_stray;

/* Detaches every model and zeroes the stray count. */
void test_ports_reset(void);
void test_ports_attach(void *model, test_port_in_fn in, test_port_out_fn out);

#endif
