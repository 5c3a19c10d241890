/*
 * splitvisor/runtime.h: the guest's start, its start info, its command line and how it ends.
 *
 * A guest defines `int main(void)`. The SDK's boot code (crt0.o) switches to the SDK's stack,
 * decodes the start info, installs the IDT, initialises the console, event channels, memory and
 * grants, enables interrupts and calls main. Returning from main is sv_exit(its value).
 */
#ifndef SPLITVISOR_RUNTIME_H
#define SPLITVISOR_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "splitvisor/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SV_NORETURN __attribute__((noreturn))

/* ---- exit codes ---- */
#define SV_EXIT_SUCCESS       0    /* main returned 0 */
#define SV_EXIT_FAILURE       1    /* the usual failure */
#define SV_EXIT_BAD_START   120    /* the start-info page is missing or does not decode */
#define SV_EXIT_ABI_MISMATCH 121   /* the hypervisor speaks another ABI major version */
#define SV_EXIT_NOT_SPLITVISOR 122 /* no "SplitvisorPV" CPUID signature */
#define SV_EXIT_OUT_OF_MEMORY 123  /* sv_malloc_or_die and friends */
#define SV_EXIT_PANIC       125    /* sv_panic, sv_crash, SV_ASSERT */
#define SV_EXIT_FAULT_BASE  128    /* a CPU exception ends the domain with 128 + vector */

/* The guest's entry point, defined by the guest program. */
int main(void);

/* The decoded start info (valid from before main until the end). */
const sv_start_info_t *sv_start_info(void);
static inline uint32_t sv_domid(void) { return sv_start_info()->domid; }

/* "/local/domain/<domid>", the domain's home in the store. */
const char *sv_home_path(void);

/* The command line, and its `key=value` words: a bare `key` counts as "1". */
const char *sv_cmdline(void);
bool sv_cmdline_get(const char *key, char *buf, size_t cap);
/* The value of key as a number (decimal or 0x-hex), or dflt when absent or not a number. */
uint64_t sv_cmdline_get_u64(const char *key, uint64_t dflt);
bool sv_cmdline_has(const char *key);
/* The same over any string (what the three above use). buf may be NULL. */
bool sv_cmdline_lookup(const char *line, const char *key, char *buf, size_t cap);

/* Ends the domain: flushes the console, then SchedShutdown(POWEROFF, code). */
SV_NORETURN void sv_exit(int code);
/* Ends the domain as crashed: SchedShutdown(CRASH, SV_EXIT_PANIC, reason). */
SV_NORETURN void sv_crash(const char *reason);
/* As sv_crash with an explicit exit code. */
SV_NORETURN void sv_crash_code(int exit_code, const char *reason);
/* Prints "panic: <message>" and crashes with that message. */
SV_NORETURN void sv_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define SV_ASSERT(cond)                                                                     \
    do {                                                                                    \
        if (!(cond)) sv_panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);   \
    } while (0)

/* The ABI version and features the hypervisor reported at start (VersionResponse). */
const sv_version_response_t *sv_hypervisor_version(void);
static inline bool sv_has_feature(int feature) {
    return (sv_hypervisor_version()->features >> feature) & 1;
}

/* Writes one byte / a string to the debug port 0xE9 (the domain log, no console needed). */
void sv_debug_putc(char c);
void sv_debug_puts(const char *s);

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_RUNTIME_H */
