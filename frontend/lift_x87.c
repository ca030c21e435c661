/* Lifting of the x87 FPU instructions.
 *
 * Every x87 instruction becomes one CALL of a helper (frontend/h_x87.def)
 * that does the whole job on CPUState. The x87 encoding is regular, so the
 * lifter decodes the instruction bytes itself rather than Capstone's
 * operand lists (which differ between forms and aliases): the escape
 * opcode D8..DF and the ModRM byte select a row of one of two tables,
 * memory forms (mod != 3) and register forms (mod == 3, st(i) = rm).
 * A handful of register encodings that are single instructions (fchs,
 * fld1, fninit, fnstsw ax, fcompp...) are handled by full encoding.
 */
#include "frontend/lift.h"

#include "frontend/h_x87.h"
#include "frontend/lift_x87.h"

/* ================================ tables ================================ */


#define BAD {K_BAD, 0, 0}
#define AR(f, op) {K_ARITH, X87F_##f, X87A_##op}
#define CM(f, p) {K_COM, X87F_##f, p}
#define LD(f) {K_LD, X87F_##f, 0}
#define ST(f, p) {K_ST, X87F_##f, p}
#define LDC(w) {K_LDC, X87C_##w, 0}
#define STC(w) {K_STC, X87C_##w, 0}
/* The eight D8-style rows: fadd fmul fcom fcomp fsub fsubr fdiv fdivr. */
#define ARITH_ROW(f)                                                                               \
    {AR(f, ADD), AR(f, MUL), CM(f, 0), CM(f, 1), AR(f, SUB), AR(f, SUBR), AR(f, DIV), AR(f, DIVR)}

static const X87Form mem_forms[8][8] = {
    /* D8 */ ARITH_ROW(F32),
    /* D9 */ {LD(F32), BAD, ST(F32, 0), ST(F32, 1), LDC(ENV), LDC(CW), STC(ENV), STC(CW)},
    /* DA */ ARITH_ROW(I32),
    /* DB: /1 fisttp is SSE3 (not advertised) */
    {LD(I32), BAD, ST(I32, 0), ST(I32, 1), BAD, LD(F80), BAD, ST(F80, 1)},
    /* DC */ ARITH_ROW(F64),
    /* DD */ {LD(F64), BAD, ST(F64, 0), ST(F64, 1), LDC(SAVE), BAD, STC(SAVE), STC(SW)},
    /* DE */ ARITH_ROW(I16),
    /* DF */ {LD(I16), BAD, ST(I16, 0), ST(I16, 1), LD(BCD), LD(I64), ST(BCD, 1), ST(I64, 1)},
};

#define RA(op, m) {K_ARST, X87A_##op, m}
#define RC(m) {K_COMST, 0, m}
#define RI(m) {K_COMI, 0, m}
#define RS(p) {K_STST, 0, p}
#define RF(p) {K_FFREE, 0, p}
#define CMOV(cc) {K_FCMOV, XC_##cc, 0}
#define WHOLE {K_WHOLE, 0, 0}
#define XCH {K_FXCH, 0, 0}
#define UN X87M_UNORDERED
#define DP (X87M_DST_STI | X87M_POP)

static const X87Form reg_forms[8][8] = {
    /* D8 */ {RA(ADD, 0), RA(MUL, 0), RC(0), RC(1), RA(SUB, 0), RA(SUBR, 0), RA(DIV, 0),
              RA(DIVR, 0)},
    /* D9: /3 is the fstp alias D9 D8+i */
    {{K_LDST, 0, 0}, XCH, WHOLE, RS(1 | X87M_NOCHECK), WHOLE, WHOLE, WHOLE, WHOLE},
    /* DA */ {CMOV(B), CMOV(E), CMOV(BE), CMOV(P), BAD, WHOLE, BAD, BAD},
    /* DB */ {CMOV(AE), CMOV(NE), CMOV(A), CMOV(NP), WHOLE, RI(UN), RI(0), BAD},
    /* DC: with st(i) as destination sub/subr and div/divr swap places;
     * /2 /3 are the fcom/fcomp aliases */
    {RA(ADD, X87M_DST_STI), RA(MUL, X87M_DST_STI), RC(0), RC(1), RA(SUBR, X87M_DST_STI),
     RA(SUB, X87M_DST_STI), RA(DIVR, X87M_DST_STI), RA(DIV, X87M_DST_STI)},
    /* DD: /1 is the fxch alias */
    {RF(0), XCH, RS(0), RS(1), RC(UN), RC(UN | 1), BAD, BAD},
    /* DE: /2 is the fcomp alias */
    {RA(ADD, DP), RA(MUL, DP), RC(1), WHOLE, RA(SUBR, DP), RA(SUB, DP), RA(DIVR, DP), RA(DIV, DP)},
    /* DF: /0 ffreep, /1 fxch alias, /2 /3 fstp aliases */
    {RF(1), XCH, RS(1), RS(1), WHOLE, RI(UN | 1), RI(1), BAD},
};

/* =============================== emitting =============================== */

static IrRef k32(LiftCtx *c, uint32_t v) { return fe_const(c, IRT_I32, v); }

static IrRef call(LiftCtx *c, HelperId h, unsigned n, IrRef a0, IrRef a1, IrRef a2)
{
    IrRef args[3] = {a0, a1, a2};
    return ir_call(c->b, h, n, args);
}

static int mem_operand(LiftCtx *c)
{
    for (int i = 0; i < c->x86->op_count; i++)
        if (c->x86->operands[i].type == X86_OP_MEM)
            return i;
    return -1;
}

static void lift_mem_form(LiftCtx *c, const X87Form *f)
{
    int mi = mem_operand(c);
    if (f->kind == K_BAD || mi < 0) {
        fe_unsupported(c);
        return;
    }
    /* The 16-bit environment layouts (operand-size prefix) are not supported. */
    if ((f->kind == K_LDC || f->kind == K_STC) && f->a >= X87C_ENV && c->x86->prefix[2] == 0x66) {
        fe_unsupported(c);
        return;
    }
    IrRef ea = fe_ea(c, mi);
    switch ((FormKind)f->kind) {
    case K_LD: call(c, H_X87_LD_MEM, 2, ea, k32(c, f->a), IR_NONE); break;
    case K_ST: call(c, H_X87_ST_MEM, 3, ea, k32(c, f->a), k32(c, f->b)); break;
    case K_ARITH: call(c, H_X87_ARITH_MEM, 3, ea, k32(c, f->a), k32(c, f->b)); break;
    case K_COM: call(c, H_X87_COM_MEM, 3, ea, k32(c, f->a), k32(c, f->b)); break;
    case K_LDC: call(c, H_X87_LD_CTRL, 2, ea, k32(c, f->a), IR_NONE); break;
    case K_STC: call(c, H_X87_ST_CTRL, 2, ea, k32(c, f->a), IR_NONE); break;
    default: fe_unsupported(c); break;
    }
}

/* Register encodings that are one instruction each. */
static void lift_whole(LiftCtx *c, unsigned enc)
{
    unsigned modrm = enc & 0xffu;
    switch (enc) {
    case 0xd9d0: /* fnop */
    case 0xdbe0: /* feni, fdisi, fsetpm: no-ops since the 387 */
    case 0xdbe1:
    case 0xdbe4:
        return;
    case 0xdae9: /* fucompp */
        call(c, H_X87_COM_ST, 2, k32(c, 1), k32(c, X87M_UNORDERED | 2), IR_NONE);
        return;
    case 0xded9: /* fcompp */
        call(c, H_X87_COM_ST, 2, k32(c, 1), k32(c, 2), IR_NONE);
        return;
    case 0xdfe0: /* fnstsw ax */
        fe_put_reg(c, X86_REG_AX, call(c, H_X87_FNSTSW, 0, IR_NONE, IR_NONE, IR_NONE));
        return;
    case 0xdbe2: /* fnclex */
    case 0xdbe3: /* fninit */
        call(c, H_X87_OP, 1, k32(c, enc), IR_NONE, IR_NONE);
        return;
    }
    if ((enc >> 8) == 0xd9 && modrm >= 0xe8 && modrm <= 0xee) {
        call(c, H_X87_LD_CONST, 1, k32(c, modrm), IR_NONE, IR_NONE);
        return;
    }
    /* D9 E0..FF: fchs fabs ftst fxam, f2xm1..fcos (E2 E3 E6 E7 EF undefined) */
    if ((enc >> 8) == 0xd9 && modrm >= 0xe0 && modrm != 0xe2 && modrm != 0xe3 && modrm != 0xe6 &&
        modrm != 0xe7 && modrm != 0xef) {
        call(c, H_X87_OP, 1, k32(c, enc), IR_NONE, IR_NONE);
        return;
    }
    fe_unsupported(c);
}

static void lift_reg_form(LiftCtx *c, const X87Form *f, unsigned enc)
{
    IrRef i = k32(c, enc & 7u);
    switch ((FormKind)f->kind) {
    case K_ARST: call(c, H_X87_ARITH_ST, 3, i, k32(c, f->a), k32(c, f->b)); break;
    case K_COMST: call(c, H_X87_COM_ST, 2, i, k32(c, f->b), IR_NONE); break;
    case K_COMI:
        fe_set_eflags_arith(c, call(c, H_X87_COMI, 2, i, k32(c, f->b), IR_NONE));
        break;
    case K_LDST: call(c, H_X87_LD_ST, 1, i, IR_NONE, IR_NONE); break;
    case K_STST: call(c, H_X87_ST_ST, 2, i, k32(c, f->b), IR_NONE); break;
    case K_FXCH: call(c, H_X87_FXCH, 1, i, IR_NONE, IR_NONE); break;
    case K_FFREE: call(c, H_X87_FFREE, 2, i, k32(c, f->b), IR_NONE); break;
    case K_FCMOV: {
        IrRef cond = ir_cast(c->b, IR_ZEXT, IRT_I32, fe_cond(c, (X86Cond)f->a));
        call(c, H_X87_FCMOV, 2, i, cond, IR_NONE);
        break;
    }
    case K_WHOLE: lift_whole(c, enc); break;
    default: fe_unsupported(c); break;
    }
}

static void lift_x87(LiftCtx *c)
{
    unsigned op = c->x86->opcode[0], modrm = c->x86->modrm;
    if (op < 0xd8 || op > 0xdf) {
        fe_unsupported(c);
        return;
    }
    unsigned row = op - 0xd8, reg = (modrm >> 3) & 7u;
    bool mem = (modrm >> 6) != 3;
    const X87Form *f = mem ? &mem_forms[row][reg] : &reg_forms[row][reg];
    if (c->x87.on) {
        X87Fast r = fe_x87_fast(c, f, mem, (op << 8) | modrm);
        if (r == X87_FAST_DONE)
            return;
        if (r == X87_FAST_NO)
            c->x87.on = false;
    }
    if (mem)
        lift_mem_form(c, f);
    else
        lift_reg_form(c, f, (op << 8) | modrm);
}

/* fwait/wait: no pending unmasked exceptions are ever delivered, so a no-op. */
static void lift_wait(LiftCtx *c) { (void)c; }

#define X(ins) {X86_INS_##ins, lift_x87},
const FeLiftEntry fe_lift_x87[] = {
    X(F2XM1) X(FABS) X(FADD) X(FADDP) X(FBLD) X(FBSTP) X(FCHS) X(FCMOVB) X(FCMOVBE) X(FCMOVE)
    X(FCMOVNB) X(FCMOVNBE) X(FCMOVNE) X(FCMOVNU) X(FCMOVU) X(FCOM) X(FCOMI) X(FCOMIP) X(FCOMP)
    X(FCOMPP) X(FCOS) X(FDECSTP) X(FDIV) X(FDIVP) X(FDIVR) X(FDIVRP) X(FFREE) X(FFREEP)
    X(FIADD) X(FICOM) X(FICOMP) X(FIDIV) X(FIDIVR) X(FILD) X(FIMUL) X(FINCSTP) X(FIST) X(FISTP)
    X(FISUB) X(FISUBR) X(FLD) X(FLD1) X(FLDCW) X(FLDENV) X(FLDL2E) X(FLDL2T) X(FLDLG2)
    X(FLDLN2) X(FLDPI) X(FLDZ) X(FMUL) X(FMULP) X(FNCLEX) X(FNINIT) X(FNOP) X(FNSAVE)
    X(FNSTCW) X(FNSTENV) X(FNSTSW) X(FPATAN) X(FPREM) X(FPREM1) X(FPTAN) X(FRNDINT) X(FRSTOR)
    X(FSCALE) X(FSETPM) X(FSIN) X(FSINCOS) X(FSQRT) X(FST) X(FSTP) X(FSTPNCE) X(FSUB) X(FSUBP)
    X(FSUBR) X(FSUBRP) X(FTST) X(FUCOM) X(FUCOMI) X(FUCOMIP) X(FUCOMP) X(FUCOMPP) X(FXAM)
    X(FXCH) X(FXTRACT) X(FYL2X) X(FYL2XP1) X(FENI8087_NOP) X(FDISI8087_NOP)
    {X86_INS_WAIT, lift_wait},
    {0, NULL},
};
#undef X
