/*
 * splitvisor/cpu.h: descriptor tables and CPU exceptions.
 *
 * The runtime loads its own GDT (code 0x08, data 0x10, a 64-bit TSS at 0x18 whose IST1 stack
 * serves #DF and IST2 stack serves #PF, so a stack overflow still gets a report), and an IDT whose
 * vectors 0-31 print a fault report and end the domain as crashed with exit code
 * SV_EXIT_FAULT_BASE + vector; the upcall vector (SV_UPCALL_VECTOR) enters the event drain.
 */
#ifndef SPLITVISOR_CPU_H
#define SPLITVISOR_CPU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SV_GDT_CODE 0x08
#define SV_GDT_DATA 0x10
#define SV_GDT_TSS 0x18

/* Registers as the exception entry saves them (lowest address first). */
typedef struct sv_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
} sv_regs_t;

/* "page fault", "general protection fault", ... */
const char *sv_exception_name(unsigned vector);
/* "#PF", "#GP", ... */
const char *sv_exception_mnemonic(unsigned vector);

/* Installs GDT, TSS and IDT (the runtime does this first). */
void sv_cpu_setup(void);
/* Installs an interrupt gate (vector >= 32) for a handler written in assembly. */
void sv_idt_set_gate(unsigned vector, void (*entry)(void), unsigned ist);

/* Called by the exception entry; prints the report and ends the domain. */
void sv_fault(sv_regs_t *regs) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_CPU_H */
