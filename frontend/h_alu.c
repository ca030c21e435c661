/* C helpers of the integer families: rotates through carry, BCD adjusts
 * and the rep string loops.
 *
 * The rep helpers run the whole loop on CPUState and guest memory (g2h).
 * Where a bulk operation is exactly equivalent to the element-by-element
 * loop (no address wrap-around, and for movs no overlap that the loop
 * would observe) they use memmove/memset/memchr; otherwise they step one
 * element at a time with 32-bit address arithmetic. A fault inside the
 * loop is taken by the runtime's guest-fault handler; the instruction is
 * then not restartable (registers hold their values from before it).
 */
#include "frontend/h_alu.h"

#include <stdbool.h>
#include <string.h>

#include "frontend/flags.h"
#include "runtime/mem.h"

/* ====================== rotates through carry ====================== */

static uint32_t size_mask(uint32_t size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1u;
}

/* rcl/rcr count: 5-bit count, modulo 9/17 for 8/16-bit operands. */
static uint32_t rc_count(uint32_t cnt, uint32_t size)
{
    cnt &= 31u;
    return size == 1 ? cnt % 9u : size == 2 ? cnt % 17u : cnt;
}

uint64_t h_rcl(CPUState *env, uint32_t v, uint32_t cnt, uint32_t fl, uint32_t size)
{
    (void)env;
    uint32_t bits = 8 * size, m = size_mask(size), cf = fl & EF_CF;
    v &= m;
    if ((cnt & 31u) == 0)
        return v | (uint64_t)fl << 32;
    /* OF as the first 1-bit step gives it (SDM: count 1 only; what Intel
     * CPUs report for larger counts). */
    uint32_t of = ((v >> (bits - 1)) ^ (v >> (bits - 2))) & 1u;
    for (uint32_t n = rc_count(cnt, size); n; n--) {
        uint32_t out = (v >> (bits - 1)) & 1u;
        v = ((v << 1) | cf) & m;
        cf = out;
    }
    fl = (fl & ~(EF_CF | EF_OF)) | cf | (of ? EF_OF : 0u);
    return v | (uint64_t)fl << 32;
}

uint64_t h_rcr(CPUState *env, uint32_t v, uint32_t cnt, uint32_t fl, uint32_t size)
{
    (void)env;
    uint32_t bits = 8 * size, m = size_mask(size), cf = fl & EF_CF;
    v &= m;
    if ((cnt & 31u) == 0)
        return v | (uint64_t)fl << 32;
    uint32_t of = ((v >> (bits - 1)) ^ cf) & 1u; /* first 1-bit step, as for rcl */
    for (uint32_t n = rc_count(cnt, size); n; n--) {
        uint32_t out = v & 1u;
        v = (v >> 1) | (cf << (bits - 1));
        cf = out;
    }
    fl = (fl & ~(EF_CF | EF_OF)) | cf | (of ? EF_OF : 0u);
    return v | (uint64_t)fl << 32;
}

/* ============================ BCD adjusts ============================ */

/* SF, ZF, PF of an 8-bit result. */
static uint32_t szp8(uint32_t v)
{
    v &= 0xffu;
    uint32_t p = v ^ (v >> 4);
    p ^= p >> 2;
    p ^= p >> 1;
    return (v & 0x80u ? EF_SF : 0u) | (v == 0 ? EF_ZF : 0u) | (p & 1u ? 0u : EF_PF);
}

uint32_t h_bcd(CPUState *env, uint32_t kind, uint32_t imm, uint32_t ax, uint32_t fl)
{
    (void)env;
    uint32_t al = ax & 0xffu, ah = (ax >> 8) & 0xffu;
    bool cf = fl & EF_CF, af = fl & EF_AF;
    uint32_t out = 0;
    switch (kind) {
    case BCD_AAA:
    case BCD_AAS:
        if ((al & 0xfu) > 9 || af) {
            ax = kind == BCD_AAA ? ax + 0x106u : ax - 6u - 0x100u;
            out = EF_AF | EF_CF;
        }
        ax = (ax & 0xff00u) | (ax & 0xfu);
        return (ax & 0xffffu) | (out | szp8(ax)) << 16;
    case BCD_DAA:
    case BCD_DAS: {
        uint32_t old = al;
        bool ncf = false;
        if ((al & 0xfu) > 9 || af) {
            uint32_t t = kind == BCD_DAA ? al + 6u : al - 6u;
            ncf = cf || t > 0xffu;
            al = t & 0xffu;
            out |= EF_AF;
        }
        if (old > 0x99u || cf) {
            al = (kind == BCD_DAA ? al + 0x60u : al - 0x60u) & 0xffu;
            ncf = true;
        }
        out |= ncf ? EF_CF : 0u;
        return (ah << 8 | al) | (out | szp8(al)) << 16;
    }
    case BCD_AAM:
        ah = al / imm;
        al = al % imm;
        return (ah << 8 | al) | szp8(al) << 16;
    default: /* BCD_AAD */
        al = (al + ah * imm) & 0xffu;
        return al | szp8(al) << 16;
    }
}

/* ============================ rep strings ============================ */

static uint32_t load_n(uint32_t a, uint32_t size)
{
    uint32_t v = 0;
    memcpy(&v, g2h(a), size); /* little-endian host */
    return v;
}

static void store_n(uint32_t a, uint32_t v, uint32_t size) { memcpy(g2h(a), &v, size); }

static int32_t step_of(CPUState *env, uint32_t size)
{
    return (env->eflags & EF_DF) ? -(int32_t)size : (int32_t)size;
}

/* Lowest linear address of n elements starting at a in the direction of
 * step, or false when the range wraps around 4 GiB. */
static bool range_lo(uint32_t a, uint32_t n, uint32_t size, int32_t step, uint32_t *lo)
{
    uint64_t span = (uint64_t)(n - 1) * size;
    if (step > 0) {
        *lo = a;
        return (uint64_t)a + span + size <= GUEST_SPACE;
    }
    *lo = a - (uint32_t)span;
    return (uint64_t)a >= span;
}

void h_rep_movs(CPUState *env, uint32_t size, uint32_t srcbase)
{
    uint32_t n = env->regs[R_ECX];
    if (n == 0)
        return;
    int32_t step = step_of(env, size);
    uint32_t si = env->regs[R_ESI], di = env->regs[R_EDI];
    uint32_t slo, dlo;
    uint64_t len = (uint64_t)n * size;
    bool down = step < 0;
    if (range_lo(srcbase + si, n, size, step, &slo) && range_lo(di, n, size, step, &dlo) &&
        (down ? (dlo >= slo || dlo + len <= slo) : (dlo <= slo || dlo >= slo + len))) {
        memmove(g2h(dlo), g2h(slo), len);
        uint32_t d = (uint32_t)len;
        env->regs[R_ESI] = down ? si - d : si + d;
        env->regs[R_EDI] = down ? di - d : di + d;
    } else {
        for (; n; n--, si += (uint32_t)step, di += (uint32_t)step)
            store_n(di, load_n(srcbase + si, size), size);
        env->regs[R_ESI] = si;
        env->regs[R_EDI] = di;
    }
    env->regs[R_ECX] = 0;
}

void h_rep_stos(CPUState *env, uint32_t size)
{
    uint32_t n = env->regs[R_ECX];
    if (n == 0)
        return;
    int32_t step = step_of(env, size);
    uint32_t di = env->regs[R_EDI], lo;
    uint32_t v = env->regs[R_EAX] & size_mask(size);
    uint64_t len = (uint64_t)n * size;
    if (range_lo(di, n, size, step, &lo)) { /* a fill does not depend on the order */
        uint8_t *p = g2h(lo);
        if (size == 1 || v == (v & 0xffu) * (size == 2 ? 0x0101u : 0x01010101u)) {
            memset(p, (int)(v & 0xffu), len);
        } else {
            for (uint64_t i = 0; i < len; i += size)
                memcpy(p + i, &v, size);
        }
        env->regs[R_EDI] = step < 0 ? di - (uint32_t)len : di + (uint32_t)len;
    } else {
        for (; n; n--, di += (uint32_t)step)
            store_n(di, v, size);
        env->regs[R_EDI] = di;
    }
    env->regs[R_ECX] = 0;
}

void h_rep_lods(CPUState *env, uint32_t size, uint32_t srcbase)
{
    uint32_t n = env->regs[R_ECX];
    if (n == 0)
        return;
    int32_t step = step_of(env, size);
    uint32_t last = env->regs[R_ESI] + (n - 1) * (uint32_t)step;
    uint32_t v = load_n(srcbase + last, size), m = size_mask(size);
    env->regs[R_EAX] = (env->regs[R_EAX] & ~m) | v;
    env->regs[R_ESI] = last + (uint32_t)step;
    env->regs[R_ECX] = 0;
}

/* Leave the lazy flags of the comparison a - b (CCK_SUB). */
static void set_cmp_flags(CPUState *env, uint32_t size, uint32_t a, uint32_t b)
{
    env->cc_op = CC_OP(CCK_SUB, size == 1 ? 0 : size == 2 ? 1 : 2);
    env->cc_res = (a - b) & size_mask(size);
    env->cc_a = a;
    env->cc_b = b;
    env->cc_c = 0;
}

void h_rep_cmps(CPUState *env, uint32_t size, uint32_t srcbase, uint32_t repe)
{
    uint32_t n = env->regs[R_ECX];
    if (n == 0)
        return;
    uint32_t step = (uint32_t)step_of(env, size);
    uint32_t si = env->regs[R_ESI], di = env->regs[R_EDI], a, b;
    do {
        a = load_n(srcbase + si, size);
        b = load_n(di, size);
        si += step;
        di += step;
        n--;
    } while (n && (a == b) == (repe != 0));
    env->regs[R_ESI] = si;
    env->regs[R_EDI] = di;
    env->regs[R_ECX] = n;
    set_cmp_flags(env, size, a, b);
}

void h_rep_scas(CPUState *env, uint32_t size, uint32_t repe)
{
    uint32_t n = env->regs[R_ECX];
    if (n == 0)
        return;
    int32_t step = step_of(env, size);
    uint32_t di = env->regs[R_EDI], lo, b;
    uint32_t a = env->regs[R_EAX] & size_mask(size);
    if (size == 1 && !repe && step > 0 && range_lo(di, n, 1, step, &lo)) {
        const uint8_t *p = g2h(di);
        const uint8_t *hit = memchr(p, (int)a, n);
        uint32_t done = hit ? (uint32_t)(hit - p) + 1u : n;
        b = p[done - 1];
        env->regs[R_EDI] = di + done;
        env->regs[R_ECX] = n - done;
        set_cmp_flags(env, size, a, b);
        return;
    }
    do {
        b = load_n(di, size);
        di += (uint32_t)step;
        n--;
    } while (n && (a == b) == (repe != 0));
    env->regs[R_EDI] = di;
    env->regs[R_ECX] = n;
    set_cmp_flags(env, size, a, b);
}
