/* Spins forever (for pause, unpause and destroy tests), counting in memory. */
#include "rt.h"

volatile uint64_t spins;

int main(void) {
    rt_print("spinning\n");
    for (;;) {
        spins++;
    }
}
