/* Lazy EFLAGS in IR (frontend/flags.h).
 *
 * fe_set_flags stores the description into CPUState with PUTs (dead ones
 * are removed by the IR passes) and remembers the IR refs in ctx->cc. When
 * the kind is a lift-time constant, readers build just the flags they need
 * with IR (a CMP followed by JL becomes one `icmp slt a, b`); otherwise they
 * call the h_cond / h_get_eflags helpers, which read the PUT values back.
 * The IR built here must agree bit for bit with fe_flags_compute(). */
#include "frontend/lift.h"

#include "runtime/cpu.h"

/* ------------------------------------------------------------------------ */
/* Small IR utilities                                                       */
/* ------------------------------------------------------------------------ */

static IrType size_type(unsigned sizeidx) {
    return sizeidx == 0 ? IRT_I8 : sizeidx == 1 ? IRT_I16 : IRT_I32;
}

static const IrInst *inst(LiftCtx *c, IrRef r) {
    return &c->b->insts[r];
}

static bool is_const(LiftCtx *c, IrRef r) {
    return r && inst(c, r)->op == IR_CONST;
}

/* v (an i32 holding a zero-extended value) as type t, looking through the
 * ZEXT fe_set_flags made. */
static IrRef narrow(LiftCtx *c, IrRef v, IrType t) {
    if (ir_type(c->b, v) == t) return v;
    const IrInst *in = inst(c, v);
    if (in->op == IR_ZEXT && ir_type(c->b, in->arg[0]) == t) return in->arg[0];
    if (ir_type_bits(ir_type(c->b, v)) > ir_type_bits(t)) return ir_cast(c->b, IR_TRUNC, t, v);
    return ir_cast(c->b, IR_ZEXT, t, v);
}

/* A 0/1 value as i1. */
static IrRef as_i1(LiftCtx *c, IrRef v) {
    if (ir_type(c->b, v) == IRT_I1) return v;
    const IrInst *in = inst(c, v);
    if (in->op == IR_ZEXT && ir_type(c->b, in->arg[0]) == IRT_I1) return in->arg[0];
    return ir_icmp(c->b, IRP_NE, v, fe_const(c, ir_type(c->b, v), 0));
}

static IrRef bit_set(LiftCtx *c, IrRef v, uint32_t mask) {
    IrType t = ir_type(c->b, v);
    return ir_icmp(c->b, IRP_NE, ir_bin(c->b, IR_AND, v, fe_const(c, t, mask)), fe_const(c, t, 0));
}

static IrRef b_true(LiftCtx *c) {
    return fe_const(c, IRT_I1, 1);
}
static IrRef b_false(LiftCtx *c) {
    return fe_const(c, IRT_I1, 0);
}
static IrRef b_not(LiftCtx *c, IrRef v) {
    return ir_bin(c->b, IR_XOR, v, b_true(c));
}

/* An operand as i32 holding the value zero-extended from the op size. */
static IrRef widen(LiftCtx *c, IrRef v, IrType t) {
    if (!v) return IR_NONE;
    if (ir_type_bits(ir_type(c->b, v)) > ir_type_bits(t)) v = ir_cast(c->b, IR_TRUNC, t, v);
    return ir_cast(c->b, IR_ZEXT, IRT_I32, v);
}

/* ------------------------------------------------------------------------ */
/* Recording                                                                */
/* ------------------------------------------------------------------------ */

static void record(LiftCtx *c, uint32_t op, IrRef res, IrRef a, IrRef b, IrRef cin) {
    IrRef opr = fe_const(c, IRT_I32, op);
    ir_put(c->b, CPU_OFF(cc_op), opr);
    if (res) ir_put(c->b, CPU_OFF(cc_res), res);
    if (a) ir_put(c->b, CPU_OFF(cc_a), a);
    if (b) ir_put(c->b, CPU_OFF(cc_b), b);
    if (cin) ir_put(c->b, CPU_OFF(cc_c), cin);
    c->cc.op = opr;
    c->cc.res = res;
    c->cc.a = a;
    c->cc.b = b;
    c->cc.c = cin;
}

void fe_set_flags(LiftCtx *c, CCKind kind, unsigned size, IrRef res, IrRef a, IrRef b, IrRef cin) {
    unsigned si = size == 1 ? 0 : size == 2 ? 1 : 2;
    IrType t = size_type(si);
    IrRef cw = IR_NONE;
    if (cin) {
        IrType ct = ir_type(c->b, cin);
        cw = ct == IRT_I32           ? cin
             : ir_type_bits(ct) > 32 ? ir_cast(c->b, IR_TRUNC, IRT_I32, cin)
                                     : ir_cast(c->b, IR_ZEXT, IRT_I32, cin);
    }
    record(c, CC_OP(kind, si), widen(c, res, t), widen(c, a, t), widen(c, b, t), cw);
}

void fe_set_eflags_arith(LiftCtx *c, IrRef flags) {
    record(c, CC_EFLAGS, flags, IR_NONE, IR_NONE, IR_NONE);
}

void fe_flags_spill(LiftCtx *c) {
    c->cc.op = c->cc.res = c->cc.a = c->cc.b = c->cc.c = IR_NONE;
}

/* ------------------------------------------------------------------------ */
/* Individual flags for a lift-time-known kind                              */
/* ------------------------------------------------------------------------ */

typedef struct Known {
    CCKind kind;
    unsigned si, bits;
    IrType t;
} Known;

/* Is the description usable at lift time? Fills k. */
static bool known(LiftCtx *c, Known *k) {
    if (!is_const(c, c->cc.op) || !c->cc.res) return false;
    uint32_t op = (uint32_t)inst(c, c->cc.op)->imm;
    k->kind = CC_KIND(op);
    k->si = CC_SIZEIDX(op) > 2 ? 2 : CC_SIZEIDX(op);
    k->bits = 8u << k->si;
    k->t = size_type(k->si);
    if (k->kind >= CCK__COUNT) return false;
    switch (k->kind) {
    case CCK_EFLAGS:
    case CCK_LOGIC:
        return true;
    case CCK_MUL:
        return c->cc.c != IR_NONE;
    case CCK_INC:
    case CCK_DEC:
        return c->cc.a && c->cc.c;
    case CCK_ADC:
    case CCK_SBB:
        return c->cc.a && c->cc.b && c->cc.c;
    default:
        return c->cc.a && c->cc.b;
    }
}

static IrRef res_n(LiftCtx *c, const Known *k) {
    return narrow(c, c->cc.res, k->t);
}
static IrRef a_n(LiftCtx *c, const Known *k) {
    return narrow(c, c->cc.a, k->t);
}
static IrRef b_n(LiftCtx *c, const Known *k) {
    return narrow(c, c->cc.b, k->t);
}

static IrRef flag_zf(LiftCtx *c, const Known *k) {
    if (k->kind == CCK_EFLAGS) return bit_set(c, c->cc.res, EF_ZF);
    return ir_icmp(c->b, IRP_EQ, res_n(c, k), fe_const(c, k->t, 0));
}

static IrRef flag_sf(LiftCtx *c, const Known *k) {
    if (k->kind == CCK_EFLAGS) return bit_set(c, c->cc.res, EF_SF);
    return ir_icmp(c->b, IRP_SLT, res_n(c, k), fe_const(c, k->t, 0));
}

static IrRef flag_pf(LiftCtx *c, const Known *k) {
    if (k->kind == CCK_EFLAGS) return bit_set(c, c->cc.res, EF_PF);
    return ir_un(c->b, IR_PARITY, c->cc.res);
}

static IrRef flag_af(LiftCtx *c, const Known *k) {
    IrRef x;
    switch (k->kind) {
    case CCK_EFLAGS:
        return bit_set(c, c->cc.res, EF_AF);
    case CCK_ADD:
    case CCK_ADC:
    case CCK_SUB:
    case CCK_SBB:
        x = ir_bin(c->b, IR_XOR, ir_bin(c->b, IR_XOR, c->cc.a, c->cc.b), c->cc.res);
        return bit_set(c, x, EF_AF);
    case CCK_INC:
    case CCK_DEC:
        x = ir_bin(c->b, IR_XOR, ir_bin(c->b, IR_XOR, c->cc.a, fe_const(c, IRT_I32, 1)), c->cc.res);
        return bit_set(c, x, EF_AF);
    default:
        return b_false(c);
    }
}

static IrRef flag_cf(LiftCtx *c, const Known *k) {
    IrBlock *b = c->b;
    switch (k->kind) {
    case CCK_EFLAGS:
        return bit_set(c, c->cc.res, EF_CF);
    case CCK_ADD:
        return ir_icmp(b, IRP_ULT, res_n(c, k), a_n(c, k));
    case CCK_ADC:
        return ir_select(b, as_i1(c, c->cc.c), ir_icmp(b, IRP_ULE, res_n(c, k), a_n(c, k)),
                         ir_icmp(b, IRP_ULT, res_n(c, k), a_n(c, k)));
    case CCK_SUB:
        return ir_icmp(b, IRP_ULT, a_n(c, k), b_n(c, k));
    case CCK_SBB:
        return ir_select(b, as_i1(c, c->cc.c), ir_icmp(b, IRP_ULE, a_n(c, k), b_n(c, k)),
                         ir_icmp(b, IRP_ULT, a_n(c, k), b_n(c, k)));
    case CCK_INC:
    case CCK_DEC:
    case CCK_MUL:
        return as_i1(c, c->cc.c);
    case CCK_SHL: {
        /* bit (bits - count) of a, computed in i64 so counts > bits give 0 */
        IrRef a64 = ir_cast(b, IR_ZEXT, IRT_I64, c->cc.a);
        IrRef n64 = ir_cast(b, IR_ZEXT, IRT_I64, c->cc.b);
        IrRef sh = ir_bin(b, IR_SHL, a64, ir_bin(b, IR_AND, n64, fe_const(c, IRT_I64, 63)));
        return bit_set(c, ir_bin(b, IR_LSHR, sh, fe_const(c, IRT_I64, k->bits)), 1);
    }
    case CCK_SHR: {
        IrRef n = ir_bin(b, IR_AND, ir_bin(b, IR_SUB, c->cc.b, fe_const(c, IRT_I32, 1)),
                         fe_const(c, IRT_I32, 31));
        return bit_set(c, ir_bin(b, IR_LSHR, c->cc.a, n), 1);
    }
    case CCK_SAR: {
        IrRef sa = ir_cast(b, IR_SEXT, IRT_I32, a_n(c, k));
        IrRef n = ir_bin(b, IR_AND, ir_bin(b, IR_SUB, c->cc.b, fe_const(c, IRT_I32, 1)),
                         fe_const(c, IRT_I32, 31));
        return bit_set(c, ir_bin(b, IR_ASHR, sa, n), 1);
    }
    default:
        return b_false(c);
    }
}

static IrRef flag_of(LiftCtx *c, const Known *k) {
    IrBlock *b = c->b;
    IrRef zero = fe_const(c, k->t, 0);
    switch (k->kind) {
    case CCK_EFLAGS:
        return bit_set(c, c->cc.res, EF_OF);
    case CCK_ADD:
    case CCK_ADC: {
        IrRef r = res_n(c, k);
        IrRef x =
            ir_bin(b, IR_AND, ir_bin(b, IR_XOR, a_n(c, k), r), ir_bin(b, IR_XOR, b_n(c, k), r));
        return ir_icmp(b, IRP_SLT, x, zero);
    }
    case CCK_SUB:
    case CCK_SBB: {
        IrRef a = a_n(c, k);
        IrRef x =
            ir_bin(b, IR_AND, ir_bin(b, IR_XOR, a, b_n(c, k)), ir_bin(b, IR_XOR, a, res_n(c, k)));
        return ir_icmp(b, IRP_SLT, x, zero);
    }
    case CCK_INC:
        return ir_icmp(b, IRP_EQ, res_n(c, k), fe_const(c, k->t, 1ull << (k->bits - 1)));
    case CCK_DEC:
        return ir_icmp(b, IRP_EQ, res_n(c, k), fe_const(c, k->t, (1ull << (k->bits - 1)) - 1));
    case CCK_SHL:
        return ir_bin(b, IR_XOR, flag_cf(c, k), ir_icmp(b, IRP_SLT, res_n(c, k), zero));
    case CCK_SHR:
        return ir_icmp(b, IRP_SLT, a_n(c, k), zero);
    case CCK_MUL:
        return as_i1(c, c->cc.c);
    default:
        return b_false(c);
    }
}

/* ------------------------------------------------------------------------ */
/* Conditions                                                               */
/* ------------------------------------------------------------------------ */

/* Direct compares for the common kinds; IR_NONE when not special-cased.
 * Handles the even (positive) condition of each pair. */
static IrRef cond_fast(LiftCtx *c, const Known *k, X86Cond base) {
    IrBlock *b = c->b;
    if (k->kind == CCK_SUB) {
        static const IrPred sub_pred[16] = {
            [XC_B] = IRP_ULT, [XC_E] = IRP_EQ,   [XC_BE] = IRP_ULE,
            [XC_L] = IRP_SLT, [XC_LE] = IRP_SLE,
        };
        if (base == XC_B || base == XC_E || base == XC_BE || base == XC_L || base == XC_LE)
            return ir_icmp(b, sub_pred[base], a_n(c, k), b_n(c, k));
    }
    if (k->kind == CCK_LOGIC) {
        IrRef zero = fe_const(c, k->t, 0);
        switch (base) {
        case XC_O:
        case XC_B:
            return b_false(c);
        case XC_E:
        case XC_BE:
            return ir_icmp(b, IRP_EQ, res_n(c, k), zero);
        case XC_L:
            return ir_icmp(b, IRP_SLT, res_n(c, k), zero);
        case XC_LE:
            return ir_icmp(b, IRP_SLE, res_n(c, k), zero);
        default:
            break;
        }
    }
    return IR_NONE;
}

/* Even condition from the individual flags. */
static IrRef cond_generic(LiftCtx *c, const Known *k, X86Cond base) {
    IrBlock *b = c->b;
    switch (base) {
    case XC_O:
        return flag_of(c, k);
    case XC_B:
        return flag_cf(c, k);
    case XC_E:
        return flag_zf(c, k);
    case XC_BE:
        return ir_bin(b, IR_OR, flag_cf(c, k), flag_zf(c, k));
    case XC_S:
        return flag_sf(c, k);
    case XC_P:
        return flag_pf(c, k);
    case XC_L:
        return ir_bin(b, IR_XOR, flag_sf(c, k), flag_of(c, k));
    default:
        return ir_bin(b, IR_OR, flag_zf(c, k), ir_bin(b, IR_XOR, flag_sf(c, k), flag_of(c, k)));
    }
}

IrRef fe_cond(LiftCtx *c, X86Cond cc) {
    Known k;
    if (!known(c, &k)) {
        IrRef arg = fe_const(c, IRT_I32, (uint32_t)cc & 15u);
        return ir_call(c->b, H_COND, 1, &arg);
    }
    X86Cond base = (X86Cond)((unsigned)cc & ~1u);
    if (k.kind == CCK_SUB &&
        (cc == XC_AE || cc == XC_NE || cc == XC_A || cc == XC_GE || cc == XC_G)) {
        /* The negated compares directly. */
        static const IrPred neg_pred[16] = {
            [XC_AE] = IRP_UGE, [XC_NE] = IRP_NE, [XC_A] = IRP_UGT,
            [XC_GE] = IRP_SGE, [XC_G] = IRP_SGT,
        };
        return ir_icmp(c->b, neg_pred[cc], a_n(c, &k), b_n(c, &k));
    }
    IrRef v = cond_fast(c, &k, base);
    if (!v) v = cond_generic(c, &k, base);
    return (cc & 1) ? b_not(c, v) : v;
}

IrRef fe_get_cf(LiftCtx *c) {
    Known k;
    if (!known(c, &k)) return fe_cond(c, XC_B);
    return flag_cf(c, &k);
}

/* ------------------------------------------------------------------------ */
/* Whole EFLAGS                                                             */
/* ------------------------------------------------------------------------ */

/* i1 flag -> i32 bit at `mask`. */
static IrRef place(LiftCtx *c, IrRef f, uint32_t mask) {
    IrRef v = ir_cast(c->b, IR_ZEXT, IRT_I32, f);
    unsigned sh = (unsigned)__builtin_ctz(mask);
    return sh ? ir_bin(c->b, IR_SHL, v, fe_const(c, IRT_I32, sh)) : v;
}

IrRef fe_get_eflags(LiftCtx *c) {
    Known k;
    if (!known(c, &k)) return ir_call(c->b, H_GET_EFLAGS, 0, NULL);
    IrBlock *b = c->b;
    IrRef arith;
    if (k.kind == CCK_EFLAGS) {
        arith = ir_bin(b, IR_AND, c->cc.res, fe_const(c, IRT_I32, EF_ARITH));
    } else {
        arith = place(c, flag_cf(c, &k), EF_CF);
        arith = ir_bin(b, IR_OR, arith, place(c, flag_pf(c, &k), EF_PF));
        arith = ir_bin(b, IR_OR, arith, place(c, flag_af(c, &k), EF_AF));
        arith = ir_bin(b, IR_OR, arith, place(c, flag_zf(c, &k), EF_ZF));
        arith = ir_bin(b, IR_OR, arith, place(c, flag_sf(c, &k), EF_SF));
        arith = ir_bin(b, IR_OR, arith, place(c, flag_of(c, &k), EF_OF));
    }
    IrRef rest =
        ir_bin(b, IR_AND, ir_get(b, IRT_I32, CPU_OFF(eflags)), fe_const(c, IRT_I32, ~EF_ARITH));
    rest = ir_bin(b, IR_OR, rest, fe_const(c, IRT_I32, EF_BIT1 | EF_IF));
    return ir_bin(b, IR_OR, rest, arith);
}

void fe_put_eflags(LiftCtx *c, IrRef v) {
    IrBlock *b = c->b;
    fe_set_eflags_arith(c, ir_bin(b, IR_AND, v, fe_const(c, IRT_I32, EF_ARITH)));
    IrRef rest = ir_bin(b, IR_AND, v, fe_const(c, IRT_I32, EF_TF | EF_DF | EF_AC | EF_ID));
    ir_put(b, CPU_OFF(eflags), ir_bin(b, IR_OR, rest, fe_const(c, IRT_I32, EF_BIT1 | EF_IF)));
}
