/* The x87 fast path's helpers (rows in frontend/h_x87.def): one x87
 * operation on fixed physical registers of CPUState.fpr, its operands
 * named by a constant control word. The lifter (frontend/lift_x87_fast.c)
 * knows TOP and the tags at translation time, checks stack faults itself
 * and keeps fp_top/fp_tag up to date with PUTs, so these helpers only
 * compute: run the instruction on the host FPU (exactly as the generic
 * helpers do), merge its exception flags and C1 into the status word.
 *
 * The interpreter calls them like any helper. The LLVM backend expands
 * them inline (backend/llvm_f80.c) into x86_fp80 arithmetic at the host's
 * default control word, which the block's guard made sure equals the
 * guest's; their exception flags then stay sticky in the host FPU until
 * hx_fold() moves them into fp_sw (every x87 helper does so on entry).
 * The only thing the inline code does not produce is C1 after a rounding
 * operation: the lifter marks (X87Q_C1) the last C1-setting operation
 * before each point where the status word can be seen, and the backend
 * calls the helper for that one.
 */
#ifndef XRUN_FRONTEND_H_X87_FAST_H_
#define XRUN_FRONTEND_H_X87_FAST_H_

#include <stdint.h>

#include "runtime/cpu.h"

/* Control word fields. */
#define X87Q_OP(q) ((q) & 7u)          /* X87Arith, or X87U_* for F80_UN */
#define X87Q_FMT(q) (((q) >> 3) & 7u)  /* X87Fmt of a memory operand */
#define X87Q_D(q) (((q) >> 8) & 7u)    /* destination physical register */
#define X87Q_A(q) (((q) >> 11) & 7u)   /* first source */
#define X87Q_B(q) (((q) >> 14) & 7u)   /* second source */
#define X87Q_C1 (1u << 20)             /* C1 must be exact after this one */
#define X87Q_SIGNAL (1u << 21)         /* compare: QNaN operands raise IE (fcom) */
#define X87Q_SETCC (1u << 22)          /* compare: result to C0 C2 C3, C1 = 0 */
#define X87Q_MAKE(op, fmt, d, a, b)                                                                \
    ((uint32_t)(op) | (uint32_t)(fmt) << 3 | (uint32_t)(d) << 8 | (uint32_t)(a) << 11 |           \
     (uint32_t)(b) << 14)

/* F80_UN operations. */
enum { X87U_SQRT, X87U_CHS, X87U_ABS, X87U_MOV, X87U_XCH };

/* fpr[D] = fpr[A] OP fpr[B] (OP X87Arith; SUBR/DIVR: fpr[B] - fpr[A]). */
void h_f80_bin(CPUState *env, uint32_t q);
/* fpr[D] = fpr[A] OP m, m the memory operand of format FMT (F32, F64, I16,
 * I32) in the low bits of `bits`. */
void h_f80_binm(CPUState *env, uint32_t q, uint64_t bits);
/* fpr[D] = f(fpr[A]) for X87U_*; X87U_XCH swaps fpr[D] and fpr[A]. */
void h_f80_un(CPUState *env, uint32_t q);
/* fpr[D] = the memory operand of format FMT (F32 F64 I16 I32 I64). */
void h_f80_ld(CPUState *env, uint32_t q, uint64_t bits);
/* fpr[A] converted to format FMT (F32 F64 I16 I32 I64), zero-extended. */
uint64_t h_f80_st(CPUState *env, uint32_t q);
/* Compare fpr[A] with fpr[B] / with memory operand FMT: CF PF ZF as fcomi
 * sets them (EF_* bits); with X87Q_SETCC also C0 C2 C3 (and C1 = 0). */
uint32_t h_f80_cmp(CPUState *env, uint32_t q);
uint32_t h_f80_cmpm(CPUState *env, uint32_t q, uint64_t bits);

/* Move the host FPU's sticky exception flags into env->fp_sw and clear
 * them on the host. */
static inline void hx_fold(CPUState *env)
{
    uint16_t sw;
    __asm__ volatile("fnstsw %0" : "=a"(sw));
    if (sw & 0x3fu) {
        env->fp_sw |= (uint16_t)(sw & 0x3fu);
        if (sw & ~env->fp_cw & 0x3fu)
            env->fp_sw |= FSW_ES;
        __asm__ volatile("fnclex");
    }
}

#endif
