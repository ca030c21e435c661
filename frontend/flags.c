/* Lazy EFLAGS evaluated in C (frontend/flags.h): used by the helpers
 * h_get_eflags / h_cond and by tests. lift_flags.c builds the same rules as
 * IR; the two must agree bit for bit. */
#include "frontend/flags.h"

#include "runtime/cpu.h"

/* ------------------------------------------------------------------------ */
/* Per-size constants                                                       */
/* ------------------------------------------------------------------------ */

static const uint32_t size_mask[4] = {0xffu, 0xffffu, 0xffffffffu, 0xffffffffu};
static const uint32_t size_sign[4] = {0x80u, 0x8000u, 0x80000000u, 0x80000000u};
static const unsigned size_bits[4] = {8, 16, 32, 32};

/* Even parity of the low byte (x86 PF). */
static uint32_t parity_even(uint32_t v) {
    v &= 0xffu;
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return (~v) & 1u;
}

/* ------------------------------------------------------------------------ */
/* Flags of one lazy description                                            */
/* ------------------------------------------------------------------------ */

uint32_t fe_flags_compute(uint32_t op, uint32_t res, uint32_t a, uint32_t b, uint32_t c) {
    CCKind kind = CC_KIND(op);
    unsigned si = CC_SIZEIDX(op);
    if (kind == CCK_EFLAGS) return res & EF_ARITH;
    if (si > 2) si = 2;
    uint32_t m = size_mask[si], s = size_sign[si];
    unsigned bits = size_bits[si];
    res &= m;
    a &= m;
    b &= m;

    uint32_t cf = 0, of = 0, af = 0;
    switch (kind) {
    case CCK_ADD:
        cf = res < a;
        of = ((a ^ res) & (b ^ res) & s) != 0;
        af = (a ^ b ^ res) & EF_AF;
        break;
    case CCK_ADC:
        cf = c ? res <= a : res < a;
        of = ((a ^ res) & (b ^ res) & s) != 0;
        af = (a ^ b ^ res) & EF_AF;
        break;
    case CCK_SUB:
        cf = a < b;
        of = ((a ^ b) & (a ^ res) & s) != 0;
        af = (a ^ b ^ res) & EF_AF;
        break;
    case CCK_SBB:
        cf = c ? a <= b : a < b;
        of = ((a ^ b) & (a ^ res) & s) != 0;
        af = (a ^ b ^ res) & EF_AF;
        break;
    case CCK_INC:
        cf = c & 1u;
        of = res == s;
        af = (a ^ 1u ^ res) & EF_AF;
        break;
    case CCK_DEC:
        cf = c & 1u;
        of = res == s - 1u;
        af = (a ^ 1u ^ res) & EF_AF;
        break;
    case CCK_SHL:
        /* Bit (bits - b) of a: the last bit shifted out (0 when b > bits). */
        cf = (uint32_t)((((uint64_t)a << (b & 63u)) >> bits) & 1u);
        of = cf ^ ((res & s) != 0);
        break;
    case CCK_SHR:
        cf = b == 0 ? 0 : (uint32_t)(((uint64_t)a >> ((b - 1u) & 63u)) & 1u);
        of = (a & s) != 0;
        break;
    case CCK_SAR: {
        int64_t sa = (a & s) ? (int64_t)a - ((int64_t)1 << bits) : (int64_t)a;
        unsigned sh = b == 0 ? 0 : b - 1u;
        if (sh > 63) sh = 63;
        cf = b == 0 ? 0 : (uint32_t)((sa >> sh) & 1);
        of = 0;
        break;
    }
    case CCK_MUL:
        cf = of = c & 1u;
        break;
    case CCK_LOGIC:
    default:
        break;
    }

    uint32_t f = 0;
    f |= cf ? EF_CF : 0;
    f |= parity_even(res) ? EF_PF : 0;
    f |= af ? EF_AF : 0;
    f |= res == 0 ? EF_ZF : 0;
    f |= (res & s) ? EF_SF : 0;
    f |= of ? EF_OF : 0;
    return f;
}

/* ------------------------------------------------------------------------ */
/* Conditions                                                               */
/* ------------------------------------------------------------------------ */

int fe_cond_eval(uint32_t f, X86Cond cc) {
    int cf = (f & EF_CF) != 0, zf = (f & EF_ZF) != 0, sf = (f & EF_SF) != 0;
    int of = (f & EF_OF) != 0, pf = (f & EF_PF) != 0;
    int v;
    switch ((unsigned)cc & ~1u) {
    case XC_O:
        v = of;
        break;
    case XC_B:
        v = cf;
        break;
    case XC_E:
        v = zf;
        break;
    case XC_BE:
        v = cf | zf;
        break;
    case XC_S:
        v = sf;
        break;
    case XC_P:
        v = pf;
        break;
    case XC_L:
        v = sf ^ of;
        break;
    default:
        v = zf | (sf ^ of);
        break; /* XC_LE */
    }
    return (cc & 1) ? !v : v;
}
