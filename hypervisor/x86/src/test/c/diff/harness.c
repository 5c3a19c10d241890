/*
 * Differential-test harness: runs one x86-64 instruction per case on the host CPU and reports the registers,
 * flags, path taken and scratch memory afterwards. Fed batches over stdin, answers over stdout (see
 * DiffProtocol.java for the byte layout). Built and run by DifferentialTest.
 *
 * Fixed addresses (identical in the interpreter's guest):
 *   CODE    0x1000000  trampoline at +0x000, the instruction at +0x100, taken stub at +0x140,
 *                      fall-through stub at +0x180, capture at +0x200
 *   STATE   0x1001000  in regs[16] @0, in flags @128, out regs[16] @136, out flags @264, host rsp @272, path @280
 *   SCRATCH 0x1002000  256 bytes of data and stack the instruction may touch; GS base points here
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include <asm/prctl.h>
#include <sys/syscall.h>

#define CODE 0x1000000UL
#define STATE 0x1001000UL
#define SCRATCH 0x1002000UL
#define SCRATCH_SIZE 256
#define INSN_AT (CODE + 0x100)
#define TAKEN_AT (CODE + 0x140)
#define FALL_AT (CODE + 0x180)
#define CAPTURE_AT (CODE + 0x200)

struct state {
    uint64_t in_regs[16];
    uint64_t in_flags;
    uint64_t out_regs[16];
    uint64_t out_flags;
    uint64_t host_rsp;
    uint64_t path;
};

#pragma pack(push, 1)
struct in_case {
    uint8_t len;
    uint8_t code[15];
    uint64_t regs[16];
    uint64_t flags;
    uint8_t scratch[SCRATCH_SIZE];
};
struct out_case {
    uint8_t signo;
    uint8_t path;
    uint8_t pad[6];
    uint64_t regs[16];
    uint64_t flags;
    uint8_t scratch[SCRATCH_SIZE];
};
#pragma pack(pop)

static sigjmp_buf escape;
static volatile int caught;
static struct out_case *current_out;

static void on_signal(int signo, siginfo_t *info, void *uc_) {
    (void) info;
    ucontext_t *uc = uc_;
    static const int map[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
    for (int i = 0; i < 16; i++) {
        current_out->regs[i] = uc->uc_mcontext.gregs[map[i]];
    }
    current_out->flags = uc->uc_mcontext.gregs[REG_EFL];
    caught = signo;
    siglongjmp(escape, 1);
}

static uint8_t *emit(uint8_t *p, const void *bytes, size_t n) {
    memcpy(p, bytes, n);
    return p + n;
}

/* mov r64, [abs32] and mov [abs32], r64 with REX.W; reg 0..15 */
static uint8_t *load_reg(uint8_t *p, int reg, uint32_t addr) {
    uint8_t b[] = {(uint8_t) (0x48 | (reg >= 8 ? 4 : 0)), 0x8B, (uint8_t) (0x04 | ((reg & 7) << 3)), 0x25};
    p = emit(p, b, 4);
    return emit(p, &addr, 4);
}

static uint8_t *store_reg(uint8_t *p, int reg, uint32_t addr) {
    uint8_t b[] = {(uint8_t) (0x48 | (reg >= 8 ? 4 : 0)), 0x89, (uint8_t) (0x04 | ((reg & 7) << 3)), 0x25};
    p = emit(p, b, 4);
    return emit(p, &addr, 4);
}

static uint8_t *jmp_to(uint8_t *p, uint64_t target) {
    int32_t rel = (int32_t) (target - ((uint64_t) p + 5));
    *p++ = 0xE9;
    return emit(p, &rel, 4);
}

static uint8_t *set_path(uint8_t *p, uint8_t value) {
    uint8_t b[] = {0xC6, 0x04, 0x25, 0, 0, 0, 0, value}; /* mov byte [abs32], imm8 */
    uint32_t a = (uint32_t) (STATE + offsetof(struct state, path));
    memcpy(b + 3, &a, 4);
    return emit(p, b, 8);
}

static void build_code(void) {
    uint8_t *p = (uint8_t *) CODE;
    /* trampoline: save callee-saved registers and rsp, load flags and registers, jump to the instruction */
    uint8_t save[] = {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57}; /* push rbx rbp r12-r15 */
    p = emit(p, save, sizeof save);
    p = store_reg(p, 4, STATE + offsetof(struct state, host_rsp));
    uint8_t mov_rsp[] = {0x48, 0xC7, 0xC4, 0, 0, 0, 0}; /* mov rsp, imm32 */
    uint32_t a = STATE + offsetof(struct state, in_flags);
    memcpy(mov_rsp + 3, &a, 4);
    p = emit(p, mov_rsp, sizeof mov_rsp);
    *p++ = 0x9D; /* popfq */
    for (int r = 0; r < 16; r++) {
        if (r != 4) {
            p = load_reg(p, r, STATE + offsetof(struct state, in_regs) + 8 * r);
        }
    }
    p = load_reg(p, 4, STATE + offsetof(struct state, in_regs) + 8 * 4);
    p = jmp_to(p, INSN_AT);

    p = (uint8_t *) TAKEN_AT;
    p = set_path(p, 1);
    p = jmp_to(p, CAPTURE_AT);
    p = (uint8_t *) FALL_AT;
    p = set_path(p, 0);
    p = jmp_to(p, CAPTURE_AT);

    p = (uint8_t *) CAPTURE_AT;
    p = store_reg(p, 4, STATE + offsetof(struct state, out_regs) + 8 * 4);
    a = STATE + offsetof(struct state, host_rsp);
    memcpy(mov_rsp + 3, &a, 4);
    p = emit(p, mov_rsp, sizeof mov_rsp);
    *p++ = 0x9C; /* pushfq -> out_flags */
    for (int r = 0; r < 16; r++) {
        if (r != 4) {
            p = store_reg(p, r, STATE + offsetof(struct state, out_regs) + 8 * r);
        }
    }
    *p++ = 0xFC; /* cld */
    p = load_reg(p, 4, STATE + offsetof(struct state, host_rsp));
    uint8_t restore[] = {0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0x5D, 0x5B, 0xC3};
    p = emit(p, restore, sizeof restore);
}

static void map_fixed(uint64_t addr, size_t size, int prot) {
    void *p = mmap((void *) addr, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *) addr) {
        fprintf(stderr, "harness: cannot map 0x%lx\n", (unsigned long) addr);
        exit(2);
    }
}

static void read_full(void *buf, size_t n) {
    if (fread(buf, 1, n, stdin) != n) {
        exit(0);
    }
}

int main(void) {
    map_fixed(CODE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);
    map_fixed(STATE, 0x1000, PROT_READ | PROT_WRITE);
    map_fixed(SCRATCH, 0x1000, PROT_READ | PROT_WRITE);
    build_code();
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, SCRATCH) != 0) {
        fprintf(stderr, "harness: cannot set GS base\n");
        return 2;
    }
    uint64_t fs = 0;
    syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);

    static uint8_t altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    int sigs[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        sigaction(sigs[i], &sa, NULL);
    }

    fwrite(&fs, 8, 1, stdout);
    fflush(stdout);

    struct state *st = (struct state *) STATE;
    static struct in_case in[4096];
    static struct out_case out[4096];
    for (;;) {
        uint32_t count;
        read_full(&count, 4);
        if (count == 0 || count > 4096) {
            return 0;
        }
        read_full(in, sizeof(struct in_case) * count);
        for (uint32_t i = 0; i < count; i++) {
            struct in_case *c = &in[i];
            struct out_case *o = &out[i];
            memset(o, 0, sizeof *o);
            uint8_t *p = emit((uint8_t *) INSN_AT, c->code, c->len);
            jmp_to(p, FALL_AT);
            memcpy((void *) SCRATCH, c->scratch, SCRATCH_SIZE);
            memcpy(st->in_regs, c->regs, sizeof c->regs);
            st->in_flags = c->flags;
            st->path = 0xFF;
            current_out = o;
            caught = 0;
            if (sigsetjmp(escape, 1) == 0) {
                ((void (*)(void)) CODE)();
                memcpy(o->regs, st->out_regs, sizeof o->regs);
                o->flags = st->out_flags;
                o->path = (uint8_t) st->path;
            } else {
                __asm__ volatile("cld");
                o->signo = (uint8_t) caught;
                o->path = 0xFF;
            }
            memcpy(o->scratch, (void *) SCRATCH, SCRATCH_SIZE);
        }
        fwrite(out, sizeof(struct out_case), count, stdout);
        fflush(stdout);
    }
}
