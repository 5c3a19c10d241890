/*
 * splitvisor/console.h: the PV console (ABI.md section 8, console ring).
 *
 * Output goes to the console ring's out[] and the console event channel is notified; when the
 * ring is full the writer notifies and blocks until dom0 makes room. Until the console is set up
 * (and when it was never given one), output goes to the debug port 0xE9 instead. The command line
 * word `debugcon` copies all console output to port 0xE9 as well.
 */
#ifndef SPLITVISOR_CONSOLE_H
#define SPLITVISOR_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "splitvisor/abi.h"
#include "splitvisor/printf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Points the console at its ring and event channel. Done by the runtime before main. */
void sv_console_setup(sv_console_ring_t *ring, uint32_t evtchn);

/* Writes len bytes; returns len (output never fails: without a ring it goes to port 0xE9). */
size_t sv_console_write(const char *data, size_t len);
void sv_putc(char c);
/* Writes s and a newline, like puts. */
void sv_puts(const char *s);
/* Writes s as it is. */
void sv_console_puts(const char *s);

/* Waits (at most timeout_ns; 0 means 1 second) until dom0 has consumed every output byte.
 * Returns true when the ring is empty. sv_exit and the fault handler call it. */
bool sv_console_flush(uint64_t timeout_ns);

/* Reads up to cap input bytes without waiting; returns how many. */
size_t sv_console_read(char *buf, size_t cap);
/* Waits for one input byte (at most timeout_ns, 0 = forever); returns it, or -1 on timeout. */
int sv_getc(uint64_t timeout_ns);
/* Reads a line (without its newline, NUL-terminated); returns its length or -1 on timeout. */
int sv_console_readline(char *buf, size_t cap, uint64_t timeout_ns);

/* Mirrors console output to port 0xE9 as well (the `debugcon` command line word sets it). */
void sv_console_mirror_debug(bool on);

/* Writes through port 0xE9 only, for code that cannot trust the ring (the fault handler). */
void sv_console_set_emergency(bool on);

/* The console event channel port, or 0 without a ring. */
uint32_t sv_console_evtchn(void);

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_CONSOLE_H */
