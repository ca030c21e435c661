/* Lifting machinery shared by every family: registers, operands, effective
 * addresses, the guest stack, and block exits (frontend/lift.h). */
#include "frontend/lift.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "frontend/lift_priv.h"
#include "runtime/cpu.h"
#include "runtime/log.h"

/* ------------------------------------------------------------------------ */
/* Register table                                                           */
/* ------------------------------------------------------------------------ */

enum { RK_NONE, RK_GPR, RK_SEG };

typedef struct RegInfo {
    uint8_t kind;  /* RK_* */
    uint8_t idx;   /* R_* or SEG_* */
    uint8_t size;  /* bytes */
    uint8_t shift; /* 8 for AH CH DH BH */
} RegInfo;

#define GPR(r, i, sz, sh) [X86_REG_##r] = {RK_GPR, (i), (sz), (sh)}
#define SEG(r, i) [X86_REG_##r] = {RK_SEG, (i), 2, 0}
static const RegInfo reg_info[X86_REG_ENDING] = {
    GPR(EAX, R_EAX, 4, 0), GPR(ECX, R_ECX, 4, 0), GPR(EDX, R_EDX, 4, 0), GPR(EBX, R_EBX, 4, 0),
    GPR(ESP, R_ESP, 4, 0), GPR(EBP, R_EBP, 4, 0), GPR(ESI, R_ESI, 4, 0), GPR(EDI, R_EDI, 4, 0),
    GPR(AX, R_EAX, 2, 0),  GPR(CX, R_ECX, 2, 0),  GPR(DX, R_EDX, 2, 0),  GPR(BX, R_EBX, 2, 0),
    GPR(SP, R_ESP, 2, 0),  GPR(BP, R_EBP, 2, 0),  GPR(SI, R_ESI, 2, 0),  GPR(DI, R_EDI, 2, 0),
    GPR(AL, R_EAX, 1, 0),  GPR(CL, R_ECX, 1, 0),  GPR(DL, R_EDX, 1, 0),  GPR(BL, R_EBX, 1, 0),
    GPR(AH, R_EAX, 1, 8),  GPR(CH, R_ECX, 1, 8),  GPR(DH, R_EDX, 1, 8),  GPR(BH, R_EBX, 1, 8),
    SEG(ES, SEG_ES),       SEG(CS, SEG_CS),       SEG(SS, SEG_SS),       SEG(DS, SEG_DS),
    SEG(FS, SEG_FS),       SEG(GS, SEG_GS),
};
#undef GPR
#undef SEG

static const RegInfo *reg_lookup(x86_reg r) {
    if ((unsigned)r >= X86_REG_ENDING || reg_info[r].kind == RK_NONE) return NULL;
    return &reg_info[r];
}

int fe_seg_index(x86_reg r) {
    const RegInfo *ri = reg_lookup(r);
    return ri && ri->kind == RK_SEG ? ri->idx : -1;
}

/* ------------------------------------------------------------------------ */
/* Per-instruction state: rollback point, failure flag, address cache       */
/* ------------------------------------------------------------------------ */

/* Translation is serialized by fe.c, so plain statics are enough. */
static struct {
    IrBlock *b;
    uint32_t rollback_n; /* b->n just after the INSN marker */
    uint32_t eip;
    bool failed;
    IrRef ea[8]; /* fe_ea cache per operand index */
    __typeof__(((LiftCtx *)0)->cc) cc;
} cur;

void fe_core_begin_insn(LiftCtx *c) {
    cur.b = c->b;
    cur.rollback_n = c->b->n;
    cur.eip = c->eip;
    cur.failed = false;
    memset(cur.ea, 0, sizeof cur.ea);
    cur.cc = c->cc;
}

bool fe_core_insn_failed(void) {
    return cur.failed;
}

/* An operand lift_core cannot express: remember it and hand back a dummy
 * value so the LiftFn can finish; fe.c replaces the insn with SIGILL. */
static IrRef fail_value(LiftCtx *c, IrType t) {
    cur.failed = true;
    return fe_const(c, t == IRT_VOID ? IRT_I32 : t, 0);
}

/* ------------------------------------------------------------------------ */
/* Registers                                                                */
/* ------------------------------------------------------------------------ */

IrType fe_type_of(unsigned bytes) {
    switch (bytes) {
    case 1:
        return IRT_I8;
    case 2:
        return IRT_I16;
    case 8:
        return IRT_I64;
    default:
        return IRT_I32;
    }
}

IrRef fe_get_reg(LiftCtx *c, x86_reg r) {
    const RegInfo *ri = reg_lookup(r);
    if (!ri) return fail_value(c, IRT_I32);
    if (ri->kind == RK_SEG) return ir_get(c->b, IRT_I16, CPU_OFF(seg) + 2u * ri->idx);
    IrRef full = ir_get(c->b, IRT_I32, CPU_REG_OFF(ri->idx));
    if (ri->size == 4) return full;
    if (ri->shift) full = ir_bin(c->b, IR_LSHR, full, fe_const(c, IRT_I32, ri->shift));
    return ir_cast(c->b, IR_TRUNC, fe_type_of(ri->size), full);
}

void fe_put_reg(LiftCtx *c, x86_reg r, IrRef v) {
    const RegInfo *ri = reg_lookup(r);
    if (!ri) {
        cur.failed = true;
        return;
    }
    if (ri->kind == RK_SEG) {
        IrRef v16 = ir_type(c->b, v) == IRT_I16 ? v : ir_cast(c->b, IR_TRUNC, IRT_I16, v);
        ir_put(c->b, CPU_OFF(seg) + 2u * ri->idx, v16);
        return;
    }
    uint32_t off = CPU_REG_OFF(ri->idx);
    if (ri->size == 4) {
        ir_put(c->b, off, v);
        return;
    }
    /* Merge 8/16-bit writes into the 32-bit register. */
    uint32_t keep = ri->size == 2 ? 0xffff0000u : ~(0xffu << ri->shift);
    IrRef old = ir_get(c->b, IRT_I32, off);
    IrRef part = ir_cast(c->b, IR_ZEXT, IRT_I32, v);
    if (ri->shift) part = ir_bin(c->b, IR_SHL, part, fe_const(c, IRT_I32, ri->shift));
    IrRef merged = ir_bin(c->b, IR_OR, ir_bin(c->b, IR_AND, old, fe_const(c, IRT_I32, keep)), part);
    ir_put(c->b, off, merged);
}

/* ------------------------------------------------------------------------ */
/* Operands                                                                 */
/* ------------------------------------------------------------------------ */

unsigned fe_op_size(LiftCtx *c, int i) {
    if (i < 0 || i >= c->x86->op_count) return 4;
    const cs_x86_op *op = &c->x86->operands[i];
    if (op->type == X86_OP_REG) {
        const RegInfo *ri = reg_lookup(op->reg);
        if (ri) return ri->size;
    }
    return op->size ? op->size : 4;
}

unsigned fe_stack_size(LiftCtx *c) {
    return c->x86->prefix[2] == X86_PREFIX_OPSIZE ? 2u : 4u;
}

IrRef fe_seg_base(LiftCtx *c, x86_reg seg) {
    if (seg == X86_REG_FS) return ir_get(c->b, IRT_I32, CPU_SEGBASE_OFF(SEG_FS));
    if (seg == X86_REG_GS) return ir_get(c->b, IRT_I32, CPU_SEGBASE_OFF(SEG_GS));
    return IR_NONE;
}

/* A base/index register as an i32 address component (16-bit address size
 * uses BX, SI, ...; zero-extended). */
static IrRef addr_reg(LiftCtx *c, x86_reg r, int32_t esp_adj) {
    const RegInfo *ri = reg_lookup(r);
    if (!ri || ri->kind != RK_GPR) return fail_value(c, IRT_I32);
    IrRef v = ir_cast(c->b, IR_ZEXT, IRT_I32, fe_get_reg(c, r));
    if (ri->idx == R_ESP && esp_adj)
        v = ir_bin(c->b, IR_ADD, v, fe_const(c, IRT_I32, (uint32_t)esp_adj));
    return v;
}

IrRef fe_ea_ex(LiftCtx *c, int i, bool with_seg, int32_t esp_adj) {
    if (i < 0 || i >= c->x86->op_count || c->x86->operands[i].type != X86_OP_MEM)
        return fail_value(c, IRT_I32);
    const x86_op_mem *m = &c->x86->operands[i].mem;
    IrRef a = IR_NONE;
    if (m->base != X86_REG_INVALID) a = addr_reg(c, m->base, esp_adj);
    if (m->index != X86_REG_INVALID && m->index != X86_REG_EIZ) {
        IrRef x = addr_reg(c, m->index, esp_adj);
        unsigned sh = m->scale == 8 ? 3 : m->scale == 4 ? 2 : m->scale == 2 ? 1 : 0;
        if (sh) x = ir_bin(c->b, IR_SHL, x, fe_const(c, IRT_I32, sh));
        a = a ? ir_bin(c->b, IR_ADD, a, x) : x;
    }
    uint32_t disp = (uint32_t)m->disp;
    if (!a)
        a = fe_const(c, IRT_I32, disp);
    else if (disp)
        a = ir_bin(c->b, IR_ADD, a, fe_const(c, IRT_I32, disp));
    if (c->x86->addr_size == 2) a = ir_bin(c->b, IR_AND, a, fe_const(c, IRT_I32, 0xffff));
    if (with_seg) {
        /* Capstone may leave the segment unset; the prefix still counts. */
        x86_reg seg = m->segment;
        if (seg == X86_REG_INVALID && c->x86->prefix[1] == X86_PREFIX_FS)
            seg = X86_REG_FS;
        else if (seg == X86_REG_INVALID && c->x86->prefix[1] == X86_PREFIX_GS)
            seg = X86_REG_GS;
        IrRef base = fe_seg_base(c, seg);
        if (base) a = ir_bin(c->b, IR_ADD, a, base);
    }
    return a;
}

IrRef fe_ea(LiftCtx *c, int i) {
    /* Cached per instruction, so read-modify-write operands compute the
     * address once (and from the state before the instruction). */
    if (i >= 0 && i < 8 && cur.b == c->b && cur.eip == c->eip && cur.ea[i] && cur.ea[i] < c->b->n)
        return cur.ea[i];
    IrRef a = fe_ea_ex(c, i, true, 0);
    if (i >= 0 && i < 8 && cur.b == c->b && cur.eip == c->eip) cur.ea[i] = a;
    return a;
}

IrRef fe_read_op(LiftCtx *c, int i) {
    if (i < 0 || i >= c->x86->op_count) return fail_value(c, IRT_I32);
    const cs_x86_op *op = &c->x86->operands[i];
    unsigned size = fe_op_size(c, i);
    IrType t = fe_type_of(size);
    switch (op->type) {
    case X86_OP_REG:
        return fe_get_reg(c, op->reg);
    case X86_OP_IMM:
        return fe_const(c, t, (uint64_t)op->imm & ir_type_mask(t));
    case X86_OP_MEM:
        if (size != 1 && size != 2 && size != 4 && size != 8) return fail_value(c, t);
        return ir_load(c->b, t, fe_ea(c, i));
    default:
        return fail_value(c, t);
    }
}

void fe_write_op(LiftCtx *c, int i, IrRef v) {
    if (i < 0 || i >= c->x86->op_count) {
        cur.failed = true;
        return;
    }
    const cs_x86_op *op = &c->x86->operands[i];
    if (op->type == X86_OP_REG)
        fe_put_reg(c, op->reg, v);
    else if (op->type == X86_OP_MEM)
        ir_store(c->b, fe_ea(c, i), v);
    else
        cur.failed = true;
}

/* ------------------------------------------------------------------------ */
/* Stack                                                                    */
/* ------------------------------------------------------------------------ */

void fe_push(LiftCtx *c, IrRef v) {
    unsigned bytes = ir_type_bits(ir_type(c->b, v)) / 8u;
    IrRef esp = ir_get(c->b, IRT_I32, CPU_REG_OFF(R_ESP));
    IrRef nesp = ir_bin(c->b, IR_SUB, esp, fe_const(c, IRT_I32, bytes));
    /* Store first: a faulting push leaves ESP unchanged. */
    ir_store(c->b, nesp, v);
    ir_put(c->b, CPU_REG_OFF(R_ESP), nesp);
}

IrRef fe_pop(LiftCtx *c, IrType t) {
    IrRef esp = ir_get(c->b, IRT_I32, CPU_REG_OFF(R_ESP));
    IrRef v = ir_load(c->b, t, esp);
    ir_put(c->b, CPU_REG_OFF(R_ESP),
           ir_bin(c->b, IR_ADD, esp, fe_const(c, IRT_I32, ir_type_bits(t) / 8u)));
    return v;
}

/* ------------------------------------------------------------------------ */
/* Exits                                                                    */
/* ------------------------------------------------------------------------ */

/* si_code Linux reports with each synchronous signal raised by an insn. */
static uint32_t signal_info(int sig) {
    unsigned code;
    switch (sig) {
    case SIGILL:
        code = 2;
        break; /* ILL_ILLOPN */
    case SIGFPE:
        code = 1;
        break; /* FPE_INTDIV */
    default:
        code = 0x80;
        break; /* SI_KERNEL: #GP, int3, int n, #NP */
    }
    return ((uint32_t)sig & 0xffu) | (code << 8);
}

void fe_exit_jump(LiftCtx *c, IrRef target) {
    ir_exit(c->b, IR_EXIT_JUMP, target, 0);
    c->ended = true;
}

void fe_exit_signal_at(LiftCtx *c, int sig, uint32_t eip, IrRef cond) {
    IrRef target = fe_const(c, IRT_I32, eip);
    if (cond) {
        ir_exit_if(c->b, IR_EXIT_SIGNAL, cond, target, signal_info(sig));
        return;
    }
    /* si_addr: the insn for SIGILL/SIGFPE, 0 for the SI_KERNEL ones. */
    uint32_t addr = (sig == SIGILL || sig == SIGFPE) ? c->eip : 0;
    ir_put(c->b, CPU_OFF(fault_addr), fe_const(c, IRT_I32, addr));
    ir_exit(c->b, IR_EXIT_SIGNAL, target, signal_info(sig));
    c->ended = true;
}

void fe_exit_signal(LiftCtx *c, int sig, bool after_insn) {
    fe_exit_signal_at(c, sig, after_insn ? c->next_eip : c->eip, IR_NONE);
}

void fe_exit_signal_if(LiftCtx *c, IrRef cond, int sig) {
    fe_exit_signal_at(c, sig, c->eip, cond);
}

/* ------------------------------------------------------------------------ */
/* Unsupported instructions                                                 */
/* ------------------------------------------------------------------------ */

/* Addresses already reported (open addressing; full table stops logging). */
#define LOGGED_CAP 4096u
static uint32_t logged[LOGGED_CAP];
static bool logged_zero;

static bool log_first_time(uint32_t eip) {
    if (eip == 0) {
        bool first = !logged_zero;
        logged_zero = true;
        return first;
    }
    uint32_t h = (eip * 2654435761u) & (LOGGED_CAP - 1u);
    for (unsigned n = 0; n < LOGGED_CAP; n++, h = (h + 1u) & (LOGGED_CAP - 1u)) {
        if (logged[h] == eip) return false;
        if (logged[h] == 0) {
            logged[h] = eip;
            return true;
        }
    }
    return false;
}

void fe_log_unsupported(uint32_t eip, const uint8_t *bytes, size_t n, const char *text) {
    if (!log_first_time(eip)) return;
    char hex[3 * 16 + 1] = "";
    size_t len = 0;
    for (size_t i = 0; i < n && i < 16; i++)
        len += (size_t)snprintf(hex + len, sizeof hex - len, "%s%02x", i ? " " : "", bytes[i]);
    rt_error("unsupported instruction at 0x%08x: %s %s", eip, hex, text);
}

void fe_unsupported(LiftCtx *c) {
    /* Drop whatever the LiftFn emitted for this insn: the guest state must
     * be the one before the instruction when SIGILL is delivered. */
    if (cur.b == c->b && cur.eip == c->eip && cur.rollback_n <= c->b->n) {
        c->b->n = cur.rollback_n;
        c->cc = cur.cc;
        memset(cur.ea, 0, sizeof cur.ea);
    }
    char text[192];
    fe_insn_text(c, text, sizeof text);
    fe_log_unsupported(c->eip, c->insn->bytes, c->insn->size, text);
    fe_exit_signal(c, SIGILL, false);
}
