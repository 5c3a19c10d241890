/*
 * hello: the smallest guest. Prints a greeting with its domain id and exits with 0.
 */
#include <splitvisor/sdk.h>

int main(void) {
    const sv_start_info_t *si = sv_start_info();
    sv_printf("Hello from domain %u\n", si->domid);
    sv_printf("hello: name \"%s\", %lu MiB, cmdline \"%s\", ABI %u.%u\n", si->name,
              (unsigned long)(si->memory_bytes >> 20), si->cmdline, sv_hypervisor_version()->abi_major,
              sv_hypervisor_version()->abi_minor);
    return 0;
}
