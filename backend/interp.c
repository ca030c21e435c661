/* Tier 0: the IR interpreter (backend/be.h).
 *
 * be_interp_prepare() lowers an IrBlock to a compact array of pre-resolved
 * instructions (PInst), in three passes over the block:
 *   1. use counts;
 *   2. backwards, which values must live in a slot of the value array:
 *      an operand that is a CONST is folded into its user where the user
 *      has an immediate form (binary ops and compares with a constant
 *      right-hand side, PUT/STORE of a constant, constant addresses), an
 *      address ADD x, k used by LOAD/STORE becomes the access's offset, and
 *      an ICMP (or XOR ICMP, 1) used only by an EXIT_IF with a constant
 *      target fuses into a compare-and-exit; what is left unused by the
 *      emitted code is not emitted at all;
 *   3. forwards, the PInsts: the handler is chosen per operation, width and
 *      operand form at prepare time (ADD32, ADD32_I, LD32 with offset, ...),
 *      operands are slot indices, constants that still need a slot occupy
 *      the first slots (copied in per run), ZEXT costs nothing (its slot
 *      aliases its operand, since every slot holds the zero-extended value
 *      of its type). Exits keep their eip, info, chain word and guest
 *      instruction count in a side table (ExitDesc). Finally the most
 *      frequent adjacent pairs of 32-bit state and memory accesses fuse
 *      into superinstructions (fuse(); -DXRUN_INTERP_NO_FUSE turns that
 *      off, to measure).
 *
 * INSN markers are not executed. env->eip is observable inside a block only
 * where the block can stop without an exit: a guest memory access that
 * faults and a helper call (which may fault, or read CPUState). So every
 * LOAD, STORE and CALL stores the eip of its guest instruction (before the
 * first marker: the block's own address, which is env->eip on entry), and
 * exits store their target. env->insn_count grows by the markers passed
 * when an exit is taken (a fault in the middle of a block does not count
 * the instructions it ran; the count is statistics only).
 *
 * Dispatch is direct threading with GCC's labels-as-values (each PInst holds
 * its handler's address); -DXRUN_INTERP_SWITCH selects a switch loop instead.
 * Measured on the synthetic block of `ir_test bench` (ALU, load, select,
 * put): threading runs ~9 host instructions per IR op against ~16 for the
 * switch, with far fewer indirect-branch mispredictions (cachegrind), and
 * was faster in wall time on every run.
 *
 * Helpers: libffi is the general mechanism (one ffi_cif per helper id, built
 * once for all helpers and shared by all blocks). Helpers whose arguments
 * are all i32 (nearly all of them) are called directly through a pointer of
 * their exact C type instead, which saves the ffi_call marshalling; building
 * with -DXRUN_INTERP_FFI_ONLY sends every call through libffi, to measure
 * the difference (docs/design.md).
 */
#include "backend/be.h"

#include <ffi.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ir/helper.h"
#include "ir/ir_eval.h"
#include "runtime/log.h"
#include "runtime/mem.h"

#ifndef XRUN_INTERP_SWITCH
#define INTERP_THREADED 1
#else
#define INTERP_THREADED 0
#endif

/* Value slots on the stack; bigger blocks use the heap. */
#define INTERP_STACK_SLOTS 4096

/* ==== interpreter opcodes =============================================== */

/* clang-format off */
#define IOP_W(X, n) X(n##8) X(n##16) X(n##32) X(n##64)
#define IOP_CMP(X, p) X(p) X(p##_I) X(J##p) X(J##p##_I)
#define IOP_CMPS(X)                                                                                \
    IOP_CMP(X, EQ) IOP_CMP(X, NE) IOP_CMP(X, ULT) IOP_CMP(X, ULE) IOP_CMP(X, UGT)                  \
    IOP_CMP(X, UGE) IOP_CMP(X, SLT) IOP_CMP(X, SLE) IOP_CMP(X, SGT) IOP_CMP(X, SGE)
#define IOP_DC(X, r) X(DC_##r##_0) X(DC_##r##_1) X(DC_##r##_2) X(DC_##r##_3) X(DC_##r##_4)
#define IOP_LIST(X)                                                                                \
    X(GET1) X(GET8) X(GET16) X(GET32) X(GET64)                                                     \
    X(PUT8) X(PUT16) X(PUT32) X(PUT64) X(PUT8_I) X(PUT16_I) X(PUT32_I) X(PUT64_I)                  \
    X(LD1) X(LD8) X(LD16) X(LD32) X(LD64)                                                          \
    X(ST8) X(ST16) X(ST32) X(ST64) X(ST8_I) X(ST16_I) X(ST32_I) X(ST64_I)                          \
    IOP_W(X, ADD) IOP_W(X, SUB) IOP_W(X, MUL)                                                      \
    IOP_W(X, UDIV) IOP_W(X, SDIV) IOP_W(X, UREM) IOP_W(X, SREM)                                    \
    IOP_W(X, SHL) IOP_W(X, LSHR) IOP_W(X, ASHR) IOP_W(X, ROTL) IOP_W(X, ROTR)                      \
    IOP_W(X, ADD_I) IOP_W(X, SUB_I) IOP_W(X, MUL_I) IOP_W(X, SHL_I) IOP_W(X, ASHR_I)               \
    X(LSHR_I) X(AND) X(OR) X(XOR) X(AND_I) X(OR_I) X(XOR_I)                                        \
    X(NOTM) X(NEGM) X(SEXT1) X(SEXT8) X(SEXT16) X(SEXT32)                                          \
    IOP_CMPS(X)                                                                                    \
    X(SELECT) X(CLZ) X(CTZ) X(POPCNT) X(BSWAP32) X(BSWAP64) X(PARITY)                              \
    X(GENBIN) X(CALL) X(CALLV)                                                                     \
    IOP_DC(X, VOID) IOP_DC(X, BIT) IOP_DC(X, U8) IOP_DC(X, U16) IOP_DC(X, U32) IOP_DC(X, U64)                  \
    X(EXIT_IF) X(EXIT_IF_R) X(EXIT) X(EXIT_R)                                                      \
    X(LD32_PUT) X(PUT32_LD32) X(GET32_ST32) X(ST32_GET32) X(GET32_GET32) X(GET32_ADDI)             \
    X(ADDI_PUT) X(GET32_PUT32) X(PUT32_PUT32) X(PUT32_PUTI) X(PUTI_PUT32) X(PUTI_PUTI)
/* clang-format on */

typedef enum IOp {
#define X(n) IOP_##n,
    IOP_LIST(X)
#undef X
        IOP__COUNT
} IOp;

/* One pre-resolved instruction. d = result slot, a/b/c = operand slots.
 *   g    guest eip to store (LOAD, STORE, CALL)
 *   k    memory offset (LOAD/STORE), left shift of a signed compare, exit
 *        index (exits), CPUState offset (PUT of a constant), 4th argument
 *        slot or call index (CALL)
 *   imm  constant right-hand operand, mask, bit width, CPUState offset,
 *        constant stored or put, or the helper's address (direct CALL). */
typedef struct PInst {
    union {
        const void *lab; /* threaded: handler address */
        uintptr_t op;    /* switch: IOp */
    };
    uint16_t d, a, b, c;
    uint32_t g, k;
    uint64_t imm;
} PInst;

typedef struct CallDesc {
    ffi_cif *cif;
    void (*fn)(void);
    uint64_t mask; /* of the result type */
    uint8_t nargs;
    uint16_t args[IR_MAX_ARGS];
} CallDesc;

/* What an exit stores before it returns its exit word. */
typedef struct ExitDesc {
    uint32_t eip, info, insns, word;
} ExitDesc;

struct BeInterpBlock {
    uint32_t nslots, nconst, ncode, ncalls, nexits;
    uint64_t *consts; /* values of slots 0 .. nconst-1 */
    PInst *code;
    CallDesc *calls;
    ExitDesc *exits;
};

/* ==== libffi descriptors ================================================ */

static ffi_cif g_cif[H__COUNT];
static ffi_type *g_atypes[H__COUNT][IR_MAX_ARGS + 1];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
#if INTERP_THREADED
static const void *const *g_labels;
#endif

static ffi_type *ffi_of(unsigned t) {
    switch (t) {
    case IRT_VOID:
        return &ffi_type_void;
    case IRT_I1:
    case IRT_I8:
        return &ffi_type_uint8;
    case IRT_I16:
        return &ffi_type_uint16;
    case IRT_I32:
        return &ffi_type_uint32;
    case IRT_I64:
        return &ffi_type_uint64;
    default:
        return NULL;
    }
}

static uint32_t exec(CPUState *env, const BeInterpBlock *ib);

/* Build every helper's ffi_cif once; fetch the handler table. */
static void interp_init(void) {
    for (unsigned h = 0; h < H__COUNT; h++) {
        const IrHelper *hp = &ir_helpers[h];
        g_atypes[h][0] = &ffi_type_pointer;
        bool ok = hp->nargs <= IR_MAX_ARGS && ffi_of(hp->ret);
        for (unsigned i = 0; ok && i < hp->nargs; i++) {
            g_atypes[h][i + 1] = ffi_of(hp->args[i]);
            ok = g_atypes[h][i + 1] && hp->args[i] != IRT_VOID;
        }
        if (!ok || ffi_prep_cif(&g_cif[h], FFI_DEFAULT_ABI, hp->nargs + 1u, ffi_of(hp->ret),
                                g_atypes[h]) != FFI_OK) {
            rt_error("internal error: helper %s has an unsupported signature",
                     hp->name ? hp->name : "?");
            abort();
        }
    }
    exec(NULL, NULL); /* sets g_labels */
}

/* ==== prepare: operand forms ============================================ */

/* Follow ZEXTs (which alias their operand's slot). */
static IrRef root_of(const IrBlock *b, IrRef r) {
    while (b->insts[r].op == IR_ZEXT)
        r = b->insts[r].arg[0];
    return r;
}

static bool is_const(const IrBlock *b, IrRef r) {
    return b->insts[root_of(b, r)].op == IR_CONST;
}

/* A CONST's value, zero-extended from its type. */
static uint64_t const_val(const IrBlock *b, IrRef r) {
    const IrInst *k = &b->insts[root_of(b, r)];
    return k->imm & ir_type_mask((IrType)k->type);
}

/* Binary ops with an immediate form (imm = right-hand constant). */
static bool has_imm_form(IrOp op) {
    switch (op) {
    case IR_ADD:
    case IR_SUB:
    case IR_MUL:
    case IR_AND:
    case IR_OR:
    case IR_XOR:
    case IR_SHL:
    case IR_LSHR:
    case IR_ASHR:
    case IR_ICMP:
        return true;
    default:
        return false;
    }
}

/* For a binary op or ICMP: *x = the slot operand, *y = the other one;
 * true when *y is a constant used as the immediate (commutative ops and
 * EQ/NE take a constant left-hand side too). i1 arithmetic has no
 * immediate forms. */
static bool bin_imm(const IrBlock *b, const IrInst *in, IrRef *x, IrRef *y) {
    *x = in->arg[0];
    *y = in->arg[1];
    IrType t = ir_type(b, *x);
    if (!has_imm_form((IrOp)in->op) || (t == IRT_I1 && in->op != IR_ICMP)) return false;
    if (is_const(b, *y)) return true;
    bool swappable = in->op == IR_ICMP ? in->aux == IRP_EQ || in->aux == IRP_NE
                                       : (ir_op_info[in->op].flags & IRF_COMMUT) != 0;
    if (swappable && is_const(b, *x)) {
        *x = in->arg[1];
        *y = in->arg[0];
        return true;
    }
    return false;
}

/* Address of a LOAD/STORE as base + offset: true when base is a slot
 * value, false when the address is the constant *off. */
static bool addr_form(const IrBlock *b, IrRef a, IrRef *base, uint32_t *off) {
    if (is_const(b, a)) {
        *base = IR_NONE;
        *off = (uint32_t)const_val(b, a);
        return false;
    }
    IrRef r = root_of(b, a);
    const IrInst *in = &b->insts[r];
    *base = r;
    *off = 0;
    if (in->op == IR_ADD && in->type == IRT_I32) {
        if (is_const(b, in->arg[1]) && !is_const(b, in->arg[0])) {
            *base = in->arg[0];
            *off = (uint32_t)const_val(b, in->arg[1]);
        } else if (is_const(b, in->arg[0]) && !is_const(b, in->arg[1])) {
            *base = in->arg[1];
            *off = (uint32_t)const_val(b, in->arg[0]);
        }
    }
    return true;
}

static const IrPred pred_not[IRP__COUNT] = {
    [IRP_EQ] = IRP_NE,   [IRP_NE] = IRP_EQ,   [IRP_ULT] = IRP_UGE, [IRP_ULE] = IRP_UGT,
    [IRP_UGT] = IRP_ULE, [IRP_UGE] = IRP_ULT, [IRP_SLT] = IRP_SGE, [IRP_SLE] = IRP_SGT,
    [IRP_SGT] = IRP_SLE, [IRP_SGE] = IRP_SLT,
};

/* An EXIT_IF that fuses with its compare: returns the ICMP (0 if none) and
 * the predicate to test. The condition must be an ICMP used only here, or
 * XOR ICMP, 1 with both used only once; the target must be a constant. */
static IrRef exit_cmp(const IrBlock *b, const uint16_t *uses, const IrInst *in, IrPred *p) {
    if (!is_const(b, in->arg[1])) return IR_NONE;
    IrRef c = in->arg[0];
    const IrInst *ci = &b->insts[c];
    bool inv = false;
    if (ci->op == IR_XOR && uses[c] == 1) {
        IrRef x = ci->arg[0], y = ci->arg[1];
        if (is_const(b, x)) {
            IrRef t = x;
            x = y;
            y = t;
        }
        if (!is_const(b, y) || const_val(b, y) != 1) return IR_NONE;
        c = x;
        ci = &b->insts[c];
        inv = true;
    }
    if (ci->op != IR_ICMP || uses[c] != 1) return IR_NONE;
    *p = inv ? pred_not[ci->aux] : (IrPred)ci->aux;
    return c;
}

/* Direct-call return class (DC_<class>_<nargs>, classes in IOP_LIST order),
 * or -1: libffi. */
static int direct_class(const IrHelper *h) {
#ifdef XRUN_INTERP_FFI_ONLY
    (void)h;
    return -1;
#else
    for (unsigned k = 0; k < h->nargs; k++)
        if (h->args[k] != IRT_I32) return -1;
    switch (h->ret) {
    case IRT_VOID:
        return 0;
    case IRT_I1:
        return 1;
    case IRT_I8:
        return 2;
    case IRT_I16:
        return 3;
    case IRT_I32:
        return 4;
    case IRT_I64:
        return 5;
    default:
        return -1;
    }
#endif
}

/* ==== prepare: liveness ================================================= */

typedef struct Prep {
    const IrBlock *b;
    uint16_t *uses;
    uint8_t *need;   /* value must be in a slot */
    uint8_t *absorb; /* ICMP/XOR fused into an exit */
    bool need_zero;  /* a slot holding 0 (constant addresses) */
} Prep;

static void need(Prep *P, IrRef r) {
    P->need[root_of(P->b, r)] = 1;
}

/* Pass 2, backwards: which values the emitted code reads from slots. */
static void mark(Prep *P) {
    const IrBlock *b = P->b;
    for (uint32_t i = b->n; i-- > 1;) {
        const IrInst *in = &b->insts[i];
        IrOp op = (IrOp)in->op;
        bool side = (ir_op_info[op].flags & IRF_SIDE) != 0;
        if (op == IR_NOP || op == IR_CONST || op == IR_ZEXT || op == IR_INSN) continue;
        if (!side && !P->need[i]) continue; /* unused (or folded into its users) */
        IrRef base, x, y;
        uint32_t off;
        switch (op) {
        case IR_LOAD:
            if (addr_form(b, in->arg[0], &base, &off)) need(P, base);
            else P->need_zero = true;
            break;
        case IR_STORE:
            if (addr_form(b, in->arg[0], &base, &off)) need(P, base);
            else P->need_zero = true;
            if (!is_const(b, in->arg[1])) need(P, in->arg[1]);
            break;
        case IR_PUT:
            if (!is_const(b, in->arg[0])) need(P, in->arg[0]);
            break;
        case IR_EXIT:
            if (!is_const(b, in->arg[0])) need(P, in->arg[0]);
            break;
        case IR_EXIT_IF: {
            IrPred p;
            IrRef c = exit_cmp(b, P->uses, in, &p);
            if (c) {
                P->absorb[c] = P->absorb[in->arg[0]] = 1;
                if (bin_imm(b, &b->insts[c], &x, &y))
                    need(P, x);
                else
                    need(P, x), need(P, y);
            } else {
                need(P, in->arg[0]);
                if (!is_const(b, in->arg[1])) need(P, in->arg[1]);
            }
            break;
        }
        default:
            if (bin_imm(b, in, &x, &y)) {
                need(P, x);
                break;
            }
            for (unsigned k = 0; k < in->nargs; k++)
                need(P, in->arg[k]);
            break;
        }
    }
}

/* ==== prepare: emission ================================================= */

/* Index of a width-specialised op family (base = its 8-bit member). */
static IOp wsel(IOp base, IrType t) {
    switch (t) {
    case IRT_I8:
        return base;
    case IRT_I16:
        return (IOp)(base + 1);
    case IRT_I32:
        return (IOp)(base + 2);
    default:
        return (IOp)(base + 3);
    }
}

/* Width index of a GET/PUT/LOAD/STORE type (i1 counts as i8 except for
 * GET and LOAD, which mask it). */
static unsigned widx(IrType t) {
    return t <= IRT_I8 ? 0u : (unsigned)(t - IRT_I8);
}

static const IOp bin_base[IR__COUNT] = {
    [IR_ADD] = IOP_ADD8,   [IR_SUB] = IOP_SUB8,   [IR_MUL] = IOP_MUL8,   [IR_UDIV] = IOP_UDIV8,
    [IR_SDIV] = IOP_SDIV8, [IR_UREM] = IOP_UREM8, [IR_SREM] = IOP_SREM8, [IR_SHL] = IOP_SHL8,
    [IR_LSHR] = IOP_LSHR8, [IR_ASHR] = IOP_ASHR8, [IR_ROTL] = IOP_ROTL8, [IR_ROTR] = IOP_ROTR8,
};

static const IOp bin_imm_base[IR__COUNT] = {
    [IR_ADD] = IOP_ADD_I8, [IR_SUB] = IOP_SUB_I8, [IR_MUL] = IOP_MUL_I8,
    [IR_SHL] = IOP_SHL_I8, [IR_ASHR] = IOP_ASHR_I8,
};

/* ICMP ops: [pred][form], form 0 value, 1 value with immediate, 2 exit,
 * 3 exit with immediate. */
#define CMP_ROW(p) {IOP_##p, IOP_##p##_I, IOP_J##p, IOP_J##p##_I}
static const IOp cmp_op[IRP__COUNT][4] = {
    [IRP_EQ] = CMP_ROW(EQ),   [IRP_NE] = CMP_ROW(NE),   [IRP_ULT] = CMP_ROW(ULT),
    [IRP_ULE] = CMP_ROW(ULE), [IRP_UGT] = CMP_ROW(UGT), [IRP_UGE] = CMP_ROW(UGE),
    [IRP_SLT] = CMP_ROW(SLT), [IRP_SLE] = CMP_ROW(SLE), [IRP_SGT] = CMP_ROW(SGT),
    [IRP_SGE] = CMP_ROW(SGE),
};
#undef CMP_ROW

static bool pred_signed(IrPred p) {
    return p >= IRP_SLT;
}

typedef struct Emit {
    const IrBlock *b;
    const uint16_t *slot;
    uint16_t zero_slot;
    BeInterpBlock *ib;
    uint32_t eip;       /* of the current guest instruction */
    uint32_t insns;     /* markers passed */
    int chain;          /* chain slots numbered so far */
} Emit;

static uint16_t S(const Emit *E, IrRef r) {
    return E->slot[root_of(E->b, r)];
}

/* A compare (value or exit form): operands and immediate. */
static IOp emit_cmp(const Emit *E, const IrInst *ci, IrPred p, int exit_form, PInst *pi) {
    IrRef x, y;
    bool imm = bin_imm(E->b, ci, &x, &y);
    IrType t = ir_type(E->b, x);
    unsigned sh = 64u - ir_type_bits(t);
    pi->a = S(E, x);
    pi->k = pred_signed(p) ? sh : 0;
    if (imm)
        pi->imm = pred_signed(p) ? const_val(E->b, y) << sh : const_val(E->b, y);
    else
        pi->b = S(E, y);
    return cmp_op[p][(exit_form ? 2 : 0) + (imm ? 1 : 0)];
}

/* Fill in an exit's descriptor; returns its index. */
static uint32_t emit_exit(Emit *E, const IrInst *in, IrRef target) {
    bool k = is_const(E->b, target);
    int slot = -1;
    if (in->aux == IR_EXIT_JUMP && E->b->insts[target].op == IR_CONST) {
        /* be_exit_slot's numbering (only a plain CONST target counts) */
        if (E->chain < BE_MAX_CHAIN) slot = E->chain;
        E->chain++;
    }
    BeInterpBlock *ib = E->ib;
    ExitDesc *x = &ib->exits[ib->nexits];
    x->eip = k ? (uint32_t)const_val(E->b, target) : 0;
    x->info = (uint32_t)in->imm;
    x->insns = E->insns;
    x->word = BE_EXIT_WORD(in->aux, slot);
    return ib->nexits++;
}

/* The interpreter op for IR instruction in, with its operands. */
static IOp emit_one(Emit *E, const IrInst *in, PInst *p) {
    const IrBlock *b = E->b;
    IrType t = (IrType)in->type;
    IrType t0 = in->nargs ? ir_type(b, in->arg[0]) : IRT_VOID;
    IrRef x, y, base;
    uint32_t off;
    switch ((IrOp)in->op) {
    case IR_GET:
        p->imm = in->imm;
        return t == IRT_I1 ? IOP_GET1 : (IOp)(IOP_GET8 + widx(t));
    case IR_PUT:
        if (is_const(b, in->arg[0])) {
            p->k = (uint32_t)in->imm;
            p->imm = const_val(b, in->arg[0]);
            return (IOp)(IOP_PUT8_I + widx(t0));
        }
        p->imm = in->imm;
        p->a = S(E, in->arg[0]);
        return (IOp)(IOP_PUT8 + widx(t0));
    case IR_LOAD:
        p->g = E->eip;
        p->a = addr_form(b, in->arg[0], &base, &off) ? S(E, base) : E->zero_slot;
        p->k = off;
        return t == IRT_I1 ? IOP_LD1 : (IOp)(IOP_LD8 + widx(t));
    case IR_STORE: {
        IrType tv = ir_type(b, in->arg[1]);
        p->g = E->eip;
        p->a = addr_form(b, in->arg[0], &base, &off) ? S(E, base) : E->zero_slot;
        p->k = off;
        if (is_const(b, in->arg[1])) {
            p->imm = const_val(b, in->arg[1]);
            return (IOp)(IOP_ST8_I + widx(tv));
        }
        p->b = S(E, in->arg[1]);
        return (IOp)(IOP_ST8 + widx(tv));
    }
    case IR_ADD:
    case IR_SUB:
    case IR_MUL:
    case IR_UDIV:
    case IR_SDIV:
    case IR_UREM:
    case IR_SREM:
    case IR_SHL:
    case IR_LSHR:
    case IR_ASHR:
    case IR_ROTL:
    case IR_ROTR:
    case IR_AND:
    case IR_OR:
    case IR_XOR: {
        IrOp op = (IrOp)in->op;
        if (bin_imm(b, in, &x, &y)) {
            uint64_t v = const_val(b, y);
            p->a = S(E, x);
            bool shift = op == IR_SHL || op == IR_LSHR || op == IR_ASHR;
            p->imm = shift ? v & (ir_type_bits(t) - 1u) : v;
            switch (op) {
            case IR_AND:
                return IOP_AND_I;
            case IR_OR:
                return IOP_OR_I;
            case IR_XOR:
                return IOP_XOR_I;
            case IR_LSHR:
                return IOP_LSHR_I;
            default:
                return wsel(bin_imm_base[op], t);
            }
        }
        p->a = S(E, in->arg[0]);
        p->b = S(E, in->arg[1]);
        if (op == IR_AND) return IOP_AND;
        if (op == IR_OR) return IOP_OR;
        if (op == IR_XOR) return IOP_XOR;
        if (t == IRT_I1) {
            p->c = in->op;
            return IOP_GENBIN;
        }
        return wsel(bin_base[op], t);
    }
    case IR_NOT:
        p->a = S(E, in->arg[0]);
        p->imm = ir_type_mask(t);
        return IOP_NOTM;
    case IR_NEG:
        p->a = S(E, in->arg[0]);
        p->imm = ir_type_mask(t);
        return IOP_NEGM;
    case IR_TRUNC:
        p->a = S(E, in->arg[0]);
        p->imm = ir_type_mask(t);
        return IOP_AND_I;
    case IR_SEXT:
        p->a = S(E, in->arg[0]);
        p->imm = ir_type_mask(t);
        return t0 == IRT_I1    ? IOP_SEXT1
               : t0 == IRT_I8  ? IOP_SEXT8
               : t0 == IRT_I16 ? IOP_SEXT16
                               : IOP_SEXT32;
    case IR_ICMP:
        return emit_cmp(E, in, (IrPred)in->aux, 0, p);
    case IR_SELECT:
        p->a = S(E, in->arg[0]);
        p->b = S(E, in->arg[1]);
        p->c = S(E, in->arg[2]);
        return IOP_SELECT;
    case IR_CLZ:
        p->a = S(E, in->arg[0]);
        p->imm = ir_type_bits(t);
        return IOP_CLZ;
    case IR_CTZ:
        p->a = S(E, in->arg[0]);
        p->imm = ir_type_bits(t);
        return IOP_CTZ;
    case IR_POPCNT:
        p->a = S(E, in->arg[0]);
        return IOP_POPCNT;
    case IR_BSWAP:
        p->a = S(E, in->arg[0]);
        return t == IRT_I64 ? IOP_BSWAP64 : IOP_BSWAP32;
    case IR_PARITY:
        p->a = S(E, in->arg[0]);
        return IOP_PARITY;
    case IR_CALL: {
        const IrHelper *h = &ir_helpers[in->imm];
        p->g = E->eip;
        int cls = direct_class(h);
        if (cls >= 0) {
            uint16_t *ops[3] = {&p->a, &p->b, &p->c};
            for (unsigned k = 0; k < in->nargs; k++) {
                if (k < 3)
                    *ops[k] = S(E, in->arg[k]);
                else
                    p->k = S(E, in->arg[k]);
            }
            p->imm = (uint64_t)(uintptr_t)h->fn;
            return (IOp)(IOP_DC_VOID_0 + 5 * cls + in->nargs);
        }
        BeInterpBlock *ib = E->ib;
        CallDesc *cd = &ib->calls[ib->ncalls];
        cd->cif = &g_cif[in->imm];
        cd->fn = (void (*)(void))h->fn;
        cd->mask = ir_type_mask(t);
        cd->nargs = in->nargs;
        for (unsigned k = 0; k < in->nargs; k++)
            cd->args[k] = S(E, in->arg[k]);
        p->k = ib->ncalls++;
        return t == IRT_VOID ? IOP_CALLV : IOP_CALL;
    }
    case IR_EXIT:
        if (is_const(b, in->arg[0])) {
            p->k = emit_exit(E, in, in->arg[0]);
            return IOP_EXIT;
        }
        p->a = S(E, in->arg[0]);
        p->k = emit_exit(E, in, in->arg[0]);
        return IOP_EXIT_R;
    default:
        rt_error("internal error: interpreter cannot run IR op %u", in->op);
        abort();
    }
}

/* Superinstructions: the most frequent pairs of adjacent 32-bit state and
 * memory accesses (counted on the int64 and python startup workloads) run
 * as one step, their operands packed into one PInst. Order is kept: the
 * first access happens first, so a fault in the second leaves the first
 * done, as before. Returns the fused op, or IOP__COUNT. */
static IOp fuse(const PInst *p, IOp a, const PInst *q, IOp b, PInst *m) {
    *m = *p;
    switch (a) {
    case IOP_LD32:
        if (b == IOP_PUT32 && q->a == p->d) { /* load reg, [mem] */
            m->imm = q->imm;
            return IOP_LD32_PUT;
        }
        break;
    case IOP_PUT32:
        if (b == IOP_LD32) {
            *m = *q;
            m->b = p->a;
            m->imm = p->imm;
            return IOP_PUT32_LD32;
        }
        if (b == IOP_PUT32) {
            m->b = q->a;
            m->k = (uint32_t)q->imm;
            return IOP_PUT32_PUT32;
        }
        if (b == IOP_PUT32_I) {
            m->k = q->k;
            m->g = (uint32_t)q->imm;
            return IOP_PUT32_PUTI;
        }
        break;
    case IOP_PUT32_I:
        if (b == IOP_PUT32) {
            m->g = (uint32_t)p->imm;
            m->a = q->a;
            m->imm = q->imm;
            return IOP_PUTI_PUT32;
        }
        if (b == IOP_PUT32_I) {
            m->g = (uint32_t)p->imm;
            m->imm = q->k | (uint64_t)(uint32_t)q->imm << 32;
            return IOP_PUTI_PUTI;
        }
        break;
    case IOP_GET32:
        if (b == IOP_ST32 && q->b == p->d) { /* mov [mem], reg */
            *m = *q;
            m->d = p->d;
            m->imm = p->imm;
            return IOP_GET32_ST32;
        }
        if (b == IOP_GET32) {
            m->c = q->d;
            m->k = (uint32_t)q->imm;
            return IOP_GET32_GET32;
        }
        if (b == IOP_ADD_I32 && q->a == p->d) {
            m->k = (uint32_t)p->imm;
            m->c = q->d;
            m->imm = q->imm;
            return IOP_GET32_ADDI;
        }
        if (b == IOP_PUT32) {
            m->a = q->a;
            m->k = (uint32_t)q->imm;
            return IOP_GET32_PUT32;
        }
        break;
    case IOP_ST32:
        if (b == IOP_GET32) {
            m->d = q->d;
            m->imm = q->imm;
            return IOP_ST32_GET32;
        }
        break;
    case IOP_ADD_I32:
        if (b == IOP_PUT32 && q->a == p->d) {
            m->k = (uint32_t)q->imm;
            return IOP_ADDI_PUT;
        }
        break;
    default:
        break;
    }
    return IOP__COUNT;
}

/* Fuse adjacent pairs of code[0..n) (ops in iops) in place; returns the new count. */
static uint32_t fuse_pairs(PInst *code, uint16_t *iops, uint32_t n) {
#ifdef XRUN_INTERP_NO_FUSE
    return n;
#endif
    uint32_t o = 0;
    for (uint32_t i = 0; i < n; o++) {
        PInst m;
        IOp f = i + 1 < n ? fuse(&code[i], (IOp)iops[i], &code[i + 1], (IOp)iops[i + 1], &m)
                          : IOP__COUNT;
        if (f != IOP__COUNT) {
            code[o] = m;
            iops[o] = (uint16_t)f;
            i += 2;
        } else {
            code[o] = code[i];
            iops[o] = iops[i];
            i++;
        }
    }
    return o;
}

BeInterpBlock *be_interp_prepare(const IrBlock *b) {
    pthread_once(&g_once, interp_init);

    uint32_t n = b->n;
    uint16_t *uses = calloc(n, sizeof *uses);
    uint16_t *slot = calloc(n, sizeof *slot);
    uint16_t *iops = calloc(n, sizeof *iops);
    uint8_t *flags = calloc(2 * (size_t)n, 1);
    if (!uses || !slot || !flags || !iops) {
        free(uses), free(slot), free(flags), free(iops);
        return NULL;
    }
    Prep P = {.b = b, .uses = uses, .need = flags, .absorb = flags + n};

    /* 1: uses; exits and calls to size the tables */
    uint32_t nexits = 0, ncalls = 0;
    for (uint32_t i = 1; i < n; i++) {
        const IrInst *in = &b->insts[i];
        if (in->op == IR_NOP) continue;
        for (unsigned k = 0; k < in->nargs; k++)
            if (uses[in->arg[k]] < UINT16_MAX) uses[in->arg[k]]++;
        nexits += in->op == IR_EXIT || in->op == IR_EXIT_IF;
        ncalls += in->op == IR_CALL;
    }
    /* 2: what needs a slot */
    mark(&P);

    /* slots: needed constants first (and a zero for constant addresses), then values */
    uint32_t nconst = P.need_zero ? 1u : 0u, ncode = 0;
    for (uint32_t i = 1; i < n; i++)
        if (b->insts[i].op == IR_CONST && P.need[i]) slot[i] = (uint16_t)nconst++;
    uint32_t nslots = nconst;
    for (uint32_t i = 1; i < n; i++) {
        const IrInst *in = &b->insts[i];
        IrOp op = (IrOp)in->op;
        if (op == IR_NOP || op == IR_CONST || op == IR_ZEXT || op == IR_INSN || P.absorb[i])
            continue;
        bool side = (ir_op_info[op].flags & IRF_SIDE) != 0;
        if (!side && !P.need[i]) continue;
        ncode++;
        if (in->type != IRT_VOID) slot[i] = (uint16_t)nslots++;
    }
    if (ncode == 0) ncode = 1; /* cannot happen for a verified block (it ends in EXIT) */

    size_t sz = sizeof(BeInterpBlock) + ncode * sizeof(PInst) + ncalls * sizeof(CallDesc) +
                nexits * sizeof(ExitDesc) + nconst * sizeof(uint64_t);
    BeInterpBlock *ib = calloc(1, sz);
    if (!ib) {
        free(uses), free(slot), free(flags), free(iops);
        return NULL;
    }
    ib->nslots = nslots;
    ib->nconst = nconst;
    ib->code = (PInst *)(ib + 1);
    ib->calls = (CallDesc *)(ib->code + ncode);
    ib->exits = (ExitDesc *)(ib->calls + ncalls);
    ib->consts = (uint64_t *)(ib->exits + nexits);
    if (P.need_zero) ib->consts[0] = 0;
    for (uint32_t i = 1; i < n; i++)
        if (b->insts[i].op == IR_CONST && P.need[i]) ib->consts[slot[i]] = const_val(b, (IrRef)i);

    /* 3: emit */
    Emit E = {.b = b, .slot = slot, .zero_slot = 0, .ib = ib, .eip = b->guest_addr};
    uint32_t pc = 0;
    for (uint32_t i = 1; i < n; i++) {
        const IrInst *in = &b->insts[i];
        IrOp op = (IrOp)in->op;
        if (op == IR_INSN) {
            E.eip = (uint32_t)in->imm;
            E.insns++;
            continue;
        }
        if (op == IR_NOP || op == IR_CONST || op == IR_ZEXT || P.absorb[i]) continue;
        bool side = (ir_op_info[op].flags & IRF_SIDE) != 0;
        if (!side && !P.need[i]) continue;
        PInst *p = &ib->code[pc++];
        p->d = slot[i];
        IOp iop;
        if (op == IR_EXIT_IF) {
            IrPred pr;
            IrRef c = exit_cmp(b, uses, in, &pr);
            if (c) {
                iop = emit_cmp(&E, &b->insts[c], pr, 1, p);
                p->c = (uint16_t)emit_exit(&E, in, in->arg[1]);
            } else {
                p->a = S(&E, in->arg[0]);
                if (!is_const(b, in->arg[1])) {
                    p->b = S(&E, in->arg[1]);
                    iop = IOP_EXIT_IF_R;
                } else {
                    iop = IOP_EXIT_IF;
                }
                p->k = emit_exit(&E, in, in->arg[1]);
            }
        } else {
            iop = emit_one(&E, in, p);
        }
        iops[pc - 1] = (uint16_t)iop;
    }
    pc = fuse_pairs(ib->code, iops, pc);
    for (uint32_t i = 0; i < pc; i++) {
#if INTERP_THREADED
        ib->code[i].lab = g_labels[iops[i]];
#else
        ib->code[i].op = iops[i];
#endif
    }
    ib->ncode = pc;
    free(uses), free(slot), free(flags), free(iops);
    XR_ASSERT(pc > 0);
    return ib;
}

void be_interp_free(BeInterpBlock *ib) {
    free(ib);
}

/* ==== execute =========================================================== */

#if INTERP_THREADED
#define CASE(n) L_##n:
#define NEXT                                                                                       \
    do {                                                                                           \
        pc++;                                                                                      \
        goto * pc->lab;                                                                            \
    } while (0)
#else
#define CASE(n) case IOP_##n:
#define NEXT                                                                                       \
    {                                                                                              \
        pc++;                                                                                      \
        continue;                                                                                  \
    }
#endif

#define D v[pc->d]
#define A v[pc->a]
#define B v[pc->b]
#define C v[pc->c]
#define I pc->imm
#define STATE ((uint8_t *)env + pc->imm)
#define ADDR (gb + (uint32_t)(A + pc->k))
#define SETEIP (env->eip = pc->g)

/* Width-specialised handlers for W = 8, 16, 32, 64 (U/S: C types). */
#define W_HANDLERS(W, U, S, SMIN)                                                                  \
    CASE(ADD##W) D = (U)(A + B);                                                                   \
    NEXT;                                                                                          \
    CASE(SUB##W) D = (U)(A - B);                                                                   \
    NEXT;                                                                                          \
    CASE(MUL##W) D = (U)(A * B);                                                                   \
    NEXT;                                                                                          \
    CASE(ADD_I##W) D = (U)(A + I);                                                                 \
    NEXT;                                                                                          \
    CASE(SUB_I##W) D = (U)(A - I);                                                                 \
    NEXT;                                                                                          \
    CASE(MUL_I##W) D = (U)(A * I);                                                                 \
    NEXT;                                                                                          \
    CASE(UDIV##W) D = B ? (U)(A / B) : 0;                                                          \
    NEXT;                                                                                          \
    CASE(UREM##W) D = B ? (U)(A % B) : 0;                                                          \
    NEXT;                                                                                          \
    CASE(SDIV##W) {                                                                                \
        S x = (S)A, y = (S)B;                                                                      \
        D = (y == 0 || (y == -1 && x == SMIN)) ? 0 : (U)(x / y);                                   \
        NEXT;                                                                                      \
    }                                                                                              \
    CASE(SREM##W) {                                                                                \
        S x = (S)A, y = (S)B;                                                                      \
        D = (y == 0 || (y == -1 && x == SMIN)) ? 0 : (U)(x % y);                                   \
        NEXT;                                                                                      \
    }                                                                                              \
    CASE(SHL##W) D = (U)(A << (B & (W - 1)));                                                      \
    NEXT;                                                                                          \
    CASE(LSHR##W) D = A >> (B & (W - 1));                                                          \
    NEXT;                                                                                          \
    CASE(ASHR##W) D = (U)((S)A >> (B & (W - 1)));                                                  \
    NEXT;                                                                                          \
    CASE(SHL_I##W) D = (U)(A << I);                                                                \
    NEXT;                                                                                          \
    CASE(ASHR_I##W) D = (U)((S)A >> I);                                                            \
    NEXT;                                                                                          \
    CASE(ROTL##W) {                                                                                \
        unsigned s = (unsigned)B & (W - 1);                                                        \
        U x = (U)A;                                                                                \
        D = (U)((x << s) | (x >> ((W - s) & (W - 1))));                                            \
        NEXT;                                                                                      \
    }                                                                                              \
    CASE(ROTR##W) {                                                                                \
        unsigned s = (unsigned)B & (W - 1);                                                        \
        U x = (U)A;                                                                                \
        D = (U)((x >> s) | (x << ((W - s) & (W - 1))));                                            \
        NEXT;                                                                                      \
    }

/* Compares: value (D = 0/1) and fused exit forms, slot or immediate
 * right-hand side. Signed ones compare both sides shifted to bit 63 (the
 * immediate is stored shifted). */
#define UCMP_R(op) (A op B)
#define UCMP_I(op) (A op I)
#define SCMP_R(op) ((int64_t)(A << pc->k) op(int64_t)(B << pc->k))
#define SCMP_I(op) ((int64_t)(A << pc->k) op(int64_t) I)
#define TAKE_EXIT(x)                                                                               \
    do {                                                                                           \
        const ExitDesc *e_ = (x);                                                                  \
        env->eip = e_->eip;                                                                        \
        env->exit_info = e_->info;                                                                 \
        env->insn_count += e_->insns;                                                              \
        return e_->word;                                                                           \
    } while (0)
#define CMP_HANDLERS(P, KIND, op)                                                                  \
    CASE(P) D = KIND##_R(op);                                                                      \
    NEXT;                                                                                          \
    CASE(P##_I) D = KIND##_I(op);                                                                  \
    NEXT;                                                                                          \
    CASE(J##P) if (!KIND##_R(op)) NEXT;                                                            \
    TAKE_EXIT(&ib->exits[pc->c]);                                                                  \
    CASE(J##P##_I) if (!KIND##_I(op)) NEXT;                                                        \
    TAKE_EXIT(&ib->exits[pc->c]);

/* Direct helper calls: return class R (C type CT, result stored by ST),
 * 0..4 i32 arguments in a, b, c, k; the helper's address in imm. */
#define DC_P0 CPUState *
#define DC_P1 DC_P0, uint32_t
#define DC_P2 DC_P1, uint32_t
#define DC_P3 DC_P2, uint32_t
#define DC_P4 DC_P3, uint32_t
#define DC_A0 env
#define DC_A1 DC_A0, (uint32_t)A
#define DC_A2 DC_A1, (uint32_t)B
#define DC_A3 DC_A2, (uint32_t)C
#define DC_A4 DC_A3, (uint32_t)v[pc->k]
#define DC_ONE(R, CT, ST, N)                                                                       \
    CASE(DC_##R##_##N) {                                                                              \
        SETEIP;                                                                                    \
        ST((CT(*)(DC_P##N))(uintptr_t)I)(DC_A##N);                                                 \
        NEXT;                                                                                      \
    }
#define DC_ALL(R, CT, ST)                                                                          \
    DC_ONE(R, CT, ST, 0) DC_ONE(R, CT, ST, 1) DC_ONE(R, CT, ST, 2) DC_ONE(R, CT, ST, 3)            \
        DC_ONE(R, CT, ST, 4)
#define ST_VOID
#define ST_BIT D = 1u &
#define ST_VAL D =

/* Slots of blocks too big for the stack: one buffer per thread, grown as
 * needed and kept, so a run abandoned at a faulting access (siglongjmp out
 * of exec) leaks nothing. A thread runs one block at a time. */
static _Thread_local uint64_t *big_slots;
static _Thread_local uint32_t big_cap;

static __attribute__((noinline)) uint64_t *big_values(uint32_t n) {
    if (n > big_cap) {
        uint64_t *v = realloc(big_slots, n * sizeof *v);
        if (!v) {
            rt_error("out of memory running a block");
            abort();
        }
        big_slots = v;
        big_cap = n;
    }
    return big_slots;
}

/* Run ib; with ib == NULL only publishes the handler table. */
static uint32_t exec(CPUState *env, const BeInterpBlock *ib) {
#if INTERP_THREADED
    static const void *const labels[IOP__COUNT] = {
#define X(n) [IOP_##n] = &&L_##n,
        IOP_LIST(X)
#undef X
    };
    if (__builtin_expect(!ib, 0)) {
        g_labels = labels;
        return 0;
    }
#else
    if (!ib) return 0;
#endif
    uint64_t vbuf[INTERP_STACK_SLOTS];
    uint64_t *v = __builtin_expect(ib->nslots <= INTERP_STACK_SLOTS, 1) ? vbuf : big_values(ib->nslots);
    uint8_t *const gb = guest_base;
    for (uint32_t i = 0; i < ib->nconst; i++)
        v[i] = ib->consts[i];
    const PInst *pc = ib->code;
#if INTERP_THREADED
    goto * pc->lab;
#else
    for (;;) {
        switch ((IOp)pc->op) {
#endif

    /* clang-format off */
    /* ---- guest state and memory ---- */
    CASE(GET1) D = *STATE & 1u; NEXT;
    CASE(GET8) D = *STATE; NEXT;
    CASE(GET16) { uint16_t x; memcpy(&x, STATE, 2); D = x; NEXT; }
    CASE(GET32) { uint32_t x; memcpy(&x, STATE, 4); D = x; NEXT; }
    CASE(GET64) { uint64_t x; memcpy(&x, STATE, 8); D = x; NEXT; }
    CASE(PUT8) *STATE = (uint8_t)A; NEXT;
    CASE(PUT16) { uint16_t x = (uint16_t)A; memcpy(STATE, &x, 2); NEXT; }
    CASE(PUT32) { uint32_t x = (uint32_t)A; memcpy(STATE, &x, 4); NEXT; }
    CASE(PUT64) { memcpy(STATE, &A, 8); NEXT; }
    /* constant PUTs: the offset in k, the value in imm */
#define PSTATE ((uint8_t *)env + pc->k)
    CASE(PUT8_I) *PSTATE = (uint8_t)I; NEXT;
    CASE(PUT16_I) { uint16_t x = (uint16_t)I; memcpy(PSTATE, &x, 2); NEXT; }
    CASE(PUT32_I) { uint32_t x = (uint32_t)I; memcpy(PSTATE, &x, 4); NEXT; }
    CASE(PUT64_I) { memcpy(PSTATE, &pc->imm, 8); NEXT; }
#undef PSTATE
    CASE(LD1) SETEIP; D = *ADDR & 1u; NEXT;
    CASE(LD8) SETEIP; D = *ADDR; NEXT;
    CASE(LD16) { uint16_t x; SETEIP; memcpy(&x, ADDR, 2); D = x; NEXT; }
    CASE(LD32) { uint32_t x; SETEIP; memcpy(&x, ADDR, 4); D = x; NEXT; }
    CASE(LD64) { uint64_t x; SETEIP; memcpy(&x, ADDR, 8); D = x; NEXT; }
    CASE(ST8) SETEIP; *ADDR = (uint8_t)B; NEXT;
    CASE(ST16) { uint16_t x = (uint16_t)B; SETEIP; memcpy(ADDR, &x, 2); NEXT; }
    CASE(ST32) { uint32_t x = (uint32_t)B; SETEIP; memcpy(ADDR, &x, 4); NEXT; }
    CASE(ST64) { SETEIP; memcpy(ADDR, &B, 8); NEXT; }
    CASE(ST8_I) SETEIP; *ADDR = (uint8_t)I; NEXT;
    CASE(ST16_I) { uint16_t x = (uint16_t)I; SETEIP; memcpy(ADDR, &x, 2); NEXT; }
    CASE(ST32_I) { uint32_t x = (uint32_t)I; SETEIP; memcpy(ADDR, &x, 4); NEXT; }
    CASE(ST64_I) { SETEIP; memcpy(ADDR, &pc->imm, 8); NEXT; }

    /* ---- arithmetic ---- */
    W_HANDLERS(8, uint8_t, int8_t, INT8_MIN)
    W_HANDLERS(16, uint16_t, int16_t, INT16_MIN)
    W_HANDLERS(32, uint32_t, int32_t, INT32_MIN)
    W_HANDLERS(64, uint64_t, int64_t, INT64_MIN)
    CASE(LSHR_I) D = A >> I; NEXT;
    CASE(AND) D = A & B; NEXT;
    CASE(OR) D = A | B; NEXT;
    CASE(XOR) D = A ^ B; NEXT;
    CASE(AND_I) D = A & I; NEXT;
    CASE(OR_I) D = A | I; NEXT;
    CASE(XOR_I) D = A ^ I; NEXT;
    CASE(NOTM) D = A ^ I; NEXT;
    CASE(NEGM) D = (0 - A) & I; NEXT;
    CASE(SEXT1) D = (0 - (A & 1u)) & I; NEXT;
    CASE(SEXT8) D = (uint64_t)(int64_t)(int8_t)A & I; NEXT;
    CASE(SEXT16) D = (uint64_t)(int64_t)(int16_t)A & I; NEXT;
    CASE(SEXT32) D = (uint64_t)(int64_t)(int32_t)A & I; NEXT;
    CASE(GENBIN) D = ir_eval_bin((IrOp)pc->c, IRT_I1, A, B); NEXT;

    /* ---- comparisons (and compare-and-exit) and bits ---- */
    CMP_HANDLERS(EQ, UCMP, ==)
    CMP_HANDLERS(NE, UCMP, !=)
    CMP_HANDLERS(ULT, UCMP, <)
    CMP_HANDLERS(ULE, UCMP, <=)
    CMP_HANDLERS(UGT, UCMP, >)
    CMP_HANDLERS(UGE, UCMP, >=)
    CMP_HANDLERS(SLT, SCMP, <)
    CMP_HANDLERS(SLE, SCMP, <=)
    CMP_HANDLERS(SGT, SCMP, >)
    CMP_HANDLERS(SGE, SCMP, >=)
    CASE(SELECT) D = A ? B : C; NEXT;
    CASE(CLZ) D = A ? (uint64_t)__builtin_clzll(A) - (64u - I) : I; NEXT;
    CASE(CTZ) D = A ? (uint64_t)__builtin_ctzll(A) : I; NEXT;
    CASE(POPCNT) D = (uint64_t)__builtin_popcountll(A); NEXT;
    CASE(BSWAP32) D = __builtin_bswap32((uint32_t)A); NEXT;
    CASE(BSWAP64) D = __builtin_bswap64(A); NEXT;
    CASE(PARITY) D = (uint64_t)(__builtin_parity((unsigned)(A & 0xffu)) ^ 1); NEXT;

    /* ---- helpers ---- */
    DC_ALL(VOID, void, ST_VOID)
    DC_ALL(BIT, uint8_t, ST_BIT)
    DC_ALL(U8, uint8_t, ST_VAL)
    DC_ALL(U16, uint16_t, ST_VAL)
    DC_ALL(U32, uint32_t, ST_VAL)
    DC_ALL(U64, uint64_t, ST_VAL)
    CASE(CALL)
    CASE(CALLV) {
        const CallDesc *cd = &ib->calls[pc->k];
        void *av[IR_MAX_ARGS + 1];
        CPUState *envarg = env; /* keeps env itself out of memory */
        av[0] = &envarg;
        for (unsigned k = 0; k < cd->nargs; k++) av[k + 1] = &v[cd->args[k]];
        ffi_arg ret = 0;
        SETEIP;
        ffi_call(cd->cif, cd->fn, &ret, av);
        if (cd->mask) D = (uint64_t)ret & cd->mask;
        NEXT;
    }

    /* ---- control ---- */
    CASE(EXIT_IF) if (!A) NEXT; TAKE_EXIT(&ib->exits[pc->k]);
    CASE(EXIT_IF_R) {
        if (!A) NEXT;
        const ExitDesc *x = &ib->exits[pc->k];
        env->eip = (uint32_t)B;
        env->exit_info = x->info;
        env->insn_count += x->insns;
        return x->word;
    }
    CASE(EXIT) TAKE_EXIT(&ib->exits[pc->k]);
    CASE(EXIT_R) {
        const ExitDesc *x = &ib->exits[pc->k];
        env->eip = (uint32_t)A;
        env->exit_info = x->info;
        env->insn_count += x->insns;
        return x->word;
    }

    /* ---- superinstructions (fuse) ---- */
#define ST32AT(p, val) do { uint32_t x_ = (uint32_t)(val); memcpy((p), &x_, 4); } while (0)
#define LD32AT(p) ({ uint32_t x_; memcpy(&x_, (p), 4); (uint64_t)x_; })
    CASE(LD32_PUT) { SETEIP; uint64_t x = LD32AT(ADDR); D = x; ST32AT(STATE, x); NEXT; }
    CASE(PUT32_LD32) { ST32AT(STATE, B); SETEIP; D = LD32AT(ADDR); NEXT; }
    CASE(GET32_ST32) { uint64_t x = LD32AT(STATE); D = x; SETEIP; ST32AT(ADDR, x); NEXT; }
    CASE(ST32_GET32) { SETEIP; ST32AT(ADDR, B); D = LD32AT(STATE); NEXT; }
    CASE(GET32_GET32) { D = LD32AT(STATE); C = LD32AT((uint8_t *)env + pc->k); NEXT; }
    CASE(GET32_ADDI) { uint64_t x = LD32AT((uint8_t *)env + pc->k); D = x; C = (uint32_t)(x + I); NEXT; }
    CASE(ADDI_PUT) { uint64_t x = (uint32_t)(A + I); D = x; ST32AT((uint8_t *)env + pc->k, x); NEXT; }
    CASE(GET32_PUT32) { D = LD32AT(STATE); ST32AT((uint8_t *)env + pc->k, A); NEXT; }
    CASE(PUT32_PUT32) { ST32AT(STATE, A); ST32AT((uint8_t *)env + pc->k, B); NEXT; }
    CASE(PUT32_PUTI) { ST32AT(STATE, A); ST32AT((uint8_t *)env + pc->k, pc->g); NEXT; }
    CASE(PUTI_PUT32) { ST32AT((uint8_t *)env + pc->k, pc->g); ST32AT(STATE, A); NEXT; }
    CASE(PUTI_PUTI) {
        ST32AT((uint8_t *)env + pc->k, pc->g);
        ST32AT((uint8_t *)env + (uint32_t)I, I >> 32);
        NEXT;
    }
#undef ST32AT
#undef LD32AT

    /* clang-format on */
#if !INTERP_THREADED
default:
    abort();
}
}
#endif
}

uint32_t be_interp_run(CPUState *env, const BeInterpBlock *ib) {
    return exec(env, ib);
}
