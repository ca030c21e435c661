/* IR tables and the block builder (ir/ir.h). */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

#include "ir/helper.h"
#include "runtime/log.h"

/* ==== tables ============================================================ */

const IrOpInfo ir_op_info[IR__COUNT] = {
#define IROP(name, nargs, flags) [IR_##name] = {#name, (nargs), (flags)},
#include "ir/ops.def"
#undef IROP
};

const char *const ir_type_name[IRT__COUNT] = {
    [IRT_VOID] = "void", [IRT_I1] = "i1",   [IRT_I8] = "i8",
    [IRT_I16] = "i16",   [IRT_I32] = "i32", [IRT_I64] = "i64",
    [IRT_F64] = "f64",   [IRT_F80] = "f80", [IRT_V128] = "v128",
};

const char *const ir_pred_name[IRP__COUNT] = {
    [IRP_EQ] = "eq",   [IRP_NE] = "ne",   [IRP_ULT] = "ult", [IRP_ULE] = "ule", [IRP_UGT] = "ugt",
    [IRP_UGE] = "uge", [IRP_SLT] = "slt", [IRP_SLE] = "sle", [IRP_SGT] = "sgt", [IRP_SGE] = "sge",
};

const char *const ir_exit_name[IR_EXIT__COUNT] = {
    [IR_EXIT_JUMP] = "jump",
    [IR_EXIT_SYSCALL] = "syscall",
    [IR_EXIT_SIGNAL] = "signal",
    [IR_EXIT_HALT] = "halt",
    [IR_EXIT_GUARD] = "guard",
};

bool ir_verify_passes;

/* ==== blocks ============================================================ */

static void oom(void) {
    rt_error("out of memory building IR");
    abort();
}

/* One freed block is kept for the next ir_block_new: under --tier=interp
 * (and for most blocks of any short run) the IR of a block dies right after
 * the interpreter has prepared it, so translation would otherwise malloc
 * and free two buffers per block. An atomic exchange keeps it safe between
 * threads without a lock. Blocks of unusual size are not kept. */
#define SPARE_MIN_CAP 64u
#define SPARE_MAX_CAP 1024u
static IrBlock *spare;

IrBlock *ir_block_new(uint32_t guest_addr) {
    IrBlock *b = __atomic_exchange_n(&spare, NULL, __ATOMIC_ACQ_REL);
    if (b) {
        IrInst *insts = b->insts;
        uint32_t cap = b->cap;
        memset(b, 0, sizeof *b);
        b->insts = insts;
        b->cap = cap;
    } else {
        b = calloc(1, sizeof *b);
        if (!b) oom();
        b->cap = SPARE_MIN_CAP;
        b->insts = malloc(b->cap * sizeof *b->insts); /* ir_emit fills each slot */
        if (!b->insts) oom();
    }
    b->guest_addr = guest_addr;
    memset(&b->insts[0], 0, sizeof b->insts[0]);
    b->n = 1; /* slot 0 reserved: IR_NONE */
    return b;
}

static void block_release(IrBlock *b) {
    free(b->insts);
    free(b);
}

void ir_block_free(IrBlock *b) {
    if (!b) return;
    if (b->cap < SPARE_MIN_CAP || b->cap > SPARE_MAX_CAP) {
        block_release(b);
        return;
    }
    IrBlock *old = __atomic_exchange_n(&spare, b, __ATOMIC_ACQ_REL);
    if (old) block_release(old);
}

void ir_block_trim(IrBlock *b) {
    if (b->cap <= b->n + 8) return;
    uint32_t n = b->n ? b->n : 1;
    IrInst *shrunk = realloc(b->insts, n * sizeof *b->insts);
    if (shrunk) {
        b->insts = shrunk;
        b->cap = n;
    }
}

IrBlock *ir_block_clone(const IrBlock *b) {
    IrBlock *c = malloc(sizeof *c);
    if (!c) oom();
    *c = *b;
    c->cap = b->n > 0 ? b->n : 1;
    c->insts = malloc(c->cap * sizeof *c->insts);
    if (!c->insts) oom();
    memcpy(c->insts, b->insts, b->n * sizeof *b->insts);
    return c;
}

bool ir_may_fault(const IrInst *in) {
    switch ((IrOp)in->op) {
    case IR_LOAD:
    case IR_STORE:
        return true;
    case IR_CALL:
        return in->imm >= H__COUNT || (ir_helpers[in->imm].flags & HF_MEM);
    default:
        return false;
    }
}

bool ir_insn_needs_eip(const IrBlock *b, IrRef self) {
    for (uint32_t i = self + 1u; i < b->n && b->insts[i].op != IR_INSN; i++) {
        const IrInst *in = &b->insts[i];
        if (ir_may_fault(in)) return true;
        if (in->op == IR_CALL && !(ir_helpers[in->imm].flags & HF_PURE)) return true;
    }
    return false;
}

/* ==== emitting ========================================================== */

void ir_grow(IrBlock *b) {
    /* IrRef is 16 bits: a block can never grow beyond that (the lifter's
     * instruction cap keeps blocks far below it). */
    if (b->n > 0xffffu) {
        rt_error("internal error: IR block over 65535 instructions");
        abort();
    }
    uint32_t ncap = b->cap ? b->cap * 2 : 64;
    if (ncap > 0x10000u) ncap = 0x10000u;
    IrInst *ni = realloc(b->insts, ncap * sizeof *ni);
    if (!ni) oom();
    b->insts = ni;
    b->cap = ncap;
}

IrRef ir_const(IrBlock *b, IrType t, uint64_t v) {
    return ir_emit(b, IR_CONST, t, 0, v & ir_type_mask(t), 0, NULL);
}

IrRef ir_cast(IrBlock *b, IrOp op, IrType t, IrRef a) {
    if (ir_type(b, a) == t) return a;
    return ir_emit(b, op, t, 0, 0, 1, &a);
}

IrRef ir_call(IrBlock *b, unsigned helper, unsigned nargs, const IrRef *args) {
    XR_ASSERT(helper < H__COUNT);
    return ir_emit(b, IR_CALL, (IrType)ir_helpers[helper].ret, 0, helper, nargs, args);
}


