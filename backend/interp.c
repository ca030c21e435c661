/* Tier 0: the IR interpreter (backend/be.h).
 *
 * be_interp_prepare() lowers an IrBlock to a compact array of pre-resolved
 * instructions (PInst): the handler is chosen per operation *and width* at
 * prepare time (ADD32, SDIV16, ...), operands are slot indices into a value
 * array, constants occupy the first slots and are copied in with one memcpy
 * per run, ZEXT costs nothing (its slot aliases its operand, since every
 * slot holds the zero-extended value of its type), and exit words are
 * precomputed. i1 arithmetic (rare) goes through the generic reference
 * semantics of ir/ir_eval.h, which the width-specific handlers match.
 *
 * Dispatch is direct threading with GCC's labels-as-values (each PInst holds
 * its handler's address); -DXRUN_INTERP_SWITCH selects a switch loop instead.
 * Measured on the synthetic block of `ir_test bench` (ALU, load, select,
 * put): threading runs ~9 host instructions per IR op against ~16 for the
 * switch, with far fewer indirect-branch mispredictions (cachegrind), and
 * was faster in wall time on every run.
 *
 * Helpers are called through libffi; one ffi_cif per helper id is built once
 * for all helpers (pthread_once) and shared by all blocks.
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
#define IOP_LIST(X)                                                                                \
    X(GET1) X(GET8) X(GET16) X(GET32) X(GET64)                                                     \
    X(PUT8) X(PUT16) X(PUT32) X(PUT64)                                                             \
    X(LD1) X(LD8) X(LD16) X(LD32) X(LD64)                                                          \
    X(ST8) X(ST16) X(ST32) X(ST64)                                                                 \
    IOP_W(X, ADD) IOP_W(X, SUB) IOP_W(X, MUL)                                                      \
    IOP_W(X, UDIV) IOP_W(X, SDIV) IOP_W(X, UREM) IOP_W(X, SREM)                                    \
    X(AND) X(OR) X(XOR)                                                                            \
    IOP_W(X, SHL) IOP_W(X, LSHR) IOP_W(X, ASHR) IOP_W(X, ROTL) IOP_W(X, ROTR)                      \
    X(NOTM) X(NEGM) X(ANDI) X(SEXT1) X(SEXT8) X(SEXT16) X(SEXT32)                                  \
    X(EQ) X(NE) X(ULT) X(ULE) X(UGT) X(UGE) X(SLT) X(SLE) X(SGT) X(SGE)                            \
    X(SELECT) X(CLZ) X(CTZ) X(POPCNT) X(BSWAP32) X(BSWAP64) X(PARITY)                              \
    X(GENBIN) X(CALL) X(CALLV) X(INSN) X(EXIT_IF) X(EXIT)
/* clang-format on */

typedef enum IOp {
#define X(n) IOP_##n,
    IOP_LIST(X)
#undef X
        IOP__COUNT
} IOp;

/* One pre-resolved instruction. d = result slot, a/b/c = operand slots;
 * c doubles as the exit word (EXIT_IF/EXIT) or the IrOp (GENBIN); imm is a
 * CPUState offset, mask, shift, bit width, eip, exit info or call index. */
typedef struct PInst {
    union {
        const void *lab; /* threaded: handler address */
        uintptr_t op;    /* switch: IOp */
    };
    uint16_t d, a, b, c;
    uint64_t imm;
} PInst;

typedef struct CallDesc {
    ffi_cif *cif;
    void (*fn)(void);
    uint64_t mask; /* of the result type */
    uint8_t nargs;
    uint16_t args[IR_MAX_ARGS];
} CallDesc;

struct BeInterpBlock {
    uint32_t nslots, nconst, ncode, ncalls;
    uint64_t *consts; /* values of slots 0 .. nconst-1 */
    PInst *code;
    CallDesc *calls;
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

static uint32_t exec(CPUState *env, const BeInterpBlock *ib, uint64_t *v);

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
    exec(NULL, NULL, NULL); /* sets g_labels */
}

/* ==== prepare =========================================================== */

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

static const IOp bin_base[IR__COUNT] = {
    [IR_ADD] = IOP_ADD8,   [IR_SUB] = IOP_SUB8,   [IR_MUL] = IOP_MUL8,   [IR_UDIV] = IOP_UDIV8,
    [IR_SDIV] = IOP_SDIV8, [IR_UREM] = IOP_UREM8, [IR_SREM] = IOP_SREM8, [IR_SHL] = IOP_SHL8,
    [IR_LSHR] = IOP_LSHR8, [IR_ASHR] = IOP_ASHR8, [IR_ROTL] = IOP_ROTL8, [IR_ROTR] = IOP_ROTR8,
};

static const IOp icmp_op[IRP__COUNT] = {
    [IRP_EQ] = IOP_EQ,   [IRP_NE] = IOP_NE,   [IRP_ULT] = IOP_ULT, [IRP_ULE] = IOP_ULE,
    [IRP_UGT] = IOP_UGT, [IRP_UGE] = IOP_UGE, [IRP_SLT] = IOP_SLT, [IRP_SLE] = IOP_SLE,
    [IRP_SGT] = IOP_SGT, [IRP_SGE] = IOP_SGE,
};

/* The interpreter op for IR instruction r (its operands' slots are set later). */
static IOp select_op(const IrBlock *b, const IrInst *in, PInst *p) {
    IrType t = (IrType)in->type;
    IrType t0 = in->nargs ? ir_type(b, in->arg[0]) : IRT_VOID;
    switch ((IrOp)in->op) {
    case IR_GET:
        p->imm = in->imm;
        return t == IRT_I1 ? IOP_GET1 : (IOp)(IOP_GET8 + (t - IRT_I8));
    case IR_PUT:
        p->imm = in->imm;
        return t0 == IRT_I1 ? IOP_PUT8 : (IOp)(IOP_PUT8 + (t0 - IRT_I8));
    case IR_LOAD:
        return t == IRT_I1 ? IOP_LD1 : (IOp)(IOP_LD8 + (t - IRT_I8));
    case IR_STORE: {
        IrType tv = ir_type(b, in->arg[1]);
        return tv == IRT_I1 ? IOP_ST8 : (IOp)(IOP_ST8 + (tv - IRT_I8));
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
        if (t == IRT_I1) {
            p->c = in->op;
            return IOP_GENBIN;
        }
        return wsel(bin_base[in->op], t);
    case IR_AND:
        return IOP_AND;
    case IR_OR:
        return IOP_OR;
    case IR_XOR:
        return IOP_XOR;
    case IR_NOT:
        p->imm = ir_type_mask(t);
        return IOP_NOTM;
    case IR_NEG:
        p->imm = ir_type_mask(t);
        return IOP_NEGM;
    case IR_TRUNC:
        p->imm = ir_type_mask(t);
        return IOP_ANDI;
    case IR_SEXT:
        p->imm = ir_type_mask(t);
        return t0 == IRT_I1    ? IOP_SEXT1
               : t0 == IRT_I8  ? IOP_SEXT8
               : t0 == IRT_I16 ? IOP_SEXT16
                               : IOP_SEXT32;
    case IR_ICMP:
        p->imm = 64u - ir_type_bits(t0);
        return icmp_op[in->aux];
    case IR_SELECT:
        return IOP_SELECT;
    case IR_CLZ:
        p->imm = ir_type_bits(t);
        return IOP_CLZ;
    case IR_CTZ:
        p->imm = ir_type_bits(t);
        return IOP_CTZ;
    case IR_POPCNT:
        return IOP_POPCNT;
    case IR_BSWAP:
        return t == IRT_I64 ? IOP_BSWAP64 : IOP_BSWAP32;
    case IR_PARITY:
        return IOP_PARITY;
    case IR_CALL:
        return t == IRT_VOID ? IOP_CALLV : IOP_CALL;
    case IR_INSN:
        p->imm = in->imm;
        return IOP_INSN;
    case IR_EXIT_IF:
        p->imm = in->imm;
        return IOP_EXIT_IF;
    case IR_EXIT:
        p->imm = in->imm;
        return IOP_EXIT;
    default:
        rt_error("internal error: interpreter cannot run IR op %u", in->op);
        abort();
    }
}

BeInterpBlock *be_interp_prepare(const IrBlock *b) {
    pthread_once(&g_once, interp_init);

    /* Slots: constants first, then every other value; ZEXT aliases its operand. */
    uint16_t *slot = calloc(b->n, sizeof *slot);
    if (!slot) return NULL;
    uint32_t nconst = 0, ncode = 0, ncalls = 0;
    for (uint32_t i = 1; i < b->n; i++) {
        const IrInst *in = &b->insts[i];
        if (in->op == IR_CONST)
            slot[i] = (uint16_t)nconst++;
        else if (in->op != IR_NOP && in->op != IR_ZEXT)
            ncode++, ncalls += in->op == IR_CALL;
    }
    uint32_t nslots = nconst;
    for (uint32_t i = 1; i < b->n; i++) {
        const IrInst *in = &b->insts[i];
        if (in->op == IR_ZEXT)
            slot[i] = slot[in->arg[0]];
        else if (in->op != IR_CONST && in->op != IR_NOP && in->type != IRT_VOID)
            slot[i] = (uint16_t)nslots++;
    }

    size_t sz = sizeof(BeInterpBlock) + ncode * sizeof(PInst) + ncalls * sizeof(CallDesc) +
                nconst * sizeof(uint64_t);
    BeInterpBlock *ib = calloc(1, sz);
    if (!ib) {
        free(slot);
        return NULL;
    }
    ib->nslots = nslots;
    ib->nconst = nconst;
    ib->ncode = ncode;
    ib->code = (PInst *)(ib + 1);
    ib->calls = (CallDesc *)(ib->code + ncode);
    ib->consts = (uint64_t *)(ib->calls + ncalls);

    uint32_t pc = 0;
    for (uint32_t i = 1; i < b->n; i++) {
        const IrInst *in = &b->insts[i];
        if (in->op == IR_NOP || in->op == IR_ZEXT) continue;
        if (in->op == IR_CONST) {
            ib->consts[slot[i]] = in->imm;
            continue;
        }
        PInst *p = &ib->code[pc++];
        uint16_t *ops[3] = {&p->a, &p->b, &p->c};
        for (unsigned k = 0; k < in->nargs && k < 3; k++)
            *ops[k] = slot[in->arg[k]];
        p->d = slot[i];
        IOp op = select_op(b, in, p);
        if (op == IOP_CALL || op == IOP_CALLV) {
            CallDesc *cd = &ib->calls[ib->ncalls];
            const IrHelper *h = &ir_helpers[in->imm];
            cd->cif = &g_cif[in->imm];
            cd->fn = (void (*)(void))h->fn;
            cd->mask = ir_type_mask((IrType)in->type);
            cd->nargs = in->nargs;
            for (unsigned k = 0; k < in->nargs; k++)
                cd->args[k] = slot[in->arg[k]];
            p->imm = ib->ncalls++;
        } else if (op == IOP_EXIT_IF || op == IOP_EXIT) {
            p->c = (uint16_t)BE_EXIT_WORD(in->aux, be_exit_slot(b, (IrRef)i));
        }
#if INTERP_THREADED
        p->lab = g_labels[op];
#else
        p->op = op;
#endif
    }
    free(slot);
    XR_ASSERT(pc == ncode && ncode > 0);
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
#define STATE ((uint8_t *)env + pc->imm)

/* Width-specialised handlers for W = 8, 16, 32, 64 (U/S: C types). */
#define W_HANDLERS(W, U, S, SMIN)                                                                  \
    CASE(ADD##W) D = (U)(A + B);                                                                   \
    NEXT;                                                                                          \
    CASE(SUB##W) D = (U)(A - B);                                                                   \
    NEXT;                                                                                          \
    CASE(MUL##W) D = (U)(A * B);                                                                   \
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

/* Run ib with value array v; with ib == NULL only publishes the handler table. */
static uint32_t exec(CPUState *env, const BeInterpBlock *ib, uint64_t *v) {
#if INTERP_THREADED
    static const void *const labels[IOP__COUNT] = {
#define X(n) [IOP_##n] = &&L_##n,
        IOP_LIST(X)
#undef X
    };
    if (!ib) {
        g_labels = labels;
        return 0;
    }
#else
    if (!ib) return 0;
#endif
    memcpy(v, ib->consts, ib->nconst * sizeof *v);
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
    CASE(LD1) D = *(const uint8_t *)g2h((uint32_t)A) & 1u; NEXT;
    CASE(LD8) D = *(const uint8_t *)g2h((uint32_t)A); NEXT;
    CASE(LD16) { uint16_t x; memcpy(&x, g2h((uint32_t)A), 2); D = x; NEXT; }
    CASE(LD32) { uint32_t x; memcpy(&x, g2h((uint32_t)A), 4); D = x; NEXT; }
    CASE(LD64) { uint64_t x; memcpy(&x, g2h((uint32_t)A), 8); D = x; NEXT; }
    CASE(ST8) *(uint8_t *)g2h((uint32_t)A) = (uint8_t)B; NEXT;
    CASE(ST16) { uint16_t x = (uint16_t)B; memcpy(g2h((uint32_t)A), &x, 2); NEXT; }
    CASE(ST32) { uint32_t x = (uint32_t)B; memcpy(g2h((uint32_t)A), &x, 4); NEXT; }
    CASE(ST64) { memcpy(g2h((uint32_t)A), &B, 8); NEXT; }

    /* ---- arithmetic ---- */
    W_HANDLERS(8, uint8_t, int8_t, INT8_MIN)
    W_HANDLERS(16, uint16_t, int16_t, INT16_MIN)
    W_HANDLERS(32, uint32_t, int32_t, INT32_MIN)
    W_HANDLERS(64, uint64_t, int64_t, INT64_MIN)
    CASE(AND) D = A & B; NEXT;
    CASE(OR) D = A | B; NEXT;
    CASE(XOR) D = A ^ B; NEXT;
    CASE(NOTM) D = A ^ pc->imm; NEXT;
    CASE(NEGM) D = (0 - A) & pc->imm; NEXT;
    CASE(ANDI) D = A & pc->imm; NEXT;
    CASE(SEXT1) D = (0 - (A & 1u)) & pc->imm; NEXT;
    CASE(SEXT8) D = (uint64_t)(int64_t)(int8_t)A & pc->imm; NEXT;
    CASE(SEXT16) D = (uint64_t)(int64_t)(int16_t)A & pc->imm; NEXT;
    CASE(SEXT32) D = (uint64_t)(int64_t)(int32_t)A & pc->imm; NEXT;
    CASE(GENBIN) D = ir_eval_bin((IrOp)pc->c, IRT_I1, A, B); NEXT;

    /* ---- comparisons and bits (signed compares: both sides shifted to bit 63) ---- */
    CASE(EQ) D = A == B; NEXT;
    CASE(NE) D = A != B; NEXT;
    CASE(ULT) D = A < B; NEXT;
    CASE(ULE) D = A <= B; NEXT;
    CASE(UGT) D = A > B; NEXT;
    CASE(UGE) D = A >= B; NEXT;
    CASE(SLT) D = (int64_t)(A << pc->imm) < (int64_t)(B << pc->imm); NEXT;
    CASE(SLE) D = (int64_t)(A << pc->imm) <= (int64_t)(B << pc->imm); NEXT;
    CASE(SGT) D = (int64_t)(A << pc->imm) > (int64_t)(B << pc->imm); NEXT;
    CASE(SGE) D = (int64_t)(A << pc->imm) >= (int64_t)(B << pc->imm); NEXT;
    CASE(SELECT) D = A ? B : C; NEXT;
    CASE(CLZ) D = A ? (uint64_t)__builtin_clzll(A) - (64u - pc->imm) : pc->imm; NEXT;
    CASE(CTZ) D = A ? (uint64_t)__builtin_ctzll(A) : pc->imm; NEXT;
    CASE(POPCNT) D = (uint64_t)__builtin_popcountll(A); NEXT;
    CASE(BSWAP32) D = __builtin_bswap32((uint32_t)A); NEXT;
    CASE(BSWAP64) D = __builtin_bswap64(A); NEXT;
    CASE(PARITY) D = (uint64_t)(__builtin_parity((unsigned)(A & 0xffu)) ^ 1); NEXT;

    /* ---- helpers ---- */
    CASE(CALL)
    CASE(CALLV) {
        const CallDesc *cd = &ib->calls[pc->imm];
        void *av[IR_MAX_ARGS + 1];
        CPUState *envarg = env; /* keeps env itself out of memory */
        av[0] = &envarg;
        for (unsigned k = 0; k < cd->nargs; k++) av[k + 1] = &v[cd->args[k]];
        ffi_arg ret = 0;
        ffi_call(cd->cif, cd->fn, &ret, av);
        if (cd->mask) D = (uint64_t)ret & cd->mask;
        NEXT;
    }

    /* ---- control ---- */
    CASE(INSN)
        env->eip = (uint32_t)pc->imm;
        env->insn_count++;
        NEXT;
    CASE(EXIT_IF)
        if (!A) NEXT;
        env->eip = (uint32_t)B;
        env->exit_info = (uint32_t)pc->imm;
        return pc->c;
    CASE(EXIT)
        env->eip = (uint32_t)A;
        env->exit_info = (uint32_t)pc->imm;
        return pc->c;

    /* clang-format on */
#if !INTERP_THREADED
default:
    abort();
}
}
#endif
}

/* Slots of blocks too big for the stack: one buffer per thread, grown as
 * needed and kept, so a run abandoned at a faulting access (siglongjmp out
 * of exec) leaks nothing. A thread runs one block at a time. */
static _Thread_local uint64_t *big_slots;
static _Thread_local uint32_t big_cap;

uint32_t be_interp_run(CPUState *env, const BeInterpBlock *ib) {
    if (ib->nslots <= INTERP_STACK_SLOTS) {
        uint64_t v[INTERP_STACK_SLOTS];
        return exec(env, ib, v);
    }
    if (ib->nslots > big_cap) {
        uint64_t *v = realloc(big_slots, ib->nslots * sizeof *v);
        if (!v) {
            rt_error("out of memory running a block");
            abort();
        }
        big_slots = v;
        big_cap = ib->nslots;
    }
    return exec(env, ib, big_slots);
}
