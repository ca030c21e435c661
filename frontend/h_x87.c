/* C helpers of the x87 family: the register stack, tags, status word and
 * the masked responses to stack faults, around values computed by the
 * host FPU (frontend/h_x87_host.c).
 *
 * Conventions:
 *   - st(i) lives in fpr[(fp_top + i) & 7]; fp_tag keeps only "empty" (3)
 *     or "not empty" (0), as the hardware does internally; the full tag
 *     classes are derived from the contents when an image is stored.
 *   - Exceptions are always handled with their masked response (result
 *     stored, flag set); when the guest has unmasked one, ES/B are set in
 *     the status word as well, but no SIGFPE is delivered.
 *   - Stack overflow (push onto a non-empty register) and underflow (an
 *     empty operand) set IE|SF, C1 = 1/0, and produce the QNaN indefinite.
 *   - Helpers that touch guest memory read it before changing any state
 *     and write it before popping, so a fault leaves the stack intact.
 */
#include "frontend/h_x87.h"
#include "frontend/h_x87_fast.h"

#include <stdbool.h>
#include <string.h>

#include "frontend/h_x87_host.h"
#include "runtime/mem.h"

#define FSW_EXC 0x003fu
#define FSW_TOP 0x3800u
#define FSW_B 0x8000u
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

static const uint8_t fmt_size[X87F__COUNT] = {4, 8, 10, 2, 4, 8, 10};

/* ============================== stack basics ============================== */

static inline unsigned phys(const CPUState *env, uint32_t i) { return (env->fp_top + i) & 7u; }
static inline long double *st(CPUState *env, uint32_t i) { return &env->fpr[phys(env, i)]; }

static inline bool is_empty(const CPUState *env, uint32_t i)
{
    return ((env->fp_tag >> (2 * phys(env, i))) & 3u) == 3u;
}

static inline void set_valid(CPUState *env, uint32_t i)
{
    env->fp_tag &= (uint16_t)~(3u << (2 * phys(env, i)));
}

static inline void set_empty(CPUState *env, uint32_t i)
{
    env->fp_tag |= (uint16_t)(3u << (2 * phys(env, i)));
}

/* Copy an 80-bit image without going through the FPU. */
static inline void f80_copy(long double *d, const long double *s) { memcpy(d, s, 10); }

/* The QNaN floating-point indefinite (sign 1, exponent all ones, 0xC000...). */
static void f80_indef(long double *d)
{
    const uint64_t m = 0xc000000000000000ull;
    const uint16_t se = 0xffff;
    memcpy(d, &m, 8);
    memcpy((uint8_t *)d + 8, &se, 2);
}

static inline uint16_t f80_se(const long double *v)
{
    uint16_t se;
    memcpy(&se, (const uint8_t *)v + 8, 2);
    return se;
}

static inline void f80_set_se(long double *v, uint16_t se) { memcpy((uint8_t *)v + 8, &se, 2); }

/* Host control word for the guest's: same PC/RC, every exception masked. */
static inline uint16_t hcw(const CPUState *env) { return (uint16_t)(env->fp_cw | FSW_EXC); }

static inline void pop(CPUState *env)
{
    set_empty(env, 0);
    env->fp_top = (env->fp_top + 1) & 7u;
}

/* Set the condition bits in `mask` to `val`. */
static inline void set_cc(CPUState *env, uint16_t mask, uint16_t val)
{
    env->fp_sw = (uint16_t)((env->fp_sw & ~mask) | (val & mask));
}

/* Record exception flags; unmasked ones also set ES (the error summary). */
static inline void raise_exc(CPUState *env, uint16_t exc)
{
    exc &= FSW_EXC;
    env->fp_sw |= exc;
    if (exc & ~env->fp_cw & FSW_EXC)
        env->fp_sw |= FSW_ES;
}

/* Merge the outcome of a host operation: its exception flags and the
 * condition bits in cmask. */
static inline void merge(CPUState *env, uint16_t hsw, uint16_t cmask)
{
    set_cc(env, cmask, hsw);
    raise_exc(env, hsw);
}

/* Stack overflow or underflow, masked response: IE|SF, C1 = overflow. */
static void stack_fault(CPUState *env, bool overflow)
{
    raise_exc(env, FSW_IE);
    env->fp_sw |= FSW_SF;
    set_cc(env, FSW_C1, overflow ? FSW_C1 : 0);
}

/* Push: returns the new st(0) slot, marked valid. On overflow the slot
 * receives the indefinite and NULL is returned (nothing more to compute). */
static long double *push(CPUState *env)
{
    env->fp_top = (env->fp_top - 1) & 7u;
    bool full = !is_empty(env, 0);
    set_valid(env, 0);
    if (full) {
        stack_fault(env, true);
        f80_indef(st(env, 0));
        return NULL;
    }
    return st(env, 0);
}

/* Underflow with the destination st(i) getting the indefinite. */
static void underflow_to(CPUState *env, uint32_t i)
{
    stack_fault(env, false);
    f80_indef(st(env, i));
    set_valid(env, i);
}

/* ============================== memory forms ============================== */

void h_x87_ld_mem(CPUState *env, uint32_t addr, uint32_t fmt)
{
    hx_fold(env);
    uint8_t buf[10];
    memcpy(buf, g2h(addr), fmt_size[fmt]);
    long double *d = push(env);
    if (d)
        merge(env, hx_load(fmt, hcw(env), buf, d), FSW_C1);
}

void h_x87_st_mem(CPUState *env, uint32_t addr, uint32_t fmt, uint32_t dopop)
{
    hx_fold(env);
    long double v;
    bool under = is_empty(env, 0);
    if (under)
        f80_indef(&v);
    else
        f80_copy(&v, st(env, 0));
    uint8_t buf[10];
    uint16_t hsw = hx_store(fmt, hcw(env), &v, buf);
    memcpy(g2h(addr), buf, fmt_size[fmt]);
    if (under)
        stack_fault(env, false);
    merge(env, hsw, under ? 0 : FSW_C1);
    if (dopop)
        pop(env);
}

void h_x87_arith_mem(CPUState *env, uint32_t addr, uint32_t fmt, uint32_t op)
{
    hx_fold(env);
    uint8_t buf[8];
    memcpy(buf, g2h(addr), fmt_size[fmt]);
    if (is_empty(env, 0)) {
        underflow_to(env, 0);
        return;
    }
    merge(env, hx_arith_mem(op, fmt, hcw(env), st(env, 0), buf), FSW_C1);
}

/* Unordered compare result after an underflow: C3 = C2 = C0 = 1. */
static void com_underflow(CPUState *env)
{
    stack_fault(env, false);
    set_cc(env, FSW_C0 | FSW_C2 | FSW_C3, FSW_C0 | FSW_C2 | FSW_C3);
}

void h_x87_com_mem(CPUState *env, uint32_t addr, uint32_t fmt, uint32_t dopop)
{
    hx_fold(env);
    uint8_t buf[8];
    memcpy(buf, g2h(addr), fmt_size[fmt]);
    if (is_empty(env, 0))
        com_underflow(env);
    else
        merge(env, hx_com_mem(fmt, hcw(env), st(env, 0), buf), FSW_CC);
    if (dopop)
        pop(env);
}

/* ============================= register forms ============================= */

void h_x87_ld_st(CPUState *env, uint32_t i)
{
    hx_fold(env);
    long double v;
    f80_copy(&v, st(env, i & 7u));
    if (is_empty(env, i & 7u)) { /* underflow takes precedence over overflow */
        env->fp_top = (env->fp_top - 1) & 7u;
        underflow_to(env, 0);
        return;
    }
    long double *d = push(env);
    if (!d)
        return;
    f80_copy(d, &v);
    set_cc(env, FSW_C1, 0);
}

/* fstp st(i) alias D9 D8+i ("no check for empty"): with st(0) empty it
 * only pops, without an exception; otherwise a plain fstp. */
static void fstpnce(CPUState *env, uint32_t i)
{
    if (!is_empty(env, 0)) {
        f80_copy(st(env, i), st(env, 0));
        set_valid(env, i);
    }
    set_cc(env, FSW_C1, 0);
    pop(env);
}

void h_x87_st_st(CPUState *env, uint32_t i, uint32_t dopop)
{
    hx_fold(env);
    i &= 7u;
    if (dopop & X87M_NOCHECK) {
        fstpnce(env, i);
        return;
    }
    if (is_empty(env, 0)) {
        underflow_to(env, i);
    } else {
        f80_copy(st(env, i), st(env, 0));
        set_valid(env, i);
        set_cc(env, FSW_C1, 0);
    }
    if (dopop)
        pop(env);
}

void h_x87_ld_const(CPUState *env, uint32_t k)
{
    hx_fold(env);
    long double *d = push(env);
    if (d)
        merge(env, hx_const(k, hcw(env), d), FSW_C1);
}

void h_x87_arith_st(CPUState *env, uint32_t i, uint32_t op, uint32_t mode)
{
    hx_fold(env);
    i &= 7u;
    uint32_t dst = (mode & X87M_DST_STI) ? i : 0;
    if (is_empty(env, 0) || is_empty(env, i)) {
        underflow_to(env, dst);
    } else {
        /* Same encoding on the host with guest st(0), st(i) in host st0, st1.
         * With st(i) as destination the DC forms swap sub/subr, div/divr. */
        unsigned enc;
        if (mode & X87M_DST_STI)
            enc = 0xdcc1u | ((op >= X87A_SUB ? op ^ 1u : op) << 3);
        else
            enc = 0xd8c1u | (op << 3);
        long double a, b;
        f80_copy(&a, st(env, 0));
        f80_copy(&b, st(env, i));
        uint16_t hsw = hx_rr(enc, hcw(env), &a, &b);
        f80_copy(st(env, dst), (mode & X87M_DST_STI) ? &b : &a);
        merge(env, hsw, FSW_C1);
    }
    if (mode & X87M_POP)
        pop(env);
}

/* Compare st(0) with st(i): host condition bits (C0 C2 C3, C1 = 0), or
 * all three set after an underflow (also recorded as IE|SF). */
static uint16_t compare_st(CPUState *env, uint32_t i, uint32_t mode)
{
    i &= 7u;
    if (is_empty(env, 0) || is_empty(env, i)) {
        stack_fault(env, false);
        return FSW_C0 | FSW_C2 | FSW_C3;
    }
    long double a, b;
    f80_copy(&a, st(env, 0));
    f80_copy(&b, st(env, i));
    uint16_t hsw = hx_rr((mode & X87M_UNORDERED) ? 0xdde1u : 0xd8d1u, hcw(env), &a, &b);
    raise_exc(env, hsw);
    return hsw & (FSW_C0 | FSW_C2 | FSW_C3);
}

void h_x87_com_st(CPUState *env, uint32_t i, uint32_t mode)
{
    hx_fold(env);
    uint16_t cc = compare_st(env, i, mode);
    set_cc(env, FSW_CC, cc);
    for (uint32_t n = mode & 3u; n; n--)
        pop(env);
}

uint32_t h_x87_comi(CPUState *env, uint32_t i, uint32_t mode)
{
    hx_fold(env);
    uint16_t cc = compare_st(env, i, mode); /* C0..C3 are left alone */
    for (uint32_t n = mode & 3u; n; n--)
        pop(env);
    return ((cc & FSW_C0) ? EF_CF : 0) | ((cc & FSW_C2) ? EF_PF : 0) |
           ((cc & FSW_C3) ? EF_ZF : 0);
}

void h_x87_fxch(CPUState *env, uint32_t i)
{
    hx_fold(env);
    i &= 7u;
    if (is_empty(env, 0) || is_empty(env, i)) {
        stack_fault(env, false);
        if (is_empty(env, 0))
            f80_indef(st(env, 0));
        if (is_empty(env, i))
            f80_indef(st(env, i));
        set_valid(env, 0);
        set_valid(env, i);
    }
    long double t;
    f80_copy(&t, st(env, 0));
    f80_copy(st(env, 0), st(env, i));
    f80_copy(st(env, i), &t);
    set_cc(env, FSW_C1, 0);
}

void h_x87_ffree(CPUState *env, uint32_t i, uint32_t dopop)
{
    hx_fold(env);
    set_empty(env, i & 7u);
    set_cc(env, FSW_C1, 0);
    if (dopop)
        pop(env);
}

void h_x87_fcmov(CPUState *env, uint32_t i, uint32_t cond)
{
    hx_fold(env);
    i &= 7u;
    if (is_empty(env, 0) || is_empty(env, i)) { /* checked whatever the condition */
        underflow_to(env, 0);
        return;
    }
    if (!cond)
        return;
    f80_copy(st(env, 0), st(env, i));
    set_valid(env, 0);
}

/* ========================= operations without operands ========================= */

/* fyl2x, fpatan, fyl2xp1: st(1) = f(st(1), st(0)), pop. */
static void op_pop2(CPUState *env, uint32_t enc)
{
    if (is_empty(env, 0) || is_empty(env, 1)) {
        underflow_to(env, 1);
    } else {
        long double b;
        f80_copy(&b, st(env, 1));
        merge(env, hx_pop2(enc, hcw(env), st(env, 0), &b), FSW_C1);
        f80_copy(st(env, 1), &b);
    }
    pop(env);
}

/* fprem, fprem1, fscale: st(0) = f(st(0), st(1)). */
static void op_rr(CPUState *env, uint32_t enc, uint16_t cmask)
{
    if (is_empty(env, 0) || is_empty(env, 1)) {
        underflow_to(env, 0);
        set_cc(env, cmask & FSW_C2, 0);
        return;
    }
    long double a, b;
    f80_copy(&a, st(env, 0));
    f80_copy(&b, st(env, 1));
    uint16_t hsw = hx_rr(enc, hcw(env), &a, &b);
    f80_copy(st(env, 0), &a);
    /* fprem with a NaN result leaves C0 and C3 alone (host bits are stale) */
    if ((f80_se(&a) & 0x7fffu) == 0x7fffu)
        cmask &= FSW_C1 | FSW_C2;
    merge(env, hsw, cmask);
}

/* fptan, fsincos, fxtract: replace st(0) and push a second result. */
static void op_push2(CPUState *env, uint32_t enc)
{
    bool has_c2 = enc != 0xd9f4u;
    bool under = is_empty(env, 0);
    if (under || !is_empty(env, 7)) {
        stack_fault(env, !under);
        if (has_c2)
            set_cc(env, FSW_C2, 0);
        f80_indef(st(env, 0));
        set_valid(env, 0);
        env->fp_top = (env->fp_top - 1) & 7u;
        f80_indef(st(env, 0));
        set_valid(env, 0);
        return;
    }
    long double a, t;
    f80_copy(&a, st(env, 0));
    uint16_t hsw = hx_push2(enc, hcw(env), &a, &t);
    merge(env, hsw, has_c2 ? FSW_C1 | FSW_C2 : FSW_C1);
    if (has_c2 && (hsw & FSW_C2))
        return; /* out of range: operand unchanged, nothing pushed */
    f80_copy(st(env, 0), &a);
    env->fp_top = (env->fp_top - 1) & 7u;
    f80_copy(st(env, 0), &t);
    set_valid(env, 0);
}

/* One-operand operations on st(0) computed by the host. */
static void op_unary(CPUState *env, uint32_t enc, uint16_t cmask)
{
    if (is_empty(env, 0)) {
        underflow_to(env, 0);
        set_cc(env, cmask & FSW_C2, 0);
        return;
    }
    merge(env, hx_unary(enc, hcw(env), st(env, 0)), cmask);
}

void h_x87_reset(CPUState *env)
{
    hx_fold(env);
    env->fp_cw = X87_CW_DEFAULT;
    env->fp_sw = 0;
    env->fp_tag = 0xffff;
    env->fp_top = 0;
}

void h_x87_op(CPUState *env, uint32_t op)
{
    hx_fold(env);
    switch (op) {
    case 0xd9e0: /* fchs */
    case 0xd9e1: /* fabs */
        if (is_empty(env, 0)) {
            underflow_to(env, 0);
            break;
        }
        {
            uint16_t se = f80_se(st(env, 0));
            f80_set_se(st(env, 0), op == 0xd9e0 ? se ^ 0x8000u : se & 0x7fffu);
            set_cc(env, FSW_C1, 0);
        }
        break;
    case 0xd9e4: /* ftst */
        if (is_empty(env, 0))
            com_underflow(env);
        else
            merge(env, hx_unary(op, hcw(env), st(env, 0)), FSW_CC);
        break;
    case 0xd9e5: /* fxam */
        if (is_empty(env, 0)) /* C1 is the sign of the stale contents */
            set_cc(env, FSW_CC,
                   FSW_C3 | FSW_C0 | ((f80_se(st(env, 0)) & 0x8000u) ? FSW_C1 : 0));
        else
            merge(env, hx_unary(op, hcw(env), st(env, 0)), FSW_CC);
        break;
    case 0xd9f0: /* f2xm1 */
    case 0xd9fa: /* fsqrt */
    case 0xd9fc: /* frndint */
        op_unary(env, op, FSW_C1);
        break;
    case 0xd9fe: /* fsin */
    case 0xd9ff: /* fcos */
        op_unary(env, op, FSW_C1 | FSW_C2);
        break;
    case 0xd9f1: /* fyl2x */
    case 0xd9f3: /* fpatan */
    case 0xd9f9: /* fyl2xp1 */
        op_pop2(env, op);
        break;
    case 0xd9f5: /* fprem1 */
    case 0xd9f8: /* fprem */
        op_rr(env, op, FSW_CC);
        break;
    case 0xd9fd: /* fscale */
        op_rr(env, op, FSW_C1);
        break;
    case 0xd9f2: /* fptan */
    case 0xd9fb: /* fsincos */
    case 0xd9f4: /* fxtract */
        op_push2(env, op);
        break;
    case 0xd9f6: /* fdecstp */
        env->fp_top = (env->fp_top - 1) & 7u;
        set_cc(env, FSW_C1, 0);
        break;
    case 0xd9f7: /* fincstp */
        env->fp_top = (env->fp_top + 1) & 7u;
        set_cc(env, FSW_C1, 0);
        break;
    case 0xdbe2: /* fnclex */
        env->fp_sw &= (uint16_t)~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
        break;
    case 0xdbe3: /* fninit */
        h_x87_reset(env);
        break;
    default:
        break; /* the lifter only passes the encodings above */
    }
}
