/*
 * crash: a guest that faults on purpose, to show the fault report.
 *
 * By default it reads through a NULL pointer: the SDK's page-fault handler prints the report (the
 * faulting address 0 from CR2, the RIP of the load, the error code in words, the registers) and
 * ends the domain as crashed with exit code 128 + 14 = 142 and the message
 * "page fault at address 0x0 (rip 0x...)".
 *
 * `kind=` picks another fault: null-write, ud (invalid opcode, 128 + 6 = 134), divide (divide error, 128),
 * gp (non-canonical address, 141), stack (a stack overflow onto the guard page, 142), panic
 * (sv_panic: crash with exit code 125), assert (SV_ASSERT: 125).
 */
#include <splitvisor/sdk.h>

/* Through a volatile variable, so the compiler cannot see the NULL and turn the load into a trap. */
static int *volatile null_pointer;
static volatile int zero;

/* Recurses until the stack runs out (the volatile limit hides that from the compiler). */
static volatile int depth_limit = 1 << 30;
static int __attribute__((noinline)) recurse(int depth) {
    volatile char frame[512];
    frame[0] = (char)depth;
    if (depth >= depth_limit) return frame[0];
    return recurse(depth + 1) + frame[0];
}

int main(void) {
    char kind[32] = "null";
    sv_cmdline_get("kind", kind, sizeof kind);
    sv_printf("crash: domain %u will now fault (%s)\n", sv_domid(), kind);

    if (sv_strcmp(kind, "null") == 0) {
        int value = *null_pointer;
        sv_printf("crash: read %d from NULL: the page fault did not happen\n", value);
    } else if (sv_strcmp(kind, "null-write") == 0) {
        *null_pointer = 42;
    } else if (sv_strcmp(kind, "ud") == 0) {
        __asm__ __volatile__("ud2");
    } else if (sv_strcmp(kind, "divide") == 0) {
        sv_printf("crash: %d\n", 100 / zero);
    } else if (sv_strcmp(kind, "gp") == 0) {
        volatile uint64_t *bad = (volatile uint64_t *)0x8000000000000000ull;
        sv_printf("crash: %lu\n", (unsigned long)*bad);
    } else if (sv_strcmp(kind, "stack") == 0) {
        sv_printf("crash: %d\n", recurse(0));
    } else if (sv_strcmp(kind, "panic") == 0) {
        sv_panic("crash asked to panic (kind=%s)", kind);
    } else if (sv_strcmp(kind, "assert") == 0) {
        SV_ASSERT(zero == 1);
    } else {
        sv_printf("crash: unknown kind=%s\n", kind);
        return 2;
    }
    sv_printf("crash: still alive: the fault was not delivered\n");
    return 1;
}
