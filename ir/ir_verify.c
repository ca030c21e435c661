/* The IR checker: the typing rules written in ir/ops.def, plus SSA order,
 * block termination and CPUState bounds. */
#include "ir/ir.h"

#include <stdarg.h>
#include <stdbool.h>

#include "ir/helper.h"
#include "ir/ir_eval.h"
#include "runtime/cpu.h"

typedef struct Ctx {
    const IrBlock *b;
    char *err;
    size_t errlen;
} Ctx;

/* Record the first error, naming instruction r; always returns -1. */
__attribute__((format(printf, 3, 4))) static int fail(Ctx *c, IrRef r, const char *fmt, ...) {
    if (c->err && c->errlen) {
        const IrInst *in = r < c->b->n ? &c->b->insts[r] : NULL;
        const char *name = in && in->op < IR__COUNT ? ir_op_info[in->op].name : "?";
        int n = snprintf(c->err, c->errlen, "t%u (%s): ", r, name);
        if (n >= 0 && (size_t)n < c->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

static bool is_int(unsigned t) {
    return t >= IRT_I1 && t <= IRT_I64;
}

static const char *tn(unsigned t) {
    return t < IRT__COUNT ? ir_type_name[t] : "?";
}

/* Type of argument i of instruction r (args were checked to be earlier values). */
static IrType at(const IrBlock *b, IrRef r, unsigned i) {
    return ir_type(b, b->insts[r].arg[i]);
}

/* Check GET/PUT bounds: [off, off + bytes of t) inside CPUState. */
static int check_state(Ctx *c, IrRef r, uint64_t off, IrType t) {
    if (!is_int(t)) return fail(c, r, "state access of non-integer type %s", tn(t));
    if (off + ir_type_bytes(t) > sizeof(CPUState))
        return fail(c, r, "CPUState access [+%llu, %u bytes) out of bounds",
                    (unsigned long long)off, ir_type_bytes(t));
    return 0;
}

/* The per-op typing rules of ops.def for instruction r (args already valid refs). */
static int check_types(Ctx *c, IrRef r) {
    const IrBlock *b = c->b;
    const IrInst *in = &b->insts[r];
    IrType t = (IrType)in->type;

    switch ((IrOp)in->op) {
    case IR_NOP:
        return 0;
    case IR_CONST:
        if (!is_int(t)) return fail(c, r, "constant of non-integer type %s", tn(t));
        if (in->imm & ~ir_type_mask(t))
            return fail(c, r, "constant not zero-extended to %s", tn(t));
        return 0;
    case IR_INSN:
        if (t != IRT_VOID) return fail(c, r, "INSN has a result type");
        if (in->imm > 0xffffffffu) return fail(c, r, "INSN eip beyond 32 bits");
        return 0;
    case IR_GET:
        return check_state(c, r, in->imm, t);
    case IR_PUT:
        if (t != IRT_VOID) return fail(c, r, "PUT has a result type");
        return check_state(c, r, in->imm, at(b, r, 0));
    case IR_LOAD:
        if (!is_int(t)) return fail(c, r, "load of non-integer type %s", tn(t));
        if (at(b, r, 0) != IRT_I32) return fail(c, r, "address is %s, not i32", tn(at(b, r, 0)));
        return 0;
    case IR_STORE:
        if (t != IRT_VOID) return fail(c, r, "STORE has a result type");
        if (at(b, r, 0) != IRT_I32) return fail(c, r, "address is %s, not i32", tn(at(b, r, 0)));
        if (!is_int(at(b, r, 1))) return fail(c, r, "stored value of type %s", tn(at(b, r, 1)));
        return 0;
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
        if (!is_int(t)) return fail(c, r, "result type %s is not an integer", tn(t));
        if (at(b, r, 0) != t || at(b, r, 1) != t)
            return fail(c, r, "operands %s, %s do not match result %s", tn(at(b, r, 0)),
                        tn(at(b, r, 1)), tn(t));
        return 0;
    case IR_NOT:
    case IR_NEG:
    case IR_CLZ:
    case IR_CTZ:
    case IR_POPCNT:
        if (!is_int(t) || at(b, r, 0) != t)
            return fail(c, r, "operand %s and result %s must be one integer type", tn(at(b, r, 0)),
                        tn(t));
        return 0;
    case IR_BSWAP:
        if ((t != IRT_I32 && t != IRT_I64) || at(b, r, 0) != t)
            return fail(c, r, "bswap on %s -> %s (i32 or i64 only)", tn(at(b, r, 0)), tn(t));
        return 0;
    case IR_PARITY:
        if (t != IRT_I1 || !is_int(at(b, r, 0)))
            return fail(c, r, "parity %s -> %s (integer -> i1)", tn(at(b, r, 0)), tn(t));
        return 0;
    case IR_ZEXT:
    case IR_SEXT:
        if (!is_int(t) || !is_int(at(b, r, 0)) || ir_type_bits(t) <= ir_type_bits(at(b, r, 0)))
            return fail(c, r, "extension %s -> %s is not widening", tn(at(b, r, 0)), tn(t));
        return 0;
    case IR_TRUNC:
        if (!is_int(t) || !is_int(at(b, r, 0)) || ir_type_bits(t) >= ir_type_bits(at(b, r, 0)))
            return fail(c, r, "trunc %s -> %s is not narrowing", tn(at(b, r, 0)), tn(t));
        return 0;
    case IR_ICMP:
        if (t != IRT_I1) return fail(c, r, "icmp result %s, not i1", tn(t));
        if (in->aux >= IRP__COUNT) return fail(c, r, "bad predicate %u", in->aux);
        if (!is_int(at(b, r, 0)) || at(b, r, 0) != at(b, r, 1))
            return fail(c, r, "operands %s, %s differ", tn(at(b, r, 0)), tn(at(b, r, 1)));
        return 0;
    case IR_SELECT:
        if (at(b, r, 0) != IRT_I1) return fail(c, r, "condition is %s, not i1", tn(at(b, r, 0)));
        if (!is_int(t) || at(b, r, 1) != t || at(b, r, 2) != t)
            return fail(c, r, "arms %s, %s do not match result %s", tn(at(b, r, 1)),
                        tn(at(b, r, 2)), tn(t));
        return 0;
    case IR_CALL: {
        if (in->imm >= H__COUNT)
            return fail(c, r, "unknown helper %llu", (unsigned long long)in->imm);
        const IrHelper *h = &ir_helpers[in->imm];
        if (t != h->ret)
            return fail(c, r, "result %s, helper %s returns %s", tn(t), h->name, tn(h->ret));
        if (in->nargs != h->nargs)
            return fail(c, r, "%u args, helper %s takes %u", in->nargs, h->name, h->nargs);
        for (unsigned i = 0; i < in->nargs; i++)
            if (at(b, r, i) != h->args[i])
                return fail(c, r, "arg %u is %s, helper %s wants %s", i, tn(at(b, r, i)), h->name,
                            tn(h->args[i]));
        return 0;
    }
    case IR_EXIT_IF:
        if (at(b, r, 0) != IRT_I1) return fail(c, r, "condition is %s, not i1", tn(at(b, r, 0)));
        if (at(b, r, 1) != IRT_I32) return fail(c, r, "target is %s, not i32", tn(at(b, r, 1)));
        goto exit_common;
    case IR_EXIT:
        if (at(b, r, 0) != IRT_I32) return fail(c, r, "target is %s, not i32", tn(at(b, r, 0)));
    exit_common:
        if (t != IRT_VOID) return fail(c, r, "exit has a result type");
        if (in->aux >= IR_EXIT__COUNT) return fail(c, r, "bad exit kind %u", in->aux);
        if (in->imm > 0xffffffffu) return fail(c, r, "exit info beyond 32 bits");
        return 0;
    default:
        return fail(c, r, "unknown opcode %u", in->op);
    }
}

int ir_verify(const IrBlock *b, char *err, size_t errlen) {
    Ctx c = {b, err, errlen};
    if (err && errlen) err[0] = 0;
    if (!b->insts || b->n < 2) return fail(&c, 0, "empty block");
    if (b->n > b->cap) return fail(&c, 0, "n %u beyond cap %u", b->n, b->cap);
    if (b->n > 0x10000u) return fail(&c, 0, "block of %u instructions too large", b->n);

    for (uint32_t i = 1; i < b->n; i++) {
        IrRef r = (IrRef)i;
        const IrInst *in = &b->insts[i];
        if (in->op >= IR__COUNT) return fail(&c, r, "unknown opcode %u", in->op);
        if (in->type >= IRT__COUNT) return fail(&c, r, "unknown type %u", in->type);
        const IrOpInfo *oi = &ir_op_info[in->op];
        if (oi->nargs >= 0 ? in->nargs != oi->nargs : in->nargs > IR_MAX_ARGS)
            return fail(&c, r, "%u args, expected %d", in->nargs, oi->nargs);
        for (unsigned k = 0; k < in->nargs; k++) {
            IrRef a = in->arg[k];
            if (a == IR_NONE || a >= r)
                return fail(&c, r, "arg %u (t%u) is not an earlier value", k, a);
            const IrInst *ai = &b->insts[a];
            if (ai->op == IR_NOP || ai->type == IRT_VOID)
                return fail(&c, r, "arg %u (t%u) has no value", k, a);
        }
        if ((in->op == IR_EXIT) != (i == b->n - 1))
            return fail(&c, r,
                        in->op == IR_EXIT ? "EXIT before the end of the block"
                                          : "block does not end with EXIT");
        if (check_types(&c, r) < 0) return -1;
    }
    return 0;
}
