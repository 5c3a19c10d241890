/*
 * Makes the fault named on its command line, with no IDT, so the domain ends in a triple fault
 * and the hypervisor's crash report describes it: write-text (text is read-only), exec-data
 * (data is not executable), null (page 0 is not mapped).
 */
#include "rt.h"

static uint8_t data_page[16] = { 0xC3 };   /* a RET, in a no-execute page */

static int is(const char *a, const char *b) {
    while (*a && *a == *b) { a++; b++; }
    return *a == *b;
}

int main(void) {
    rt_print("faulting: ");
    rt_print(rt_si.cmdline);
    rt_print("\n");
    if (is(rt_si.cmdline, "write-text")) {
        *(volatile uint8_t *)(uintptr_t)&main = 0x90;
    } else if (is(rt_si.cmdline, "exec-data")) {
        ((void (*)(void))(uintptr_t)data_page)();
    } else if (is(rt_si.cmdline, "null")) {
        (void)*(volatile uint64_t *)0;
    }
    rt_print("no fault happened\n");
    return 1;
}
