/* Lifting of the string instructions movs/stos/lods/cmps/scas (b/w/d).
 *
 * A single instruction is lifted inline: access [seg:ESI] and/or ES:[EDI]
 * (ES base is 0 on Linux), then step the index registers by +size or
 * -size according to DF (CPUState.eflags). With a rep/repe/repne prefix the
 * whole loop runs in a helper of h_alu.c on CPUState; repe/repne cmps/scas
 * helpers leave the lazy flags of the last comparison in CPUState, so the
 * lift-time flag knowledge is spilled around the call.
 *
 * The element size comes from the opcode and the 0x66 prefix rather than
 * from Capstone's id (its "movsd" is also the SSE2 instruction). 16-bit
 * addressing (0x67: SI/DI/CX) is not supported and raises SIGILL.
 */
#include "frontend/h_alu.h"
#include "frontend/lift.h"
#include "frontend/lift_alu_util.h"

enum { STR_MOVS, STR_STOS, STR_LODS, STR_CMPS, STR_SCAS };

/* Element size in bytes: even opcodes (a4 a6 aa ac ae) are byte forms. */
static unsigned str_size(LiftCtx *c)
{
    if (!(c->x86->opcode[0] & 1))
        return 1;
    return c->x86->prefix[2] == 0x66 ? 2 : 4;
}

/* Segment base added to ESI: an FS/GS override, else 0 (flat segments). */
static IrRef str_src_base(LiftCtx *c)
{
    uint8_t p = c->x86->prefix[1];
    if (p == 0x64)
        return ir_get(c->b, IRT_I32, CPU_SEGBASE_OFF(SEG_FS));
    if (p == 0x65)
        return ir_get(c->b, IRT_I32, CPU_SEGBASE_OFF(SEG_GS));
    return fe_const(c, IRT_I32, 0);
}

/* +size or -size by DF. */
static IrRef str_delta(LiftCtx *c, unsigned sz)
{
    IrBlock *b = c->b;
    IrRef df = ir_bin(b, IR_AND, ir_get(b, IRT_I32, CPU_OFF(eflags)), fe_const(c, IRT_I32, EF_DF));
    IrRef down = ir_icmp(b, IRP_NE, df, fe_const(c, IRT_I32, 0));
    return ir_select(b, down, fe_const(c, IRT_I32, (uint32_t)-sz), fe_const(c, IRT_I32, sz));
}

static void str_step(LiftCtx *c, x86_reg r, IrRef delta)
{
    fe_put_reg(c, r, ir_bin(c->b, IR_ADD, fe_get_reg(c, r), delta));
}

/* One iteration, inline. */
static void lift_str_once(LiftCtx *c, int kind, unsigned sz)
{
    IrBlock *b = c->b;
    IrType t = fe_type_of(sz);
    IrRef delta = str_delta(c, sz);
    IrRef esi = IR_NONE;
    IrRef edi = fe_get_reg(c, X86_REG_EDI);
    if (kind == STR_MOVS || kind == STR_LODS || kind == STR_CMPS)
        esi = ir_bin(b, IR_ADD, fe_get_reg(c, X86_REG_ESI), str_src_base(c));
    switch (kind) {
    case STR_MOVS:
        ir_store(b, edi, ir_load(b, t, esi));
        break;
    case STR_STOS:
        ir_store(b, edi, fe_get_reg(c, fa_acc(sz)));
        break;
    case STR_LODS:
        fe_put_reg(c, fa_acc(sz), ir_load(b, t, esi));
        break;
    default: { /* CMPS: [esi] - es:[edi]; SCAS: acc - es:[edi] */
        IrRef x = kind == STR_CMPS ? ir_load(b, t, esi) : fe_get_reg(c, fa_acc(sz));
        IrRef y = ir_load(b, t, edi);
        fe_set_flags(c, CCK_SUB, sz, ir_bin(b, IR_SUB, x, y), x, y, IR_NONE);
        break;
    }
    }
    if (kind == STR_MOVS || kind == STR_LODS || kind == STR_CMPS)
        str_step(c, X86_REG_ESI, delta);
    if (kind != STR_LODS)
        str_step(c, X86_REG_EDI, delta);
}

/* The rep loop, in a helper. */
static void lift_str_rep(LiftCtx *c, int kind, unsigned sz, bool repne)
{
    IrRef args[3];
    args[0] = fe_const(c, IRT_I32, sz);
    fe_flags_spill(c);
    switch (kind) {
    case STR_MOVS:
        args[1] = str_src_base(c);
        ir_call(c->b, H_REP_MOVS, 2, args);
        break;
    case STR_STOS:
        ir_call(c->b, H_REP_STOS, 1, args);
        break;
    case STR_LODS:
        args[1] = str_src_base(c);
        ir_call(c->b, H_REP_LODS, 2, args);
        break;
    case STR_CMPS:
        args[1] = str_src_base(c);
        args[2] = fe_const(c, IRT_I32, !repne);
        ir_call(c->b, H_REP_CMPS, 3, args);
        break;
    default:
        args[1] = fe_const(c, IRT_I32, !repne);
        ir_call(c->b, H_REP_SCAS, 2, args);
        break;
    }
    fe_flags_spill(c);
}

static void lift_string(LiftCtx *c, int kind)
{
    const cs_x86 *x = c->x86;
    uint8_t op = x->opcode[0];
    if (op < 0xa4 || op > 0xaf || x->prefix[3] == 0x67) { /* e.g. SSE2 movsd, 16-bit addressing */
        fe_unsupported(c);
        return;
    }
    unsigned sz = str_size(c);
    if (x->prefix[0] == X86_PREFIX_REP || x->prefix[0] == X86_PREFIX_REPNE)
        lift_str_rep(c, kind, sz, x->prefix[0] == X86_PREFIX_REPNE);
    else
        lift_str_once(c, kind, sz);
}

static void lift_movs(LiftCtx *c) { lift_string(c, STR_MOVS); }
static void lift_stos(LiftCtx *c) { lift_string(c, STR_STOS); }
static void lift_lods(LiftCtx *c) { lift_string(c, STR_LODS); }
static void lift_cmps(LiftCtx *c) { lift_string(c, STR_CMPS); }
static void lift_scas(LiftCtx *c) { lift_string(c, STR_SCAS); }

const FeLiftEntry fe_lift_string[] = {
    {X86_INS_MOVSB, lift_movs}, {X86_INS_MOVSW, lift_movs}, {X86_INS_MOVSD, lift_movs},
    {X86_INS_STOSB, lift_stos}, {X86_INS_STOSW, lift_stos}, {X86_INS_STOSD, lift_stos},
    {X86_INS_LODSB, lift_lods}, {X86_INS_LODSW, lift_lods}, {X86_INS_LODSD, lift_lods},
    {X86_INS_CMPSB, lift_cmps}, {X86_INS_CMPSW, lift_cmps}, {X86_INS_CMPSD, lift_cmps},
    {X86_INS_SCASB, lift_scas}, {X86_INS_SCASW, lift_scas}, {X86_INS_SCASD, lift_scas},
    {0, NULL},
};
