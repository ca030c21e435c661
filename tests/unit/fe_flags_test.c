/* fe_flags_compute / fe_cond_eval against the host CPU.
 *
 * The host is x86-64, whose integer flags behave exactly like i386's: each
 * operation runs natively on random inputs (8/16/32 bits) with random input
 * flags, EFLAGS is read back with pushf, and the lazy description the
 * lifter would record is evaluated in C and compared. Flags Intel documents
 * as undefined for an operation are masked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "frontend/flags.h"
#include "runtime/cpu.h"

/* ------------------------------------------------------------------------ */
/* Native execution                                                         */
/* ------------------------------------------------------------------------ */

/* Run `insn src, dst` with flags fin; returns the flags after, *res the result.
 * The stack pointer is moved below the red zone around pushf/popf. */
#define NATIVE2(fname, insn, T, SRCC)                                                              \
    static uint32_t fname(uint32_t a, uint32_t b, uint32_t fin, uint32_t *res) {                   \
        T x = (T)a, y = (T)b;                                                                      \
        uint64_t fl = fin;                                                                         \
        __asm__ volatile("lea -128(%%rsp), %%rsp\n\t"                                              \
                         "push %[fl]\n\t"                                                          \
                         "popfq\n\t" insn " %[y], %[x]\n\t"                                        \
                         "pushfq\n\t"                                                              \
                         "pop %[fl]\n\t"                                                           \
                         "lea 128(%%rsp), %%rsp"                                                   \
                         : [x] "+r"(x), [fl] "+r"(fl)                                              \
                         : [y] SRCC(y)                                                             \
                         : "cc", "memory");                                                        \
        *res = x;                                                                                  \
        return (uint32_t)fl;                                                                       \
    }

#define NATIVE1(fname, insn, T)                                                                    \
    static uint32_t fname(uint32_t a, uint32_t b, uint32_t fin, uint32_t *res) {                   \
        (void)b;                                                                                   \
        T x = (T)a;                                                                                \
        uint64_t fl = fin;                                                                         \
        __asm__ volatile("lea -128(%%rsp), %%rsp\n\t"                                              \
                         "push %[fl]\n\t"                                                          \
                         "popfq\n\t" insn " %[x]\n\t"                                              \
                         "pushfq\n\t"                                                              \
                         "pop %[fl]\n\t"                                                           \
                         "lea 128(%%rsp), %%rsp"                                                   \
                         : [x] "+r"(x), [fl] "+r"(fl)                                              \
                         :                                                                         \
                         : "cc", "memory");                                                        \
        *res = x;                                                                                  \
        return (uint32_t)fl;                                                                       \
    }

#define NATIVE_ALL2(op, SRCC8, SRCC)                                                               \
    NATIVE2(n_##op##8, #op "b", uint8_t, SRCC8)                                                    \
    NATIVE2(n_##op##16, #op "w", uint16_t, SRCC)                                                   \
    NATIVE2(n_##op##32, #op "l", uint32_t, SRCC)
#define NATIVE_ALL1(op)                                                                            \
    NATIVE1(n_##op##8, #op "b", uint8_t)                                                           \
    NATIVE1(n_##op##16, #op "w", uint16_t)                                                         \
    NATIVE1(n_##op##32, #op "l", uint32_t)

#define RC(v) "r"(v)
#define QC(v) "q"(v)
#define CL(v) "c"((uint8_t)(v))

NATIVE_ALL2(add, QC, RC)
NATIVE_ALL2(adc, QC, RC)
NATIVE_ALL2(sub, QC, RC)
NATIVE_ALL2(sbb, QC, RC)
NATIVE_ALL2(and, QC, RC)
NATIVE_ALL2(or, QC, RC)
NATIVE_ALL2(xor, QC, RC)
NATIVE_ALL1(inc)
NATIVE_ALL1(dec)
NATIVE_ALL1(neg)

/* Shifts take the count in CL: the source operand is %cl for every width. */
#define NATIVE_SHIFT(fname, insn, T)                                                               \
    static uint32_t fname(uint32_t a, uint32_t b, uint32_t fin, uint32_t *res) {                   \
        T x = (T)a;                                                                                \
        uint8_t cnt = (uint8_t)b;                                                                  \
        uint64_t fl = fin;                                                                         \
        __asm__ volatile("lea -128(%%rsp), %%rsp\n\t"                                              \
                         "push %[fl]\n\t"                                                          \
                         "popfq\n\t" insn " %%cl, %[x]\n\t"                                        \
                         "pushfq\n\t"                                                              \
                         "pop %[fl]\n\t"                                                           \
                         "lea 128(%%rsp), %%rsp"                                                   \
                         : [x] "+r"(x), [fl] "+r"(fl)                                              \
                         : "c"(cnt)                                                                \
                         : "cc", "memory");                                                        \
        *res = x;                                                                                  \
        return (uint32_t)fl;                                                                       \
    }
#define NATIVE_SHIFT_ALL(op)                                                                       \
    NATIVE_SHIFT(n_##op##8, #op "b", uint8_t)                                                      \
    NATIVE_SHIFT(n_##op##16, #op "w", uint16_t)                                                    \
    NATIVE_SHIFT(n_##op##32, #op "l", uint32_t)
NATIVE_SHIFT_ALL(shl)
NATIVE_SHIFT_ALL(shr)
NATIVE_SHIFT_ALL(sar)

/* imul: two-operand form for 16/32, one-operand (AX = AL * r/m8) for 8. */
NATIVE2(n_imul16, "imulw", uint16_t, RC)
NATIVE2(n_imul32, "imull", uint32_t, RC)
static uint32_t n_imul8(uint32_t a, uint32_t b, uint32_t fin, uint32_t *res) {
    uint16_t ax = (uint8_t)a;
    uint8_t y = (uint8_t)b;
    uint64_t fl = fin;
    __asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
                     "push %[fl]\n\t"
                     "popfq\n\t"
                     "imulb %[y]\n\t"
                     "pushfq\n\t"
                     "pop %[fl]\n\t"
                     "lea 128(%%rsp), %%rsp"
                     : "+a"(ax), [fl] "+r"(fl)
                     : [y] "q"(y)
                     : "cc", "memory");
    *res = ax;
    return (uint32_t)fl;
}

/* ------------------------------------------------------------------------ */
/* Lazy descriptions                                                        */
/* ------------------------------------------------------------------------ */

typedef uint32_t (*NativeFn)(uint32_t a, uint32_t b, uint32_t fin, uint32_t *res);

typedef enum {
    K_ADD,
    K_ADC,
    K_SUB,
    K_SBB,
    K_AND,
    K_OR,
    K_XOR,
    K_INC,
    K_DEC,
    K_NEG,
    K_SHL,
    K_SHR,
    K_SAR,
    K_IMUL,
    K__COUNT
} Kind;
static const char *const kind_name[K__COUNT] = {"add", "adc", "sub", "sbb", "and", "or",  "xor",
                                                "inc", "dec", "neg", "shl", "shr", "sar", "imul"};
static const NativeFn native[K__COUNT][3] = {
    {n_add8, n_add16, n_add32}, {n_adc8, n_adc16, n_adc32},    {n_sub8, n_sub16, n_sub32},
    {n_sbb8, n_sbb16, n_sbb32}, {n_and8, n_and16, n_and32},    {n_or8, n_or16, n_or32},
    {n_xor8, n_xor16, n_xor32}, {n_inc8, n_inc16, n_inc32},    {n_dec8, n_dec16, n_dec32},
    {n_neg8, n_neg16, n_neg32}, {n_shl8, n_shl16, n_shl32},    {n_shr8, n_shr16, n_shr32},
    {n_sar8, n_sar16, n_sar32}, {n_imul8, n_imul16, n_imul32},
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* Interesting operands: random, near 0, near the sign boundary, all ones. */
static uint32_t rnd_operand(unsigned bits) {
    uint32_t s = 1u << (bits - 1);
    switch (rnd() % 8) {
    case 0:
        return rnd() % 4;
    case 1:
        return s - 1u - rnd() % 3;
    case 2:
        return s + rnd() % 3;
    case 3:
        return 0xffffffffu - rnd() % 3;
    default:
        return rnd();
    }
}

static int failures;

/* Compare the lazy evaluation of one case with the native flags. */
static void check_case(Kind k, unsigned si, uint32_t a, uint32_t b, uint32_t fin) {
    static const unsigned bitsz[3] = {8, 16, 32};
    unsigned bits = bitsz[si];
    uint32_t m = bits == 32 ? 0xffffffffu : (1u << bits) - 1u;
    a &= m;
    b &= m;
    uint32_t cin = fin & EF_CF;
    uint32_t res = 0;
    uint32_t nat = native[k][si](a, b, fin, &res) & EF_ARITH;
    uint32_t op = 0, la = a, lb = b, lc = 0, lres = res & m;
    uint32_t mask = EF_ARITH;
    switch (k) {
    case K_ADD:
        op = CC_OP(CCK_ADD, si);
        break;
    case K_ADC:
        op = CC_OP(CCK_ADC, si);
        lc = cin;
        break;
    case K_SUB:
        op = CC_OP(CCK_SUB, si);
        break;
    case K_SBB:
        op = CC_OP(CCK_SBB, si);
        lc = cin;
        break;
    case K_AND:
    case K_OR:
    case K_XOR:
        op = CC_OP(CCK_LOGIC, si);
        mask &= ~EF_AF;
        break; /* AF undefined */
    case K_INC:
        op = CC_OP(CCK_INC, si);
        lc = cin;
        break;
    case K_DEC:
        op = CC_OP(CCK_DEC, si);
        lc = cin;
        break;
    case K_NEG:
        op = CC_OP(CCK_SUB, si);
        la = 0;
        lb = a;
        break;
    case K_SHL:
    case K_SHR:
    case K_SAR:
        op = CC_OP(k == K_SHL ? CCK_SHL : k == K_SHR ? CCK_SHR : CCK_SAR, si);
        mask &= ~EF_AF;                               /* AF undefined for nonzero counts */
        if (lb != 1) mask &= ~EF_OF;                  /* OF defined for 1-bit shifts only */
        if (lb >= bits && k != K_SAR) mask &= ~EF_CF; /* CF undefined when count >= operand size */
        break;
    case K_IMUL: {
        /* Result width: 8-bit imul writes AX; CF=OF when the product does
         * not fit the destination size. */
        int64_t sa = (int64_t)(int32_t)(a << (32 - bits)) >> (32 - bits);
        int64_t sb = (int64_t)(int32_t)(b << (32 - bits)) >> (32 - bits);
        int64_t p = sa * sb;
        int64_t t = (int64_t)((uint64_t)p << (64 - bits)) >> (64 - bits);
        op = CC_OP(CCK_MUL, si);
        lres = (uint32_t)p & m;
        lc = p != t;
        mask = EF_CF | EF_OF; /* SF ZF AF PF undefined */
        break;
    }
    default:
        break;
    }
    uint32_t lazy = fe_flags_compute(op, lres, la, lb, lc);
    if ((lazy & mask) != (nat & mask)) {
        if (failures++ < 20)
            fprintf(stderr,
                    "FAIL %s%u a=%#x b=%#x cin=%u: native %#x lazy %#x (mask %#x, res %#x)\n",
                    kind_name[k], bits, a, b, cin, nat, lazy, mask, res);
        return;
    }
    /* Every condition must agree on the defined flags. */
    for (int cc = 0; cc < 16; cc++) {
        uint32_t need = 0;
        switch (cc & ~1) {
        case XC_O:
            need = EF_OF;
            break;
        case XC_B:
            need = EF_CF;
            break;
        case XC_E:
            need = EF_ZF;
            break;
        case XC_BE:
            need = EF_CF | EF_ZF;
            break;
        case XC_S:
            need = EF_SF;
            break;
        case XC_P:
            need = EF_PF;
            break;
        case XC_L:
            need = EF_SF | EF_OF;
            break;
        default:
            need = EF_SF | EF_OF | EF_ZF;
            break;
        }
        if ((need & mask) != need) continue;
        if (fe_cond_eval(lazy, (X86Cond)cc) != fe_cond_eval(nat, (X86Cond)cc)) {
            if (failures++ < 20)
                fprintf(stderr, "FAIL cond %d %s%u a=%#x b=%#x\n", cc, kind_name[k], bits, a, b);
        }
    }
}

/* fe_cond_eval against the textbook definitions on materialized flags. */
static void check_cond_table(void) {
    for (uint32_t f = 0; f < 0x1000; f++) {
        uint32_t fl = f & EF_ARITH;
        int cf = !!(fl & EF_CF), zf = !!(fl & EF_ZF), sf = !!(fl & EF_SF), of = !!(fl & EF_OF),
            pf = !!(fl & EF_PF);
        int want[16] = {of, !of, cf, !cf, zf,       !zf,      cf | zf,        !(cf | zf),
                        sf, !sf, pf, !pf, sf != of, sf == of, zf || sf != of, !zf && sf == of};
        for (int cc = 0; cc < 16; cc++)
            if (fe_cond_eval(fl, (X86Cond)cc) != want[cc] && failures++ < 20)
                fprintf(stderr, "FAIL cond table %d flags %#x\n", cc, fl);
        if (fe_flags_compute(CC_EFLAGS, fl, 0, 0, 0) != fl && failures++ < 20)
            fprintf(stderr, "FAIL CC_EFLAGS %#x\n", fl);
    }
}

/* fe_cc_reads's contract: changing an operand a kind does not read never
 * changes the flags fe_flags_compute derives (ir/opt_getput.c deletes the
 * PUTs of such operands). Every kind and size, random operands. */
static void check_cc_reads(unsigned iters) {
    for (uint32_t kind = 0; kind < CCK__COUNT; kind++)
        for (uint32_t si = 0; si < 3; si++) {
            uint32_t op = CC_OP(kind, si);
            unsigned reads = fe_cc_reads(op);
            for (unsigned i = 0; i < iters; i++) {
                uint32_t res = rnd(), a = rnd(), b = 1u + rnd() % 31u, c = rnd() & 1u;
                uint32_t f0 = fe_flags_compute(op, res, a, b, c);
                uint32_t a1 = (reads & FE_CC_A) ? a : rnd();
                uint32_t b1 = (reads & FE_CC_B) ? b : rnd();
                uint32_t c1 = (reads & FE_CC_C) ? c : rnd() & 1u;
                uint32_t f1 = fe_flags_compute(op, res, a1, b1, c1);
                if (f0 != f1) {
                    if (failures++ < 10)
                        printf("FAIL cc op %u: an operand fe_cc_reads leaves out changes the "
                               "flags (%#x vs %#x)\n", op, f0, f1);
                    break;
                }
            }
        }
}

int main(int argc, char **argv) {
    unsigned iters = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 20000;
    unsigned cases = 0;
    check_cond_table();
    check_cc_reads(iters / 10);
    for (int k = 0; k < K__COUNT; k++) {
        for (unsigned si = 0; si < 3; si++) {
            unsigned bits = 8u << si;
            for (unsigned i = 0; i < iters; i++) {
                uint32_t a = rnd_operand(bits), b = rnd_operand(bits);
                uint32_t fin = (rnd() & EF_ARITH) | EF_BIT1;
                if (k == K_SHL || k == K_SHR || k == K_SAR)
                    b = 1u + rnd() % 31u; /* masked count, never 0 */
                check_case((Kind)k, si, a, b, fin);
                cases++;
            }
        }
    }
    printf("fe_flags_test: %u cases, %d failures\n", cases, failures);
    return failures ? 1 : 0;
}
