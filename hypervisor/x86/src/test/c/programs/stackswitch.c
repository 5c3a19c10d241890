#include "rt.h"
/* setjmp/longjmp error unwinding and coroutines that switch between their own stacks. */
static rt_jmp_buf env;
static int unwinds;

static int parse(const char *s, int depth) {
    if (depth > 50) rt_longjmp(env, depth);
    if (*s == 0) return 0;
    if (*s == '!') rt_longjmp(env, 1000 + depth);
    return (*s - '0') + parse(s + 1, depth + 1);
}

struct ctx { uint64_t rsp; };
/* switch_to(save, next): save callee-saved regs on this stack, store rsp, load next rsp, restore, return */
void switch_to(struct ctx *save, struct ctx *next);
__asm__(".text\n.globl switch_to\nswitch_to:\n"
        "  push %rbp\n  push %rbx\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  mov %rsp, (%rdi)\n  mov (%rsi), %rsp\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbx\n  pop %rbp\n  ret\n");

static struct ctx main_ctx, co_ctx[3];
static uint64_t co_stack[3][2048] __attribute__((aligned(16)));
static uint64_t shared_value;
static int current;

static void yield_to(int next) {
    int me = current;
    current = next;
    switch_to(me < 0 ? &main_ctx : &co_ctx[me], next < 0 ? &main_ctx : &co_ctx[next]);
}

static void coroutine_body(void) {
    int me = current;
    for (int round = 0; round < 5; round++) {
        shared_value = shared_value * 31 + (uint64_t) (me * 100 + round);
        yield_to(me == 2 ? -1 : me + 1);
    }
    for (;;) yield_to(-1);
}

static void start(int i) {
    uint64_t *top = &co_stack[i][2048];
    *--top = 0;                       /* alignment slot */
    *--top = (uint64_t) coroutine_body; /* return address for switch_to's ret */
    for (int k = 0; k < 6; k++) *--top = 0; /* rbp rbx r12 r13 r14 r15 */
    co_ctx[i].rsp = (uint64_t) top;
}

int main(void) {
    const char *inputs[] = {"12345", "98!76", "1111111111111111111111111111111111111111111111111111111111", "0"};
    for (int i = 0; i < 4; i++) {
        int r = rt_setjmp(env);
        if (r == 0) {
            rt_printf("parse(%s) = %d\n", inputs[i], parse(inputs[i], 0));
        } else {
            unwinds++;
            rt_printf("parse(%s) unwound with %d\n", inputs[i], r);
        }
    }
    rt_printf("unwinds = %d\n", unwinds);
    for (int i = 0; i < 3; i++) start(i);
    current = -1;
    for (int round = 0; round < 5; round++) yield_to(0);
    rt_printf("coroutines = %lx\n", shared_value);
    return unwinds;
}
