/* Lazy EFLAGS: what each CCOp records and how flags are derived.
 *
 * A flag-setting instruction does not compute flags; it stores cc_op and
 * the operands below into CPUState (cc_res, cc_a, cc_b, cc_c). Readers
 * derive only what they need: the lifter folds common op+condition pairs
 * into direct compares when cc_op is known at lift time; otherwise the
 * helpers h_cond / h_get_eflags evaluate from CPUState at run time.
 *
 * CC_OP(kind, size) with size index 0 = 8-bit, 1 = 16-bit, 2 = 32-bit.
 * Operands are zero-extended to 32 bits.
 *
 *   kind       res            a        b        c
 *   EFLAGS     all flags      -        -        -       (materialized; size ignored)
 *   ADD        a + b          a        b        -
 *   ADC        a + b + c      a        b        carry in (0/1)
 *   SUB        a - b          a        b        -       (CMP, NEG with a = 0)
 *   SBB        a - b - c      a        b        borrow in (0/1)
 *   LOGIC      result         -        -        -       CF = OF = AF = 0
 *   INC        a + 1          a        -        old CF
 *   DEC        a - 1          a        -        old CF
 *   SHL        a << b         a        count    -       count in 1..31 (never 0)
 *   SHR        a >> b         a        count    -
 *   SAR        a >>s b        a        count    -
 *   MUL        low result     -        -        CF=OF value (0/1); AF = 0
 *
 * Flag rules (s = sign bit of the size, m = size mask):
 *   ZF = (res & m) == 0, SF = res & s, PF = even parity of res & 0xff,
 *   AF = (a ^ b ^ res) & 0x10 for ADD/ADC/SUB/SBB, (a ^ 1 ^ res) & 0x10
 *        for INC/DEC, 0 otherwise,
 *   CF: ADD res < a (ADC: c ? res <= a : res < a); SUB a < b
 *       (SBB: c ? a <= b : a < b); INC/DEC c; SHL (a >> (bits - b)) & 1;
 *       SHR (a >> (b - 1)) & 1; SAR (sext(a) >> (b - 1)) & 1 (counts >= bits
 *       give the sign bit); MUL c; LOGIC 0.
 *   OF: ADD/ADC ((a ^ res) & (b ^ res)) & s; SUB/SBB ((a ^ b) & (a ^ res)) & s;
 *       INC res == s; DEC res == s - 1; SHL CF ^ MSB(res); SHR MSB(a); SAR 0;
 *       MUL c; LOGIC 0.
 */
#ifndef XRUN_FRONTEND_FLAGS_H_
#define XRUN_FRONTEND_FLAGS_H_

#include <stdint.h>

typedef enum CCKind {
    CCK_EFLAGS,
    CCK_ADD,
    CCK_ADC,
    CCK_SUB,
    CCK_SBB,
    CCK_LOGIC,
    CCK_INC,
    CCK_DEC,
    CCK_SHL,
    CCK_SHR,
    CCK_SAR,
    CCK_MUL,
    CCK__COUNT
} CCKind;

#define CC_OP(kind, sizeidx) ((uint32_t)(kind) * 4u + (uint32_t)(sizeidx))
#define CC_KIND(op) ((CCKind)((op) / 4u))
#define CC_SIZEIDX(op) ((op) % 4u)
#define CC_EFLAGS CC_OP(CCK_EFLAGS, 2)

/* The operands a lazy description of kind CC_KIND(op) reads (cc_res is
 * always read): FE_CC_A, FE_CC_B, FE_CC_C, from the table above; every
 * kind for an unknown op. Every instruction that records a kind also writes
 * each operand that kind reads, so an operand the current kind does not
 * read is never observed before it is written again: a PUT of it that only
 * such an operand's readers would see is dead (ir/opt_getput.c). */
enum { FE_CC_A = 1, FE_CC_B = 2, FE_CC_C = 4 };
static inline unsigned fe_cc_reads(uint32_t op)
{
    switch (CC_KIND(op)) {
    case CCK_EFLAGS:
    case CCK_LOGIC:
        return 0;
    case CCK_ADD:
    case CCK_SUB:
    case CCK_SHL:
    case CCK_SHR:
    case CCK_SAR:
        return FE_CC_A | FE_CC_B;
    case CCK_INC:
    case CCK_DEC:
        return FE_CC_A | FE_CC_C;
    case CCK_MUL:
        return FE_CC_C;
    default: /* ADC, SBB, and anything unknown */
        return FE_CC_A | FE_CC_B | FE_CC_C;
    }
}

/* x86 condition codes in encoding order (Jcc low nibble). */
typedef enum X86Cond {
    XC_O, XC_NO, XC_B, XC_AE, XC_E, XC_NE, XC_BE, XC_A,
    XC_S, XC_NS, XC_P, XC_NP, XC_L, XC_GE, XC_LE, XC_G
} X86Cond;

/* Arithmetic flags (EF_ARITH bits only) of a lazy description. */
uint32_t fe_flags_compute(uint32_t op, uint32_t res, uint32_t a, uint32_t b, uint32_t c);
/* Value (0/1) of condition cc given arithmetic flags. */
int fe_cond_eval(uint32_t eflags, X86Cond cc);

#endif
