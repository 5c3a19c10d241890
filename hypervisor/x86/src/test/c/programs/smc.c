#include "rt.h"
/* Self-modifying code: generate a function, run it, patch its immediate, run it again; patch code in a loop. */
typedef uint64_t (*fn)(uint64_t);

static void emit_add(uint8_t *p, uint32_t k) {
    /* lea rax, [rdi + k] ; ret */
    p[0] = 0x48; p[1] = 0x8D; p[2] = 0x87;
    memcpy(p + 3, &k, 4);
    p[7] = 0xC3;
}

int main(void) {
    uint8_t *buf = rt_exec_buffer(4096);
    if (!buf) { rt_puts("no exec buffer"); return 1; }
    emit_add(buf, 5);
    fn f = (fn) (uintptr_t) buf;
    uint64_t a = f(10);
    emit_add(buf, 1000);
    uint64_t b = f(10);
    rt_printf("first %lu, patched %lu\n", a, b);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < 200; i++) {
        buf[3] = (uint8_t) i; /* patch the low immediate byte each time */
        sum += f(i);
    }
    rt_printf("loop sum %lu\n", sum);
    /* a function that rewrites its own immediate: mov eax, imm32 ; inc dword [rip - 9] ; ret */
    uint8_t *g = buf + 64;
    g[0] = 0xB8; g[1] = 7; g[2] = 0; g[3] = 0; g[4] = 0;
    g[5] = 0xFF; g[6] = 0x05; int32_t rel = -(int32_t) (11 - 1);
    memcpy(g + 7, &rel, 4);
    g[11] = 0xC3;
    fn h = (fn) (uintptr_t) g;
    uint64_t c1 = h(0), c2 = h(0), c3 = h(0);
    rt_printf("self-incrementing %lu %lu %lu\n", c1, c2, c3);
    return 0;
}
