/* The x87 fast path: lifting with a static register stack.
 *
 * At the start of a block the lifter reads the translating thread's x87
 * TOP, tags and control word (the block is translated right before it
 * runs). While the control word is the default 0x037f, the common x87
 * instructions are lifted with TOP and the tags known: st(i) is a fixed
 * physical register, stack faults are decided here (an instruction that
 * would fault goes the generic way, frontend/lift_x87.c), and each
 * operation becomes one CALL of a frontend/h_x87_fast.c helper naming its
 * physical registers, which the LLVM backend expands inline
 * (backend/llvm_f80.c). fp_top and fp_tag are kept up to date in CPUState
 * with PUTs of constants, so generic helpers can run in between and the
 * passes drop the redundant PUTs.
 *
 * Guard: the first fast instruction of a block is preceded by an
 * IR_EXIT_GUARD exit taken when TOP, the tags or the control word differ
 * from what the block was lifted for. The dispatcher then marks the block's
 * start "generic" (fe_x87_set_generic) and drops it; its next translation
 * uses the generic helpers for every x87 instruction. XRUN_X87=generic
 * (rt_opts.x87_generic) disables the fast path; precise mode does too.
 *
 * C1: the inline code computes values and exception flags exactly (flags
 * stay sticky in the host FPU until hx_fold), but not C1 after a rounding
 * operation. fe_x87_block_end marks (X87Q_C1) the last C1-setting fast
 * operation before every exit and every other x87 helper call; the backend
 * calls the helper for that one (or clears C1, for the operations that
 * always set it to 0).
 */
#include "frontend/lift_x87.h"

#include "frontend/h_x87.h"
#include "frontend/h_x87_fast.h"
#include "runtime/opts.h"
#include "runtime/signal.h"

/* ====================== blocks that failed their guard ====================== */

#define GEN_SIZE 4096u /* power of two */
static uint32_t gen_tab[GEN_SIZE]; /* eip + 1; 0 = free */
static bool gen_full;              /* table full: everything generic */

static uint32_t gen_hash(uint32_t eip) { return (eip * 2654435761u) & (GEN_SIZE - 1); }

void fe_x87_set_generic(uint32_t eip)
{
    uint32_t k = eip + 1u, h = gen_hash(eip);
    for (unsigned n = 0; n < GEN_SIZE; n++, h = (h + 1u) & (GEN_SIZE - 1)) {
        uint32_t cur = __atomic_load_n(&gen_tab[h], __ATOMIC_ACQUIRE);
        if (cur == 0 && __atomic_compare_exchange_n(&gen_tab[h], &cur, k, false,
                                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return;
        if (cur == k)
            return;
    }
    __atomic_store_n(&gen_full, true, __ATOMIC_RELEASE);
}

static bool is_generic(uint32_t eip)
{
    if (__atomic_load_n(&gen_full, __ATOMIC_ACQUIRE))
        return true;
    uint32_t k = eip + 1u, h = gen_hash(eip);
    for (unsigned n = 0; n < GEN_SIZE; n++, h = (h + 1u) & (GEN_SIZE - 1)) {
        uint32_t cur = __atomic_load_n(&gen_tab[h], __ATOMIC_ACQUIRE);
        if (cur == k)
            return true;
        if (cur == 0)
            return false;
    }
    return false;
}

void fe_x87_assume(FeX87Assume *a, uint32_t eip)
{
    const CPUState *env = rt_thread_env;
    a->on = env && !rt_precise && !rt_opts.x87_generic && env->fp_cw == X87_CW_DEFAULT &&
            !is_generic(eip);
    a->top = a->on ? (uint8_t)(env->fp_top & 7u) : 0;
    a->tag = a->on ? env->fp_tag : 0;
}

void fe_x87_block_begin(LiftCtx *c, uint32_t eip, const FeX87Assume *given)
{
    FeX87Assume a;
    if (given) { /* a translation again: the first one's assumption */
        a = *given;
        a.on = a.on && !rt_precise && !is_generic(eip);
    } else {
        fe_x87_assume(&a, eip);
    }
    c->x87.guarded = false;
    c->x87.on = a.on;
    if (a.on) {
        c->x87.top = a.top;
        c->x87.tag = a.tag;
    }
}

/* ================================ emitting ================================ */

static unsigned phys(const LiftCtx *c, unsigned i) { return (c->x87.top + i) & 7u; }
static bool empty(const LiftCtx *c, unsigned i)
{
    return ((c->x87.tag >> (2 * phys(c, i))) & 3u) == 3u;
}
static void set_valid(LiftCtx *c, unsigned i)
{
    c->x87.tag &= (uint16_t)~(3u << (2 * phys(c, i)));
}

static void guard(LiftCtx *c)
{
    if (c->x87.guarded)
        return;
    c->x87.guarded = true;
    IrBlock *b = c->b;
    IrRef t = ir_icmp(b, IRP_NE, ir_get(b, IRT_I32, CPU_OFF(fp_top)),
                      ir_const(b, IRT_I32, c->x87.top));
    IrRef g = ir_icmp(b, IRP_NE, ir_get(b, IRT_I16, CPU_OFF(fp_tag)),
                      ir_const(b, IRT_I16, c->x87.tag));
    IrRef w = ir_icmp(b, IRP_NE, ir_get(b, IRT_I16, CPU_OFF(fp_cw)),
                      ir_const(b, IRT_I16, X87_CW_DEFAULT));
    IrRef any = ir_bin(b, IR_OR, ir_bin(b, IR_OR, t, g), w);
    ir_exit_if(b, IR_EXIT_GUARD, any, ir_const(b, IRT_I32, c->eip), b->guest_addr);
}

static void put_state(LiftCtx *c)
{
    ir_put(c->b, CPU_OFF(fp_top), ir_const(c->b, IRT_I32, c->x87.top));
    ir_put(c->b, CPU_OFF(fp_tag), ir_const(c->b, IRT_I16, c->x87.tag));
}

static void push(LiftCtx *c)
{
    c->x87.top = (uint8_t)((c->x87.top - 1u) & 7u);
    set_valid(c, 0);
}

static void pop(LiftCtx *c)
{
    c->x87.tag |= (uint16_t)(3u << (2 * phys(c, 0)));
    c->x87.top = (uint8_t)((c->x87.top + 1u) & 7u);
}

static IrRef call(LiftCtx *c, HelperId h, uint32_t q, IrRef bits)
{
    IrRef args[2] = {ir_const(c->b, IRT_I32, q), bits};
    return ir_call(c->b, h, bits ? 2 : 1, args);
}

static const IrType fmt_type[X87F__COUNT] = {
    [X87F_F32] = IRT_I32, [X87F_F64] = IRT_I64, [X87F_I16] = IRT_I16,
    [X87F_I32] = IRT_I32, [X87F_I64] = IRT_I64,
};

/* The formats the fast helpers take (not F80, BCD). */
static bool fast_fmt(unsigned fmt) { return fmt < X87F__COUNT && fmt_type[fmt] != IRT_VOID; }

static int mem_operand(LiftCtx *c)
{
    for (int i = 0; i < c->x86->op_count; i++)
        if (c->x86->operands[i].type == X86_OP_MEM)
            return i;
    return -1;
}

static IrRef load_bits(LiftCtx *c, unsigned fmt, IrRef ea)
{
    return ir_cast(c->b, IR_ZEXT, IRT_I64, ir_load(c->b, fmt_type[fmt], ea));
}

/* ============================== memory forms ============================== */

static X87Fast fast_mem(LiftCtx *c, const X87Form *f)
{
    int mi = mem_operand(c);
    if (mi < 0)
        return X87_FAST_NO;
    unsigned fmt = f->a;
    switch ((FormKind)f->kind) {
    case K_LD: {
        if (!fast_fmt(fmt) || !empty(c, 7))
            return X87_FAST_NO;
        guard(c);
        IrRef bits = load_bits(c, fmt, fe_ea(c, mi));
        push(c);
        call(c, H_F80_LD, X87Q_MAKE(0, fmt, phys(c, 0), 0, 0), bits);
        put_state(c);
        return X87_FAST_DONE;
    }
    case K_ST: {
        if (!fast_fmt(fmt) || empty(c, 0))
            return X87_FAST_NO;
        guard(c);
        IrRef ea = fe_ea(c, mi);
        IrRef r = call(c, H_F80_ST, X87Q_MAKE(0, fmt, 0, phys(c, 0), 0), IR_NONE);
        ir_store(c->b, ea, ir_cast(c->b, IR_TRUNC, fmt_type[fmt], r));
        if (f->b) {
            pop(c);
            put_state(c);
        }
        return X87_FAST_DONE;
    }
    case K_ARITH:
        if (!fast_fmt(fmt) || empty(c, 0))
            return X87_FAST_NO;
        guard(c);
        call(c, H_F80_BINM, X87Q_MAKE(f->b, fmt, phys(c, 0), phys(c, 0), 0),
             load_bits(c, fmt, fe_ea(c, mi)));
        return X87_FAST_DONE;
    case K_COM:
        if (!fast_fmt(fmt) || empty(c, 0))
            return X87_FAST_NO;
        guard(c);
        call(c, H_F80_CMPM, X87Q_MAKE(0, fmt, 0, phys(c, 0), 0) | X87Q_SIGNAL | X87Q_SETCC,
             load_bits(c, fmt, fe_ea(c, mi)));
        if (f->b) {
            pop(c);
            put_state(c);
        }
        return X87_FAST_DONE;
    case K_STC: /* fnstcw, fnstsw m: read the state only */
        return (f->a == X87C_CW || f->a == X87C_SW) ? X87_FAST_NEUTRAL : X87_FAST_NO;
    default:
        return X87_FAST_NO;
    }
}

/* ============================= register forms ============================= */

/* Compare st(0) with st(i), pop `pops` times. */
static IrRef compare(LiftCtx *c, unsigned i, uint32_t flags, unsigned pops)
{
    guard(c);
    IrRef r = call(c, H_F80_CMP, X87Q_MAKE(0, 0, 0, phys(c, 0), phys(c, i)) | flags, IR_NONE);
    if (pops) {
        while (pops--)
            pop(c);
        put_state(c);
    }
    return r;
}

static X87Fast fast_whole(LiftCtx *c, unsigned enc)
{
    switch (enc) {
    case 0xd9d0: /* fnop, feni, fdisi, fsetpm */
    case 0xdbe0:
    case 0xdbe1:
    case 0xdbe4:
    case 0xdfe0: /* fnstsw ax */
    case 0xd9e4: /* ftst */
    case 0xd9e5: /* fxam */
        return X87_FAST_NEUTRAL;
    case 0xd9f0: /* f2xm1, frndint, fsin, fcos: st(0) in place */
    case 0xd9fc:
    case 0xd9fe:
    case 0xd9ff:
        return empty(c, 0) ? X87_FAST_NO : X87_FAST_NEUTRAL;
    case 0xd9f5: /* fprem1, fprem, fscale: st(0), st(1) in place */
    case 0xd9f8:
    case 0xd9fd:
        return empty(c, 0) || empty(c, 1) ? X87_FAST_NO : X87_FAST_NEUTRAL;
    case 0xdae9: /* fucompp */
    case 0xded9: /* fcompp */
        if (empty(c, 0) || empty(c, 1))
            return X87_FAST_NO;
        compare(c, 1, X87Q_SETCC | (enc == 0xded9 ? X87Q_SIGNAL : 0), 2);
        return X87_FAST_DONE;
    case 0xd9e0: /* fchs */
    case 0xd9e1: /* fabs */
    case 0xd9fa: /* fsqrt */
        if (empty(c, 0))
            return X87_FAST_NO;
        guard(c);
        call(c, H_F80_UN,
             X87Q_MAKE(enc == 0xd9e0 ? X87U_CHS : enc == 0xd9e1 ? X87U_ABS : X87U_SQRT, 0,
                       phys(c, 0), phys(c, 0), 0),
             IR_NONE);
        return X87_FAST_DONE;
    case 0xd9e8: /* fld1 */
    case 0xd9ee: /* fldz */
        if (!empty(c, 7))
            return X87_FAST_NO;
        guard(c);
        push(c);
        call(c, H_F80_LD, X87Q_MAKE(0, X87F_F64, phys(c, 0), 0, 0),
             ir_const(c->b, IRT_I64, enc == 0xd9e8 ? 0x3ff0000000000000ull : 0));
        put_state(c);
        return X87_FAST_DONE;
    default:
        return X87_FAST_NO;
    }
}

static X87Fast fast_reg(LiftCtx *c, const X87Form *f, unsigned enc)
{
    unsigned i = enc & 7u;
    switch ((FormKind)f->kind) {
    case K_ARST: {
        if (empty(c, 0) || empty(c, i))
            return X87_FAST_NO;
        guard(c);
        /* dst = dst OP src (X87Arith) */
        unsigned dst = (f->b & X87M_DST_STI) ? i : 0, src = (f->b & X87M_DST_STI) ? 0 : i;
        call(c, H_F80_BIN, X87Q_MAKE(f->a, 0, phys(c, dst), phys(c, dst), phys(c, src)),
             IR_NONE);
        if (f->b & X87M_POP) {
            pop(c);
            put_state(c);
        }
        return X87_FAST_DONE;
    }
    case K_COMST:
        if (empty(c, 0) || empty(c, i))
            return X87_FAST_NO;
        compare(c, i, X87Q_SETCC | ((f->b & X87M_UNORDERED) ? 0 : X87Q_SIGNAL), f->b & 3u);
        return X87_FAST_DONE;
    case K_COMI:
        if (empty(c, 0) || empty(c, i))
            return X87_FAST_NO;
        fe_set_eflags_arith(c, compare(c, i, (f->b & X87M_UNORDERED) ? 0 : X87Q_SIGNAL,
                                       f->b & 3u));
        return X87_FAST_DONE;
    case K_LDST: {
        if (empty(c, i) || !empty(c, 7))
            return X87_FAST_NO;
        guard(c);
        unsigned src = phys(c, i);
        push(c);
        call(c, H_F80_UN, X87Q_MAKE(X87U_MOV, 0, phys(c, 0), src, 0), IR_NONE);
        put_state(c);
        return X87_FAST_DONE;
    }
    case K_STST:
        if (empty(c, 0))
            return X87_FAST_NO;
        guard(c);
        call(c, H_F80_UN, X87Q_MAKE(X87U_MOV, 0, phys(c, i), phys(c, 0), 0), IR_NONE);
        set_valid(c, i);
        if (f->b & 1u)
            pop(c);
        put_state(c);
        return X87_FAST_DONE;
    case K_FXCH:
        if (empty(c, 0) || empty(c, i))
            return X87_FAST_NO;
        guard(c);
        call(c, H_F80_UN, X87Q_MAKE(X87U_XCH, 0, phys(c, 0), phys(c, i), 0), IR_NONE);
        return X87_FAST_DONE;
    case K_FCMOV:
        return empty(c, 0) || empty(c, i) ? X87_FAST_NO : X87_FAST_NEUTRAL;
    case K_WHOLE:
        return fast_whole(c, enc);
    default:
        return X87_FAST_NO;
    }
}

X87Fast fe_x87_fast(LiftCtx *c, const X87Form *f, bool mem, unsigned enc)
{
    return mem ? fast_mem(c, f) : fast_reg(c, f, enc);
}

/* ================================ C1 marks ================================ */

/* What a fast helper call does to C1: 1 sets it (rounding or 0), 0 leaves
 * it, -1 sets it itself at once (compares with SETCC). */
static int c1_effect(const IrBlock *b, const IrInst *in)
{
    uint32_t q = (uint32_t)b->insts[in->arg[0]].imm;
    switch (in->imm) {
    case H_F80_BIN:
    case H_F80_BINM:
    case H_F80_UN:
    case H_F80_LD:
    case H_F80_ST:
        return 1;
    case H_F80_CMP:
    case H_F80_CMPM:
        return (q & X87Q_SETCC) ? -1 : 0;
    default:
        return 0;
    }
}

static bool is_fast_helper(uint64_t h) { return h >= H_F80_BIN && h <= H_F80_CMPM; }

void fe_x87_block_end(LiftCtx *c)
{
    if (!c->x87.guarded)
        return;
    IrBlock *b = c->b;
    IrRef last = IR_NONE;
    for (uint32_t r = 1; r < b->n; r++) {
        const IrInst *in = &b->insts[r];
        bool sync = in->op == IR_EXIT_IF || in->op == IR_EXIT;
        if (in->op == IR_CALL) {
            if (is_fast_helper(in->imm)) {
                int e = c1_effect(b, in);
                if (e)
                    last = e > 0 ? (IrRef)r : IR_NONE;
                continue;
            }
            sync = (ir_helpers[in->imm].flags & HF_X87) != 0;
        }
        if (sync && last) {
            b->insts[b->insts[last].arg[0]].imm |= X87Q_C1;
            last = IR_NONE;
        }
    }
}
