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

IrBlock *ir_block_new(uint32_t guest_addr) {
    IrBlock *b = calloc(1, sizeof *b);
    if (!b) oom();
    b->guest_addr = guest_addr;
    b->cap = 64;
    b->insts = malloc(b->cap * sizeof *b->insts); /* ir_emit fills each slot */
    if (!b->insts) oom();
    memset(&b->insts[0], 0, sizeof b->insts[0]);
    b->n = 1; /* slot 0 reserved: IR_NONE */
    return b;
}

void ir_block_free(IrBlock *b) {
    if (!b) return;
    free(b->insts);
    free(b);
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

/* ==== emitting ========================================================== */

IrRef ir_emit(IrBlock *b, IrOp op, IrType type, uint8_t aux, uint64_t imm, unsigned nargs,
              const IrRef *args) {
    XR_ASSERT(nargs <= IR_MAX_ARGS);
    if (__builtin_expect(b->n >= b->cap, 0)) {
        uint32_t ncap = b->cap ? b->cap * 2 : 64;
        IrInst *ni = realloc(b->insts, ncap * sizeof *ni);
        if (!ni) oom();
        b->insts = ni;
        b->cap = ncap;
    }
    /* IrRef is 16 bits: a block can never grow beyond that. */
    XR_ASSERT(b->n <= 0xffffu);
    IrInst in = {.op = (uint8_t)op, .type = (uint8_t)type, .aux = aux, .nargs = (uint8_t)nargs,
                 .imm = imm};
    for (unsigned i = 0; i < nargs; i++)
        in.arg[i] = args[i];
    b->insts[b->n] = in;
    return (IrRef)b->n++;
}

IrRef ir_const(IrBlock *b, IrType t, uint64_t v) {
    return ir_emit(b, IR_CONST, t, 0, v & ir_type_mask(t), 0, NULL);
}

IrRef ir_get(IrBlock *b, IrType t, uint32_t off) {
    return ir_emit(b, IR_GET, t, 0, off, 0, NULL);
}

void ir_put(IrBlock *b, uint32_t off, IrRef v) {
    ir_emit(b, IR_PUT, IRT_VOID, 0, off, 1, &v);
}

IrRef ir_load(IrBlock *b, IrType t, IrRef addr) {
    return ir_emit(b, IR_LOAD, t, 0, 0, 1, &addr);
}

void ir_store(IrBlock *b, IrRef addr, IrRef v) {
    IrRef a[2] = {addr, v};
    ir_emit(b, IR_STORE, IRT_VOID, 0, 0, 2, a);
}

IrRef ir_bin(IrBlock *b, IrOp op, IrRef a, IrRef c) {
    IrRef args[2] = {a, c};
    return ir_emit(b, op, ir_type(b, a), 0, 0, 2, args);
}

IrRef ir_un(IrBlock *b, IrOp op, IrRef a) {
    IrType t = op == IR_PARITY ? IRT_I1 : ir_type(b, a);
    return ir_emit(b, op, t, 0, 0, 1, &a);
}

IrRef ir_cast(IrBlock *b, IrOp op, IrType t, IrRef a) {
    if (ir_type(b, a) == t) return a;
    return ir_emit(b, op, t, 0, 0, 1, &a);
}

IrRef ir_icmp(IrBlock *b, IrPred p, IrRef a, IrRef c) {
    IrRef args[2] = {a, c};
    return ir_emit(b, IR_ICMP, IRT_I1, (uint8_t)p, 0, 2, args);
}

IrRef ir_select(IrBlock *b, IrRef cond, IrRef x, IrRef y) {
    IrRef args[3] = {cond, x, y};
    return ir_emit(b, IR_SELECT, ir_type(b, x), 0, 0, 3, args);
}

IrRef ir_call(IrBlock *b, unsigned helper, unsigned nargs, const IrRef *args) {
    XR_ASSERT(helper < H__COUNT);
    return ir_emit(b, IR_CALL, (IrType)ir_helpers[helper].ret, 0, helper, nargs, args);
}

void ir_insn(IrBlock *b, uint32_t eip, unsigned len) {
    ir_emit(b, IR_INSN, IRT_VOID, (uint8_t)len, eip, 0, NULL);
}

void ir_exit_if(IrBlock *b, IrExitKind k, IrRef cond, IrRef target, uint32_t info) {
    IrRef args[2] = {cond, target};
    ir_emit(b, IR_EXIT_IF, IRT_VOID, (uint8_t)k, info, 2, args);
}

void ir_exit(IrBlock *b, IrExitKind k, IrRef target, uint32_t info) {
    ir_emit(b, IR_EXIT, IRT_VOID, (uint8_t)k, info, 1, &target);
}
