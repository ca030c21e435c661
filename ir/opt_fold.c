/* Constant folding and algebraic simplification.
 *
 * The block is rebuilt in one forward pass: map[] takes each old ref to its
 * replacement in the new array (an existing value, a constant or the
 * rewritten instruction itself), and every argument is rewritten through
 * it. Rebuilding lets a rule introduce a fresh constant before its use
 * (e.g. (x + 3) + 4 -> x + 7); constants are shared by (type, value).
 * Folding uses ir/ir_eval.h, the same semantics as the interpreter.
 * An EXIT_IF whose condition folds to 0 disappears; to 1 it becomes the
 * block's EXIT and the unreachable rest is dropped.
 */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

#include "ir/ir_eval.h"
#include "runtime/log.h"

typedef struct Fold {
    IrInst *out;      /* the new array: on the stack (`small`) until it outgrows it */
    IrInst *small;
    uint32_t nout, cap;
    IrRef *ctab; /* hash of constants in out: (type, value) -> ref */
    uint32_t cmask, nconst;
} Fold;

/* Append to the new array. Rules hold copies, never pointers, across calls. */
static IrRef f_emit(Fold *F, const IrInst *in) {
    if (F->nout >= F->cap) {
        IrInst *no;
        if (F->out == F->small) {
            no = malloc(2 * F->cap * sizeof *no);
            if (no) memcpy(no, F->out, F->nout * sizeof *no);
        } else {
            no = realloc(F->out, 2 * F->cap * sizeof *no);
        }
        if (!no) abort();
        F->out = no;
        F->cap *= 2;
    }
    XR_ASSERT(F->nout <= 0xffffu);
    F->out[F->nout] = *in;
    return (IrRef)F->nout++;
}

static uint32_t c_hash(IrType t, uint64_t v) {
    uint64_t h = (v ^ ((uint64_t)t << 59)) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32);
}

/* The constant (t, v & mask) in the new block, created on first use. */
static IrRef f_const(Fold *F, IrType t, uint64_t v) {
    v &= ir_type_mask(t);
    if (F->nconst >= F->cmask / 2) { /* table too full: stop sharing */
        IrInst c = {.op = IR_CONST, .type = (uint8_t)t, .imm = v};
        return f_emit(F, &c);
    }
    for (uint32_t h = c_hash(t, v) & F->cmask;; h = (h + 1) & F->cmask) {
        IrRef r = F->ctab[h];
        if (!r) {
            IrInst c = {.op = IR_CONST, .type = (uint8_t)t, .imm = v};
            r = f_emit(F, &c);
            F->ctab[h] = r;
            F->nconst++;
            return r;
        }
        if (F->out[r].type == t && F->out[r].imm == v) return r;
    }
}

static bool is_c(const Fold *F, IrRef r) {
    return F->out[r].op == IR_CONST;
}
static uint64_t cv(const Fold *F, IrRef r) {
    return F->out[r].imm;
}
static IrType ty(const Fold *F, IrRef r) {
    return (IrType)F->out[r].type;
}

static IrPred swap_pred(IrPred p) {
    switch (p) {
    case IRP_ULT:
        return IRP_UGT;
    case IRP_ULE:
        return IRP_UGE;
    case IRP_UGT:
        return IRP_ULT;
    case IRP_UGE:
        return IRP_ULE;
    case IRP_SLT:
        return IRP_SGT;
    case IRP_SLE:
        return IRP_SGE;
    case IRP_SGT:
        return IRP_SLT;
    case IRP_SGE:
        return IRP_SLE;
    default:
        return p;
    }
}

static void set_bin(IrInst *in, IrOp op, IrRef a, IrRef b) {
    in->op = (uint8_t)op;
    in->nargs = 2;
    in->arg[0] = a;
    in->arg[1] = b;
}

static void set_un(IrInst *in, IrOp op, IrRef a) {
    in->op = (uint8_t)op;
    in->nargs = 1;
    in->arg[0] = a;
}

/* ==== rules ============================================================= */

/* Binary ALU op. Returns an existing ref, or 0 to emit the (rewritten) *in. */
static IrRef fold_bin(Fold *F, IrInst *in) {
    IrType t = (IrType)in->type;
    uint64_t m = ir_type_mask(t);
    unsigned bits = ir_type_bits(t);
again:;
    IrOp op = (IrOp)in->op;
    IrRef a = in->arg[0], b = in->arg[1];
    if (is_c(F, a) && is_c(F, b)) return f_const(F, t, ir_eval_bin(op, t, cv(F, a), cv(F, b)));
    if ((ir_op_info[op].flags & IRF_COMMUT) && is_c(F, a)) {
        in->arg[0] = b, in->arg[1] = a;
        goto again;
    }
    if (a == b) {
        switch (op) {
        case IR_AND:
        case IR_OR:
            return a;
        case IR_XOR:
        case IR_SUB:
            return f_const(F, t, 0);
        default:
            break;
        }
    }
    if (is_c(F, a) && cv(F, a) == 0) {
        switch (op) {
        case IR_SUB:
            set_un(in, IR_NEG, b);
            return 0;
        case IR_UDIV:
        case IR_SDIV:
        case IR_UREM:
        case IR_SREM:
        case IR_SHL:
        case IR_LSHR:
        case IR_ASHR:
        case IR_ROTL:
        case IR_ROTR:
            return f_const(F, t, 0);
        default:
            break;
        }
    }
    if (!is_c(F, b)) return 0;

    uint64_t c = cv(F, b);
    const IrInst d = F->out[a], *da = &d;
    bool nested = da->op == op && da->nargs == 2 && is_c(F, da->arg[1]);
    switch (op) {
    case IR_SUB:
        if (c == 0) return a;
        set_bin(in, IR_ADD, a, f_const(F, t, 0 - c));
        goto again;
    case IR_ADD:
        if (c == 0) return a;
        if (nested) {
            set_bin(in, IR_ADD, da->arg[0], f_const(F, t, cv(F, da->arg[1]) + c));
            goto again;
        }
        return 0;
    case IR_MUL:
        if (c == 0) return b;
        if (c == 1) return a;
        if (nested) {
            set_bin(in, IR_MUL, da->arg[0], f_const(F, t, cv(F, da->arg[1]) * c));
            goto again;
        }
        return 0;
    case IR_AND:
        if (c == 0) return b;
        if (c == m) return a;
        if (nested) {
            set_bin(in, IR_AND, da->arg[0], f_const(F, t, cv(F, da->arg[1]) & c));
            goto again;
        }
        return 0;
    case IR_OR:
        if (c == 0) return a;
        if (c == m) return b;
        if (nested) {
            set_bin(in, IR_OR, da->arg[0], f_const(F, t, cv(F, da->arg[1]) | c));
            goto again;
        }
        return 0;
    case IR_XOR:
        if (c == 0) return a;
        if (nested) {
            set_bin(in, IR_XOR, da->arg[0], f_const(F, t, cv(F, da->arg[1]) ^ c));
            goto again;
        }
        return 0;
    case IR_UDIV:
        return c == 1 ? a : 0;
    case IR_SDIV:
        return c == 1 && bits > 1 ? a : 0; /* an i1 1 is -1: x / -1 overflows */
    case IR_UREM:
    case IR_SREM:
        return c == 1 ? f_const(F, t, 0) : 0;
    case IR_SHL:
    case IR_LSHR:
    case IR_ASHR:
    case IR_ROTL:
    case IR_ROTR:
        return (c & (bits - 1u)) == 0 ? a : 0;
    default:
        return 0;
    }
}

/* NOT NEG CLZ CTZ POPCNT BSWAP PARITY. */
static IrRef fold_un(Fold *F, IrInst *in) {
    IrRef a = in->arg[0];
    IrOp op = (IrOp)in->op;
    if (is_c(F, a)) return f_const(F, (IrType)in->type, ir_eval_un(op, ty(F, a), cv(F, a)));
    const IrInst d = F->out[a], *da = &d;
    if ((op == IR_NOT || op == IR_NEG || op == IR_BSWAP) && da->op == op) return da->arg[0];
    return 0;
}

/* ZEXT SEXT TRUNC. */
static IrRef fold_cast(Fold *F, IrInst *in) {
    IrType t = (IrType)in->type;
again:;
    IrOp op = (IrOp)in->op;
    IrRef a = in->arg[0];
    if (is_c(F, a)) return f_const(F, t, ir_eval_cast(op, t, ty(F, a), cv(F, a)));
    const IrInst d = F->out[a], *da = &d;
    IrOp dop = (IrOp)da->op;
    if (op == IR_TRUNC && (dop == IR_ZEXT || dop == IR_SEXT || dop == IR_TRUNC)) {
        IrRef x = da->arg[0];
        IrType tx = ty(F, x);
        if (tx == t) return x;
        if (ir_type_bits(t) < ir_type_bits(tx))
            set_un(in, IR_TRUNC, x);
        else
            set_un(in, dop, x); /* dop is an extension here */
        goto again;
    }
    if ((op == IR_ZEXT && dop == IR_ZEXT) || (op == IR_SEXT && dop == IR_SEXT)) {
        set_un(in, op, da->arg[0]);
        goto again;
    }
    if (op == IR_SEXT && dop == IR_ZEXT) { /* the sign bit of a zero extension is 0 */
        set_un(in, IR_ZEXT, da->arg[0]);
        goto again;
    }
    return 0;
}

/* `y xor 1` for an i1 y. */
static void set_not1(Fold *F, IrInst *in, IrRef y) {
    in->type = IRT_I1;
    set_bin(in, IR_XOR, y, f_const(F, IRT_I1, 1));
}

static IrRef fold_icmp(Fold *F, IrInst *in) {
    IrRef a = in->arg[0], b = in->arg[1];
    IrPred p = (IrPred)in->aux;
    IrType t = ty(F, a);
    uint64_t m = ir_type_mask(t);
    if (is_c(F, a) && is_c(F, b)) return f_const(F, IRT_I1, ir_eval_icmp(p, t, cv(F, a), cv(F, b)));
    if (a == b) {
        bool r = p == IRP_EQ || p == IRP_ULE || p == IRP_UGE || p == IRP_SLE || p == IRP_SGE;
        return f_const(F, IRT_I1, r);
    }
    if (is_c(F, a)) {
        in->arg[0] = b, in->arg[1] = a;
        in->aux = (uint8_t)swap_pred(p);
        return fold_icmp(F, in);
    }
    if (!is_c(F, b)) return 0;
    uint64_t c = cv(F, b);
    if ((p == IRP_ULT && c == 0) || (p == IRP_UGT && c == m)) return f_const(F, IRT_I1, 0);
    if ((p == IRP_UGE && c == 0) || (p == IRP_ULE && c == m)) return f_const(F, IRT_I1, 1);
    if (p != IRP_EQ && p != IRP_NE) return 0;
    /* Boolean tests: x is an i1, or the zero extension of one. */
    IrRef y = IR_NONE;
    if (t == IRT_I1)
        y = a;
    else if (F->out[a].op == IR_ZEXT && ty(F, F->out[a].arg[0]) == IRT_I1)
        y = F->out[a].arg[0];
    if (!y) return 0;
    if (c > 1) return f_const(F, IRT_I1, p == IRP_NE);
    if ((p == IRP_NE) == (c == 0)) return y; /* y != 0, y == 1 */
    set_not1(F, in, y);                      /* y == 0, y != 1 */
    return 0;
}

static IrRef fold_select(Fold *F, IrInst *in) {
    IrRef c = in->arg[0], x = in->arg[1], y = in->arg[2];
    if (is_c(F, c)) return cv(F, c) ? x : y;
    if (x == y) return x;
    if (in->type == IRT_I1 && is_c(F, x) && is_c(F, y)) {
        if (cv(F, x) == 1 && cv(F, y) == 0) return c;
        set_not1(F, in, c); /* select c, 0, 1 */
        return 0;
    }
    return 0;
}

/* ==== driver ============================================================ */

/* Blocks of up to FOLD_SMALL_N instructions (nearly all) fold in scratch
 * arrays on the stack: translation allocates nothing here. */
#define FOLD_SMALL_N 254u
#define FOLD_SMALL_OUT (2 * FOLD_SMALL_N + 4)
#define FOLD_SMALL_CTAB 2048u /* >= 8 * FOLD_SMALL_N + 16, a power of two */

void ir_opt_fold(IrBlock *b) {
    Fold F = {0};
    if (b->n > 0x3000u) return; /* refs of the rebuilt block must stay 16-bit */
    IrInst small_out[FOLD_SMALL_OUT];
    IrRef small_ctab[FOLD_SMALL_CTAB], small_map[FOLD_SMALL_N];
    bool small = b->n <= FOLD_SMALL_N;
    F.cap = 2 * b->n + 4;
    uint32_t csize = 16;
    while (csize < 8 * b->n + 16)
        csize *= 2; /* at most ~3n constants: load < 1/2 */
    F.cmask = csize - 1;
    F.small = small_out;
    IrRef *map;
    if (small) {
        F.out = small_out;
        F.ctab = small_ctab;
        map = small_map;
    } else {
        F.out = malloc(F.cap * sizeof *F.out);
        F.ctab = malloc(csize * sizeof *F.ctab);
        map = malloc(b->n * sizeof *map);
        if (!F.out || !F.ctab || !map) {
            free(F.out), free(F.ctab), free(map);
            return;
        }
    }
    memset(F.ctab, 0, csize * sizeof *F.ctab);
    memset(map, 0, b->n * sizeof *map);
    memset(&F.out[0], 0, sizeof F.out[0]);
    F.nout = 1;

    for (uint32_t i = 1; i < b->n; i++) {
        IrInst in = b->insts[i];
        if (in.op == IR_NOP) continue;
        for (unsigned k = 0; k < in.nargs; k++)
            in.arg[k] = map[in.arg[k]];
        IrRef r = IR_NONE;
        switch ((IrOp)in.op) {
        case IR_CONST:
            r = f_const(&F, (IrType)in.type, in.imm);
            break;
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
            r = fold_bin(&F, &in);
            break;
        case IR_NOT:
        case IR_NEG:
        case IR_CLZ:
        case IR_CTZ:
        case IR_POPCNT:
        case IR_BSWAP:
        case IR_PARITY:
            r = fold_un(&F, &in);
            break;
        case IR_ZEXT:
        case IR_SEXT:
        case IR_TRUNC:
            r = fold_cast(&F, &in);
            break;
        case IR_ICMP:
            r = fold_icmp(&F, &in);
            break;
        case IR_SELECT:
            r = fold_select(&F, &in);
            break;
        case IR_EXIT_IF:
            if (is_c(&F, in.arg[0])) {
                if (!cv(&F, in.arg[0])) continue; /* never taken */
                /* always taken: it is the block's exit, the rest is unreachable */
                in.op = IR_EXIT;
                set_un(&in, IR_EXIT, in.arg[1]);
                f_emit(&F, &in);
                goto done;
            }
            break;
        default:
            break;
        }
        map[i] = r ? r : f_emit(&F, &in);
    }
done:
    /* The result replaces b's array: copied into it when it fits, else the
     * new array (moved to the heap if it is still the stack's) takes over. */
    if (F.nout <= b->cap) {
        memcpy(b->insts, F.out, F.nout * sizeof *F.out);
        if (F.out != small_out) free(F.out);
    } else {
        if (F.out == small_out) {
            IrInst *heap = malloc(F.nout * sizeof *heap);
            if (!heap) abort();
            memcpy(heap, F.out, F.nout * sizeof *heap);
            F.out = heap;
            F.cap = F.nout;
        }
        free(b->insts);
        b->insts = F.out;
        b->cap = F.cap;
    }
    b->n = F.nout;
    if (!small) {
        free(F.ctab);
        free(map);
    }
}
