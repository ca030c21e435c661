/* C helpers of the x87 family; rows in frontend/h_x87.def.
 *
 * Every x87 instruction lifts to one CALL of a helper below. The helpers
 * keep the register stack (fpr[], fp_top, fp_tag) and the status word in
 * CPUState and compute every value by running the very same x87
 * instruction on the host FPU under the guest's control word (exceptions
 * masked), so results, rounding, NaN propagation and exception flags are
 * bit-exact (frontend/h_x87_host.c). The small enums here are the constant
 * arguments the lifter passes.
 */
#ifndef XRUN_FRONTEND_H_X87_H_
#define XRUN_FRONTEND_H_X87_H_

#include <stdint.h>

#include "runtime/cpu.h"

/* Memory operand formats. */
typedef enum X87Fmt {
    X87F_F32,
    X87F_F64,
    X87F_F80,
    X87F_I16,
    X87F_I32,
    X87F_I64,
    X87F_BCD,
    X87F__COUNT
} X87Fmt;

/* Binary arithmetic, "dst = dst OP src" (values are the D8 /reg field). */
typedef enum X87Arith {
    X87A_ADD = 0,
    X87A_MUL = 1,
    X87A_SUB = 4,  /* dst - src */
    X87A_SUBR = 5, /* src - dst */
    X87A_DIV = 6,  /* dst / src */
    X87A_DIVR = 7, /* src / dst */
} X87Arith;

/* Mode bits of X87_ARITH_ST. */
#define X87M_DST_STI 1u /* destination is st(i) (else st(0)) */
#define X87M_POP 2u     /* pop once afterwards */
/* X87_ST_ST: pop argument 1, or 3 for the D9 D8+i alias that copies the tag
 * and never signals underflow. */
#define X87M_NOCHECK 2u
/* Mode bits of X87_COM_ST / X87_COMI: pop count in bits 0..1, and: */
#define X87M_UNORDERED 4u /* fucom family: QNaN operands do not raise IE */

/* Control-state transfers of X87_ST_CTRL / X87_LD_CTRL. */
enum { X87C_CW, X87C_SW, X87C_ENV, X87C_SAVE };

/* X87_OP operations are named by their encoding (opcode << 8 | modrm):
 * 0xD9E0 fchs ... 0xD9FF fcos, 0xDBE2 fnclex, 0xDBE3 fninit.
 * X87_LD_CONST takes the D9 modrm byte: 0xE8 fld1 ... 0xEE fldz. */

#define X87_CW_DEFAULT 0x037fu
#define X87_ENV_SIZE 28u  /* fnstenv image, 32-bit protected mode */
#define X87_SAVE_SIZE 108u /* fnsave image */

void h_x87_ld_mem(CPUState *env, uint32_t addr, uint32_t fmt);
void h_x87_st_mem(CPUState *env, uint32_t addr, uint32_t fmt, uint32_t pop);
void h_x87_arith_mem(CPUState *env, uint32_t addr, uint32_t fmt, uint32_t op);
void h_x87_com_mem(CPUState *env, uint32_t addr, uint32_t fmt, uint32_t pop);
void h_x87_ld_st(CPUState *env, uint32_t i);
void h_x87_st_st(CPUState *env, uint32_t i, uint32_t pop);
void h_x87_ld_const(CPUState *env, uint32_t k);
void h_x87_arith_st(CPUState *env, uint32_t i, uint32_t op, uint32_t mode);
void h_x87_com_st(CPUState *env, uint32_t i, uint32_t mode);
uint32_t h_x87_comi(CPUState *env, uint32_t i, uint32_t mode);
void h_x87_op(CPUState *env, uint32_t op);
void h_x87_fxch(CPUState *env, uint32_t i);
void h_x87_ffree(CPUState *env, uint32_t i, uint32_t pop);
void h_x87_fcmov(CPUState *env, uint32_t i, uint32_t cond);
uint16_t h_x87_fnstsw(CPUState *env);
void h_x87_st_ctrl(CPUState *env, uint32_t addr, uint32_t what);
void h_x87_ld_ctrl(CPUState *env, uint32_t addr, uint32_t what);

/* Reset the x87 state as FNINIT does (also for a new guest process). */
void h_x87_reset(CPUState *env);

#endif
