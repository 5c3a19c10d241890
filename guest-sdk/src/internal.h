/*
 * Private declarations shared by the SDK's sources.
 */
#ifndef SV_INTERNAL_H
#define SV_INTERNAL_H

#include <stdint.h>

#include "splitvisor/runtime.h"

/* Linker-script symbols. */
extern char __image_start[];
extern char __text_start[];
extern char __text_end[];
extern char __image_end[];
extern char __bss_start[];
extern char __bss_end[];
extern char sv_boot_stack_bottom[];
extern char sv_boot_stack_top[];
extern char sv_stack_guard[];

/* Entry points in entry.S. */
extern void (*const sv_exception_entries[32])(void);
void sv_upcall_entry(void);

/* Ends the domain before (or without) the normal runtime: port 0xE9 message, then shutdown
 * through the hypercall when possible, else the debug-exit port. */
SV_NORETURN void sv_early_fail(int code, const char *msg);

/* Ends the domain with reason and message (no console flush). */
SV_NORETURN void sv_shutdown(int reason, int code, const char *msg);

/* The time module's timer state, for sv_wait. */
int sv_timer_arm_if_needed(uint64_t deadline_ns);
uint64_t sv_timer_armed(void);

/* Memory setup from start info. */
void sv_mm_setup(const sv_start_info_t *si);

/* Write raw bytes to port 0xE9. */
void sv_debug_write(const char *s, size_t n);

#endif /* SV_INTERNAL_H */
