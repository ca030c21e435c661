/* xrun IR: one typed SSA form for both tiers.
 *
 * A block (IrBlock) is the translation of one guest basic block: a flat
 * array of instructions, executed in order, single entry, multiple exits.
 * Every instruction that produces a value is an SSA temporary named by its
 * index in the array (IrRef); operands always refer to earlier indices, so
 * the array order is a valid schedule and no phi nodes are needed (there is
 * no control flow inside a block: conditional behaviour is SELECT, early
 * leaves are EXIT_IF). Index 0 is reserved and means "no value".
 *
 * The guest is reached only through explicit operations:
 *   GET/PUT    fields of CPUState by byte offset (runtime/cpu.h)
 *   LOAD/STORE guest memory by 32-bit guest address
 *   CALL       a C helper described in the helper table (ir/helper.h),
 *              which receives the CPUState * as an implicit first argument
 *   EXIT(_IF)  leave the block: set eip and tell the dispatcher why
 * INSN markers delimit guest instructions (guest eip and length); the
 * interpreter stores the eip of the current marker at every guest memory
 * access and helper call (the places a block can stop without an exit), so
 * it is precise per instruction.
 *
 * The opcode table lives in ir/ops.def (X-macro); passes are separate
 * files (ir/opt_*.c) and ir_verify() checks the typing rules of ops.def.
 */
#ifndef XRUN_IR_IR_H_
#define XRUN_IR_IR_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum IrType {
    IRT_VOID,
    IRT_I1,
    IRT_I8,
    IRT_I16,
    IRT_I32,
    IRT_I64,
    IRT_F64,
    IRT_F80,
    IRT_V128,
    IRT__COUNT
} IrType;

/* Operation flags used in ops.def. */
enum {
    IRF_PURE = 1,   /* no side effects: removable when unused */
    IRF_SIDE = 2,   /* has side effects or may trap: never removed */
    IRF_COMMUT = 4, /* binary and commutative */
    IRF_TERM = 8,   /* block terminator */
};

typedef enum IrOp {
#define IROP(name, nargs, flags) IR_##name,
#include "ir/ops.def"
#undef IROP
    IR__COUNT
} IrOp;

/* ICMP predicates (aux). */
typedef enum IrPred {
    IRP_EQ,
    IRP_NE,
    IRP_ULT,
    IRP_ULE,
    IRP_UGT,
    IRP_UGE,
    IRP_SLT,
    IRP_SLE,
    IRP_SGT,
    IRP_SGE,
    IRP__COUNT
} IrPred;

/* Why a block returns to the dispatcher (aux of EXIT / EXIT_IF). The new
 * eip is always the exit's arg; CPUState.exit_info receives imm. */
typedef enum IrExitKind {
    IR_EXIT_JUMP,    /* continue at eip (chainable when eip is a CONST) */
    IR_EXIT_SYSCALL, /* int 0x80: eip = next instruction; dispatcher runs the syscall */
    IR_EXIT_SIGNAL,  /* raise signal imm (low 8 bits) for the instruction at eip;
                        imm bits 8..15: si_code; see runtime/signal.h */
    IR_EXIT_HALT,    /* stop the dispatcher loop (used by tests and exit paths) */
    IR_EXIT_GUARD,   /* a translation-time assumption failed at eip (the x87 stack
                        shape, frontend/lift_x87_fast.c): imm = the block's start; the
                        dispatcher drops that block and translates it without it */
    IR_EXIT__COUNT
} IrExitKind;

typedef uint16_t IrRef;
#define IR_NONE ((IrRef)0)
#define IR_MAX_ARGS 4

typedef struct IrInst {
    uint8_t op;   /* IrOp */
    uint8_t type; /* result type; IRT_VOID when none */
    uint8_t aux;  /* IrPred for ICMP, IrExitKind for exits, length for INSN */
    uint8_t nargs;
    IrRef arg[IR_MAX_ARGS];
    uint64_t imm; /* CONST value, GET/PUT offset, CALL helper id, INSN eip, exit info */
} IrInst;

typedef struct IrBlock {
    uint32_t guest_addr; /* eip of the first guest instruction */
    uint32_t guest_len;  /* bytes of guest code covered */
    uint32_t guest_insns;
    /* Precise mode (DESIGN §4, rt_precise): every guest memory access (LOAD,
     * STORE, CALL of an HF_MEM helper) may fault and abandon the block right
     * there, so the passes keep every PUT made before it and compiled code
     * keeps env->eip at the accessing instruction. Set by whoever builds the
     * block, before ir_optimize and the backends see it. */
    bool precise;
    uint32_t n;   /* instructions used, including reserved slot 0 */
    uint32_t cap; /* allocated */
    IrInst *insts;
} IrBlock;

/* ---- op table ------------------------------------------------------- */

typedef struct IrOpInfo {
    const char *name;
    int8_t nargs;
    uint8_t flags;
} IrOpInfo;

extern const IrOpInfo ir_op_info[IR__COUNT];
extern const char *const ir_type_name[IRT__COUNT];
extern const char *const ir_pred_name[IRP__COUNT];
extern const char *const ir_exit_name[IR_EXIT__COUNT];

/* Bit width of an integer type (i1 = 1); 0 for non-integer types.
 * Inline: the lifter and every pass ask this for nearly every instruction. */
static inline unsigned ir_type_bits(IrType t) {
    static const uint8_t bits[IRT__COUNT] = {
        [IRT_I1] = 1, [IRT_I8] = 8, [IRT_I16] = 16, [IRT_I32] = 32, [IRT_I64] = 64};
    return (unsigned)t < IRT__COUNT ? bits[t] : 0;
}
/* Mask of the value bits of an integer type (i64 = all ones). */
static inline uint64_t ir_type_mask(IrType t) {
    unsigned bits = ir_type_bits(t);
    return bits >= 64 ? ~0ull : (1ull << bits) - 1u;
}

/* ---- building --------------------------------------------------------- */

IrBlock *ir_block_new(uint32_t guest_addr);
void ir_block_free(IrBlock *b);
/* Give back the builder's spare room, for a block whose IR is kept (a block
 * waiting to be compiled keeps its IR in auto mode, and thousands of them
 * wait at times). */
void ir_block_trim(IrBlock *b);
/* Deep copy (passes may want a scratch copy). */
IrBlock *ir_block_clone(const IrBlock *b);

/* Make room for one more instruction (out of line: the rare case of
 * ir_emit). Aborts only on OOM. */
void ir_grow(IrBlock *b);

/* Append one instruction; returns its ref. Aborts only on OOM. Inline, as
 * are the builders below: the lifter emits ~7 instructions per guest
 * instruction, and a call per emit was ~5% of python3.11's startup. */
static inline IrRef ir_emit(IrBlock *b, IrOp op, IrType type, uint8_t aux, uint64_t imm,
                            unsigned nargs, const IrRef *args) {
    if (__builtin_expect(b->n >= b->cap, 0)) ir_grow(b);
    IrInst *in = &b->insts[b->n];
    in->op = (uint8_t)op;
    in->type = (uint8_t)type;
    in->aux = aux;
    in->nargs = (uint8_t)nargs;
    in->arg[0] = nargs > 0 ? args[0] : IR_NONE;
    in->arg[1] = nargs > 1 ? args[1] : IR_NONE;
    in->arg[2] = nargs > 2 ? args[2] : IR_NONE;
    in->arg[3] = nargs > 3 ? args[3] : IR_NONE;
    in->imm = imm;
    return (IrRef)b->n++;
}

static inline IrType ir_type(const IrBlock *b, IrRef r) { return (IrType)b->insts[r].type; }

/* ir_const, ir_cast and ir_call stay out of line: tests/unit/x87_diff_test.c
 * links frontend/lift_x87.c against stubs of exactly these three. */
IrRef ir_const(IrBlock *b, IrType t, uint64_t v);
static inline IrRef ir_get(IrBlock *b, IrType t, uint32_t off) {
    return ir_emit(b, IR_GET, t, 0, off, 0, NULL);
}
static inline void ir_put(IrBlock *b, uint32_t off, IrRef v) {
    ir_emit(b, IR_PUT, IRT_VOID, 0, off, 1, &v);
}
static inline IrRef ir_load(IrBlock *b, IrType t, IrRef addr) {
    return ir_emit(b, IR_LOAD, t, 0, 0, 1, &addr);
}
static inline void ir_store(IrBlock *b, IrRef addr, IrRef v) {
    IrRef a[2] = {addr, v};
    ir_emit(b, IR_STORE, IRT_VOID, 0, 0, 2, a);
}
/* Binary op; result type is the type of a. */
static inline IrRef ir_bin(IrBlock *b, IrOp op, IrRef a, IrRef c) {
    IrRef args[2] = {a, c};
    return ir_emit(b, op, ir_type(b, a), 0, 0, 2, args);
}
/* NOT, NEG, CLZ, CTZ, POPCNT, BSWAP (result type = arg type), PARITY (i1). */
static inline IrRef ir_un(IrBlock *b, IrOp op, IrRef a) {
    IrType t = op == IR_PARITY ? IRT_I1 : ir_type(b, a);
    return ir_emit(b, op, t, 0, 0, 1, &a);
}
/* ZEXT/SEXT/TRUNC to t; returns a unchanged if already of type t. */
IrRef ir_cast(IrBlock *b, IrOp op, IrType t, IrRef a);
static inline IrRef ir_icmp(IrBlock *b, IrPred p, IrRef a, IrRef c) {
    IrRef args[2] = {a, c};
    return ir_emit(b, IR_ICMP, IRT_I1, (uint8_t)p, 0, 2, args);
}
static inline IrRef ir_select(IrBlock *b, IrRef cond, IrRef x, IrRef y) {
    IrRef args[3] = {cond, x, y};
    return ir_emit(b, IR_SELECT, ir_type(b, x), 0, 0, 3, args);
}
/* Helper call; result type from the helper table. */
IrRef ir_call(IrBlock *b, unsigned helper, unsigned nargs, const IrRef *args);
static inline void ir_insn(IrBlock *b, uint32_t eip, unsigned len) {
    ir_emit(b, IR_INSN, IRT_VOID, (uint8_t)len, eip, 0, NULL);
}
static inline void ir_exit_if(IrBlock *b, IrExitKind k, IrRef cond, IrRef target, uint32_t info) {
    IrRef args[2] = {cond, target};
    ir_emit(b, IR_EXIT_IF, IRT_VOID, (uint8_t)k, info, 2, args);
}
static inline void ir_exit(IrBlock *b, IrExitKind k, IrRef target, uint32_t info) {
    ir_emit(b, IR_EXIT, IRT_VOID, (uint8_t)k, info, 1, &target);
}

/* ---- checking, printing, optimizing ----------------------------------- */

/* 0 when well formed; otherwise -1 and a message in err. */
int ir_verify(const IrBlock *b, char *err, size_t errlen);
void ir_print(FILE *f, const IrBlock *b);

/* The pass pipeline: get/put forwarding, dead put elimination (this is the
 * dead-flag elimination: lazy flags are PUTs of cc_*), constant folding,
 * dead code elimination, then compaction. In a precise block no PUT is
 * removed across a guest memory access (ir_may_fault).
 *
 * Checking: builds without NDEBUG verify the optimized block once (a broken
 * lifter or pass stops there with the IR printed). With ir_verify_passes set
 * (-d verify, any build) the block is verified after every pass as well, and
 * the frontend verifies the lifted block before it, so the message names the
 * stage that broke it. Verifying after every pass cost ~4% of python3.11's
 * startup, which is why it is not the default. */
void ir_optimize(IrBlock *b);
/* The pipeline for code that may never get hot: get/put forwarding, dead
 * put elimination, dead code elimination and compaction, without constant
 * folding and the second get/put round. Measured on python3.11 -c pass
 * (--tier=interp, callgrind): folding cost ~100M instructions of
 * translation and saved ~25M of interpretation; LLVM (tier 1) folds and
 * forwards on its own (instcombine, early-cse). Same checking as above. */
void ir_optimize_cold(IrBlock *b);
extern bool ir_verify_passes;

/* Individual passes (ir/opt_*.c). Each keeps the block valid. */
void ir_opt_getput(IrBlock *b);
void ir_opt_fold(IrBlock *b);
void ir_opt_dce(IrBlock *b);
void ir_compact(IrBlock *b); /* drop NOPs and renumber */

/* True when in accesses guest memory (LOAD, STORE, CALL of an HF_MEM
 * helper): the places where a precise block may fault. */
bool ir_may_fault(const IrInst *in);
/* Whether the guest instruction starting at INSN marker `self` accesses
 * guest memory or calls a helper that is not pure: where compiled code of a
 * precise block stores the instruction's eip first. */
bool ir_insn_needs_eip(const IrBlock *b, IrRef self);

#endif
