/* A small stack-machine interpreter: bytecode with jumps, calls and a dispatch loop (the kind of
   indirect-branch-heavy code a translator must handle well). */
#include <stdint.h>
#include <stdio.h>

enum { PUSH, ADD, SUB, MUL, MOD, DUP, SWAP, DROP, JZ, JMP, LT, CALL, RET, PRINT, HALT, LOAD, STORE, OVER };

static int32_t run(const int32_t *code, int trace_prints)
{
    int32_t stack[256], mem[16] = {0};
    int rstack[64];
    int sp = 0, rsp = 0, pc = 0, prints = 0;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case ADD: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] + (uint32_t)stack[sp]); break;
        case SUB: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] - (uint32_t)stack[sp]); break;
        case MUL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] * (uint32_t)stack[sp]); break;
        case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OVER: stack[sp] = stack[sp - 2]; sp++; break;
        case SWAP: { int32_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case DROP: sp--; break;
        case JZ: { int32_t t = code[pc++]; if (stack[--sp] == 0) pc = t; break; }
        case JMP: pc = code[pc]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case CALL: rstack[rsp++] = pc + 1; pc = code[pc]; break;
        case RET: pc = rstack[--rsp]; break;
        case LOAD: stack[sp - 1] = mem[stack[sp - 1]]; break;
        case STORE: sp -= 2; mem[stack[sp + 1]] = stack[sp]; break;
        case PRINT: if (prints++ < trace_prints) printf("vm: %d\n", stack[sp - 1]); sp--; break;
        case HALT: return sp ? stack[sp - 1] : 0;
        default: printf("bad op %d\n", op); return -1;
        }
    }
}

int main(void)
{
    /* sum of i*i mod 7 for i in [0, 40000), printing every partial sum for the first few. */
    const int32_t prog[] = {
        /* 0 */ PUSH, 0, PUSH, 0, STORE,            /* mem[0] = acc = 0 */
        /* 5 */ PUSH, 0,                            /* i */
        /* 7 */ DUP, PUSH, 40000, LT, JZ, 33,      /* while i < N */
        /* 13 */ DUP, CALL, 36,                     /* f(i) */
        /* 16 */ PUSH, 0, LOAD, ADD, DUP, PRINT,    /* acc += f(i); print */
        /* 22 */ PUSH, 0, STORE,
        /* 25 */ PUSH, 1, ADD, JMP, 7,
        /* 30 */ HALT, HALT, HALT,
        /* 33 */ PUSH, 0, LOAD,                     /* result */
    };
    int32_t code[64];
    int n = 0;
    for (unsigned i = 0; i < sizeof prog / sizeof prog[0]; i++) code[n++] = prog[i];
    code[n++] = HALT;                               /* 36: ends the main program */
    code[15] = 37;                                  /* f lives at 37 */
    const int32_t f[] = {DUP, MUL, PUSH, 7, MOD, RET};
    for (unsigned i = 0; i < sizeof f / sizeof f[0]; i++) code[n++] = f[i];
    printf("result %d\n", run(code, 5));

    /* Iterative Fibonacci mod 1e9+7 as a second program. */
    const int32_t fibp[] = {PUSH, 0, PUSH, 1, PUSH, 0,           /* a b i */
                            DUP, PUSH, 100000, LT, JZ, 30,       /* 6: while i < N */
                            PUSH, 1, ADD, PUSH, 2, STORE,        /* 12: mem[2] = i+1 */
                            SWAP, OVER, ADD, PUSH, 1000000007, MOD, /* 18: a b -> b (a+b)%M */
                            PUSH, 2, LOAD, JMP, 6, HALT,          /* 24 */
                            /* 30 */ DROP, HALT};
    printf("fib %d\n", run(fibp, 0));
    return 0;
}
