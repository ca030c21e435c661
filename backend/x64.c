/* Baseline compiler (experimental: the runtime uses it only with XRUN_BASE_AT):
 * one IrBlock to x86-64 in one pass, for the warm code that LLVM is too
 * dear for (docs/tierup.md, "Where the time goes now").
 *
 * The function has the BeBlockFn ABI of the LLVM blocks (uint32_t fn(CPUState
 * *env)), returns the same exit words and numbers its chain slots the same way
 * (be_exit_slot), so the dispatcher, chaining, the jump cache and the safe
 * points treat both alike: a patched slot is entered by a tail jump with env
 * in rdi, from either kind of code to either kind.
 *
 * Frame: rbx = env, r12 = guest_base; IR value i lives in the 8-byte slot
 * [rsp + 8 i], always zero-extended to 64 bits (the interpreter's invariant,
 * ir/ir_eval.h). Each instruction loads its operands into rax/rcx/rdx,
 * computes, and stores its result; nothing lives in a register across a
 * helper call except rbx and r12. Division and the rare bit counts go through
 * ir_eval (a call), so the edge cases are the interpreter's by construction.
 *
 * Precise blocks store eip at the same INSN markers as the LLVM lowering;
 * since the code runs every IR operation in program order, every earlier PUT
 * is done when an access faults. */
#include "backend/be.h"

#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ir/helper.h"
#include "ir/ir_eval.h"
#include "runtime/mem.h"

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

typedef struct X64 {
    uint8_t *p, *end;
    bool over;
} X64;

static void byte(X64 *x, uint8_t v) {
    if (x->p < x->end)
        *x->p++ = v;
    else
        x->over = true;
}
static void u32(X64 *x, uint32_t v) {
    for (int i = 0; i < 4; i++) byte(x, (uint8_t)(v >> (8 * i)));
}
static void u64(X64 *x, uint64_t v) {
    u32(x, (uint32_t)v);
    u32(x, (uint32_t)(v >> 32));
}

/* REX prefix for reg (ModRM.reg) and base (ModRM.rm); w: 64-bit operand;
 * force: emit even when empty (byte registers sil/dil). */
static void rex(X64 *x, bool w, int reg, int base, bool force) {
    uint8_t r = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((base & 8) ? 1 : 0));
    if (r != 0x40 || force) byte(x, r);
}

/* ModRM + SIB + disp32 for [base + disp] (base != rsp/r12 needs no SIB). */
static void mem(X64 *x, int reg, int base, int32_t disp) {
    byte(x, (uint8_t)(0x80 | ((reg & 7) << 3) | (base & 7)));
    if ((base & 7) == RSP) byte(x, 0x24);
    u32(x, (uint32_t)disp);
}

/* op reg, [base+disp] (or the reverse, by opcode) with opcode bytes. */
static void op_mem(X64 *x, bool w, const uint8_t *opc, int n, int reg, int base, int32_t disp,
                   bool force) {
    if (n > 0 && opc[0] == 0x66) { /* operand-size prefix goes before REX */
        byte(x, 0x66);
        opc++;
        n--;
    }
    rex(x, w, reg, base, force);
    for (int i = 0; i < n; i++) byte(x, opc[i]);
    mem(x, reg, base, disp);
}

static void op_rr(X64 *x, bool w, uint8_t opc, int reg, int rm) {
    rex(x, w, reg, rm, false);
    byte(x, opc);
    byte(x, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

static int32_t slot(IrRef r) { return (int32_t)(8u * r); }

static void ld_slot(X64 *x, int reg, IrRef r) {
    op_mem(x, true, (const uint8_t[]){0x8b}, 1, reg, RSP, slot(r), false);
}
static void st_slot(X64 *x, int reg, IrRef r) {
    op_mem(x, true, (const uint8_t[]){0x89}, 1, reg, RSP, slot(r), false);
}

static void mov_imm(X64 *x, int reg, uint64_t v) {
    if (v <= 0xffffffffu) { /* mov r32, imm32 zero-extends */
        rex(x, false, 0, reg, false);
        byte(x, (uint8_t)(0xb8 + (reg & 7)));
        u32(x, (uint32_t)v);
    } else {
        rex(x, true, 0, reg, false);
        byte(x, (uint8_t)(0xb8 + (reg & 7)));
        u64(x, v);
    }
}

/* Zero-extend reg from type t to 64 bits (drop the bits above t). */
static void zx(X64 *x, int reg, IrType t) {
    switch (t) {
    case IRT_I1: /* and r32, 1 */
        rex(x, false, 0, reg, false);
        byte(x, 0x83);
        byte(x, (uint8_t)(0xe0 | (reg & 7)));
        byte(x, 1);
        break;
    case IRT_I8: /* movzx r32, r8 */
        rex(x, false, reg, reg, reg >= RSP);
        byte(x, 0x0f);
        byte(x, 0xb6);
        byte(x, (uint8_t)(0xc0 | ((reg & 7) << 3) | (reg & 7)));
        break;
    case IRT_I16:
        rex(x, false, reg, reg, false);
        byte(x, 0x0f);
        byte(x, 0xb7);
        byte(x, (uint8_t)(0xc0 | ((reg & 7) << 3) | (reg & 7)));
        break;
    case IRT_I32: /* mov r32, r32 */
        op_rr(x, false, 0x89, reg, reg);
        break;
    default:
        break;
    }
}

/* Sign-extend reg from type t to 64 bits. */
static void sx(X64 *x, int reg, IrType t) {
    switch (t) {
    case IRT_I1: /* neg r64: 0/1 -> 0/-1 */
        rex(x, true, 0, reg, false);
        byte(x, 0xf7);
        byte(x, (uint8_t)(0xd8 | (reg & 7)));
        break;
    case IRT_I8:
    case IRT_I16:
        rex(x, true, reg, reg, false);
        byte(x, 0x0f);
        byte(x, t == IRT_I8 ? 0xbe : 0xbf);
        byte(x, (uint8_t)(0xc0 | ((reg & 7) << 3) | (reg & 7)));
        break;
    case IRT_I32: /* movsxd r64, r32 */
        op_rr(x, true, 0x63, reg, reg);
        break;
    default:
        break;
    }
}

/* Typed load of width t from [base+disp] into reg, zero-extended. */
static void ld_typed(X64 *x, int reg, int base, int32_t disp, IrType t) {
    switch (t) {
    case IRT_I1:
    case IRT_I8:
        op_mem(x, false, (const uint8_t[]){0x0f, 0xb6}, 2, reg, base, disp, false);
        if (t == IRT_I1) zx(x, reg, IRT_I1);
        break;
    case IRT_I16:
        op_mem(x, false, (const uint8_t[]){0x0f, 0xb7}, 2, reg, base, disp, false);
        break;
    case IRT_I32:
        op_mem(x, false, (const uint8_t[]){0x8b}, 1, reg, base, disp, false);
        break;
    default:
        op_mem(x, true, (const uint8_t[]){0x8b}, 1, reg, base, disp, false);
        break;
    }
}

/* Typed store of reg's low t bits to [base+disp]. */
static void st_typed(X64 *x, int reg, int base, int32_t disp, IrType t) {
    switch (t) {
    case IRT_I1:
    case IRT_I8:
        op_mem(x, false, (const uint8_t[]){0x88}, 1, reg, base, disp, reg >= RSP);
        break;
    case IRT_I16:
        op_mem(x, false, (const uint8_t[]){0x66, 0x89}, 2, reg, base, disp, false);
        break;
    case IRT_I32:
        op_mem(x, false, (const uint8_t[]){0x89}, 1, reg, base, disp, false);
        break;
    default:
        op_mem(x, true, (const uint8_t[]){0x89}, 1, reg, base, disp, false);
        break;
    }
}

/* mov dword [base+disp], imm32 */
static void st_imm32(X64 *x, int base, int32_t disp, uint32_t v) {
    op_mem(x, false, (const uint8_t[]){0xc7}, 1, 0, base, disp, false);
    u32(x, v);
}

/* Calls through rax to an absolute address; rsp is 16-aligned in the body. */
static void call_abs(X64 *x, const void *fn) {
    mov_imm(x, RAX, (uint64_t)(uintptr_t)fn);
    byte(x, 0xff);
    byte(x, 0xd0); /* call rax */
}

/* ---- frame ---------------------------------------------------------------- */

typedef struct Emit {
    X64 x;
    const IrBlock *b;
    BeBlockFn *chain;
    uint32_t frame; /* bytes below the three pushes */
} Emit;

static void epilogue(Emit *E) {
    X64 *x = &E->x;
    /* add rsp, frame */
    rex(x, true, 0, RSP, false);
    byte(x, 0x81);
    byte(x, 0xc4);
    u32(x, E->frame);
    byte(x, 0x41);
    byte(x, 0x5d); /* pop r13 */
    byte(x, 0x41);
    byte(x, 0x5c); /* pop r12 */
    byte(x, 0x5b); /* pop rbx */
}

static void ret_word(Emit *E, uint32_t word) {
    mov_imm(&E->x, RAX, word);
    epilogue(E);
    byte(&E->x, 0xc3);
}

/* Tail jump to the code in rax with env in rdi. */
static void tail_rax(Emit *E) {
    op_rr(&E->x, true, 0x89, RBX, RDI); /* mov rdi, rbx */
    epilogue(E);
    byte(&E->x, 0xff);
    byte(&E->x, 0xe0); /* jmp rax */
}

/* jcc rel32 with a placeholder; returns the displacement's address. */
static uint8_t *jcc(X64 *x, uint8_t cc) {
    byte(x, 0x0f);
    byte(x, (uint8_t)(0x80 | cc));
    uint8_t *at = x->p;
    u32(x, 0);
    return at;
}
static void patch(X64 *x, uint8_t *at) {
    if (x->over || !at) return;
    int32_t d = (int32_t)(x->p - (at + 4));
    memcpy(at, &d, 4);
}
enum { CC_E = 4, CC_NE = 5 };

/* cmp dword [rbx+sig_pending], 0 */
static void test_pending(X64 *x) {
    op_mem(x, false, (const uint8_t[]){0x83}, 1, 7, RBX, (int32_t)CPU_OFF(sig_pending), false);
    byte(x, 0);
}

/* ---- exits ---------------------------------------------------------------- */

static void exit_body(Emit *E, IrRef self, const IrInst *in, IrRef tref) {
    X64 *x = &E->x;
    const IrInst *t = &E->b->insts[tref];
    bool cst = t->op == IR_CONST;
    if (cst)
        st_imm32(x, RBX, (int32_t)CPU_OFF(eip), (uint32_t)t->imm);
    else {
        ld_slot(x, RAX, tref);
        st_typed(x, RAX, RBX, (int32_t)CPU_OFF(eip), IRT_I32);
    }
    st_imm32(x, RBX, (int32_t)CPU_OFF(exit_info), (uint32_t)in->imm);
    int slotk = be_exit_slot(E->b, self);
    uint32_t word = BE_EXIT_WORD(in->aux, slotk);
    if (in->aux == IR_EXIT_JUMP && !cst) {
        /* jump cache probe: rax = target */
        op_rr(x, false, 0x89, RAX, RCX);               /* mov ecx, eax */
        byte(x, 0xc1), byte(x, 0xe9), byte(x, BE_JC_BITS); /* shr ecx, bits */
        op_rr(x, false, 0x31, RAX, RCX);               /* xor ecx, eax */
        byte(x, 0x81), byte(x, 0xe1), u32(x, BE_JC_SIZE - 1); /* and ecx, mask */
        mov_imm(x, RDX, (uint64_t)(uintptr_t)be_jump_cache);
        /* mov rdx, [rdx + rcx*8] */
        byte(x, 0x48), byte(x, 0x8b), byte(x, 0x14), byte(x, 0xca);
        byte(x, 0x48), byte(x, 0x85), byte(x, 0xd2); /* test rdx, rdx */
        uint8_t *miss1 = jcc(x, CC_E);
        /* cmp eax, [rdx + eip] */
        op_mem(x, false, (const uint8_t[]){0x3b}, 1, RAX, RDX,
               (int32_t)offsetof(BeJumpTarget, eip), false);
        uint8_t *miss2 = jcc(x, CC_NE);
        test_pending(x);
        uint8_t *miss3 = jcc(x, CC_NE);
        op_mem(x, true, (const uint8_t[]){0x8b}, 1, RAX, RDX, (int32_t)offsetof(BeJumpTarget, fn),
               false);
        tail_rax(E);
        patch(x, miss1), patch(x, miss2), patch(x, miss3);
        ret_word(E, word);
        return;
    }
    if (slotk < 0 || !E->chain) {
        ret_word(E, word);
        return;
    }
    uint8_t *pend = NULL;
    if ((uint32_t)t->imm <= E->b->guest_addr) { /* backward edge: a safe point */
        test_pending(x);
        pend = jcc(x, CC_NE);
    }
    mov_imm(x, RAX, (uint64_t)(uintptr_t)&E->chain[slotk]);
    op_mem(x, true, (const uint8_t[]){0x8b}, 1, RAX, RAX, 0, false); /* mov rax, [rax] */
    byte(x, 0x48), byte(x, 0x85), byte(x, 0xc0);                     /* test rax, rax */
    uint8_t *none = jcc(x, CC_E);
    tail_rax(E);
    patch(x, none);
    mov_imm(x, RCX, (uint64_t)(uintptr_t)E->chain);
    op_mem(x, true, (const uint8_t[]){0x89}, 1, RCX, RBX, (int32_t)CPU_OFF(last_chain), false);
    patch(x, pend);
    ret_word(E, word);
}

/* ---- instructions ----------------------------------------------------------- */

static uint64_t thunk_bin(uint64_t optype, uint64_t a, uint64_t b) {
    return ir_eval_bin((IrOp)(optype & 0xff), (IrType)(optype >> 8), a, b);
}
static uint64_t thunk_un(uint64_t optype, uint64_t a) {
    return ir_eval_un((IrOp)(optype & 0xff), (IrType)(optype >> 8), a);
}

static bool is_int(IrType t) { return t >= IRT_I1 && t <= IRT_I64; }

/* Binary op rax = rax OP rcx at 64 bits, for ops that need no extension. */
static const uint8_t alu_rr[IR__COUNT] = {
    [IR_ADD] = 0x01, [IR_SUB] = 0x29, [IR_AND] = 0x21, [IR_OR] = 0x09, [IR_XOR] = 0x31,
};

static const uint8_t setcc[IRP__COUNT] = {
    [IRP_EQ] = 0x94,  [IRP_NE] = 0x95,  [IRP_ULT] = 0x92, [IRP_ULE] = 0x96, [IRP_UGT] = 0x97,
    [IRP_UGE] = 0x93, [IRP_SLT] = 0x9c, [IRP_SLE] = 0x9e, [IRP_SGT] = 0x9f, [IRP_SGE] = 0x9d,
};

static bool emit_inst(Emit *E, IrRef self, const IrInst *in) {
    X64 *x = &E->x;
    const IrBlock *b = E->b;
    IrType t = (IrType)in->type;
    IrType t0 = in->nargs ? (IrType)b->insts[in->arg[0]].type : IRT_VOID;
    switch ((IrOp)in->op) {
    case IR_NOP:
        return true;
    case IR_INSN:
        if (b->precise && ir_insn_needs_eip(b, self))
            st_imm32(x, RBX, (int32_t)CPU_OFF(eip), (uint32_t)in->imm);
        return true;
    case IR_CONST:
        if (!is_int(t)) return false;
        mov_imm(x, RAX, in->imm & ir_type_mask(t));
        break;
    case IR_GET:
        if (!is_int(t)) return false;
        ld_typed(x, RAX, RBX, (int32_t)in->imm, t);
        break;
    case IR_PUT:
        if (!is_int(t0)) return false;
        ld_slot(x, RAX, in->arg[0]);
        st_typed(x, RAX, RBX, (int32_t)in->imm, t0);
        return true;
    case IR_LOAD:
    case IR_STORE: {
        IrType vt = in->op == IR_LOAD ? t : (IrType)b->insts[in->arg[1]].type;
        if (!is_int(vt)) return false;
        /* mov eax, [slot] (zero-extends); rax += r12 */
        op_mem(x, false, (const uint8_t[]){0x8b}, 1, RAX, RSP, slot(in->arg[0]), false);
        op_rr(x, true, 0x01, R12, RAX);
        if (in->op == IR_LOAD) {
            ld_typed(x, RAX, RAX, 0, vt);
            break;
        }
        ld_slot(x, RCX, in->arg[1]);
        st_typed(x, RCX, RAX, 0, vt);
        return true;
    }
    case IR_ADD:
    case IR_SUB:
    case IR_AND:
    case IR_OR:
    case IR_XOR:
        ld_slot(x, RAX, in->arg[0]);
        ld_slot(x, RCX, in->arg[1]);
        op_rr(x, true, alu_rr[in->op], RCX, RAX);
        zx(x, RAX, t);
        break;
    case IR_MUL:
        ld_slot(x, RAX, in->arg[0]);
        ld_slot(x, RCX, in->arg[1]);
        rex(x, true, RAX, RCX, false), byte(x, 0x0f), byte(x, 0xaf), byte(x, 0xc1); /* imul rax, rcx */
        zx(x, RAX, t);
        break;
    case IR_SHL:
    case IR_LSHR:
    case IR_ASHR:
    case IR_ROTL:
    case IR_ROTR: {
        unsigned bits = ir_type_bits(t);
        ld_slot(x, RAX, in->arg[0]);
        if (bits == 1) break; /* shifts by 0 only; rotations are identity */
        ld_slot(x, RCX, in->arg[1]);
        bool rot = in->op == IR_ROTL || in->op == IR_ROTR;
        if (!rot) { /* and ecx, bits-1 */
            byte(x, 0x83), byte(x, 0xe1), byte(x, (uint8_t)(bits - 1));
        }
        if (in->op == IR_ASHR) sx(x, RAX, t);
        uint8_t ext = in->op == IR_SHL ? 4 : in->op == IR_LSHR ? 5 : in->op == IR_ASHR ? 7
                    : in->op == IR_ROTL ? 0 : 1;
        if (rot && bits < 64) { /* rotate at the type's width: rol/ror al/ax/eax, cl */
            if (bits == 16) byte(x, 0x66);
            byte(x, bits == 8 ? 0xd2 : 0xd3);
        } else {
            byte(x, 0x48), byte(x, 0xd3);
        }
        byte(x, (uint8_t)(0xc0 | (ext << 3)));
        zx(x, RAX, t);
        break;
    }
    case IR_UDIV:
    case IR_SDIV:
    case IR_UREM:
    case IR_SREM:
        mov_imm(x, RDI, (uint64_t)in->op | (uint64_t)t << 8);
        ld_slot(x, RSI, in->arg[0]);
        ld_slot(x, RDX, in->arg[1]);
        call_abs(x, (const void *)thunk_bin);
        break;
    case IR_NOT:
    case IR_NEG:
        ld_slot(x, RAX, in->arg[0]);
        byte(x, 0x48), byte(x, 0xf7), byte(x, in->op == IR_NOT ? 0xd0 : 0xd8);
        zx(x, RAX, t);
        break;
    case IR_PARITY:
        ld_slot(x, RAX, in->arg[0]);
        byte(x, 0x84), byte(x, 0xc0);             /* test al, al */
        byte(x, 0x0f), byte(x, 0x9a), byte(x, 0xc0); /* setp al */
        zx(x, RAX, IRT_I8);
        break;
    case IR_BSWAP:
        if (t != IRT_I32 && t != IRT_I64) return false;
        ld_slot(x, RAX, in->arg[0]);
        if (t == IRT_I64) byte(x, 0x48);
        byte(x, 0x0f), byte(x, 0xc8); /* bswap eax/rax */
        break;
    case IR_CLZ:
    case IR_CTZ:
    case IR_POPCNT:
        mov_imm(x, RDI, (uint64_t)in->op | (uint64_t)t << 8);
        ld_slot(x, RSI, in->arg[0]);
        call_abs(x, (const void *)thunk_un);
        break;
    case IR_ZEXT:
        ld_slot(x, RAX, in->arg[0]);
        break;
    case IR_TRUNC:
        ld_slot(x, RAX, in->arg[0]);
        zx(x, RAX, t);
        break;
    case IR_SEXT:
        ld_slot(x, RAX, in->arg[0]);
        sx(x, RAX, t0);
        zx(x, RAX, t);
        break;
    case IR_ICMP: {
        if (in->aux >= IRP__COUNT || !is_int(t0)) return false;
        ld_slot(x, RAX, in->arg[0]);
        ld_slot(x, RCX, in->arg[1]);
        if (in->aux >= IRP_SLT) {
            sx(x, RAX, t0);
            sx(x, RCX, t0);
        }
        op_rr(x, true, 0x39, RCX, RAX); /* cmp rax, rcx */
        byte(x, 0x0f), byte(x, setcc[in->aux]), byte(x, 0xc0);
        zx(x, RAX, IRT_I8);
        break;
    }
    case IR_SELECT:
        ld_slot(x, RDX, in->arg[0]);
        ld_slot(x, RAX, in->arg[1]);
        ld_slot(x, RCX, in->arg[2]);
        byte(x, 0x85), byte(x, 0xd2); /* test edx, edx */
        rex(x, true, RAX, RCX, false), byte(x, 0x0f), byte(x, 0x44), byte(x, 0xc1); /* cmovz rax, rcx */
        break;
    case IR_CALL: {
        if (in->imm >= H__COUNT) return false;
        const IrHelper *h = &ir_helpers[in->imm];
        static const int argreg[IR_MAX_ARGS] = {RSI, RDX, RCX, R8};
        for (unsigned i = 0; i < h->nargs && i < IR_MAX_ARGS; i++) ld_slot(x, argreg[i], in->arg[i]);
        op_rr(x, true, 0x89, RBX, RDI); /* mov rdi, rbx */
        call_abs(x, h->fn);
        if (t == IRT_VOID) return true;
        zx(x, RAX, t);
        break;
    }
    case IR_EXIT_IF: {
        ld_slot(x, RAX, in->arg[0]);
        byte(x, 0x85), byte(x, 0xc0); /* test eax, eax */
        uint8_t *skip = jcc(x, CC_E);
        exit_body(E, self, in, in->arg[1]);
        patch(x, skip);
        return true;
    }
    case IR_EXIT:
        exit_body(E, self, in, in->arg[0]);
        return true;
    default:
        return false;
    }
    if (t != IRT_VOID) st_slot(x, RAX, self);
    return true;
}

/* ---- code memory (for now a bump arena, never freed) ------------------------- */

static uint8_t *arena, *arena_end;
static pthread_mutex_t arena_lock = PTHREAD_MUTEX_INITIALIZER; /* guest threads compile */

static uint8_t *code_alloc(size_t n) {
    n = (n + 15) & ~(size_t)15;
    pthread_mutex_lock(&arena_lock);
    if (!arena || (size_t)(arena_end - arena) < n) {
        size_t sz = n > (1u << 20) ? n : (1u << 20);
        void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        if (p == MAP_FAILED) {
            pthread_mutex_unlock(&arena_lock);
            return NULL;
        }
        arena = p;
        arena_end = arena + sz;
    }
    uint8_t *r = arena;
    arena += n;
    pthread_mutex_unlock(&arena_lock);
    return r;
}

BeBlockFn be_x64_compile(const IrBlock *b, BeBlockFn *chain) {
    if (b->n < 2 || b->n > 8192 || b->insts[b->n - 1].op != IR_EXIT) return NULL;
    size_t cap = 64 + (size_t)b->n * 96;
    uint8_t *buf = malloc(cap);
    if (!buf) return NULL;
    Emit E = {.x = {buf, buf + cap, false}, .b = b, .chain = chain};
    E.frame = (8u * b->n + 15u) & ~15u;
    X64 *x = &E.x;
    byte(x, 0x53);                 /* push rbx */
    byte(x, 0x41), byte(x, 0x54); /* push r12 */
    byte(x, 0x41), byte(x, 0x55); /* push r13 */
    rex(x, true, 0, RSP, false), byte(x, 0x81), byte(x, 0xec), u32(x, E.frame); /* sub rsp */
    op_rr(x, true, 0x89, RDI, RBX);                                             /* mov rbx, rdi */
    mov_imm(x, R12, (uint64_t)(uintptr_t)guest_base);
    for (IrRef i = 1; i < b->n; i++)
        if (!emit_inst(&E, i, &b->insts[i])) {
            free(buf);
            return NULL;
        }
    if (x->over) {
        free(buf);
        return NULL;
    }
    size_t len = (size_t)(x->p - buf);
    uint8_t *code = code_alloc(len);
    if (!code) {
        free(buf);
        return NULL;
    }
    /* Jumps are relative and calls absolute: the code moves as it is. */
    memcpy(code, buf, len);
    free(buf);
    return (BeBlockFn)(void *)code;
}
