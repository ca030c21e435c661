/* Small IR-building utilities shared by the integer lifters (lift_alu.c,
 * lift_bits.c, lift_string.c): width casts, immediate-aware operand reads,
 * and the "flags untouched when the dynamic count is 0" store used by
 * shifts and double shifts.
 */
#ifndef XRUN_FRONTEND_LIFT_ALU_UTIL_H_
#define XRUN_FRONTEND_LIFT_ALU_UTIL_H_

#include "frontend/h_atomic.h"
#include "frontend/lift.h"
#include "runtime/cpu.h"

/* Type of operand i. */
static inline IrType fa_op_type(LiftCtx *c, int i) { return fe_type_of(fe_op_size(c, i)); }

/* v widened (sign or zero) or truncated to t; v unchanged if already t. */
static inline IrRef fa_cast(LiftCtx *c, IrRef v, IrType t, bool sign)
{
    unsigned vb = ir_type_bits(ir_type(c->b, v)), tb = ir_type_bits(t);
    if (vb == tb)
        return v;
    if (vb > tb)
        return ir_cast(c->b, IR_TRUNC, t, v);
    return ir_cast(c->b, sign ? IR_SEXT : IR_ZEXT, t, v);
}

static inline IrRef fa_zext32(LiftCtx *c, IrRef v) { return fa_cast(c, v, IRT_I32, false); }

/* Read operand i as type t: immediates become constants (sign-extended, as
 * x86 encodes them), registers/memory are read and cast (sign) if needed. */
static inline IrRef fa_read_src(LiftCtx *c, int i, IrType t)
{
    const cs_x86_op *o = &c->x86->operands[i];
    if (o->type == X86_OP_IMM)
        return fe_const(c, t, (uint64_t)o->imm & ir_type_mask(t));
    return fa_cast(c, fe_read_op(c, i), t, true);
}

/* Bit `bit` of v (any type) as an i32 0/1. */
static inline IrRef fa_bit32(LiftCtx *c, IrRef v, unsigned bit)
{
    IrRef x = fa_zext32(c, v);
    if (bit)
        x = ir_bin(c->b, IR_LSHR, x, fe_const(c, IRT_I32, bit));
    return ir_bin(c->b, IR_AND, x, fe_const(c, IRT_I32, 1));
}

/* Size index of flags.h CC_OP for a byte size. */
static inline unsigned fa_sizeidx(unsigned sz) { return sz == 1 ? 0u : sz == 2 ? 1u : 2u; }

/* Store a new lazy-flags description (op constant, operands of any integer
 * type, IR_NONE = 0) unless `keep` (i1) is true at run time, in which case
 * the previous description stays. Used for shifts by a dynamic count, where
 * a masked count of 0 leaves EFLAGS alone. The lift-time knowledge is
 * spilled first, so the previous description is read back from CPUState. */
static inline void fa_cc_put_unless(LiftCtx *c, IrRef keep, uint32_t op, IrRef res, IrRef a,
                                    IrRef b, IrRef cc)
{
    const uint32_t offs[5] = {CPU_OFF(cc_op), CPU_OFF(cc_res), CPU_OFF(cc_a), CPU_OFF(cc_b),
                              CPU_OFF(cc_c)};
    IrRef nv[5] = {fe_const(c, IRT_I32, op), res, a, b, cc};
    fe_flags_spill(c);
    for (int i = 0; i < 5; i++) {
        IrRef v = nv[i] ? fa_zext32(c, nv[i]) : fe_const(c, IRT_I32, 0);
        IrRef old = ir_get(c->b, IRT_I32, offs[i]);
        ir_put(c->b, offs[i], ir_select(c->b, keep, old, v));
    }
}

/* A lock prefix on an instruction whose destination (operand 0) is memory:
 * the read-modify-write must be one atomic host operation. */
static inline bool fa_locked(LiftCtx *c)
{
    return c->x86->prefix[0] == X86_PREFIX_LOCK && c->x86->op_count > 0 &&
           c->x86->operands[0].type == X86_OP_MEM;
}

/* Atomically apply AT_* op with v (operand i's type, IR_NONE for NOT/NEG)
 * to memory operand i at address ea; returns the old value (operand type). */
static inline IrRef fa_atomic_rmw_at(LiftCtx *c, int i, IrRef ea, unsigned op, IrRef v)
{
    IrRef args[3] = {fe_const(c, IRT_I32, AT_OPSIZE(op, fe_op_size(c, i))), ea,
                     v ? fa_zext32(c, v) : fe_const(c, IRT_I32, 0)};
    return fa_cast(c, ir_call(c->b, H_ATOMIC_RMW, 3, args), fa_op_type(c, i), false);
}

static inline IrRef fa_atomic_rmw(LiftCtx *c, int i, unsigned op, IrRef v)
{
    return fa_atomic_rmw_at(c, i, fe_ea(c, i), op, v);
}

/* The accumulator register of a size (AL, AX, EAX). */
static inline x86_reg fa_acc(unsigned sz)
{
    return sz == 1 ? X86_REG_AL : sz == 2 ? X86_REG_AX : X86_REG_EAX;
}

#endif
