#include "rt.h"
/* A small stack-machine interpreter: a switch dispatcher (jump tables at -O2) running programs that are
 * assembled at run time with labels. */
enum { PUSH, LOAD, STORE, ADD, SUB, MUL, DIVM, MOD, LT, EQ, JMP, JZ, PRINT, HALT, DUP, SWAP, CALL, RET, NOPS };

static int64_t run(const int64_t *code, int64_t *vars) {
    int64_t stack[256], *sp = stack;
    int64_t rstack[64], *rp = rstack;
    int64_t steps = 0;
    for (int pc = 0;;) {
        steps++;
        int64_t op = code[pc++];
        switch (op) {
        case PUSH: *sp++ = code[pc++]; break;
        case LOAD: *sp++ = vars[code[pc++]]; break;
        case STORE: vars[code[pc++]] = *--sp; break;
        case ADD: sp--; sp[-1] += sp[0]; break;
        case SUB: sp--; sp[-1] -= sp[0]; break;
        case MUL: sp--; sp[-1] *= sp[0]; break;
        case DIVM: sp--; sp[-1] /= sp[0]; break;
        case MOD: sp--; sp[-1] %= sp[0]; break;
        case LT: sp--; sp[-1] = sp[-1] < sp[0]; break;
        case EQ: sp--; sp[-1] = sp[-1] == sp[0]; break;
        case JMP: pc = (int) code[pc]; break;
        case JZ: if (*--sp == 0) pc = (int) code[pc]; else pc++; break;
        case PRINT: rt_printf("vm: %ld\n", *--sp); break;
        case DUP: sp[0] = sp[-1]; sp++; break;
        case SWAP: { int64_t t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; break; }
        case CALL: *rp++ = pc + 1; pc = (int) code[pc]; break;
        case RET: pc = (int) *--rp; break;
        case HALT: return steps;
        default: rt_printf("bad op %ld\n", op); return -1;
        }
    }
}

/* a tiny assembler: labels are resolved in a second pass */
static int64_t code[512];
static int pc, labels[32], fixups[64][2], nfix;
static void e(int64_t v) { code[pc++] = v; }
static void e2(int64_t op, int64_t arg) { e(op); e(arg); }
static void label(int l) { labels[l] = pc; }
static void jump(int64_t op, int l) { e(op); fixups[nfix][0] = pc; fixups[nfix++][1] = l; e(0); }
static void link(void) { for (int i = 0; i < nfix; i++) code[fixups[i][0]] = labels[fixups[i][1]]; nfix = 0; }

int main(void) {
    /* count primes below 4000 by trial division: v0 = n, v1 = d, v2 = count, v3 = isprime */
    enum { OUTER, INNER, NOTPRIME, NEXT, END };
    pc = 0;
    e2(PUSH, 2); e2(STORE, 0); e2(PUSH, 0); e2(STORE, 2);
    label(OUTER); e2(LOAD, 0); e2(PUSH, 4000); e(LT); jump(JZ, END);
    e2(PUSH, 1); e2(STORE, 3); e2(PUSH, 2); e2(STORE, 1);
    label(INNER); e2(LOAD, 0); e2(LOAD, 1); e(DUP); e(MUL); e(LT); e2(PUSH, 0); e(EQ); jump(JZ, NEXT);
    e2(LOAD, 0); e2(LOAD, 1); e(MOD); jump(JZ, NOTPRIME);
    e2(LOAD, 1); e2(PUSH, 1); e(ADD); e2(STORE, 1); jump(JMP, INNER);
    label(NOTPRIME); e2(PUSH, 0); e2(STORE, 3);
    label(NEXT); e2(LOAD, 2); e2(LOAD, 3); e(ADD); e2(STORE, 2); e2(LOAD, 0); e2(PUSH, 1); e(ADD); e2(STORE, 0);
    jump(JMP, OUTER);
    label(END); e2(LOAD, 2); e(PRINT); e(HALT);
    link();
    int64_t vars[8] = {0};
    rt_printf("primes steps %ld\n", run(code, vars));

    /* factorial and a sum via a subroutine: v0 = i, v1 = acc */
    enum { LOOP, DONE, TIMES };
    pc = 0;
    e2(PUSH, 1); e2(STORE, 1); e2(PUSH, 20); e2(STORE, 0);
    label(LOOP); e2(LOAD, 0); jump(JZ, DONE); jump(CALL, TIMES);
    e2(LOAD, 0); e2(PUSH, 1); e(SUB); e2(STORE, 0); jump(JMP, LOOP);
    label(DONE); e2(LOAD, 1); e(PRINT); e2(LOAD, 1); e2(PUSH, 1000003); e(MOD); e(PRINT); e(HALT);
    label(TIMES); e2(LOAD, 1); e2(LOAD, 0); e(MUL); e2(STORE, 1); e(RET);
    link();
    int64_t v2[4] = {0};
    rt_printf("fact steps %ld\n", run(code, v2));
    return 0;
}
