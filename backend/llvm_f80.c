/* Inline expansion of the x87 fast path's helpers (backend/llvm_f80.h).
 *
 * The helpers name physical registers of CPUState.fpr by a constant
 * control word (frontend/h_x87_fast.h); here each becomes x86_fp80 loads
 * and stores at env + offset and LLVM's constrained floating-point
 * intrinsics (round.tonearest, fpexcept.strict), which the x86 backend
 * emits as the same x87 instructions the guest ran: the block's guard
 * made sure the guest control word is the host's default 0x037f (64-bit
 * precision, round to nearest, all masked), and "strict" keeps LLVM from
 * folding, dropping or speculating any operation, so the host FPU's
 * sticky exception flags end up exactly as the guest's would be; the next
 * x87 helper folds them into fp_sw (hx_fold). Since env is noalias,
 * LLVM keeps the stack registers in host registers between operations.
 *
 * Not expanded (left as calls, which are exact): the operation marked
 * X87Q_C1 when it rounds (C1 = "rounded up" is only in the host status
 * word), and stores to integer formats (fist/fistp).
 */
#include "backend/llvm_f80.h"

#include <stdio.h>
#include <string.h>

#include "frontend/h_x87.h"
#include "frontend/h_x87_fast.h"
#include "ir/helper.h"
#include "runtime/cpu.h"

typedef struct F80 {
    LLVMBuilderRef bld;
    LLVMValueRef fn;
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMValueRef env;
    LLVMTypeRef f80;
} F80;

static LLVMValueRef env_at(F80 *F, uint32_t off)
{
    LLVMValueRef idx = LLVMConstInt(LLVMInt64TypeInContext(F->ctx), off, 0);
    return LLVMBuildInBoundsGEP2(F->bld, LLVMInt8TypeInContext(F->ctx), F->env, &idx, 1, "");
}

static LLVMValueRef reg_ptr(F80 *F, unsigned p)
{
    return env_at(F, CPU_OFF(fpr) + 16u * p);
}

/* The stack registers of the function being lowered: the value of each
 * fpr[p] known here (NULL: load it), and which of them env does not have
 * yet. env is passed to helpers and to chained blocks, so LLVM's alias
 * analysis cannot keep them out of memory itself across guest accesses. */
static _Thread_local struct {
    LLVMValueRef v[8];
    uint8_t dirty;
} cache;

static LLVMValueRef get_reg(F80 *F, unsigned p)
{
    if (!cache.v[p]) {
        cache.v[p] = LLVMBuildLoad2(F->bld, F->f80, reg_ptr(F, p), "");
        LLVMSetAlignment(cache.v[p], 16);
    }
    return cache.v[p];
}

static void put_reg(unsigned p, LLVMValueRef v)
{
    cache.v[p] = v;
    cache.dirty |= (uint8_t)(1u << p);
}

void be_llvm_f80_begin(void) { memset(&cache, 0, sizeof cache); }

void be_llvm_f80_flush(LLVMBuilderRef bld, LLVMValueRef env, bool forget)
{
    if (cache.dirty) {
        F80 F = {.bld = bld, .env = env};
        F.ctx = LLVMGetTypeContext(LLVMTypeOf(env));
        for (unsigned p = 0; p < 8; p++)
            if (cache.dirty & (1u << p))
                LLVMSetAlignment(LLVMBuildStore(bld, cache.v[p], reg_ptr(&F, p)), 16);
    }
    if (forget)
        memset(&cache, 0, sizeof cache);
}

static LLVMValueRef md(F80 *F, const char *s)
{
    return LLVMMetadataAsValue(F->ctx, LLVMMDStringInContext2(F->ctx, s, strlen(s)));
}

/* Constrained intrinsic `name` overloaded on ntys types; args then the
 * metadata: rounding (when `round`) and exception behaviour. */
static LLVMValueRef cfp(F80 *F, const char *name, LLVMTypeRef *tys, unsigned ntys,
                        LLVMValueRef *args, unsigned nargs, const char *pred, bool round)
{
    char full[80];
    snprintf(full, sizeof full, "llvm.experimental.constrained.%s", name);
    unsigned id = LLVMLookupIntrinsicID(full, strlen(full));
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(F->mod, id, tys, ntys);
    LLVMValueRef av[6];
    unsigned n = 0;
    for (unsigned i = 0; i < nargs; i++)
        av[n++] = args[i];
    if (pred)
        av[n++] = md(F, pred);
    if (round)
        av[n++] = md(F, "round.tonearest");
    av[n++] = md(F, "fpexcept.strict");
    LLVMValueRef call = LLVMBuildCall2(F->bld, LLVMGlobalGetValueType(fn), fn, av, n, "");
    unsigned k = LLVMGetEnumAttributeKindForName("strictfp", 8);
    LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(F->ctx, k, 0));
    return call;
}

static LLVMValueRef bin(F80 *F, const char *name, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef args[2] = {a, b};
    return cfp(F, name, &F->f80, 1, args, 2, NULL, true);
}

/* A memory operand of format fmt (its bits zero-extended in i64) as f80. */
static LLVMValueRef from_mem(F80 *F, unsigned fmt, LLVMValueRef bits)
{
    LLVMTypeRef ft = NULL, it = NULL;
    switch (fmt) {
    case X87F_F32:
        ft = LLVMFloatTypeInContext(F->ctx);
        it = LLVMInt32TypeInContext(F->ctx);
        break;
    case X87F_F64:
        ft = LLVMDoubleTypeInContext(F->ctx);
        it = LLVMInt64TypeInContext(F->ctx);
        break;
    case X87F_I16: it = LLVMInt16TypeInContext(F->ctx); break;
    case X87F_I32: it = LLVMInt32TypeInContext(F->ctx); break;
    case X87F_I64: it = LLVMInt64TypeInContext(F->ctx); break;
    default: return NULL;
    }
    LLVMValueRef v = LLVMBuildTrunc(F->bld, bits, it, "");
    LLVMTypeRef tys[2] = {F->f80, ft ? ft : it};
    if (!ft)
        return cfp(F, "sitofp", tys, 2, &v, 1, NULL, true);
    v = LLVMBuildBitCast(F->bld, v, ft, "");
    return cfp(F, "fpext", tys, 2, &v, 1, NULL, false);
}

static LLVMValueRef arith(F80 *F, unsigned op, LLVMValueRef a, LLVMValueRef b)
{
    switch (op) {
    case X87A_ADD: return bin(F, "fadd", a, b);
    case X87A_MUL: return bin(F, "fmul", a, b);
    case X87A_SUB: return bin(F, "fsub", a, b);
    case X87A_SUBR: return bin(F, "fsub", b, a);
    case X87A_DIV: return bin(F, "fdiv", a, b);
    case X87A_DIVR: return bin(F, "fdiv", b, a);
    default: return NULL;
    }
}

/* fp_sw = (fp_sw & ~clear) | set (set: i16 value or NULL). */
static void update_sw(F80 *F, uint16_t clear, LLVMValueRef set)
{
    LLVMTypeRef i16 = LLVMInt16TypeInContext(F->ctx);
    LLVMValueRef p = env_at(F, CPU_OFF(fp_sw));
    LLVMValueRef sw = LLVMBuildLoad2(F->bld, i16, p, "");
    LLVMSetAlignment(sw, 2);
    sw = LLVMBuildAnd(F->bld, sw, LLVMConstInt(i16, (uint16_t)~clear, 0), "");
    if (set)
        sw = LLVMBuildOr(F->bld, sw, set, "");
    LLVMSetAlignment(LLVMBuildStore(F->bld, sw, p), 2);
}

/* fcomi's CF PF ZF of comparing a with b (EF_* bits, i32). */
static LLVMValueRef compare(F80 *F, bool signal, LLVMValueRef a, LLVMValueRef b)
{
    LLVMTypeRef i32 = LLVMInt32TypeInContext(F->ctx);
    LLVMValueRef args[2] = {a, b};
    static const struct {
        const char *pred;
        uint32_t bit;
    } cc[3] = {{"ult", EF_CF}, {"uno", EF_PF}, {"ueq", EF_ZF}};
    LLVMValueRef r = LLVMConstInt(i32, 0, 0);
    for (unsigned k = 0; k < 3; k++) {
        LLVMValueRef c = cfp(F, signal ? "fcmps" : "fcmp", &F->f80, 1, args, 2, cc[k].pred, false);
        LLVMValueRef bit = LLVMBuildSelect(F->bld, c, LLVMConstInt(i32, cc[k].bit, 0),
                                           LLVMConstInt(i32, 0, 0), "");
        r = LLVMBuildOr(F->bld, r, bit, "");
    }
    return r;
}

/* Slot of the entry block's frame for an x86_fp80 or smaller value. */
static LLVMValueRef slot(F80 *F)
{
    LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(F->fn);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(F->ctx);
    LLVMValueRef first = LLVMGetFirstInstruction(entry);
    if (first)
        LLVMPositionBuilderBefore(b, first);
    else
        LLVMPositionBuilderAtEnd(b, entry);
    LLVMValueRef a = LLVMBuildAlloca(b, F->f80, "x87");
    LLVMSetAlignment(a, 16);
    LLVMDisposeBuilder(b);
    return a;
}

/* Run `tmpl` (AT&T; $1 and $2 are pointers) for its status word: the
 * operations whose C1 (rounded up) must be exact run this way, on slots,
 * with fnstsw right after the instruction. */
static LLVMValueRef asm_sw(F80 *F, const char *tmpl, LLVMValueRef p1, LLVMValueRef p2)
{
    LLVMTypeRef ptr = LLVMPointerTypeInContext(F->ctx, 0);
    LLVMTypeRef pt[2] = {ptr, ptr};
    LLVMTypeRef fty = LLVMFunctionType(LLVMInt16TypeInContext(F->ctx), pt, 2, 0);
    static const char cons[] =
        "=&{ax},r,r,~{st},~{st(1)},~{fpsr},~{memory},~{dirflag},~{flags}";
    LLVMValueRef ia = LLVMGetInlineAsm(fty, (char *)tmpl, strlen(tmpl), (char *)cons,
                                       strlen(cons), 1, 0, LLVMInlineAsmDialectATT, 0);
    LLVMValueRef args[2] = {p1, p2};
    return LLVMBuildCall2(F->bld, fty, ia, args, 2, "");
}

static void store16(F80 *F, LLVMValueRef p, LLVMValueRef v)
{
    LLVMSetAlignment(LLVMBuildStore(F->bld, v, p), 16);
}

static LLVMValueRef load16(F80 *F, LLVMTypeRef t, LLVMValueRef p)
{
    LLVMValueRef v = LLVMBuildLoad2(F->bld, t, p, "");
    LLVMSetAlignment(v, 16);
    return v;
}

/* C1 of the host status word sw into fp_sw. */
static void set_c1(F80 *F, LLVMValueRef sw)
{
    LLVMTypeRef i16 = LLVMInt16TypeInContext(F->ctx);
    update_sw(F, FSW_C1, LLVMBuildAnd(F->bld, sw, LLVMConstInt(i16, FSW_C1, 0), ""));
}

/* a OP b (X87Arith) on the host with C1 kept: host st0 = a, st1 = b. */
static LLVMValueRef arith_c1(F80 *F, unsigned op, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef sa = slot(F), sb = slot(F);
    store16(F, sa, a);
    store16(F, sb, b);
    char tmpl[160];
    snprintf(tmpl, sizeof tmpl,
             "fldt ($2)\n\tfldt ($1)\n\t.byte 0xd8, 0x%02x\n\tfnstsw %%ax\n\t"
             "fstpt ($1)\n\tfstp %%st(0)",
             0xc1u | (op << 3));
    set_c1(F, asm_sw(F, tmpl, sa, sb));
    return load16(F, F->f80, sa);
}

/* The host's own memory form `insn` (fadd, ..., fcomp) with st0 = a and
 * the f32/f64 operand bits, on slots; returns the status word, *res = the
 * new st0 (res NULL: a compare, which pops). */
static LLVMValueRef mem_form(F80 *F, const char *insn, unsigned fmt, LLVMValueRef a,
                             LLVMValueRef bits, LLVMValueRef *res)
{
    LLVMValueRef sa = slot(F), sm = slot(F);
    store16(F, sa, a);
    store16(F, sm, bits);
    char tmpl[128];
    snprintf(tmpl, sizeof tmpl, "fldt ($1)\n\t%s%c ($2)\n\tfnstsw %%ax%s", insn,
             fmt == X87F_F32 ? 's' : 'l', res ? "\n\tfstpt ($1)" : "");
    LLVMValueRef sw = asm_sw(F, tmpl, sa, sm);
    if (res)
        *res = load16(F, F->f80, sa);
    return sw;
}

/* Whether f32/f64 operand bits are a NaN, infinity, denormal or zero
 * (exponent all ones or all zeros). */
static LLVMValueRef mem_special(F80 *F, unsigned fmt, LLVMValueRef bits)
{
    LLVMTypeRef i64 = LLVMInt64TypeInContext(F->ctx);
    unsigned shift = fmt == X87F_F32 ? 23 : 52;
    uint64_t m = fmt == X87F_F32 ? 0xff : 0x7ff;
    LLVMValueRef e = LLVMBuildAnd(F->bld, LLVMBuildLShr(F->bld, bits, LLVMConstInt(i64, shift, 0), ""),
                                  LLVMConstInt(i64, m, 0), "");
    return LLVMBuildOr(F->bld, LLVMBuildICmp(F->bld, LLVMIntEQ, e, LLVMConstInt(i64, 0, 0), ""),
                       LLVMBuildICmp(F->bld, LLVMIntEQ, e, LLVMConstInt(i64, m, 0), ""), "");
}

static const char *const mem_insn[8] = {[X87A_ADD] = "fadd", [X87A_MUL] = "fmul",
                                        [X87A_SUB] = "fsub", [X87A_SUBR] = "fsubr",
                                        [X87A_DIV] = "fdiv", [X87A_DIVR] = "fdivr"};

/* An operation with an f32/f64 memory operand: converting the operand and
 * operating on two f80 values gives the fused form's result and flags
 * except when the operand is a NaN or denormal (no DE with a NaN st(0),
 * which NaN wins), so those run the host's memory form instead. `fast` and
 * `slow` build the two ways in the current block; returns the phi of
 * their values (of type ty). */
typedef LLVMValueRef (*MemWay)(F80 *F, uint32_t q, LLVMValueRef a, LLVMValueRef bits);
static LLVMValueRef mem_op(F80 *F, uint32_t q, LLVMValueRef a, LLVMValueRef bits, LLVMTypeRef ty,
                           MemWay fast, MemWay slow)
{
    LLVMValueRef sp = mem_special(F, X87Q_FMT(q), bits);
    LLVMBasicBlockRef bs = LLVMAppendBasicBlockInContext(F->ctx, F->fn, "x87.mem");
    LLVMBasicBlockRef bf = LLVMAppendBasicBlockInContext(F->ctx, F->fn, "x87.conv");
    LLVMBasicBlockRef bj = LLVMAppendBasicBlockInContext(F->ctx, F->fn, "x87.join");
    LLVMBuildCondBr(F->bld, sp, bs, bf);
    LLVMPositionBuilderAtEnd(F->bld, bf);
    LLVMValueRef vf = fast(F, q, a, bits);
    LLVMBasicBlockRef ef = LLVMGetInsertBlock(F->bld);
    LLVMBuildBr(F->bld, bj);
    LLVMPositionBuilderAtEnd(F->bld, bs);
    LLVMValueRef vs = slow(F, q, a, bits);
    LLVMBasicBlockRef es = LLVMGetInsertBlock(F->bld);
    LLVMBuildBr(F->bld, bj);
    LLVMPositionBuilderAtEnd(F->bld, bj);
    LLVMValueRef phi = LLVMBuildPhi(F->bld, ty, "");
    LLVMValueRef vals[2] = {vf, vs};
    LLVMBasicBlockRef bbs[2] = {ef, es};
    LLVMAddIncoming(phi, vals, bbs, 2);
    return phi;
}

static LLVMValueRef binm_fast(F80 *F, uint32_t q, LLVMValueRef a, LLVMValueRef bits)
{
    LLVMValueRef y = from_mem(F, X87Q_FMT(q), bits);
    return (q & X87Q_C1) ? arith_c1(F, X87Q_OP(q), a, y) : arith(F, X87Q_OP(q), a, y);
}

static LLVMValueRef binm_slow(F80 *F, uint32_t q, LLVMValueRef a, LLVMValueRef bits)
{
    LLVMValueRef r;
    LLVMValueRef sw = mem_form(F, mem_insn[X87Q_OP(q)], X87Q_FMT(q), a, bits, &r);
    if (q & X87Q_C1)
        set_c1(F, sw);
    return r;
}

static LLVMValueRef cmpm_fast(F80 *F, uint32_t q, LLVMValueRef a, LLVMValueRef bits)
{
    return compare(F, true, a, from_mem(F, X87Q_FMT(q), bits));
}

static LLVMValueRef cmpm_slow(F80 *F, uint32_t q, LLVMValueRef a, LLVMValueRef bits)
{
    LLVMTypeRef i16 = LLVMInt16TypeInContext(F->ctx), i32 = LLVMInt32TypeInContext(F->ctx);
    LLVMValueRef sw = mem_form(F, "fcomp", X87Q_FMT(q), a, bits, NULL);
    sw = LLVMBuildAnd(F->bld, sw, LLVMConstInt(i16, FSW_C0 | FSW_C2 | FSW_C3, 0), "");
    return LLVMBuildZExt(F->bld, LLVMBuildLShr(F->bld, sw, LLVMConstInt(i16, 8, 0), ""), i32, "");
}

bool be_llvm_f80_call(LLVMBuilderRef bld, LLVMValueRef fn, LLVMValueRef env, const IrBlock *b,
                      const IrInst *in, LLVMValueRef const *vals, LLVMValueRef *out)
{
    uint64_t h = in->imm;
    if (h < H_F80_BIN || h > H_F80_CMPM || in->nargs < 1 || b->insts[in->arg[0]].op != IR_CONST)
        return false;
    uint32_t q = (uint32_t)b->insts[in->arg[0]].imm;
    bool rounds = h == H_F80_BIN || h == H_F80_BINM || h == H_F80_ST ||
                  (h == H_F80_UN && X87Q_OP(q) == X87U_SQRT);
    unsigned fmt = X87Q_FMT(q);
    if (h == H_F80_ST && fmt != X87F_F32 && fmt != X87F_F64)
        return false;
    LLVMValueRef bits = in->nargs > 1 ? vals[in->arg[1]] : NULL;
    if (in->nargs > 1 && !bits)
        return false;

    F80 F = {.bld = bld, .env = env, .fn = fn};
    F.ctx = LLVMGetModuleContext(LLVMGetGlobalParent(fn));
    F.mod = LLVMGetGlobalParent(fn);
    F.f80 = LLVMX86FP80TypeInContext(F.ctx);
    unsigned sfp = LLVMGetEnumAttributeKindForName("strictfp", 8);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(F.ctx, sfp, 0));
    LLVMTypeRef i16 = LLVMInt16TypeInContext(F.ctx), i64 = LLVMInt64TypeInContext(F.ctx);
    unsigned d = X87Q_D(q), a = X87Q_A(q), bb = X87Q_B(q);
    *out = NULL;
    bool c1 = (q & X87Q_C1) != 0;
    switch (h) {
    case H_F80_BIN:
    case H_F80_BINM: {
        LLVMValueRef x = get_reg(&F, a);
        if (h == H_F80_BINM && (fmt == X87F_F32 || fmt == X87F_F64)) {
            put_reg(d, mem_op(&F, q, x, bits, F.f80, binm_fast, binm_slow));
            break;
        }
        LLVMValueRef y = h == H_F80_BIN ? get_reg(&F, bb) : from_mem(&F, fmt, bits);
        put_reg(d, c1 ? arith_c1(&F, X87Q_OP(q), x, y) : arith(&F, X87Q_OP(q), x, y));
        break;
    }
    case H_F80_UN: {
        LLVMValueRef v = get_reg(&F, a), r = NULL;
        switch (X87Q_OP(q)) {
        case X87U_SQRT:
            if (c1) {
                LLVMValueRef sa = slot(&F);
                store16(&F, sa, v);
                set_c1(&F, asm_sw(&F, "fldt ($1)\n\tfsqrt\n\tfnstsw %ax\n\tfstpt ($1)", sa, sa));
                r = load16(&F, F.f80, sa);
            } else {
                r = cfp(&F, "sqrt", &F.f80, 1, &v, 1, NULL, true);
            }
            break;
        case X87U_CHS: r = LLVMBuildFNeg(bld, v, ""); break;
        case X87U_ABS: {
            unsigned id = LLVMLookupIntrinsicID("llvm.fabs", 9);
            LLVMValueRef f = LLVMGetIntrinsicDeclaration(F.mod, id, &F.f80, 1);
            r = LLVMBuildCall2(bld, LLVMGlobalGetValueType(f), f, &v, 1, "");
            break;
        }
        case X87U_MOV: r = v; break;
        case X87U_XCH:
            r = v;
            put_reg(a, get_reg(&F, d));
            break;
        }
        put_reg(d, r);
        break;
    }
    case H_F80_LD:
        put_reg(d, from_mem(&F, fmt, bits));
        break;
    case H_F80_ST: {
        bool dbl = fmt == X87F_F64;
        LLVMTypeRef it = dbl ? i64 : LLVMInt32TypeInContext(F.ctx);
        LLVMValueRef v = get_reg(&F, a);
        if (c1) {
            LLVMValueRef sa = slot(&F), sm = slot(&F);
            store16(&F, sa, v);
            set_c1(&F, asm_sw(&F, dbl ? "fldt ($1)\n\tfstpl ($2)\n\tfnstsw %ax"
                                      : "fldt ($1)\n\tfstps ($2)\n\tfnstsw %ax",
                              sa, sm));
            v = load16(&F, it, sm);
        } else {
            LLVMTypeRef tys[2] = {
                dbl ? LLVMDoubleTypeInContext(F.ctx) : LLVMFloatTypeInContext(F.ctx), F.f80};
            v = cfp(&F, "fptrunc", tys, 2, &v, 1, NULL, true);
            v = LLVMBuildBitCast(bld, v, it, "");
        }
        *out = dbl ? v : LLVMBuildZExt(bld, v, i64, "");
        break;
    }
    case H_F80_CMP:
    case H_F80_CMPM: {
        LLVMValueRef r;
        if (h == H_F80_CMPM && (fmt == X87F_F32 || fmt == X87F_F64))
            r = mem_op(&F, q, get_reg(&F, a), bits, LLVMInt32TypeInContext(F.ctx), cmpm_fast,
                       cmpm_slow);
        else
            r = compare(&F, (q & X87Q_SIGNAL) != 0, get_reg(&F, a),
                        h == H_F80_CMP ? get_reg(&F, bb) : from_mem(&F, fmt, bits));
        if (q & X87Q_SETCC) /* C0 C2 C3 are CF PF ZF shifted up by 8; C1 = 0 */
            update_sw(&F, FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3,
                      LLVMBuildShl(bld, LLVMBuildTrunc(bld, r, i16, ""),
                                   LLVMConstInt(i16, 8, 0), ""));
        *out = r;
        return true;
    }
    }
    if (c1 && !rounds)
        update_sw(&F, FSW_C1, NULL);
    return true;
}
