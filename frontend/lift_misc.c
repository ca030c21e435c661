/* Data movement and odds and ends: mov family, push/pop, lea, xchg, flag
 * instructions, sign extensions, nops, enter/leave, cpuid, rdtsc, xlat. */
#include "frontend/lift.h"

#include <signal.h>

#include "frontend/h_atomic.h"
#include "frontend/lift_priv.h"
#include "runtime/cpu.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* v converted to type t (zero-extend or truncate). */
static IrRef fit(LiftCtx *c, IrRef v, IrType t) {
    IrType vt = ir_type(c->b, v);
    if (vt == t) return v;
    return ir_cast(c->b, ir_type_bits(vt) < ir_type_bits(t) ? IR_ZEXT : IR_TRUNC, t, v);
}

static const cs_x86_op *op(LiftCtx *c, int i) {
    return &c->x86->operands[i];
}

static int op_seg(LiftCtx *c, int i) {
    return i < c->x86->op_count && op(c, i)->type == X86_OP_REG ? fe_seg_index(op(c, i)->reg) : -1;
}

/* Load segment register seg with selector sel (i32) through h_load_seg;
 * a bad selector raises the signal Linux gives, before any state change. */
static void load_seg(LiftCtx *c, int seg, IrRef sel) {
    if (seg == SEG_CS) {
        fe_exit_signal(c, SIGILL, false); /* mov cs / pop cs: #UD */
        return;
    }
    IrRef args[2] = {fe_const(c, IRT_I32, (uint32_t)seg), fit(c, sel, IRT_I32)};
    IrRef r = ir_call(c->b, H_LOAD_SEG, 2, args);
    fe_exit_signal_if(c, ir_icmp(c->b, IRP_EQ, r, fe_const(c, IRT_I32, SIGSEGV)), SIGSEGV);
    fe_exit_signal_if(c, ir_icmp(c->b, IRP_EQ, r, fe_const(c, IRT_I32, SIGBUS)), SIGBUS);
}

static IrRef get32(LiftCtx *c, int r) {
    return ir_get(c->b, IRT_I32, CPU_REG_OFF(r));
}
static void put32(LiftCtx *c, int r, IrRef v) {
    ir_put(c->b, CPU_REG_OFF(r), v);
}
static IrRef add32(LiftCtx *c, IrRef a, int32_t k) {
    return k ? ir_bin(c->b, IR_ADD, a, fe_const(c, IRT_I32, (uint32_t)k)) : a;
}

/* ------------------------------------------------------------------------ */
/* mov family                                                               */
/* ------------------------------------------------------------------------ */

static void lift_mov(LiftCtx *c) {
    int dseg = op_seg(c, 0);
    IrRef v = fe_read_op(c, 1);
    if (dseg >= 0) {
        load_seg(c, dseg, v);
        return;
    }
    /* mov r32, sreg zero-extends; mov m16, sreg stores 16 bits. */
    fe_write_op(c, 0, fit(c, v, fe_type_of(fe_op_size(c, 0))));
}

static void lift_movzx(LiftCtx *c) {
    IrRef v = fe_read_op(c, 1);
    fe_write_op(c, 0, ir_cast(c->b, IR_ZEXT, fe_type_of(fe_op_size(c, 0)), v));
}

static void lift_movsx(LiftCtx *c) {
    IrRef v = fe_read_op(c, 1);
    fe_write_op(c, 0, ir_cast(c->b, IR_SEXT, fe_type_of(fe_op_size(c, 0)), v));
}

/* lea: the offset only (no segment base). */
static void lift_lea(LiftCtx *c) {
    IrRef a = fe_ea_ex(c, 1, false, 0);
    fe_write_op(c, 0, fit(c, a, fe_type_of(fe_op_size(c, 0))));
}

/* xchg with memory is atomic with or without a lock prefix: one host
 * exchange (frontend/h_atomic.h), the old memory value to the register. */
static void lift_xchg(LiftCtx *c) {
    const cs_x86_op *o0 = op(c, 0), *o1 = op(c, 1);
    if (o0->type == X86_OP_REG && o1->type == X86_OP_REG && o0->reg == o1->reg)
        return; /* xchg eax, eax */
    if (o0->type == X86_OP_MEM || o1->type == X86_OP_MEM) {
        int m = o0->type == X86_OP_MEM ? 0 : 1;
        IrType t = fe_type_of(fe_op_size(c, m));
        IrRef args[3] = {fe_const(c, IRT_I32, AT_OPSIZE(AT_XCHG, fe_op_size(c, m))), fe_ea(c, m),
                         fit(c, fe_read_op(c, 1 - m), IRT_I32)};
        fe_write_op(c, 1 - m, fit(c, ir_call(c->b, H_ATOMIC_RMW, 3, args), t));
        return;
    }
    IrRef v0 = fe_read_op(c, 0), v1 = fe_read_op(c, 1);
    /* The memory side first: a fault leaves the registers untouched. */
    if (o1->type == X86_OP_MEM) {
        fe_write_op(c, 1, v0);
        fe_write_op(c, 0, v1);
    } else {
        fe_write_op(c, 0, v1);
        fe_write_op(c, 1, v0);
    }
}

/* xlat: AL = [seg:EBX + zero-extended AL]. */
static void lift_xlat(LiftCtx *c) {
    IrBlock *b = c->b;
    IrRef al = ir_cast(b, IR_ZEXT, IRT_I32, fe_get_reg(c, X86_REG_AL));
    IrRef a = ir_bin(b, IR_ADD, get32(c, R_EBX), al);
    if (c->x86->addr_size == 2) a = ir_bin(b, IR_AND, a, fe_const(c, IRT_I32, 0xffff));
    uint8_t pfx = c->x86->prefix[1];
    IrRef base = fe_seg_base(c, pfx == X86_PREFIX_FS   ? X86_REG_FS
                                : pfx == X86_PREFIX_GS ? X86_REG_GS
                                                       : X86_REG_INVALID);
    if (base) a = ir_bin(b, IR_ADD, a, base);
    fe_put_reg(c, X86_REG_AL, ir_load(b, IRT_I8, a));
}

/* ------------------------------------------------------------------------ */
/* Stack                                                                    */
/* ------------------------------------------------------------------------ */

static void lift_push(LiftCtx *c) {
    const cs_x86_op *o = op(c, 0);
    IrType st = fe_type_of(fe_stack_size(c));
    IrRef v;
    if (o->type == X86_OP_IMM)
        v = fe_const(c, st, (uint64_t)o->imm & ir_type_mask(st));
    else if (op_seg(c, 0) >= 0)
        v = fit(c, fe_read_op(c, 0), st); /* selector zero-extended */
    else
        v = fe_read_op(c, 0); /* push esp pushes the old value */
    fe_push(c, v);
}

static void lift_pop(LiftCtx *c) {
    IrBlock *b = c->b;
    const cs_x86_op *o = op(c, 0);
    int seg = op_seg(c, 0);
    if (seg >= 0) {
        unsigned n = fe_stack_size(c);
        IrRef esp = get32(c, R_ESP);
        IrRef v = ir_load(b, fe_type_of(n), esp);
        load_seg(c, seg, v);
        if (!c->ended) put32(c, R_ESP, add32(c, esp, (int32_t)n));
        return;
    }
    if (o->type == X86_OP_REG) {
        /* pop esp: the loaded value wins over the increment. */
        IrRef v = fe_pop(c, fe_type_of(fe_op_size(c, 0)));
        fe_put_reg(c, o->reg, v);
        return;
    }
    /* pop m: the address is computed with ESP already incremented; the
     * store happens before ESP changes so a fault leaves ESP intact. */
    unsigned n = fe_op_size(c, 0);
    IrRef esp = get32(c, R_ESP);
    IrRef v = ir_load(b, fe_type_of(n), esp);
    ir_store(b, fe_ea_ex(c, 0, true, (int32_t)n), v);
    put32(c, R_ESP, add32(c, esp, (int32_t)n));
}

static const x86_reg pusha_regs[2][8] = {
    {X86_REG_AX, X86_REG_CX, X86_REG_DX, X86_REG_BX, X86_REG_SP, X86_REG_BP, X86_REG_SI,
     X86_REG_DI},
    {X86_REG_EAX, X86_REG_ECX, X86_REG_EDX, X86_REG_EBX, X86_REG_ESP, X86_REG_EBP, X86_REG_ESI,
     X86_REG_EDI},
};

static void lift_pusha(LiftCtx *c) {
    int w = c->insn->id == X86_INS_PUSHAL;
    int32_t n = w ? 4 : 2;
    IrRef esp = get32(c, R_ESP);
    IrRef vals[8];
    for (int i = 0; i < 8; i++)
        vals[i] = fe_get_reg(c, pusha_regs[w][i]); /* ESP: the value before */
    for (int i = 0; i < 8; i++)
        ir_store(c->b, add32(c, esp, -n * (i + 1)), vals[i]);
    put32(c, R_ESP, add32(c, esp, -8 * n));
}

static void lift_popa(LiftCtx *c) {
    int w = c->insn->id == X86_INS_POPAL;
    int32_t n = w ? 4 : 2;
    IrType t = w ? IRT_I32 : IRT_I16;
    IrRef esp = get32(c, R_ESP);
    IrRef vals[8];
    /* Load everything first (precise on a fault), skipping the saved ESP. */
    for (int i = 0; i < 8; i++)
        vals[i] = i == 4 ? IR_NONE : ir_load(c->b, t, add32(c, esp, n * (7 - i)));
    for (int i = 0; i < 8; i++)
        if (i != 4) fe_put_reg(c, pusha_regs[w][i], vals[i]);
    put32(c, R_ESP, add32(c, esp, 8 * n));
}

static void lift_pushf(LiftCtx *c) {
    IrRef f = fe_get_eflags(c); /* VM and RF are never set here */
    fe_push(c, c->insn->id == X86_INS_PUSHFD ? f : ir_cast(c->b, IR_TRUNC, IRT_I16, f));
}

static void lift_popf(LiftCtx *c) {
    IrBlock *b = c->b;
    if (c->insn->id == X86_INS_POPFD) {
        fe_put_eflags(c, fe_pop(c, IRT_I32));
        return;
    }
    /* popf (16-bit) keeps the upper half (AC, ID). */
    IrRef v = ir_cast(b, IR_ZEXT, IRT_I32, fe_pop(c, IRT_I16));
    IrRef old = ir_bin(b, IR_AND, fe_get_eflags(c), fe_const(c, IRT_I32, 0xffff0000u));
    fe_put_eflags(c, ir_bin(b, IR_OR, old, v));
}

/* enter size, level: push ebp, copy `level - 1` frame pointers, push the
 * new frame pointer, reserve size bytes. Stores precede every PUT. */
static void lift_enter(LiftCtx *c) {
    IrBlock *b = c->b;
    if (fe_stack_size(c) != 4) {
        fe_unsupported(c);
        return;
    }
    uint32_t size = (uint32_t)op(c, 0)->imm & 0xffffu;
    unsigned level = (unsigned)op(c, 1)->imm & 31u;
    IrRef ebp = get32(c, R_EBP);
    IrRef sp = add32(c, get32(c, R_ESP), -4);
    ir_store(b, sp, ebp);
    IrRef frame = sp;
    for (unsigned i = 1; i < level; i++) {
        IrRef v = ir_load(b, IRT_I32, add32(c, ebp, -4 * (int32_t)i));
        sp = add32(c, sp, -4);
        ir_store(b, sp, v);
    }
    if (level > 0) {
        sp = add32(c, sp, -4);
        ir_store(b, sp, frame);
    }
    put32(c, R_EBP, frame);
    put32(c, R_ESP, ir_bin(b, IR_SUB, sp, fe_const(c, IRT_I32, size)));
}

static void lift_leave(LiftCtx *c) {
    IrRef ebp = get32(c, R_EBP);
    if (fe_stack_size(c) == 2) {
        IrRef v = ir_load(c->b, IRT_I16, ebp);
        put32(c, R_ESP, add32(c, ebp, 2));
        fe_put_reg(c, X86_REG_BP, v);
        return;
    }
    IrRef v = ir_load(c->b, IRT_I32, ebp);
    put32(c, R_ESP, add32(c, ebp, 4));
    put32(c, R_EBP, v);
}

/* ------------------------------------------------------------------------ */
/* Flags                                                                    */
/* ------------------------------------------------------------------------ */

static void lift_lahf(LiftCtx *c) {
    IrRef f = fe_get_eflags(c);
    IrRef low =
        ir_bin(c->b, IR_AND, f, fe_const(c, IRT_I32, EF_SF | EF_ZF | EF_AF | EF_PF | EF_CF));
    low = ir_bin(c->b, IR_OR, low, fe_const(c, IRT_I32, EF_BIT1));
    fe_put_reg(c, X86_REG_AH, ir_cast(c->b, IR_TRUNC, IRT_I8, low));
}

static void lift_sahf(LiftCtx *c) {
    IrBlock *b = c->b;
    IrRef of =
        ir_bin(b, IR_SHL, ir_cast(b, IR_ZEXT, IRT_I32, fe_cond(c, XC_O)), fe_const(c, IRT_I32, 11));
    IrRef ah = ir_cast(b, IR_ZEXT, IRT_I32, fe_get_reg(c, X86_REG_AH));
    ah = ir_bin(b, IR_AND, ah, fe_const(c, IRT_I32, EF_SF | EF_ZF | EF_AF | EF_PF | EF_CF));
    fe_set_eflags_arith(c, ir_bin(b, IR_OR, ah, of));
}

/* clc/stc/cmc: rewrite CF in the materialized arithmetic flags. */
static void lift_carry(LiftCtx *c) {
    IrBlock *b = c->b;
    IrRef f = ir_bin(b, IR_AND, fe_get_eflags(c), fe_const(c, IRT_I32, EF_ARITH));
    IrRef cf = fe_const(c, IRT_I32, EF_CF);
    switch (c->insn->id) {
    case X86_INS_CLC:
        f = ir_bin(b, IR_AND, f, fe_const(c, IRT_I32, EF_ARITH & ~EF_CF));
        break;
    case X86_INS_STC:
        f = ir_bin(b, IR_OR, f, cf);
        break;
    default:
        f = ir_bin(b, IR_XOR, f, cf);
        break;
    }
    fe_set_eflags_arith(c, f);
}

static void lift_dir(LiftCtx *c) {
    IrBlock *b = c->b;
    IrRef f = ir_get(b, IRT_I32, CPU_OFF(eflags));
    if (c->insn->id == X86_INS_STD)
        f = ir_bin(b, IR_OR, f, fe_const(c, IRT_I32, EF_DF));
    else
        f = ir_bin(b, IR_AND, f, fe_const(c, IRT_I32, ~EF_DF));
    ir_put(b, CPU_OFF(eflags), f);
}

/* ------------------------------------------------------------------------ */
/* Sign extension                                                           */
/* ------------------------------------------------------------------------ */

static void lift_cbw(LiftCtx *c) {
    fe_put_reg(c, X86_REG_AX, ir_cast(c->b, IR_SEXT, IRT_I16, fe_get_reg(c, X86_REG_AL)));
}

static void lift_cwde(LiftCtx *c) {
    put32(c, R_EAX, ir_cast(c->b, IR_SEXT, IRT_I32, fe_get_reg(c, X86_REG_AX)));
}

static void lift_cwd(LiftCtx *c) {
    IrRef ax = fe_get_reg(c, X86_REG_AX);
    fe_put_reg(c, X86_REG_DX, ir_bin(c->b, IR_ASHR, ax, fe_const(c, IRT_I16, 15)));
}

static void lift_cdq(LiftCtx *c) {
    put32(c, R_EDX, ir_bin(c->b, IR_ASHR, get32(c, R_EAX), fe_const(c, IRT_I32, 31)));
}

/* ------------------------------------------------------------------------ */
/* System                                                                   */
/* ------------------------------------------------------------------------ */

static void lift_nop(LiftCtx *c) {
    (void)c;
}

static void lift_cpuid(LiftCtx *c) {
    ir_call(c->b, H_CPUID, 0, NULL);
}

static void lift_rdtsc(LiftCtx *c) {
    IrBlock *b = c->b;
    IrRef t = ir_call(b, H_RDTSC, 0, NULL);
    put32(c, R_EAX, ir_cast(b, IR_TRUNC, IRT_I32, t));
    put32(c, R_EDX, ir_cast(b, IR_TRUNC, IRT_I32, ir_bin(b, IR_LSHR, t, fe_const(c, IRT_I64, 32))));
}

/* ------------------------------------------------------------------------ */
/* Table                                                                    */
/* ------------------------------------------------------------------------ */

const FeLiftEntry fe_lift_misc[] = {
    {X86_INS_MOV, lift_mov},
    {X86_INS_MOVZX, lift_movzx},
    {X86_INS_MOVSX, lift_movsx},
    {X86_INS_LEA, lift_lea},
    {X86_INS_XCHG, lift_xchg},
    {X86_INS_XLATB, lift_xlat},
    {X86_INS_PUSH, lift_push},
    {X86_INS_POP, lift_pop},
    {X86_INS_PUSHAL, lift_pusha},
    {X86_INS_PUSHAW, lift_pusha},
    {X86_INS_POPAL, lift_popa},
    {X86_INS_POPAW, lift_popa},
    {X86_INS_PUSHF, lift_pushf},
    {X86_INS_PUSHFD, lift_pushf},
    {X86_INS_POPF, lift_popf},
    {X86_INS_POPFD, lift_popf},
    {X86_INS_ENTER, lift_enter},
    {X86_INS_LEAVE, lift_leave},
    {X86_INS_LAHF, lift_lahf},
    {X86_INS_SAHF, lift_sahf},
    {X86_INS_CLC, lift_carry},
    {X86_INS_STC, lift_carry},
    {X86_INS_CMC, lift_carry},
    {X86_INS_CLD, lift_dir},
    {X86_INS_STD, lift_dir},
    {X86_INS_CBW, lift_cbw},
    {X86_INS_CWDE, lift_cwde},
    {X86_INS_CWD, lift_cwd},
    {X86_INS_CDQ, lift_cdq},
    {X86_INS_NOP, lift_nop},
    {X86_INS_PAUSE, lift_nop},
    {X86_INS_ENDBR32, lift_nop},
    {X86_INS_PREFETCH, lift_nop},
    {X86_INS_PREFETCHW, lift_nop},
    {X86_INS_PREFETCHNTA, lift_nop},
    {X86_INS_PREFETCHT0, lift_nop},
    {X86_INS_PREFETCHT1, lift_nop},
    {X86_INS_PREFETCHT2, lift_nop},
    {X86_INS_CPUID, lift_cpuid},
    {X86_INS_RDTSC, lift_rdtsc},
    {0, NULL},
};
