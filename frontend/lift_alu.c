/* Lifting of the integer arithmetic family: add/adc/sub/sbb/cmp, logic,
 * inc/dec/neg/not, shifts and rotates, mul/imul/div/idiv, xadd, cmpxchg,
 * cmpxchg8b and the BCD adjusts.
 *
 * Flags follow frontend/flags.h: each instruction records its lazy
 * description with fe_set_flags. Rotates only touch CF/OF, so they
 * materialize EFLAGS; shifts by CL keep the old description when the masked
 * count is 0 (fa_cc_put_unless). With a lock prefix (and a memory
 * destination) add/adc/sub/sbb/and/or/xor, inc/dec, neg/not, xadd, cmpxchg
 * and cmpxchg8b do the memory update as one host atomic (frontend/h_atomic.h)
 * and compute the result and flags from the old value it returns.
 */
#include <signal.h>

#include "frontend/h_alu.h"
#include "frontend/lift.h"
#include "frontend/lift_alu_util.h"

/* ======================= add, adc, sub, sbb, logic ======================= */

/* True when operands 0 and 1 are the same register (xor eax,eax idioms). */
static bool same_regs(LiftCtx *c)
{
    const cs_x86_op *o = c->x86->operands;
    return c->x86->op_count == 2 && o[0].type == X86_OP_REG && o[1].type == X86_OP_REG &&
           o[0].reg == o[1].reg;
}

/* lock add/adc/sub/sbb/and/or/xor to memory: sub and sbb add the negated
 * source (plus carry), adc/sbb fold the carry into it. */
static void lift_binary_locked(LiftCtx *c, IrOp op, CCKind k)
{
    IrType t = fa_op_type(c, 0);
    unsigned sz = fe_op_size(c, 0);
    IrRef cin = IR_NONE;
    IrRef b = fa_read_src(c, 1, t), v = b;
    if (k == CCK_ADC || k == CCK_SBB) {
        cin = fa_cast(c, fe_get_cf(c), t, false);
        v = ir_bin(c->b, IR_ADD, b, cin);
    }
    unsigned at = op == IR_AND ? AT_AND : op == IR_OR ? AT_OR : op == IR_XOR ? AT_XOR : AT_ADD;
    if (op == IR_SUB) v = ir_un(c->b, IR_NEG, v);
    IrRef a = fa_atomic_rmw(c, 0, at, v);
    IrRef res = ir_bin(c->b, op, a, b);
    if (cin) res = ir_bin(c->b, op, res, cin);
    if (k == CCK_LOGIC)
        fe_set_flags(c, k, sz, res, IR_NONE, IR_NONE, IR_NONE);
    else
        fe_set_flags(c, k, sz, res, a, b, cin);
}

/* dst = dst OP src (written back unless cmp/test), flags of kind k. */
static void lift_binary(LiftCtx *c, IrOp op, CCKind k, bool writeback)
{
    if (writeback && fa_locked(c)) {
        lift_binary_locked(c, op, k);
        return;
    }
    IrType t = fa_op_type(c, 0);
    unsigned sz = fe_op_size(c, 0);
    IrRef cin = IR_NONE, res;
    IrRef a = fe_read_op(c, 0);
    IrRef b = fa_read_src(c, 1, t);
    if (k == CCK_ADC || k == CCK_SBB) {
        cin = fa_cast(c, fe_get_cf(c), t, false);
        res = ir_bin(c->b, op, ir_bin(c->b, op, a, b), cin);
    } else if ((op == IR_XOR || op == IR_SUB) && same_regs(c)) {
        res = fe_const(c, t, 0);
    } else {
        res = ir_bin(c->b, op, a, b);
    }
    if (writeback)
        fe_write_op(c, 0, res);
    if (k == CCK_LOGIC)
        fe_set_flags(c, k, sz, res, IR_NONE, IR_NONE, IR_NONE);
    else
        fe_set_flags(c, k, sz, res, a, b, cin);
}

static void lift_add(LiftCtx *c) { lift_binary(c, IR_ADD, CCK_ADD, true); }
static void lift_adc(LiftCtx *c) { lift_binary(c, IR_ADD, CCK_ADC, true); }
static void lift_sub(LiftCtx *c) { lift_binary(c, IR_SUB, CCK_SUB, true); }
static void lift_sbb(LiftCtx *c) { lift_binary(c, IR_SUB, CCK_SBB, true); }
static void lift_cmp(LiftCtx *c) { lift_binary(c, IR_SUB, CCK_SUB, false); }
static void lift_and(LiftCtx *c) { lift_binary(c, IR_AND, CCK_LOGIC, true); }
static void lift_or(LiftCtx *c) { lift_binary(c, IR_OR, CCK_LOGIC, true); }
static void lift_xor(LiftCtx *c) { lift_binary(c, IR_XOR, CCK_LOGIC, true); }
static void lift_test(LiftCtx *c) { lift_binary(c, IR_AND, CCK_LOGIC, false); }

/* ========================== inc, dec, neg, not ========================== */

/* inc/dec: CF is preserved, passed as the carry-in of the description. */
static void lift_incdec(LiftCtx *c, bool dec)
{
    IrType t = fa_op_type(c, 0);
    IrRef cf = fa_cast(c, fe_get_cf(c), t, false);
    IrRef one = fe_const(c, t, 1);
    IrRef a = fa_locked(c) ? fa_atomic_rmw(c, 0, AT_ADD, dec ? fe_const(c, t, ir_type_mask(t)) : one)
                           : fe_read_op(c, 0);
    IrRef res = ir_bin(c->b, dec ? IR_SUB : IR_ADD, a, one);
    if (!fa_locked(c)) fe_write_op(c, 0, res);
    fe_set_flags(c, dec ? CCK_DEC : CCK_INC, fe_op_size(c, 0), res, a, IR_NONE, cf);
}

static void lift_inc(LiftCtx *c) { lift_incdec(c, false); }
static void lift_dec(LiftCtx *c) { lift_incdec(c, true); }

/* neg: flags as SUB 0, x. */
static void lift_neg(LiftCtx *c)
{
    IrType t = fa_op_type(c, 0);
    bool locked = fa_locked(c);
    IrRef a = locked ? fa_atomic_rmw(c, 0, AT_NEG, IR_NONE) : fe_read_op(c, 0);
    IrRef res = ir_un(c->b, IR_NEG, a);
    if (!locked) fe_write_op(c, 0, res);
    fe_set_flags(c, CCK_SUB, fe_op_size(c, 0), res, fe_const(c, t, 0), a, IR_NONE);
}

static void lift_not(LiftCtx *c)
{
    if (fa_locked(c))
        fa_atomic_rmw(c, 0, AT_NOT, IR_NONE);
    else
        fe_write_op(c, 0, ir_un(c->b, IR_NOT, fe_read_op(c, 0)));
}

/* ============================ shifts, rotates ============================ */

/* Masked (5-bit) shift count of operand i as i8; *imm gets the constant
 * count and *is_imm is set when it is known at lift time. */
static IrRef shift_count(LiftCtx *c, int i, bool *is_imm, uint32_t *imm)
{
    if (i >= c->x86->op_count) { /* implicit 1 */
        *is_imm = true;
        *imm = 1;
        return fe_const(c, IRT_I8, 1);
    }
    const cs_x86_op *o = &c->x86->operands[i];
    if (o->type == X86_OP_IMM) {
        *is_imm = true;
        *imm = (uint32_t)o->imm & 31u;
        return fe_const(c, IRT_I8, *imm);
    }
    *is_imm = false;
    *imm = 0;
    IrRef n = fa_cast(c, fe_read_op(c, i), IRT_I8, false);
    return ir_bin(c->b, IR_AND, n, fe_const(c, IRT_I8, 31));
}

/* shl/sal, shr, sar: computed in 32 bits so counts up to 31 are exact for
 * every operand size. */
static void lift_shift(LiftCtx *c, CCKind k)
{
    IrType t = fa_op_type(c, 0);
    unsigned sz = fe_op_size(c, 0);
    bool is_imm;
    uint32_t imm;
    IrRef a = fe_read_op(c, 0);
    IrRef n = shift_count(c, 1, &is_imm, &imm);
    if (is_imm && imm == 0)
        return; /* no result change, flags untouched */
    IrRef a32 = fa_cast(c, a, IRT_I32, k == CCK_SAR);
    IrRef n32 = fa_zext32(c, n);
    IrOp op = k == CCK_SHL ? IR_SHL : k == CCK_SHR ? IR_LSHR : IR_ASHR;
    IrRef res = fa_cast(c, ir_bin(c->b, op, a32, n32), t, false);
    fe_write_op(c, 0, res);
    if (is_imm) {
        fe_set_flags(c, k, sz, res, a, fe_const(c, t, imm), IR_NONE);
    } else {
        IrRef zero = ir_icmp(c->b, IRP_EQ, n, fe_const(c, IRT_I8, 0));
        fa_cc_put_unless(c, zero, CC_OP(k, fa_sizeidx(sz)), res, a, n32, IR_NONE);
    }
}

static void lift_shl(LiftCtx *c) { lift_shift(c, CCK_SHL); }
static void lift_shr(LiftCtx *c) { lift_shift(c, CCK_SHR); }
static void lift_sar(LiftCtx *c) { lift_shift(c, CCK_SAR); }

/* rol/ror: CF always changes (masked count != 0); OF is defined for a
 * count of 1 and, as Intel CPUs do, left unchanged for larger counts.
 * Other flags are untouched, so EFLAGS are materialized. */
static void lift_rotate(LiftCtx *c, bool left)
{
    IrBlock *b = c->b;
    IrType t = fa_op_type(c, 0);
    unsigned bits = 8 * fe_op_size(c, 0);
    bool is_imm;
    uint32_t imm;
    IrRef a = fe_read_op(c, 0);
    IrRef n = shift_count(c, 1, &is_imm, &imm);
    if (is_imm && imm == 0)
        return;
    IrRef res = ir_bin(b, left ? IR_ROTL : IR_ROTR, a, fa_cast(c, n, t, false));
    fe_write_op(c, 0, res);

    IrRef old = ir_bin(b, IR_AND, fe_get_eflags(c), fe_const(c, IRT_I32, EF_ARITH));
    IrRef msb = fa_bit32(c, res, bits - 1);
    IrRef cf, of;
    if (left) {
        cf = fa_bit32(c, res, 0);
        of = ir_bin(b, IR_XOR, cf, msb);
    } else {
        cf = msb;
        of = ir_bin(b, IR_XOR, msb, fa_bit32(c, res, bits - 2));
    }
    of = ir_bin(b, IR_SHL, of, fe_const(c, IRT_I32, 11));
    IrRef old_of = ir_bin(b, IR_AND, old, fe_const(c, IRT_I32, EF_OF));
    if (is_imm && imm != 1)
        of = old_of;
    else if (!is_imm)
        of = ir_select(b, ir_icmp(b, IRP_EQ, n, fe_const(c, IRT_I8, 1)), of, old_of);
    IrRef nf = ir_bin(b, IR_AND, old, fe_const(c, IRT_I32, EF_ARITH & ~(EF_CF | EF_OF)));
    nf = ir_bin(b, IR_OR, ir_bin(b, IR_OR, nf, cf), of);
    if (!is_imm)
        nf = ir_select(b, ir_icmp(b, IRP_EQ, n, fe_const(c, IRT_I8, 0)), old, nf);
    fe_set_eflags_arith(c, nf);
}

static void lift_rol(LiftCtx *c) { lift_rotate(c, true); }
static void lift_ror(LiftCtx *c) { lift_rotate(c, false); }

/* rcl/rcr through the h_rcl/h_rcr helpers (result | flags << 32). */
static void lift_rc(LiftCtx *c, unsigned helper)
{
    IrType t = fa_op_type(c, 0);
    bool is_imm;
    uint32_t imm;
    IrRef a = fe_read_op(c, 0);
    IrRef n = shift_count(c, 1, &is_imm, &imm);
    if (is_imm && imm == 0)
        return;
    IrRef fl = ir_bin(c->b, IR_AND, fe_get_eflags(c), fe_const(c, IRT_I32, EF_ARITH));
    IrRef args[4] = {fa_zext32(c, a), fa_zext32(c, n), fl,
                     fe_const(c, IRT_I32, fe_op_size(c, 0))};
    IrRef r = ir_call(c->b, helper, 4, args);
    fe_write_op(c, 0, fa_cast(c, r, t, false));
    fe_set_eflags_arith(c, ir_cast(c->b, IR_TRUNC, IRT_I32,
                                   ir_bin(c->b, IR_LSHR, r, fe_const(c, IRT_I64, 32))));
}

static void lift_rcl(LiftCtx *c) { lift_rc(c, H_RCL); }
static void lift_rcr(LiftCtx *c) { lift_rc(c, H_RCR); }

/* ============================ mul, imul, div ============================ */

static IrType wider(IrType t) { return t == IRT_I8 ? IRT_I16 : t == IRT_I16 ? IRT_I32 : IRT_I64; }

/* One-operand mul/imul: AX = AL*r8, DX:AX = AX*r16, EDX:EAX = EAX*r32.
 * CF = OF = the high half is significant. */
static void lift_mul1(LiftCtx *c, bool sign)
{
    unsigned sz = fe_op_size(c, 0);
    IrType t = fe_type_of(sz), w = wider(t);
    IrRef src = fe_read_op(c, 0);
    IrRef acc = fe_get_reg(c, fa_acc(sz));
    IrRef p = ir_bin(c->b, IR_MUL, fa_cast(c, acc, w, sign), fa_cast(c, src, w, sign));
    IrRef lo = fa_cast(c, p, t, false);
    IrRef hi = fa_cast(c, ir_bin(c->b, IR_LSHR, p, fe_const(c, w, 8 * sz)), t, false);
    IrRef of;
    if (sign)
        of = ir_icmp(c->b, IRP_NE, fa_cast(c, lo, w, true), p);
    else
        of = ir_icmp(c->b, IRP_NE, hi, fe_const(c, t, 0));
    if (sz == 1) {
        fe_put_reg(c, X86_REG_AX, p);
    } else {
        fe_put_reg(c, fa_acc(sz), lo);
        fe_put_reg(c, sz == 2 ? X86_REG_DX : X86_REG_EDX, hi);
    }
    fe_set_flags(c, CCK_MUL, sz, lo, IR_NONE, IR_NONE, fa_cast(c, of, t, false));
}

static void lift_mul(LiftCtx *c) { lift_mul1(c, false); }

/* imul in its three forms; the 2- and 3-operand forms truncate. */
static void lift_imul(LiftCtx *c)
{
    if (c->x86->op_count == 1) {
        lift_mul1(c, true);
        return;
    }
    unsigned sz = fe_op_size(c, 0);
    IrType t = fe_type_of(sz), w = wider(t);
    bool three = c->x86->op_count == 3;
    IrRef a = three ? fa_read_src(c, 1, t) : fe_read_op(c, 0);
    IrRef b = fa_read_src(c, three ? 2 : 1, t);
    IrRef p = ir_bin(c->b, IR_MUL, fa_cast(c, a, w, true), fa_cast(c, b, w, true));
    IrRef lo = fa_cast(c, p, t, false);
    IrRef of = ir_icmp(c->b, IRP_NE, fa_cast(c, lo, w, true), p);
    fe_write_op(c, 0, lo);
    fe_set_flags(c, CCK_MUL, sz, lo, IR_NONE, IR_NONE, fa_cast(c, of, t, false));
}

/* div/idiv: the dividend (AX, DX:AX, EDX:EAX) and divisor are widened to
 * 64 bits; a zero divisor (and INT64_MIN / -1) is replaced by 1 so the IR
 * division can never trap on the host, and #DE (SIGFPE, FPE_INTDIV) is
 * raised before any register is written when the divisor is 0 or the
 * quotient does not fit. Flags are undefined and left as they were. */
static void lift_div1(LiftCtx *c, bool sign)
{
    IrBlock *b = c->b;
    unsigned sz = fe_op_size(c, 0);
    IrType t = fe_type_of(sz);
    IrRef d = fa_cast(c, fe_read_op(c, 0), IRT_I64, sign);
    IrRef dividend;
    if (sz == 1) {
        dividend = fa_cast(c, fe_get_reg(c, X86_REG_AX), IRT_I64, sign);
    } else {
        IrType w = wider(t);
        IrRef lo = fa_cast(c, fe_get_reg(c, fa_acc(sz)), w, false);
        IrRef hi = fa_cast(c, fe_get_reg(c, sz == 2 ? X86_REG_DX : X86_REG_EDX), w, false);
        IrRef v = ir_bin(b, IR_OR, ir_bin(b, IR_SHL, hi, fe_const(c, w, 8 * sz)), lo);
        dividend = fa_cast(c, v, IRT_I64, sign);
    }
    IrRef bad = ir_icmp(b, IRP_EQ, d, fe_const(c, IRT_I64, 0));
    if (sign && sz == 4) {
        IrRef m1 = ir_icmp(b, IRP_EQ, d, fe_const(c, IRT_I64, UINT64_MAX));
        IrRef mn = ir_icmp(b, IRP_EQ, dividend, fe_const(c, IRT_I64, 1ull << 63));
        bad = ir_bin(b, IR_OR, bad, ir_bin(b, IR_AND, m1, mn));
    }
    IrRef sd = ir_select(b, bad, fe_const(c, IRT_I64, 1), d);
    IrRef q = ir_bin(b, sign ? IR_SDIV : IR_UDIV, dividend, sd);
    IrRef r = ir_bin(b, sign ? IR_SREM : IR_UREM, dividend, sd);
    IrRef q_t = fa_cast(c, q, t, false), r_t = fa_cast(c, r, t, false);
    IrRef ovf;
    if (sign)
        ovf = ir_icmp(b, IRP_NE, fa_cast(c, q_t, IRT_I64, true), q);
    else
        ovf = ir_icmp(b, IRP_UGT, q, fe_const(c, IRT_I64, ir_type_mask(t)));
    fe_exit_signal_if(c, ir_bin(b, IR_OR, bad, ovf), SIGFPE);
    if (sz == 1) {
        IrRef ax = ir_bin(b, IR_OR, fa_cast(c, q_t, IRT_I16, false),
                          ir_bin(b, IR_SHL, fa_cast(c, r_t, IRT_I16, false),
                                 fe_const(c, IRT_I16, 8)));
        fe_put_reg(c, X86_REG_AX, ax);
    } else {
        fe_put_reg(c, fa_acc(sz), q_t);
        fe_put_reg(c, sz == 2 ? X86_REG_DX : X86_REG_EDX, r_t);
    }
}

static void lift_div(LiftCtx *c) { lift_div1(c, false); }
static void lift_idiv(LiftCtx *c) { lift_div1(c, true); }

/* ======================= xadd, cmpxchg, cmpxchg8b ======================= */

/* xadd: src = dst, dst = dst + src (dst written last: xadd r,r gives the sum). */
static void lift_xadd(LiftCtx *c)
{
    if (fa_locked(c)) {
        IrRef s = fe_read_op(c, 1);
        IrRef a = fa_atomic_rmw(c, 0, AT_ADD, s);
        fe_write_op(c, 1, a);
        fe_set_flags(c, CCK_ADD, fe_op_size(c, 0), ir_bin(c->b, IR_ADD, a, s), a, s, IR_NONE);
        return;
    }
    IrRef a = fe_read_op(c, 0);
    IrRef s = fe_read_op(c, 1);
    IrRef res = ir_bin(c->b, IR_ADD, a, s);
    if (c->x86->operands[0].type == X86_OP_MEM) {
        fe_write_op(c, 0, res); /* a faulting store leaves the register alone */
        fe_write_op(c, 1, a);
    } else {
        fe_write_op(c, 1, a);
        fe_write_op(c, 0, res);
    }
    fe_set_flags(c, CCK_ADD, fe_op_size(c, 0), res, a, s, IR_NONE);
}

/* cmpxchg: flags of CMP acc, dst; equal: dst = src, else acc = dst. The
 * destination is always written (with its old value when unequal). */
static void lift_cmpxchg(LiftCtx *c)
{
    unsigned sz = fe_op_size(c, 0);
    x86_reg accr = fa_acc(sz);
    if (fa_locked(c)) {
        IrRef s = fe_read_op(c, 1);
        IrRef acc = fe_get_reg(c, accr);
        IrRef args[4] = {fe_const(c, IRT_I32, sz), fe_ea(c, 0), fa_zext32(c, acc), fa_zext32(c, s)};
        IrRef d = fa_cast(c, ir_call(c->b, H_ATOMIC_CMPXCHG, 4, args), fa_op_type(c, 0), false);
        fe_put_reg(c, accr, d); /* acc when equal, the memory value otherwise */
        fe_set_flags(c, CCK_SUB, sz, ir_bin(c->b, IR_SUB, acc, d), acc, d, IR_NONE);
        return;
    }
    IrRef d = fe_read_op(c, 0);
    IrRef s = fe_read_op(c, 1);
    IrRef acc = fe_get_reg(c, accr);
    IrRef eq = ir_icmp(c->b, IRP_EQ, acc, d);
    IrRef nd = ir_select(c->b, eq, s, d);
    IrRef nacc = ir_select(c->b, eq, acc, d);
    if (c->x86->operands[0].type == X86_OP_MEM) {
        fe_write_op(c, 0, nd);
        fe_put_reg(c, accr, nacc);
    } else { /* dst may be the accumulator itself: it must win */
        fe_put_reg(c, accr, nacc);
        fe_write_op(c, 0, nd);
    }
    fe_set_flags(c, CCK_SUB, sz, ir_bin(c->b, IR_SUB, acc, d), acc, d, IR_NONE);
}

/* cmpxchg8b m64: compare EDX:EAX; equal -> m64 = ECX:EBX, ZF = 1; else
 * EDX:EAX = m64, ZF = 0. Only ZF changes. */
static void lift_cmpxchg8b(LiftCtx *c)
{
    IrBlock *b = c->b;
    if (c->x86->operands[0].type != X86_OP_MEM) {
        fe_unsupported(c); /* register form is #UD */
        return;
    }
    IrRef ea = fe_ea(c, 0);
    IrRef k32 = fe_const(c, IRT_I64, 32);
    IrRef edxeax = ir_bin(b, IR_OR, ir_bin(b, IR_SHL, fa_cast(c, fe_get_reg(c, X86_REG_EDX),
                                                               IRT_I64, false), k32),
                          fa_cast(c, fe_get_reg(c, X86_REG_EAX), IRT_I64, false));
    IrRef ecxebx = ir_bin(b, IR_OR, ir_bin(b, IR_SHL, fa_cast(c, fe_get_reg(c, X86_REG_ECX),
                                                               IRT_I64, false), k32),
                          fa_cast(c, fe_get_reg(c, X86_REG_EBX), IRT_I64, false));
    IrRef m;
    if (fa_locked(c)) {
        IrRef args[3] = {ea, edxeax, ecxebx};
        m = ir_call(b, H_ATOMIC_CMPXCHG8B, 3, args);
    } else {
        m = ir_load(b, IRT_I64, ea);
    }
    IrRef eq = ir_icmp(b, IRP_EQ, m, edxeax);
    IrRef old = ir_bin(b, IR_AND, fe_get_eflags(c), fe_const(c, IRT_I32, EF_ARITH & ~EF_ZF));
    if (!fa_locked(c)) ir_store(b, ea, ir_select(b, eq, ecxebx, m));
    IrRef nv = m; /* EDX:EAX when equal, the memory value otherwise */
    fe_put_reg(c, X86_REG_EAX, fa_cast(c, nv, IRT_I32, false));
    fe_put_reg(c, X86_REG_EDX, fa_cast(c, ir_bin(b, IR_LSHR, nv, k32), IRT_I32, false));
    IrRef zf = ir_select(b, eq, fe_const(c, IRT_I32, EF_ZF), fe_const(c, IRT_I32, 0));
    fe_set_eflags_arith(c, ir_bin(b, IR_OR, old, zf));
}

/* ============================== BCD adjusts ============================== */

/* aaa/aas/daa/das/aam/aad through h_bcd, which updates EAX and the flags in
 * CPUState; aam with a zero immediate raises #DE. */
static void lift_bcd(LiftCtx *c, uint32_t kind)
{
    uint32_t imm = c->insn->size > 1 ? c->insn->bytes[1] : 10u;
    if (kind == BCD_AAM && imm == 0) {
        fe_exit_signal(c, SIGFPE, false);
        return;
    }
    IrRef fl = ir_bin(c->b, IR_AND, fe_get_eflags(c), fe_const(c, IRT_I32, EF_ARITH));
    IrRef args[4] = {fe_const(c, IRT_I32, kind), fe_const(c, IRT_I32, imm),
                     fa_zext32(c, fe_get_reg(c, X86_REG_AX)), fl};
    IrRef r = ir_call(c->b, H_BCD, 4, args);
    fe_put_reg(c, X86_REG_AX, fa_cast(c, r, IRT_I16, false));
    fe_set_eflags_arith(c, ir_bin(c->b, IR_LSHR, r, fe_const(c, IRT_I32, 16)));
}

static void lift_aaa(LiftCtx *c) { lift_bcd(c, BCD_AAA); }
static void lift_aas(LiftCtx *c) { lift_bcd(c, BCD_AAS); }
static void lift_daa(LiftCtx *c) { lift_bcd(c, BCD_DAA); }
static void lift_das(LiftCtx *c) { lift_bcd(c, BCD_DAS); }
static void lift_aam(LiftCtx *c) { lift_bcd(c, BCD_AAM); }
static void lift_aad(LiftCtx *c) { lift_bcd(c, BCD_AAD); }

/* ================================= table ================================= */

const FeLiftEntry fe_lift_alu[] = {
    {X86_INS_ADD, lift_add},         {X86_INS_ADC, lift_adc},
    {X86_INS_SUB, lift_sub},         {X86_INS_SBB, lift_sbb},
    {X86_INS_CMP, lift_cmp},         {X86_INS_AND, lift_and},
    {X86_INS_OR, lift_or},           {X86_INS_XOR, lift_xor},
    {X86_INS_TEST, lift_test},       {X86_INS_INC, lift_inc},
    {X86_INS_DEC, lift_dec},         {X86_INS_NEG, lift_neg},
    {X86_INS_NOT, lift_not},         {X86_INS_SHL, lift_shl},
    {X86_INS_SAL, lift_shl},         {X86_INS_SHR, lift_shr},
    {X86_INS_SAR, lift_sar},         {X86_INS_ROL, lift_rol},
    {X86_INS_ROR, lift_ror},         {X86_INS_RCL, lift_rcl},
    {X86_INS_RCR, lift_rcr},         {X86_INS_MUL, lift_mul},
    {X86_INS_IMUL, lift_imul},       {X86_INS_DIV, lift_div},
    {X86_INS_IDIV, lift_idiv},       {X86_INS_XADD, lift_xadd},
    {X86_INS_CMPXCHG, lift_cmpxchg}, {X86_INS_CMPXCHG8B, lift_cmpxchg8b},
    {X86_INS_AAA, lift_aaa},         {X86_INS_AAS, lift_aas},
    {X86_INS_DAA, lift_daa},         {X86_INS_DAS, lift_das},
    {X86_INS_AAM, lift_aam},         {X86_INS_AAD, lift_aad},
    {0, NULL},
};
