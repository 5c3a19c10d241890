/* Benchmark driver: runs a test program REPEAT times with console output switched off (built with
 * -Dmain=program_main -DRT_QUIET -DREPEAT=n together with the program and the runtime). */
#include "rt.h"
#undef main
int program_main(void);

int main(void) {
    int r = 0;
    uint64_t t0 = rt_clock_ns();
    for (int i = 0; i < REPEAT; i++) {
        r += program_main();
    }
    rt_bench_report(rt_clock_ns() - t0);
    return r & 0x7F;
}
