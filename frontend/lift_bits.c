/* Lifting of the bit-manipulation family: bt/bts/btr/btc, bsf/bsr (and
 * tzcnt/lzcnt, executed as bsf/bsr since xrun does not advertise BMI1 or
 * LZCNT: that is what CPUs without them do with the f3 prefix), popcnt
 * (SIGILL: not advertised), bswap, setcc, cmovcc, shld/shrd.
 *
 * Undefined flags follow what Intel CPUs do where it is cheap: bt leaves
 * everything but CF alone, bsf/bsr clear CF/OF/SF/AF, and shld/shrd report
 * the OF of a 1-bit step for every count. lock bts/btr/btc on memory are
 * host atomics (frontend/h_atomic.h).
 */
#include "frontend/lift.h"
#include "frontend/lift_alu_util.h"

/* =========================== bt, bts, btr, btc =========================== */

enum { BT_TEST, BT_SET, BT_RESET, BT_COMPL };

/* With a memory destination and a register bit offset, the offset is
 * signed and selects the operand-sized word at ea + (offset >> log2(bits))
 * words (Intel SDM, "bit base"); otherwise the offset is taken modulo the
 * operand width. Only CF changes. */
static void lift_bt_common(LiftCtx *c, int mode)
{
    IrBlock *b = c->b;
    unsigned sz = fe_op_size(c, 0), bits = 8 * sz;
    IrType t = fe_type_of(sz);
    const cs_x86_op *o = c->x86->operands;
    IrRef off = fa_read_src(c, 1, t);
    IrRef bit = ir_bin(b, IR_AND, off, fe_const(c, t, bits - 1));
    IrRef ea = IR_NONE, val;
    if (o[0].type == X86_OP_MEM) {
        ea = fe_ea(c, 0);
        if (o[1].type != X86_OP_IMM) {
            IrRef words = ir_bin(b, IR_ASHR, fa_cast(c, off, IRT_I32, true),
                                 fe_const(c, IRT_I32, bits == 32 ? 5 : 4));
            IrRef bytes = ir_bin(b, IR_SHL, words, fe_const(c, IRT_I32, bits == 32 ? 2 : 1));
            ea = ir_bin(b, IR_ADD, ea, bytes);
        }
    }
    IrRef mask = ir_bin(b, IR_SHL, fe_const(c, t, 1), bit);
    bool locked = mode != BT_TEST && fa_locked(c);
    if (locked) { /* lock bts/btr/btc: one atomic or/and/xor, CF from the old word */
        unsigned at = mode == BT_SET ? AT_OR : mode == BT_RESET ? AT_AND : AT_XOR;
        val = fa_atomic_rmw_at(c, 0, ea, at, mode == BT_RESET ? ir_un(b, IR_NOT, mask) : mask);
    } else {
        val = ea ? ir_load(b, t, ea) : fe_read_op(c, 0);
    }
    IrRef set = ir_icmp(b, IRP_NE, ir_bin(b, IR_AND, val, mask), fe_const(c, t, 0));
    if (mode != BT_TEST && !locked) {
        IrRef nv = mode == BT_SET     ? ir_bin(b, IR_OR, val, mask)
                   : mode == BT_RESET ? ir_bin(b, IR_AND, val, ir_un(b, IR_NOT, mask))
                                      : ir_bin(b, IR_XOR, val, mask);
        if (ea)
            ir_store(b, ea, nv);
        else
            fe_write_op(c, 0, nv);
    }
    IrRef fl = ir_bin(b, IR_AND, fe_get_eflags(c), fe_const(c, IRT_I32, EF_ARITH & ~EF_CF));
    fe_set_eflags_arith(c, ir_bin(b, IR_OR, fl, fa_zext32(c, set)));
}

static void lift_bt(LiftCtx *c) { lift_bt_common(c, BT_TEST); }
static void lift_bts(LiftCtx *c) { lift_bt_common(c, BT_SET); }
static void lift_btr(LiftCtx *c) { lift_bt_common(c, BT_RESET); }
static void lift_btc(LiftCtx *c) { lift_bt_common(c, BT_COMPL); }

/* ============================ bsf, bsr, bswap ============================ */

/* bsf/bsr: a zero source sets ZF and leaves the destination unchanged.
 * Flags are recorded as LOGIC of (src != 0): ZF exact, CF/OF/SF/AF = 0 as
 * Intel reports them (PF is undefined; this gives parity of 0/1). */
static void lift_bscan(LiftCtx *c, bool reverse)
{
    IrBlock *b = c->b;
    unsigned sz = fe_op_size(c, 0);
    IrType t = fe_type_of(sz);
    IrRef src = fa_read_src(c, 1, t);
    IrRef old = fe_read_op(c, 0);
    IrRef zero = ir_icmp(b, IRP_EQ, src, fe_const(c, t, 0));
    IrRef idx = reverse ? ir_bin(b, IR_SUB, fe_const(c, t, 8 * sz - 1), ir_un(b, IR_CLZ, src))
                        : ir_un(b, IR_CTZ, src);
    fe_write_op(c, 0, ir_select(b, zero, old, idx));
    IrRef nz = fa_cast(c, ir_icmp(b, IRP_NE, src, fe_const(c, t, 0)), t, false);
    fe_set_flags(c, CCK_LOGIC, sz, nz, IR_NONE, IR_NONE, IR_NONE);
}

static void lift_bsf(LiftCtx *c) { lift_bscan(c, false); }
static void lift_bsr(LiftCtx *c) { lift_bscan(c, true); }

/* popcnt is not advertised by CPUID: #UD like a CPU without it. */
static void lift_popcnt(LiftCtx *c) { fe_unsupported(c); }

/* bswap r32; bswap r16 is undefined and zeroes the low word on Intel. */
static void lift_bswap(LiftCtx *c)
{
    if (fe_op_size(c, 0) == 2)
        fe_write_op(c, 0, fe_const(c, IRT_I16, 0));
    else
        fe_write_op(c, 0, ir_un(c->b, IR_BSWAP, fe_read_op(c, 0)));
}

/* ============================= setcc, cmovcc ============================= */

static void lift_setcc(LiftCtx *c, X86Cond cc)
{
    fe_write_op(c, 0, fa_cast(c, fe_cond(c, cc), IRT_I8, false));
}

/* cmovcc: the source (memory) is read whatever the condition. */
static void lift_cmovcc(LiftCtx *c, X86Cond cc)
{
    IrType t = fa_op_type(c, 0);
    IrRef src = fa_read_src(c, 1, t);
    IrRef dst = fe_read_op(c, 0);
    fe_write_op(c, 0, ir_select(c->b, fe_cond(c, cc), src, dst));
}

#define CC_LIFTERS(X)                                                                              \
    X(O, XC_O) X(NO, XC_NO) X(B, XC_B) X(AE, XC_AE) X(E, XC_E) X(NE, XC_NE) X(BE, XC_BE)           \
    X(A, XC_A) X(S, XC_S) X(NS, XC_NS) X(P, XC_P) X(NP, XC_NP) X(L, XC_L) X(GE, XC_GE)             \
    X(LE, XC_LE) X(G, XC_G)

#define DEF_CC(name, cc)                                                                           \
    static void lift_set##name(LiftCtx *c) { lift_setcc(c, cc); }                                  \
    static void lift_cmov##name(LiftCtx *c) { lift_cmovcc(c, cc); }
CC_LIFTERS(DEF_CC)
#undef DEF_CC

/* ============================== shld, shrd ============================== */

/* Double shifts. The operands are concatenated in 64 bits: 32-bit
 * shld uses dst:src, shrd src:dst; 16-bit forms use dst:src:dst (48 bits),
 * which is what Intel CPUs produce for counts above 16. Flags are
 * materialized: CF = last bit out, OF = that of a 1-bit step, SF/ZF/PF of
 * the result, AF = 0; a masked count of 0 leaves everything untouched. */
static void lift_shd(LiftCtx *c, bool left)
{
    IrBlock *b = c->b;
    unsigned sz = fe_op_size(c, 0), bits = 8 * sz;
    IrType t = fe_type_of(sz);
    IrRef dst = fe_read_op(c, 0);
    IrRef src = fa_read_src(c, 1, t);
    bool is_imm = c->x86->operands[2].type == X86_OP_IMM;
    uint32_t imm = is_imm ? (uint32_t)c->x86->operands[2].imm & 31u : 0;
    if (is_imm && imm == 0)
        return;
    IrRef n = is_imm ? fe_const(c, IRT_I64, imm)
                     : ir_bin(b, IR_AND, fa_cast(c, fe_read_op(c, 2), IRT_I64, false),
                              fe_const(c, IRT_I64, 31));
    IrRef zero = is_imm ? IR_NONE : ir_icmp(b, IRP_EQ, n, fe_const(c, IRT_I64, 0));
    IrRef n1 = is_imm ? n : ir_select(b, zero, fe_const(c, IRT_I64, 1), n); /* no 0 count */
    IrRef d64 = fa_cast(c, dst, IRT_I64, false), s64 = fa_cast(c, src, IRT_I64, false);
    IrRef k16 = fe_const(c, IRT_I64, 16), k32 = fe_const(c, IRT_I64, 32);
    IrRef cat, res, cfpos, of;
    if (bits == 16) {
        cat = ir_bin(b, IR_OR, ir_bin(b, IR_SHL, d64, k32),
                     ir_bin(b, IR_OR, ir_bin(b, IR_SHL, s64, k16), d64));
    } else {
        cat = left ? ir_bin(b, IR_OR, ir_bin(b, IR_SHL, d64, k32), s64)
                   : ir_bin(b, IR_OR, ir_bin(b, IR_SHL, s64, k32), d64);
    }
    if (left) { /* result = bits [32-n, 32-n+bits) for both widths; CF = bit W-n */
        res = ir_bin(b, IR_LSHR, cat, ir_bin(b, IR_SUB, k32, n1));
        cfpos = ir_bin(b, IR_SUB, fe_const(c, IRT_I64, bits == 16 ? 48 : 64), n1);
        of = ir_bin(b, IR_XOR, fa_bit32(c, dst, bits - 1), fa_bit32(c, dst, bits - 2));
    } else { /* result = cat >> n; CF = bit n-1 */
        res = ir_bin(b, IR_LSHR, cat, n1);
        cfpos = ir_bin(b, IR_SUB, n1, fe_const(c, IRT_I64, 1));
        of = ir_bin(b, IR_XOR, fa_bit32(c, dst, bits - 1), fa_bit32(c, src, 0));
    }
    res = fa_cast(c, res, t, false);
    if (!is_imm) /* count 0: destination unchanged (n1 was forced to 1) */
        res = ir_select(b, zero, dst, res);
    fe_write_op(c, 0, res);

    IrRef k1 = fe_const(c, IRT_I32, 1);
    IrRef cf = ir_bin(b, IR_AND, fa_cast(c, ir_bin(b, IR_LSHR, cat, cfpos), IRT_I32, false), k1);
    IrRef zf = fa_zext32(c, ir_icmp(b, IRP_EQ, res, fe_const(c, t, 0)));
    IrRef pf = fa_zext32(c, ir_un(b, IR_PARITY, res));
    IrRef fl = ir_bin(b, IR_OR, cf, ir_bin(b, IR_SHL, of, fe_const(c, IRT_I32, 11)));
    fl = ir_bin(b, IR_OR, fl, ir_bin(b, IR_SHL, zf, fe_const(c, IRT_I32, 6)));
    fl = ir_bin(b, IR_OR, fl, ir_bin(b, IR_SHL, pf, fe_const(c, IRT_I32, 2)));
    fl = ir_bin(b, IR_OR, fl, ir_bin(b, IR_SHL, fa_bit32(c, res, bits - 1),
                                     fe_const(c, IRT_I32, 7)));
    if (is_imm)
        fe_set_eflags_arith(c, fl);
    else
        fa_cc_put_unless(c, zero, CC_EFLAGS, fl, IR_NONE, IR_NONE, IR_NONE);
}

static void lift_shld(LiftCtx *c) { lift_shd(c, true); }
static void lift_shrd(LiftCtx *c) { lift_shd(c, false); }

/* ================================= table ================================= */

const FeLiftEntry fe_lift_bits[] = {
    {X86_INS_BT, lift_bt},
    {X86_INS_BTS, lift_bts},
    {X86_INS_BTR, lift_btr},
    {X86_INS_BTC, lift_btc},
    {X86_INS_BSF, lift_bsf},
    {X86_INS_BSR, lift_bsr},
    {X86_INS_TZCNT, lift_bsf},
    {X86_INS_LZCNT, lift_bsr},
    {X86_INS_POPCNT, lift_popcnt},
    {X86_INS_BSWAP, lift_bswap},
    {X86_INS_SHLD, lift_shld},
    {X86_INS_SHRD, lift_shrd},
#define ROW_CC(name, cc) {X86_INS_SET##name, lift_set##name}, {X86_INS_CMOV##name, lift_cmov##name},
    CC_LIFTERS(ROW_CC)
#undef ROW_CC
    {0, NULL},
};
