/* The x87 fast path's helpers; see frontend/h_x87_fast.h. Values are
 * computed by the host FPU (frontend/h_x87_host.c) under the guest's
 * control word with exceptions masked, like the generic helpers do; stack
 * checks and TOP/tag updates are the lifter's. */
#include "frontend/h_x87_fast.h"

#include <stdbool.h>
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

/* Without X87Q_C1 the helpers compute like the inline code does: plain
 * long double arithmetic on the host FPU, whose control word is the
 * default the guard checked for the guest (these helpers only run in
 * guarded blocks before any fldcw), exception flags left sticky in the
 * host status word for hx_fold. C1 is not computed then. */
static inline long double ld(const CPUState *env, unsigned p)
{
    long double v;
    memcpy(&v, &env->fpr[p], 10);
    return v;
}

static inline void st(CPUState *env, unsigned p, long double v) { memcpy(&env->fpr[p], &v, 10); }

/* The memory operand of format fmt as long double (fld, fild). */
static inline long double from_mem(unsigned fmt, uint64_t bits)
{
    switch (fmt) {
    case X87F_F32: {
        float f;
        uint32_t b = (uint32_t)bits;
        memcpy(&f, &b, 4);
        return f;
    }
    case X87F_F64: {
        double d;
        memcpy(&d, &bits, 8);
        return d;
    }
    case X87F_I16: return (int16_t)bits;
    case X87F_I32: return (int32_t)bits;
    default: return (int64_t)bits;
    }
}

static inline long double arith(unsigned op, long double a, long double b)
{
    switch (op) {
    case X87A_ADD: return a + b;
    case X87A_MUL: return a * b;
    case X87A_SUB: return a - b;
    case X87A_SUBR: return b - a;
    case X87A_DIV: return a / b;
    default: return b / a;
    }
}

void h_f80_bin(CPUState *env, uint32_t q)
{
    if (!(q & X87Q_C1)) {
        st(env, X87Q_D(q), arith(X87Q_OP(q), ld(env, X87Q_A(q)), ld(env, X87Q_B(q))));
        return;
    }
    hx_fold(env);
    long double a, b;
    memcpy(&a, &env->fpr[X87Q_A(q)], 10);
    memcpy(&b, &env->fpr[X87Q_B(q)], 10);
    uint16_t hsw = hx_rr(0xd8c1u | (X87Q_OP(q) << 3), hcw(env), &a, &b);
    memcpy(&env->fpr[X87Q_D(q)], &a, 10);
    merge(env, hsw, FSW_C1);
}

/* A NaN or denormal (or zero) f32/f64 memory operand: the fused memory
 * form differs from "convert, then operate" there (no DE with a NaN st(0),
 * SNaN-versus-QNaN choice of the result), so those take the host's own
 * memory form. */
static inline bool mem_special(unsigned fmt, uint64_t bits)
{
    unsigned e;
    if (fmt == X87F_F32)
        e = (unsigned)(bits >> 23) & 0xffu, e = e == 0 || e == 0xffu;
    else if (fmt == X87F_F64)
        e = (unsigned)(bits >> 52) & 0x7ffu, e = e == 0 || e == 0x7ffu;
    else
        e = 0;
    return e != 0;
}

void h_f80_binm(CPUState *env, uint32_t q, uint64_t bits)
{
    if (!(q & X87Q_C1) && !mem_special(X87Q_FMT(q), bits)) {
        long double m = from_mem(X87Q_FMT(q), bits);
        st(env, X87Q_D(q), arith(X87Q_OP(q), ld(env, X87Q_A(q)), m));
        return;
    }
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
    long double *d = &env->fpr[X87Q_D(q)], *a = &env->fpr[X87Q_A(q)], t;
    uint16_t se;
    switch (X87Q_OP(q)) {
    case X87U_SQRT:
        memcpy(&t, a, 10);
        if (!(q & X87Q_C1)) {
            __asm__ volatile("fsqrt" : "+t"(t));
            memcpy(d, &t, 10);
            return;
        }
        hx_fold(env);
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
    if (!(q & X87Q_C1)) {
        st(env, X87Q_D(q), from_mem(X87Q_FMT(q), bits));
        return; /* C1 is 0 after a load, set with the mark below */
    }
    hx_fold(env);
    uint8_t m[8];
    memcpy(m, &bits, 8);
    long double t;
    merge(env, hx_load(X87Q_FMT(q), hcw(env), m, &t), FSW_C1);
    memcpy(&env->fpr[X87Q_D(q)], &t, 10);
}

uint64_t h_f80_st(CPUState *env, uint32_t q)
{
    unsigned fmt = X87Q_FMT(q);
    if (!(q & X87Q_C1) && (fmt == X87F_F32 || fmt == X87F_F64)) {
        long double v = ld(env, X87Q_A(q));
        if (fmt == X87F_F64) {
            volatile double d = (double)v; /* fstpl: rounded under the host control word */
            uint64_t r;
            double dd = d;
            memcpy(&r, &dd, 8);
            return r;
        }
        volatile float f = (float)v;
        float ff = f;
        uint32_t r;
        memcpy(&r, &ff, 4);
        return r;
    }
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
