/* Prints through both consoles, checks the version call and CPUID, exits 7. */
#include "rt.h"

int main(void) {
    rt_debug("debug port says hi\n");
    rt_print("hello from the core test guest\n");
    sv_version_request_t vq;
    sv_version_response_t vr;
    sv_version_request_init(&vq);
    rt_print_num("version status ", sv_hc_version(&vq, &vr));
    rt_print_num("abi major ", vr.abi_major);
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(SV_CPUID_LEAF_SIGNATURE), "c"(0));
    rt_print(b == SV_CPUID_SIGNATURE_EBX && c == SV_CPUID_SIGNATURE_ECX && d == SV_CPUID_SIGNATURE_EDX
             ? "signature ok\n" : "signature bad\n");
    rt_print_num("domid ", rt_si.domid);
    rt_print(rt_si.cmdline);
    rt_print("\n");
    return 7;
}
