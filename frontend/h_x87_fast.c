/* The x87 fast path's helpers; see frontend/h_x87_fast.h. Values are
 * computed by the host FPU (frontend/h_x87_host.c) under the guest's
 * control word with exceptions masked, like the generic helpers do; stack
 * checks and TOP/tag updates are the lifter's. */
#include "frontend/h_x87_fast.h"

#include <string.h>

#include "frontend/h_x87.h"
#include "frontend/h_x87_host.h"

#define FSW_EXC 0x003fu
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

static inline uint16_t hcw(const CPUState *env) { return (uint16_t)(env->fp_cw | FSW_EXC); }

/* Exception flags of one host operation, and the condition bits in cmask. */
static void merge(CPUState *env, uint16_t hsw, uint16_t cmask)
{
    env->fp_sw = (uint16_t)((env->fp_sw & ~cmask) | (hsw & cmask));
    uint16_t exc = hsw & FSW_EXC;
    env->fp_sw |= exc;
    if (exc & ~env->fp_cw & FSW_EXC)
        env->fp_sw |= FSW_ES;
}

void h_f80_bin(CPUState *env, uint32_t q)
{
    hx_fold(env);
    long double a, b;
    memcpy(&a, &env->fpr[X87Q_A(q)], 10);
    memcpy(&b, &env->fpr[X87Q_B(q)], 10);
    uint16_t hsw = hx_rr(0xd8c1u | (X87Q_OP(q) << 3), hcw(env), &a, &b);
    memcpy(&env->fpr[X87Q_D(q)], &a, 10);
    merge(env, hsw, FSW_C1);
}

void h_f80_binm(CPUState *env, uint32_t q, uint64_t bits)
{
    hx_fold(env);
    uint8_t m[8];
    memcpy(m, &bits, 8);
    long double a;
    memcpy(&a, &env->fpr[X87Q_A(q)], 10);
    uint16_t hsw = hx_arith_mem(X87Q_OP(q), X87Q_FMT(q), hcw(env), &a, m);
    memcpy(&env->fpr[X87Q_D(q)], &a, 10);
    merge(env, hsw, FSW_C1);
}

void h_f80_un(CPUState *env, uint32_t q)
{
    hx_fold(env);
    long double *d = &env->fpr[X87Q_D(q)], *a = &env->fpr[X87Q_A(q)], t;
    uint16_t se;
    switch (X87Q_OP(q)) {
    case X87U_SQRT:
        memcpy(&t, a, 10);
        merge(env, hx_unary(0xd9fau, hcw(env), &t), FSW_C1);
        memcpy(d, &t, 10);
        return;
    case X87U_CHS:
    case X87U_ABS:
        memcpy(&t, a, 10);
        memcpy(&se, (uint8_t *)&t + 8, 2);
        se = X87Q_OP(q) == X87U_CHS ? se ^ 0x8000u : se & 0x7fffu;
        memcpy((uint8_t *)&t + 8, &se, 2);
        memcpy(d, &t, 10);
        break;
    case X87U_MOV:
        memmove(d, a, 10);
        break;
    case X87U_XCH:
        memcpy(&t, a, 10);
        memmove(a, d, 10);
        memcpy(d, &t, 10);
        break;
    }
    env->fp_sw &= (uint16_t)~FSW_C1;
}

void h_f80_ld(CPUState *env, uint32_t q, uint64_t bits)
{
    hx_fold(env);
    uint8_t m[8];
    memcpy(m, &bits, 8);
    long double t;
    merge(env, hx_load(X87Q_FMT(q), hcw(env), m, &t), FSW_C1);
    memcpy(&env->fpr[X87Q_D(q)], &t, 10);
}

uint64_t h_f80_st(CPUState *env, uint32_t q)
{
    hx_fold(env);
    uint8_t m[10] = {0};
    long double t;
    memcpy(&t, &env->fpr[X87Q_A(q)], 10);
    merge(env, hx_store(X87Q_FMT(q), hcw(env), &t, m), FSW_C1);
    uint64_t r;
    memcpy(&r, m, 8);
    return r;
}

/* Host condition bits of a compare -> fcomi's EFLAGS (C0 -> CF, C2 -> PF,
 * C3 -> ZF are each 8 bits up). */
static uint32_t cmp_result(CPUState *env, uint32_t q, uint16_t hsw)
{
    uint16_t cc = hsw & (FSW_C0 | FSW_C2 | FSW_C3);
    merge(env, hsw, (q & X87Q_SETCC) ? FSW_CC : 0);
    if (q & X87Q_SETCC)
        env->fp_sw = (uint16_t)((env->fp_sw & ~FSW_CC) | cc);
    return (uint32_t)cc >> 8;
}

uint32_t h_f80_cmp(CPUState *env, uint32_t q)
{
    hx_fold(env);
    long double a, b;
    memcpy(&a, &env->fpr[X87Q_A(q)], 10);
    memcpy(&b, &env->fpr[X87Q_B(q)], 10);
    uint16_t hsw = hx_rr((q & X87Q_SIGNAL) ? 0xd8d1u : 0xdde1u, hcw(env), &a, &b);
    return cmp_result(env, q, hsw);
}

uint32_t h_f80_cmpm(CPUState *env, uint32_t q, uint64_t bits)
{
    hx_fold(env);
    uint8_t m[8];
    memcpy(m, &bits, 8);
    long double a;
    memcpy(&a, &env->fpr[X87Q_A(q)], 10);
    return cmp_result(env, q, hx_com_mem(X87Q_FMT(q), hcw(env), &a, m));
}
