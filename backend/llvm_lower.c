/* Lowering of one IrBlock to an LLVM function (tier 1).
 *
 * The block becomes `i32 @xb_<eip>_<n>(ptr noalias %env)`. IR temporaries
 * map one to one onto SSA values (the IR has no control flow inside a
 * block, so no phis are needed); GET/PUT are loads/stores at env + offset,
 * LOAD/STORE go to guest_base + zext(addr) with alignment 1, CALL is a
 * direct call through the helper's constant address. Each EXIT_IF splits
 * the straight line: its taken side is a small exit block that stores eip
 * and exit_info and then either returns the exit word or, for a chainable
 * exit whose chain slot is patched, musttail-calls the next block.
 *
 * Everything the IR leaves undefined is made harmless here: shift amounts
 * are masked to the width (LLVM shifts >= width are poison) and divisors
 * are replaced by 1 when they would trap.
 *
 * Precise blocks (IrBlock.precise, DESIGN §4). A guest access may fault;
 * xrun's host handler then leaves the block with siglongjmp, and the guest
 * handler must see CPUState exactly as it was before the faulting guest
 * instruction. The IR passes keep every PUT made before an access; here
 * each guest instruction that accesses memory or calls a (non-pure) helper
 * first stores its eip, and the PUTs, those eip stores, the exits' eip and
 * exit_info stores and the guest LOADs/STOREs are all volatile. LLVM neither removes volatile operations
 * nor reorders them among themselves, so at each access every earlier store
 * to CPUState is done and no later one has happened (without this, env being
 * noalias lets LLVM sink or delete env stores across guest accesses). The
 * generated code keeps nothing outside CPUState and the host stack, so
 * abandoning it at any access is harmless.
 *
 * Safe points (DESIGN §4). A chained exit whose constant target is at or
 * before the block's own start (every chain cycle has such an edge) and
 * every jump-cache hit first read env->sig_pending; when it is set, the
 * exit returns its exit word to the dispatcher instead of tail-calling,
 * with env->eip set as for an unchained return (env->last_chain is left
 * alone, so nothing is patched).
 */
#include "backend/llvm_lower.h"

#include "backend/llvm_f80.h"

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/helper.h"
#include "runtime/cpu.h"
#include "runtime/mem.h"

/* CPUState bytes [0, PROMO_END) (GPRs, eip, eflags, lazy flags) are the
 * candidates for promotion to SSA in a region; eip itself is never GET/PUT. */
#define PROMO_END (CPU_OFF(cc_c) + 4u)
#define PROMO_SLOTS (PROMO_END / 4u)

typedef struct Lower {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef bld;
    LLVMValueRef fn, env;
    LLVMTypeRef i1, i8, i16, i32, i64, ptr;
    LLVMValueRef *val; /* SSA value of each IrRef (NULL: none) */
    const IrBlock *b;
    BeBlockFn *chain;
    /* Regions (be_llvm_lower_region): the region, the LLVM block where each
     * member starts, the member being lowered, the next chain slot, and the
     * promoted guest registers (one i32 alloca per 4-byte CPUState slot
     * below PROMO_END; NULL where not promoted). */
    const BeRegion *R;
    LLVMBasicBlockRef *member_bb;
    uint32_t cur;
    uint32_t next_slot;
    bool cur_writes; /* the member being lowered stores to guest memory */
    LLVMValueRef promo[PROMO_SLOTS];
    char *err;
    size_t errlen;
    bool failed;
} Lower;

/* ---- small utilities ---------------------------------------------------- */

static void promo_flush(Lower *L);
static void promo_reload(Lower *L);

/* Record the first failure reason; later ones are dropped. */
static void fail(Lower *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(Lower *L, const char *fmt, ...) {
    if (L->failed) return;
    L->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->err, L->errlen, fmt, ap);
    va_end(ap);
}

/* LLVM type of an IR type; NULL for void. */
static LLVMTypeRef ll_type(Lower *L, IrType t) {
    switch (t) {
    case IRT_I1:
        return L->i1;
    case IRT_I8:
        return L->i8;
    case IRT_I16:
        return L->i16;
    case IRT_I32:
        return L->i32;
    case IRT_I64:
        return L->i64;
    case IRT_F64:
        return LLVMDoubleTypeInContext(L->ctx);
    case IRT_F80:
        return LLVMX86FP80TypeInContext(L->ctx);
    case IRT_V128:
        return LLVMIntTypeInContext(L->ctx, 128);
    default:
        return NULL;
    }
}

static bool is_int(IrType t) {
    return t >= IRT_I1 && t <= IRT_I64;
}

static LLVMValueRef c64(Lower *L, uint64_t v) {
    return LLVMConstInt(L->i64, v, 0);
}
static LLVMValueRef c32(Lower *L, uint32_t v) {
    return LLVMConstInt(L->i32, v, 0);
}

/* A host address baked into the code as a constant pointer. */
static LLVMValueRef cptr(Lower *L, const void *p) {
    return LLVMConstIntToPtr(c64(L, (uint64_t)(uintptr_t)p), L->ptr);
}

/* Operand i of in, checked to exist and to be of type t (IRT__COUNT: any). */
static LLVMValueRef arg(Lower *L, IrRef self, const IrInst *in, unsigned i, IrType t) {
    IrRef r = in->arg[i];
    if (i >= in->nargs || r == IR_NONE || r >= self || !L->val[r]) {
        fail(L, "%%%u (%s): operand %u is not a value", self, ir_op_info[in->op].name, i);
        return NULL;
    }
    if (t != IRT__COUNT && L->b->insts[r].type != t) {
        fail(L, "%%%u (%s): operand %u has type %s, expected %s", self, ir_op_info[in->op].name, i,
             ir_type_name[L->b->insts[r].type], ir_type_name[t]);
        return NULL;
    }
    return L->val[r];
}

/* Call the overloaded intrinsic `name` specialized on type ty. */
static LLVMValueRef intrinsic(Lower *L, const char *name, LLVMTypeRef ty, LLVMValueRef *args,
                              unsigned n) {
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef f = LLVMGetIntrinsicDeclaration(L->mod, id, &ty, 1);
    return LLVMBuildCall2(L->bld, LLVMGlobalGetValueType(f), f, args, n, "");
}

static LLVMValueRef env_ptr(Lower *L, uint64_t off) {
    LLVMValueRef idx = c64(L, off);
    return LLVMBuildInBoundsGEP2(L->bld, L->i8, L->env, &idx, 1, "");
}

static LLVMValueRef guest_ptr(Lower *L, LLVMValueRef addr32) {
    LLVMValueRef idx = LLVMBuildZExt(L->bld, addr32, L->i64, "");
    return LLVMBuildGEP2(L->bld, L->i8, cptr(L, guest_base), &idx, 1, "");
}

/* Load of IR type t from p; i1 is stored as a byte (non-zero low bit = 1). */
static LLVMValueRef load_typed(Lower *L, IrType t, LLVMValueRef p, unsigned align, bool vol) {
    LLVMTypeRef mt = t == IRT_I1 ? L->i8 : ll_type(L, t);
    LLVMValueRef v = LLVMBuildLoad2(L->bld, mt, p, "");
    LLVMSetAlignment(v, align);
    if (vol) LLVMSetVolatile(v, 1);
    return t == IRT_I1 ? LLVMBuildTrunc(L->bld, v, L->i1, "") : v;
}

static LLVMValueRef store_typed(Lower *L, LLVMValueRef v, LLVMValueRef p, unsigned align) {
    if (LLVMTypeOf(v) == L->i1) v = LLVMBuildZExt(L->bld, v, L->i8, "");
    LLVMValueRef s = LLVMBuildStore(L->bld, v, p);
    LLVMSetAlignment(s, align);
    return s;
}

/* In a precise block, memory operation m keeps its place (see the top). */
static void keep_order(Lower *L, LLVMValueRef m) {
    if (L->b->precise) LLVMSetVolatile(m, 1);
}

/* Volatile load of env->sig_pending, true when a signal waits. */
static LLVMValueRef sig_pending(Lower *L) {
    LLVMValueRef v = LLVMBuildLoad2(L->bld, L->i32, env_ptr(L, CPU_OFF(sig_pending)), "pending");
    LLVMSetVolatile(v, 1);
    LLVMSetAlignment(v, 4);
    return LLVMBuildIsNotNull(L->bld, v, "");
}

/* ---- arithmetic --------------------------------------------------------- */

static const LLVMOpcode simple_bin[IR__COUNT] = {
    [IR_ADD] = LLVMAdd, [IR_SUB] = LLVMSub,   [IR_MUL] = LLVMMul,
    [IR_AND] = LLVMAnd, [IR_OR] = LLVMOr,     [IR_XOR] = LLVMXor,
    [IR_SHL] = LLVMShl, [IR_LSHR] = LLVMLShr, [IR_ASHR] = LLVMAShr,
};

static const LLVMIntPredicate pred_map[IRP__COUNT] = {
    [IRP_EQ] = LLVMIntEQ,   [IRP_NE] = LLVMIntNE,   [IRP_ULT] = LLVMIntULT, [IRP_ULE] = LLVMIntULE,
    [IRP_UGT] = LLVMIntUGT, [IRP_UGE] = LLVMIntUGE, [IRP_SLT] = LLVMIntSLT, [IRP_SLE] = LLVMIntSLE,
    [IRP_SGT] = LLVMIntSGT, [IRP_SGE] = LLVMIntSGE,
};

/* Division that can never trap: a zero divisor (and, for signed ops, the
 * MIN / -1 overflow) divides by 1 instead. The lifter never produces those
 * cases, so this only guards against bugs; LLVM folds it when it can. */
static LLVMValueRef lower_div(Lower *L, IrOp op, IrType t, LLVMValueRef a, LLVMValueRef d) {
    LLVMTypeRef ty = ll_type(L, t);
    LLVMValueRef zero = LLVMConstInt(ty, 0, 0), one = LLVMConstInt(ty, 1, 0);
    LLVMValueRef bad = LLVMBuildICmp(L->bld, LLVMIntEQ, d, zero, "");
    bool sign = op == IR_SDIV || op == IR_SREM;
    if (sign) {
        unsigned bits = ir_type_bits(t);
        LLVMValueRef min = LLVMConstInt(ty, 1ull << (bits - 1), 0);
        LLVMValueRef m1 = LLVMBuildICmp(L->bld, LLVMIntEQ, d, LLVMConstAllOnes(ty), "");
        LLVMValueRef am = LLVMBuildICmp(L->bld, LLVMIntEQ, a, min, "");
        bad = LLVMBuildOr(L->bld, bad, LLVMBuildAnd(L->bld, m1, am, ""), "");
    }
    d = LLVMBuildSelect(L->bld, bad, one, d, "");
    switch (op) {
    case IR_UDIV:
        return LLVMBuildUDiv(L->bld, a, d, "");
    case IR_SDIV:
        return LLVMBuildSDiv(L->bld, a, d, "");
    case IR_UREM:
        return LLVMBuildURem(L->bld, a, d, "");
    default:
        return LLVMBuildSRem(L->bld, a, d, "");
    }
}

static LLVMValueRef lower_binary(Lower *L, IrRef self, const IrInst *in) {
    IrType t = (IrType)in->type;
    if (!is_int(t)) {
        fail(L, "%%%u (%s): non-integer type %s", self, ir_op_info[in->op].name, ir_type_name[t]);
        return NULL;
    }
    LLVMValueRef a = arg(L, self, in, 0, t), c = arg(L, self, in, 1, t);
    if (!a || !c) return NULL;
    LLVMTypeRef ty = ll_type(L, t);
    switch (in->op) {
    case IR_SHL:
    case IR_LSHR:
    case IR_ASHR:
        c = LLVMBuildAnd(L->bld, c, LLVMConstInt(ty, ir_type_bits(t) - 1, 0), "");
        return LLVMBuildBinOp(L->bld, simple_bin[in->op], a, c, "");
    case IR_ROTL: {
        LLVMValueRef av[3] = {a, a, c};
        return intrinsic(L, "llvm.fshl", ty, av, 3);
    }
    case IR_ROTR: {
        LLVMValueRef av[3] = {a, a, c};
        return intrinsic(L, "llvm.fshr", ty, av, 3);
    }
    case IR_UDIV:
    case IR_SDIV:
    case IR_UREM:
    case IR_SREM:
        return lower_div(L, (IrOp)in->op, t, a, c);
    default:
        return LLVMBuildBinOp(L->bld, simple_bin[in->op], a, c, "");
    }
}

static LLVMValueRef lower_unary(Lower *L, IrRef self, const IrInst *in) {
    LLVMValueRef a = arg(L, self, in, 0, IRT__COUNT);
    if (!a) return NULL;
    IrType at = (IrType)L->b->insts[in->arg[0]].type;
    IrType want = in->op == IR_PARITY ? IRT_I1 : at;
    if (!is_int(at) || in->type != want) {
        fail(L, "%%%u (%s): bad types %s -> %s", self, ir_op_info[in->op].name, ir_type_name[at],
             ir_type_name[in->type]);
        return NULL;
    }
    LLVMTypeRef ty = ll_type(L, at);
    LLVMValueRef f = LLVMConstInt(L->i1, 0, 0); /* is_zero_poison = false */
    LLVMValueRef av[2] = {a, f};
    switch (in->op) {
    case IR_NOT:
        return LLVMBuildNot(L->bld, a, "");
    case IR_NEG:
        return LLVMBuildNeg(L->bld, a, "");
    case IR_CLZ:
        return intrinsic(L, "llvm.ctlz", ty, av, 2);
    case IR_CTZ:
        return intrinsic(L, "llvm.cttz", ty, av, 2);
    case IR_POPCNT:
        return intrinsic(L, "llvm.ctpop", ty, av, 1);
    case IR_BSWAP:
        if (at != IRT_I16 && at != IRT_I32 && at != IRT_I64) {
            fail(L, "%%%u: BSWAP of %s", self, ir_type_name[at]);
            return NULL;
        }
        return intrinsic(L, "llvm.bswap", ty, av, 1);
    default: { /* PARITY: even number of set bits in the low byte */
        LLVMValueRef lo = at == IRT_I8   ? a
                          : at == IRT_I1 ? LLVMBuildZExt(L->bld, a, L->i8, "")
                                         : LLVMBuildTrunc(L->bld, a, L->i8, "");
        LLVMValueRef pc = intrinsic(L, "llvm.ctpop", L->i8, &lo, 1);
        LLVMValueRef odd = LLVMBuildAnd(L->bld, pc, LLVMConstInt(L->i8, 1, 0), "");
        return LLVMBuildICmp(L->bld, LLVMIntEQ, odd, LLVMConstInt(L->i8, 0, 0), "");
    }
    }
}

static LLVMValueRef lower_cast(Lower *L, IrRef self, const IrInst *in) {
    LLVMValueRef a = arg(L, self, in, 0, IRT__COUNT);
    if (!a) return NULL;
    IrType from = (IrType)L->b->insts[in->arg[0]].type, to = (IrType)in->type;
    unsigned fb = ir_type_bits(from), tb = ir_type_bits(to);
    if (!is_int(from) || !is_int(to)) {
        fail(L, "%%%u (%s): non-integer cast %s -> %s", self, ir_op_info[in->op].name,
             ir_type_name[from], ir_type_name[to]);
        return NULL;
    }
    if (fb == tb) return a;
    bool widen = in->op != IR_TRUNC;
    if (widen != (tb > fb)) {
        fail(L, "%%%u (%s): cannot cast %s -> %s", self, ir_op_info[in->op].name,
             ir_type_name[from], ir_type_name[to]);
        return NULL;
    }
    LLVMTypeRef ty = ll_type(L, to);
    switch (in->op) {
    case IR_ZEXT:
        return LLVMBuildZExt(L->bld, a, ty, "");
    case IR_SEXT:
        return LLVMBuildSExt(L->bld, a, ty, "");
    default:
        return LLVMBuildTrunc(L->bld, a, ty, "");
    }
}

/* ---- helper calls ------------------------------------------------------- */

/* C argument/return type of a helper IR type: i1 travels as uint8_t. */
static LLVMTypeRef c_type(Lower *L, IrType t) {
    return t == IRT_I1 ? L->i8 : ll_type(L, t);
}

static LLVMValueRef lower_call(Lower *L, IrRef self, const IrInst *in) {
    if (in->imm >= H__COUNT || !ir_helpers[in->imm].fn) {
        fail(L, "%%%u: CALL of unknown helper %llu", self, (unsigned long long)in->imm);
        return NULL;
    }
    LLVMValueRef f80v; /* x87 fast path: expanded inline (backend/llvm_f80.c) */
    if (be_llvm_f80_call(L->bld, L->fn, L->env, L->b, in, L->val, &f80v)) return f80v;
    be_llvm_f80_flush(L->bld, L->env, true);
    const IrHelper *h = &ir_helpers[in->imm];
    if (in->nargs != h->nargs || h->nargs > IR_MAX_ARGS || in->type != h->ret) {
        fail(L, "%%%u: CALL %s does not match its signature", self, h->name);
        return NULL;
    }
    LLVMTypeRef pt[IR_MAX_ARGS + 1];
    LLVMValueRef av[IR_MAX_ARGS + 1];
    pt[0] = L->ptr;
    av[0] = L->env;
    for (unsigned i = 0; i < h->nargs; i++) {
        IrType t = (IrType)h->args[i];
        if (!is_int(t)) {
            fail(L, "%%%u: helper %s has a non-integer argument", self, h->name);
            return NULL;
        }
        LLVMValueRef v = arg(L, self, in, i, t);
        if (!v) return NULL;
        pt[i + 1] = c_type(L, t);
        av[i + 1] = t == IRT_I1 ? LLVMBuildZExt(L->bld, v, L->i8, "") : v;
    }
    IrType rt = (IrType)h->ret;
    if (rt != IRT_VOID && !is_int(rt)) {
        fail(L, "%%%u: helper %s has a non-integer result", self, h->name);
        return NULL;
    }
    LLVMTypeRef ret = rt == IRT_VOID ? LLVMVoidTypeInContext(L->ctx) : c_type(L, rt);
    LLVMTypeRef fty = LLVMFunctionType(ret, pt, h->nargs + 1, 0);
    /* Promoted registers: a helper that may read CPUState sees them, one
     * that may write it is followed by a reload. Helpers that touch only
     * the x87 state or guest memory need neither. */
    bool known = h->flags & (HF_PURE | HF_READS_ENV | HF_WRITES_ENV | HF_X87 | HF_MEM);
    bool reads = !known || (h->flags & (HF_READS_ENV | HF_WRITES_ENV));
    bool writes = !known || (h->flags & HF_WRITES_ENV);
    if (reads && !(h->flags & HF_PURE)) promo_flush(L);
    LLVMValueRef call = LLVMBuildCall2(L->bld, fty, cptr(L, h->fn), av, h->nargs + 1, "");
    if (writes && !(h->flags & HF_PURE)) promo_reload(L);
    /* SysV: uint8_t/uint16_t are zero-extended by whoever produces them. */
    unsigned zext = LLVMGetEnumAttributeKindForName("zeroext", 7);
    LLVMAttributeRef za = LLVMCreateEnumAttribute(L->ctx, zext, 0);
    for (unsigned i = 0; i < h->nargs; i++)
        if (ir_type_bits((IrType)h->args[i]) < 32) LLVMAddCallSiteAttribute(call, i + 2, za);
    if (rt != IRT_VOID && ir_type_bits(rt) < 32)
        LLVMAddCallSiteAttribute(call, LLVMAttributeReturnIndex, za);
    if (rt == IRT_VOID) return NULL;
    return rt == IRT_I1 ? LLVMBuildTrunc(L->bld, call, L->i1, "") : call;
}

/* ---- exits -------------------------------------------------------------- */

/* A jump to a computed target: probe the jump cache (backend/be.h) and
 * tail-call the cached code on a hit, else return to the dispatcher. The
 * entry is one pointer to an immutable record, read with one load. A hit
 * is a safe point: with a signal pending it returns instead. */
static void lower_exit_indirect(Lower *L, LLVMValueRef target, LLVMValueRef word) {
    LLVMValueRef idx = LLVMBuildXor(L->bld, target, LLVMBuildLShr(L->bld, target, c32(L, BE_JC_BITS), ""), "");
    idx = LLVMBuildAnd(L->bld, idx, c32(L, BE_JC_SIZE - 1), "");
    LLVMValueRef off = LLVMBuildMul(L->bld, LLVMBuildZExt(L->bld, idx, L->i64, ""),
                                    c64(L, sizeof be_jump_cache[0]), "");
    LLVMValueRef slot = LLVMBuildGEP2(L->bld, L->i8, cptr(L, be_jump_cache), &off, 1, "");
    LLVMValueRef rec = LLVMBuildLoad2(L->bld, L->ptr, slot, "jc");
    LLVMSetOrdering(rec, LLVMAtomicOrderingAcquire);
    LLVMSetAlignment(rec, sizeof(void *));
    LLVMBasicBlockRef have = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "jc_rec");
    LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "jc_hit");
    LLVMBasicBlockRef ret = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "jc_miss");
    LLVMBuildCondBr(L->bld, LLVMBuildIsNull(L->bld, rec, ""), ret, have);

    LLVMPositionBuilderAtEnd(L->bld, have);
    LLVMValueRef eipoff = c64(L, offsetof(BeJumpTarget, eip));
    LLVMValueRef eip =
        LLVMBuildLoad2(L->bld, L->i32, LLVMBuildGEP2(L->bld, L->i8, rec, &eipoff, 1, ""), "");
    LLVMValueRef fnoff = c64(L, offsetof(BeJumpTarget, fn));
    LLVMValueRef fn =
        LLVMBuildLoad2(L->bld, L->ptr, LLVMBuildGEP2(L->bld, L->i8, rec, &fnoff, 1, ""), "");
    LLVMValueRef hit = LLVMBuildICmp(L->bld, LLVMIntEQ, eip, target, "");
    hit = LLVMBuildAnd(L->bld, hit, LLVMBuildNot(L->bld, sig_pending(L), ""), "");
    LLVMBuildCondBr(L->bld, hit, go, ret);

    LLVMPositionBuilderAtEnd(L->bld, go);
    LLVMValueRef env = L->env;
    LLVMValueRef r = LLVMBuildCall2(L->bld, LLVMGlobalGetValueType(L->fn), fn, &env, 1, "");
    LLVMSetTailCallKind(r, LLVMTailCallKindMustTail);
    LLVMBuildRet(L->bld, r);
    LLVMPositionBuilderAtEnd(L->bld, ret);
    LLVMBuildRet(L->bld, word);
}

/* Chain through slot `slot` of `chain` (tail call when patched, else
 * return `word` naming the slot); with `poll`, a pending signal returns
 * first (a safe point). Terminates the current LLVM block. */
static void emit_chain(Lower *L, BeBlockFn *chain, int slot, LLVMValueRef word, bool poll) {
    if (poll) {
        LLVMBasicBlockRef poll_ret = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "pending");
        LLVMBasicBlockRef poll_ok = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "no_pending");
        LLVMBuildCondBr(L->bld, sig_pending(L), poll_ret, poll_ok);
        LLVMPositionBuilderAtEnd(L->bld, poll_ret);
        LLVMBuildRet(L->bld, word);
        LLVMPositionBuilderAtEnd(L->bld, poll_ok);
    }
    LLVMValueRef next = LLVMBuildLoad2(L->bld, L->ptr, cptr(L, &chain[slot]), "");
    LLVMSetVolatile(next, 1);
    LLVMSetOrdering(next, LLVMAtomicOrderingMonotonic);
    LLVMSetAlignment(next, sizeof(void *));
    LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "chain");
    LLVMBasicBlockRef ret = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "ret");
    LLVMValueRef null = LLVMBuildIsNull(L->bld, next, "");
    LLVMBuildCondBr(L->bld, null, ret, go);
    LLVMPositionBuilderAtEnd(L->bld, go);
    LLVMValueRef env = L->env;
    LLVMTypeRef fty = LLVMGlobalGetValueType(L->fn);
    LLVMValueRef r = LLVMBuildCall2(L->bld, fty, next, &env, 1, "");
    LLVMSetTailCallKind(r, LLVMTailCallKindMustTail);
    LLVMBuildRet(L->bld, r);
    LLVMPositionBuilderAtEnd(L->bld, ret);
    /* Tell the dispatcher whose slot this was so it can patch it. */
    LLVMBuildStore(L->bld, cptr(L, chain), env_ptr(L, CPU_OFF(last_chain)));
    LLVMBuildRet(L->bld, word);
}

/* ---- regions: promoted registers ---------------------------------------- */

/* Bytes of CPUState a GET/PUT of type t touches (i1 is a byte); 0 when the
 * type cannot live in a promoted slot. */
static unsigned access_bytes(IrType t) {
    return t == IRT_I1 ? 1 : is_int(t) ? ir_type_bits(t) / 8 : 0;
}

/* The promoted slot for a GET/PUT of type t at off, with the bit shift of
 * the access inside it; NULL when the access goes to CPUState. */
static LLVMValueRef promo_slot(Lower *L, uint64_t off, IrType t, unsigned *shift) {
    if (!L->R || off >= PROMO_END) return NULL;
    unsigned n = access_bytes(t);
    if (!n || off % 4 + n > 4) return NULL;
    *shift = (unsigned)(off % 4) * 8;
    return L->promo[off / 4];
}

static LLVMValueRef promo_get(Lower *L, LLVMValueRef slot, unsigned shift, IrType t) {
    LLVMValueRef v = LLVMBuildLoad2(L->bld, L->i32, slot, "");
    if (shift) v = LLVMBuildLShr(L->bld, v, c32(L, shift), "");
    return t == IRT_I32 ? v : LLVMBuildTrunc(L->bld, v, ll_type(L, t), "");
}

static void promo_put(Lower *L, LLVMValueRef slot, unsigned shift, LLVMValueRef x) {
    unsigned bits = x == NULL ? 0 : LLVMGetIntTypeWidth(LLVMTypeOf(x));
    if (bits == 1) {
        x = LLVMBuildZExt(L->bld, x, L->i8, "");
        bits = 8;
    }
    if (bits == 32) {
        LLVMBuildStore(L->bld, x, slot);
        return;
    }
    uint32_t mask = ~(((1u << bits) - 1u) << shift);
    LLVMValueRef old = LLVMBuildLoad2(L->bld, L->i32, slot, "");
    LLVMValueRef keep = LLVMBuildAnd(L->bld, old, c32(L, mask), "");
    LLVMValueRef nv = LLVMBuildZExt(L->bld, x, L->i32, "");
    if (shift) nv = LLVMBuildShl(L->bld, nv, c32(L, shift), "");
    LLVMBuildStore(L->bld, LLVMBuildOr(L->bld, keep, nv, ""), slot);
}

/* Write every promoted slot back to CPUState (before leaving the region or
 * calling a helper that reads it); stores of unchanged values are removed
 * by the optimizer, so only what is dirty remains. */
static void promo_flush(Lower *L) {
    for (unsigned i = 0; L->R && i < PROMO_SLOTS; i++)
        if (L->promo[i]) {
            LLVMValueRef v = LLVMBuildLoad2(L->bld, L->i32, L->promo[i], "");
            LLVMSetAlignment(LLVMBuildStore(L->bld, v, env_ptr(L, 4u * i)), 4);
        }
}

/* Reload every promoted slot from CPUState (after a helper wrote it). */
static void promo_reload(Lower *L) {
    for (unsigned i = 0; L->R && i < PROMO_SLOTS; i++)
        if (L->promo[i]) {
            LLVMValueRef v = LLVMBuildLoad2(L->bld, L->i32, env_ptr(L, 4u * i), "");
            LLVMSetAlignment(v, 4);
            LLVMBuildStore(L->bld, v, L->promo[i]);
        }
}

/* ---- regions: exits ----------------------------------------------------- */

/* Continue at `to` unless the region was dropped (or, with `sig`, a signal
 * waits): then write everything back and return to the dispatcher with
 * eip = target. Terminates the current LLVM block. */
static void region_poll(Lower *L, const IrInst *in, LLVMValueRef target, bool sig,
                        LLVMBasicBlockRef to) {
    LLVMValueRef d = LLVMBuildLoad2(L->bld, L->i32, cptr(L, L->R->dead), "dead");
    LLVMSetVolatile(d, 1);
    LLVMSetAlignment(d, 4);
    LLVMValueRef stop = LLVMBuildIsNotNull(L->bld, d, "");
    if (sig) stop = LLVMBuildOr(L->bld, stop, sig_pending(L), "");
    LLVMBasicBlockRef leave = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "leave");
    LLVMBuildCondBr(L->bld, stop, leave, to);
    LLVMPositionBuilderAtEnd(L->bld, leave);
    promo_flush(L);
    store_typed(L, target, env_ptr(L, CPU_OFF(eip)), 4);
    store_typed(L, c32(L, (uint32_t)in->imm), env_ptr(L, CPU_OFF(exit_info)), 4);
    LLVMBuildRet(L->bld, c32(L, BE_EXIT_WORD(IR_EXIT_JUMP, -1)));
}

/* An exit of a region member. An edge to a member is a branch; a backward
 * one (to a member at or before this one: every cycle has one) polls for a
 * pending signal and for the region having been dropped, and so does any
 * edge out of a member that stores to guest memory (it may have written
 * code the region holds). Any other exit writes the promoted registers
 * back and leaves as a block's exit would, through the region's slots. */
static void lower_region_exit(Lower *L, const IrInst *in, IrRef tref, LLVMValueRef target) {
    bool cst = L->b->insts[tref].op == IR_CONST;
    uint32_t t = cst ? (uint32_t)L->b->insts[tref].imm : 0;
    int m = in->aux == IR_EXIT_JUMP && cst ? be_region_member(L->R, t) : -1;
    if (m >= 0) {
        bool back = (uint32_t)m <= L->cur;
        if (!back && !L->cur_writes) {
            LLVMBuildBr(L->bld, L->member_bb[m]);
            return;
        }
        region_poll(L, in, target, back, L->member_bb[m]);
        return;
    }
    if (in->aux == IR_EXIT_JUMP && !cst) {
        /* A computed target (ret, indirect jmp) that starts a member is a
         * branch too: a return into the region stays in it. */
        LLVMBasicBlockRef sw_bb = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "ret_site");
        LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "ret_out");
        region_poll(L, in, target, true, sw_bb);
        LLVMPositionBuilderAtEnd(L->bld, sw_bb);
        LLVMValueRef sw = LLVMBuildSwitch(L->bld, target, out, L->R->nblocks);
        for (uint32_t j = 0; j < L->R->nblocks; j++)
            LLVMAddCase(sw, c32(L, L->R->blocks[j]->guest_addr), L->member_bb[j]);
        LLVMPositionBuilderAtEnd(L->bld, out);
    }
    promo_flush(L);
    keep_order(L, store_typed(L, target, env_ptr(L, CPU_OFF(eip)), 4));
    keep_order(L, store_typed(L, c32(L, (uint32_t)in->imm), env_ptr(L, CPU_OFF(exit_info)), 4));
    int slot = -1;
    if (in->aux == IR_EXIT_JUMP && cst) {
        if (L->next_slot < BE_REGION_MAX_SLOTS) slot = (int)L->next_slot;
        L->next_slot++;
    }
    LLVMValueRef word = c32(L, BE_EXIT_WORD(in->aux, slot));
    if (in->aux == IR_EXIT_JUMP && !cst) {
        lower_exit_indirect(L, target, word);
        return;
    }
    if (slot < 0) {
        LLVMBuildRet(L->bld, word);
        return;
    }
    emit_chain(L, L->R->chain, slot, word, t <= L->R->blocks[0]->guest_addr);
}

/* Emit the body of an exit at the builder position: set eip/exit_info, then
 * chain or return the exit word. Terminates the current LLVM block. */
static void lower_exit_body(Lower *L, IrRef self, const IrInst *in, IrRef tref,
                            LLVMValueRef target) {
    be_llvm_f80_flush(L->bld, L->env, false); /* x87 registers kept in SSA values */
    if (L->R) {
        lower_region_exit(L, in, tref, target);
        return;
    }
    /* volatile in a precise block too: no exit store moves above an access */
    keep_order(L, store_typed(L, target, env_ptr(L, CPU_OFF(eip)), 4));
    keep_order(L, store_typed(L, c32(L, (uint32_t)in->imm), env_ptr(L, CPU_OFF(exit_info)), 4));
    int slot = be_exit_slot(L->b, self);
    LLVMValueRef word = c32(L, BE_EXIT_WORD(in->aux, slot));
    if (in->aux == IR_EXIT_JUMP && !LLVMIsConstant(target)) {
        lower_exit_indirect(L, target, word);
        return;
    }
    if (slot < 0 || !L->chain) {
        LLVMBuildRet(L->bld, word);
        return;
    }
    /* A backward (or self) edge is a safe point: poll before chaining. */
    emit_chain(L, L->chain, slot, word,
               (uint32_t)LLVMConstIntGetZExtValue(target) <= L->b->guest_addr);
}

static void lower_exit(Lower *L, IrRef self, const IrInst *in) {
    bool cond = in->op == IR_EXIT_IF;
    if (in->aux >= IR_EXIT__COUNT) {
        fail(L, "%%%u: bad exit kind %u", self, in->aux);
        return;
    }
    LLVMValueRef c = cond ? arg(L, self, in, 0, IRT_I1) : NULL;
    LLVMValueRef target = arg(L, self, in, cond ? 1 : 0, IRT_I32);
    if (!target || (cond && !c)) return;
    IrRef tref = in->arg[cond ? 1 : 0];
    if (!cond) {
        lower_exit_body(L, self, in, tref, target);
        return;
    }
    LLVMBasicBlockRef ex = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "exit");
    LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "cont");
    LLVMBuildCondBr(L->bld, c, ex, cont);
    LLVMPositionBuilderAtEnd(L->bld, ex);
    lower_exit_body(L, self, in, tref, target);
    LLVMPositionBuilderAtEnd(L->bld, cont);
}

/* ---- instructions ------------------------------------------------------- */

static void lower_inst(Lower *L, IrRef self, const IrInst *in) {
    IrType t = (IrType)in->type;
    LLVMValueRef v = NULL, a;
    switch ((IrOp)in->op) {
    case IR_NOP:
        break;
    case IR_INSN:
        if (L->b->precise && ir_insn_needs_eip(L->b, self))
            keep_order(L, store_typed(L, c32(L, (uint32_t)in->imm), env_ptr(L, CPU_OFF(eip)), 4));
        break;
    case IR_CONST:
        if (!is_int(t))
            fail(L, "%%%u: CONST of type %s", self, ir_type_name[t]);
        else
            v = LLVMConstInt(ll_type(L, t), in->imm, 0);
        break;
    case IR_GET: {
        unsigned sh = 0;
        LLVMValueRef slot = promo_slot(L, in->imm, t, &sh);
        if (!ll_type(L, t))
            fail(L, "%%%u: GET of type %s", self, ir_type_name[t]);
        else if (slot)
            v = promo_get(L, slot, sh, t);
        else
            v = load_typed(L, t, env_ptr(L, in->imm), 1, false);
        break;
    }
    case IR_PUT: {
        unsigned sh = 0;
        if (!(a = arg(L, self, in, 0, IRT__COUNT))) break;
        LLVMValueRef slot = promo_slot(L, in->imm, (IrType)L->b->insts[in->arg[0]].type, &sh);
        if (slot)
            promo_put(L, slot, sh, a);
        else
            keep_order(L, store_typed(L, a, env_ptr(L, in->imm), 1));
        break;
    }
    case IR_LOAD:
        if (!ll_type(L, t))
            fail(L, "%%%u: LOAD of type %s", self, ir_type_name[t]);
        else if ((a = arg(L, self, in, 0, IRT_I32)))
            v = load_typed(L, t, guest_ptr(L, a), 1, L->b->precise);
        break;
    case IR_STORE: {
        LLVMValueRef p = arg(L, self, in, 0, IRT_I32), x = arg(L, self, in, 1, IRT__COUNT);
        if (p && x) keep_order(L, store_typed(L, x, guest_ptr(L, p), 1));
        break;
    }
    case IR_ADD:
    case IR_SUB:
    case IR_MUL:
    case IR_UDIV:
    case IR_SDIV:
    case IR_UREM:
    case IR_SREM:
    case IR_AND:
    case IR_OR:
    case IR_XOR:
    case IR_SHL:
    case IR_LSHR:
    case IR_ASHR:
    case IR_ROTL:
    case IR_ROTR:
        v = lower_binary(L, self, in);
        break;
    case IR_NOT:
    case IR_NEG:
    case IR_CLZ:
    case IR_CTZ:
    case IR_POPCNT:
    case IR_BSWAP:
    case IR_PARITY:
        v = lower_unary(L, self, in);
        break;
    case IR_ZEXT:
    case IR_SEXT:
    case IR_TRUNC:
        v = lower_cast(L, self, in);
        break;
    case IR_ICMP: {
        LLVMValueRef x = arg(L, self, in, 0, IRT__COUNT);
        if (!x) break;
        IrType at = (IrType)L->b->insts[in->arg[0]].type;
        LLVMValueRef y = arg(L, self, in, 1, at);
        if (!y) break;
        if (!is_int(at) || in->aux >= IRP__COUNT || t != IRT_I1)
            fail(L, "%%%u: malformed ICMP", self);
        else
            v = LLVMBuildICmp(L->bld, pred_map[in->aux], x, y, "");
        break;
    }
    case IR_SELECT: {
        LLVMValueRef c = arg(L, self, in, 0, IRT_I1), x = arg(L, self, in, 1, t),
                     y = arg(L, self, in, 2, t);
        if (c && x && y) v = LLVMBuildSelect(L->bld, c, x, y, "");
        break;
    }
    case IR_CALL:
        v = lower_call(L, self, in);
        break;
    case IR_EXIT_IF:
    case IR_EXIT:
        lower_exit(L, self, in);
        break;
    default:
        fail(L, "%%%u: unknown opcode %u", self, in->op);
        break;
    }
    L->val[self] = v;
    if (!L->failed && (v != NULL) != (t != IRT_VOID))
        fail(L, "%%%u (%s): result type %s does not match the operation", self,
             ir_op_info[in->op].name, ir_type_name[t]);
}

/* ---- entry points ------------------------------------------------------- */

/* Types and the function `i32 name(ptr noalias env)` with its attributes,
 * the builder at its entry block. */
static void begin(Lower *L, LLVMModuleRef mod, const char *name) {
    L->mod = mod;
    L->ctx = LLVMGetModuleContext(mod);
    L->i1 = LLVMInt1TypeInContext(L->ctx);
    L->i8 = LLVMInt8TypeInContext(L->ctx);
    L->i16 = LLVMInt16TypeInContext(L->ctx);
    L->i32 = LLVMInt32TypeInContext(L->ctx);
    L->i64 = LLVMInt64TypeInContext(L->ctx);
    L->ptr = LLVMPointerTypeInContext(L->ctx, 0);
    LLVMTypeRef fty = LLVMFunctionType(L->i32, &L->ptr, 1, 0);
    L->fn = LLVMAddFunction(mod, name, fty);
    L->env = LLVMGetParam(L->fn, 0);
    LLVMSetValueName2(L->env, "env", 3);
    static const char *const env_attrs[] = {"noalias", "nonnull"};
    for (size_t i = 0; i < sizeof env_attrs / sizeof *env_attrs; i++) {
        unsigned k = LLVMGetEnumAttributeKindForName(env_attrs[i], strlen(env_attrs[i]));
        LLVMAddAttributeAtIndex(L->fn, 1, LLVMCreateEnumAttribute(L->ctx, k, 0));
    }
    unsigned deref = LLVMGetEnumAttributeKindForName("dereferenceable", 15);
    LLVMAddAttributeAtIndex(L->fn, 1, LLVMCreateEnumAttribute(L->ctx, deref, sizeof(CPUState)));
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    LLVMAddAttributeAtIndex(L->fn, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(L->ctx, nounwind, 0));
    if (!guest_base) { /* guest address 0 is host address 0: not UB here */
        unsigned k = LLVMGetEnumAttributeKindForName("null_pointer_is_valid", 21);
        LLVMAddAttributeAtIndex(L->fn, LLVMAttributeFunctionIndex,
                                LLVMCreateEnumAttribute(L->ctx, k, 0));
    }
    L->bld = LLVMCreateBuilderInContext(L->ctx);
    LLVMPositionBuilderAtEnd(L->bld, LLVMAppendBasicBlockInContext(L->ctx, L->fn, "entry"));
}

/* Lower the instructions of L->b at the builder position. */
static void lower_body(Lower *L) {
    const IrBlock *b = L->b;
    if (b->n < 2 || b->insts[b->n - 1].op != IR_EXIT) {
        fail(L, "block 0x%08x does not end with EXIT", b->guest_addr);
        return;
    }
    L->val = calloc(b->n, sizeof *L->val);
    if (!L->val) {
        fail(L, "out of memory");
        return;
    }
    be_llvm_f80_begin(); /* per member: cached x87 values do not cross members */
    for (uint32_t r = 1; r < b->n && !L->failed; r++) {
        const IrInst *in = &b->insts[r];
        if (in->op >= IR__COUNT) {
            fail(L, "%%%u: unknown opcode %u", r, in->op);
            break;
        }
        if (in->op == IR_EXIT && r != b->n - 1) {
            fail(L, "%%%u: EXIT before the end of the block", r);
            break;
        }
        lower_inst(L, (IrRef)r, in);
    }
    free(L->val);
    L->val = NULL;
}

static LLVMValueRef finish(Lower *L) {
    LLVMDisposeBuilder(L->bld);
    if (L->failed) {
        LLVMDeleteFunction(L->fn);
        return NULL;
    }
    return L->fn;
}

LLVMValueRef be_llvm_lower(LLVMModuleRef mod, const IrBlock *b, BeBlockFn *chain, const char *name,
                           char *err, size_t errlen) {
    Lower L = {.b = b, .chain = chain, .err = err, .errlen = errlen};
    begin(&L, mod, name);
    lower_body(&L);
    return finish(&L);
}

/* Whether member b writes guest memory (a STORE, or a helper that may). */
static bool block_writes(const IrBlock *b) {
    for (uint32_t i = 1; i < b->n; i++) {
        const IrInst *in = &b->insts[i];
        if (in->op == IR_STORE) return true;
        if (in->op == IR_CALL && in->imm < H__COUNT && (ir_helpers[in->imm].flags & HF_MEM))
            return true;
        if (in->op == IR_CALL && in->imm < H__COUNT && !(ir_helpers[in->imm].flags &
            (HF_PURE | HF_READS_ENV | HF_WRITES_ENV | HF_X87)))
            return true; /* effects not described: assume the worst */
    }
    return false;
}

/* Choose the promoted slots: those a non-precise region accesses, only
 * with integer GET/PUTs contained in the slot (anything else, or eip, keeps
 * the slot in CPUState). Allocas in the entry block, loaded from CPUState. */
static void promo_setup(Lower *L) {
    bool used[PROMO_SLOTS] = {false}, bad[PROMO_SLOTS] = {false};
    bad[CPU_OFF(eip) / 4] = true;
    for (uint32_t j = 0; j < L->R->nblocks; j++) {
        const IrBlock *b = L->R->blocks[j];
        if (b->precise) return; /* every access a barrier: nothing promoted */
        for (uint32_t i = 1; i < b->n; i++) {
            const IrInst *in = &b->insts[i];
            if (in->op != IR_GET && in->op != IR_PUT) continue;
            IrType t = (IrType)(in->op == IR_GET ? in->type : b->insts[in->arg[0]].type);
            uint64_t off = in->imm;
            unsigned n = access_bytes(t);
            uint64_t end = off + (n ? n : 16);
            if (off >= PROMO_END) continue;
            if (!n || off % 4 + n > 4) {
                for (uint64_t k = off / 4; k < PROMO_SLOTS && k * 4 < end; k++) bad[k] = true;
                continue;
            }
            used[off / 4] = true;
        }
    }
    for (unsigned i = 0; i < PROMO_SLOTS; i++) {
        if (!used[i] || bad[i]) continue;
        L->promo[i] = LLVMBuildAlloca(L->bld, L->i32, "reg");
        LLVMValueRef v = LLVMBuildLoad2(L->bld, L->i32, env_ptr(L, 4u * i), "");
        LLVMSetAlignment(v, 4);
        LLVMBuildStore(L->bld, v, L->promo[i]);
    }
}

LLVMValueRef be_llvm_lower_region(LLVMModuleRef mod, const BeRegion *R, const char *name, char *err,
                                  size_t errlen) {
    Lower L = {.R = R, .err = err, .errlen = errlen};
    if (!R->nblocks) {
        snprintf(err, errlen, "empty region");
        return NULL;
    }
    begin(&L, mod, name);
    L.member_bb = calloc(R->nblocks, sizeof *L.member_bb);
    if (!L.member_bb) {
        fail(&L, "out of memory");
        return finish(&L);
    }
    promo_setup(&L);
    for (uint32_t j = 0; j < R->nblocks; j++)
        L.member_bb[j] = LLVMAppendBasicBlockInContext(L.ctx, L.fn, "member");
    LLVMBuildBr(L.bld, L.member_bb[0]);
    for (uint32_t j = 0; j < R->nblocks && !L.failed; j++) {
        L.cur = j;
        L.b = R->blocks[j];
        L.cur_writes = block_writes(L.b);
        LLVMPositionBuilderAtEnd(L.bld, L.member_bb[j]);
        lower_body(&L);
    }
    free(L.member_bb);
    return finish(&L);
}
