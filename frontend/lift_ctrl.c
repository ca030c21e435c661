/* Control transfers: jmp, jcc, jcxz/jecxz, loop*, call, ret, int*, ud2, hlt,
 * and the privileged/system instructions a user-mode program may hit. */
#include "frontend/lift.h"

#include <signal.h>

#include "frontend/lift_priv.h"
#include "runtime/cpu.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* Target of a relative branch (Capstone gives the absolute address). With a
 * 0x66 prefix EIP is truncated to 16 bits, as the CPU does. */
static uint32_t rel_target(LiftCtx *c) {
    uint32_t t = (uint32_t)c->x86->operands[0].imm;
    if (c->x86->prefix[2] == X86_PREFIX_OPSIZE) t &= 0xffffu;
    return t;
}

/* Indirect target (r/m16 or r/m32) as i32. */
static IrRef indirect_target(LiftCtx *c) {
    return ir_cast(c->b, IR_ZEXT, IRT_I32, fe_read_op(c, 0));
}

/* Conditional branch: exit to the target when cond, else fall through.
 * Both exits have constant targets, so they chain. */
static void branch_if(LiftCtx *c, IrRef cond, uint32_t target) {
    ir_exit_if(c->b, IR_EXIT_JUMP, cond, fe_const(c, IRT_I32, target), 0);
    fe_exit_jump(c, fe_const(c, IRT_I32, c->next_eip));
}

/* ECX, or CX with a 0x67 prefix: the count register of jcxz/loop. */
static x86_reg count_reg(LiftCtx *c) {
    return c->x86->addr_size == 2 ? X86_REG_CX : X86_REG_ECX;
}

/* ------------------------------------------------------------------------ */
/* Jumps                                                                    */
/* ------------------------------------------------------------------------ */

static void lift_jmp(LiftCtx *c) {
    if (c->x86->operands[0].type == X86_OP_IMM)
        fe_exit_jump(c, fe_const(c, IRT_I32, rel_target(c)));
    else
        fe_exit_jump(c, indirect_target(c));
}

#define JCC(name, cc)                                                                              \
    static void lift_##name(LiftCtx *c) {                                                          \
        branch_if(c, fe_cond(c, cc), rel_target(c));                                               \
    }
JCC(jo, XC_O)
JCC(jno, XC_NO)
JCC(jb, XC_B)
JCC(jae, XC_AE)
JCC(je, XC_E)
JCC(jne, XC_NE)
JCC(jbe, XC_BE)
JCC(ja, XC_A)
JCC(js, XC_S)
JCC(jns, XC_NS)
JCC(jp, XC_P)
JCC(jnp, XC_NP)
JCC(jl, XC_L)
JCC(jge, XC_GE)
JCC(jle, XC_LE)
JCC(jg, XC_G)
#undef JCC

static void lift_jcxz(LiftCtx *c) {
    x86_reg r = c->insn->id == X86_INS_JCXZ ? X86_REG_CX : X86_REG_ECX;
    IrRef v = fe_get_reg(c, r);
    branch_if(c, ir_icmp(c->b, IRP_EQ, v, fe_const(c, ir_type(c->b, v), 0)), rel_target(c));
}

/* loop/loope/loopne: decrement the count (flags untouched), branch while
 * it is nonzero (and ZF matches). */
static void lift_loop(LiftCtx *c) {
    IrBlock *b = c->b;
    IrRef zf = IR_NONE;
    if (c->insn->id != X86_INS_LOOP) zf = fe_cond(c, c->insn->id == X86_INS_LOOPE ? XC_E : XC_NE);
    x86_reg r = count_reg(c);
    IrRef v = fe_get_reg(c, r);
    IrType t = ir_type(b, v);
    IrRef nv = ir_bin(b, IR_SUB, v, fe_const(c, t, 1));
    fe_put_reg(c, r, nv);
    IrRef cond = ir_icmp(b, IRP_NE, nv, fe_const(c, t, 0));
    if (zf) cond = ir_bin(b, IR_AND, cond, zf);
    branch_if(c, cond, rel_target(c));
}

/* ------------------------------------------------------------------------ */
/* Calls and returns                                                        */
/* ------------------------------------------------------------------------ */

static void lift_call(LiftCtx *c) {
    /* The target operand is read before the push (call [esp+4]). */
    IrRef target = c->x86->operands[0].type == X86_OP_IMM ? fe_const(c, IRT_I32, rel_target(c))
                                                          : indirect_target(c);
    if (fe_stack_size(c) == 2)
        fe_push(c, fe_const(c, IRT_I16, c->next_eip & 0xffffu));
    else
        fe_push(c, fe_const(c, IRT_I32, c->next_eip));
    fe_exit_jump(c, target);
}

static void lift_ret(LiftCtx *c) {
    IrBlock *b = c->b;
    IrRef target;
    if (fe_stack_size(c) == 2)
        target = ir_cast(b, IR_ZEXT, IRT_I32, fe_pop(c, IRT_I16));
    else
        target = fe_pop(c, IRT_I32);
    if (c->x86->op_count > 0 && c->x86->operands[0].type == X86_OP_IMM) {
        uint32_t n = (uint32_t)c->x86->operands[0].imm & 0xffffu;
        if (n) {
            IrRef esp = ir_get(b, IRT_I32, CPU_REG_OFF(R_ESP));
            ir_put(b, CPU_REG_OFF(R_ESP), ir_bin(b, IR_ADD, esp, fe_const(c, IRT_I32, n)));
        }
    }
    fe_exit_jump(c, target);
}

/* ------------------------------------------------------------------------ */
/* Interrupts and traps                                                     */
/* ------------------------------------------------------------------------ */

static void lift_int(LiftCtx *c) {
    uint32_t n = (uint32_t)c->x86->operands[0].imm & 0xffu;
    if (n == 0x80) {
        ir_exit(c->b, IR_EXIT_SYSCALL, fe_const(c, IRT_I32, c->next_eip), 0);
        c->ended = true;
    } else if (n == 3) {
        fe_exit_signal(c, SIGTRAP, true); /* cd 03 behaves as int3 */
    } else {
        fe_exit_signal(c, SIGSEGV, false); /* gate DPL 0: #GP */
    }
}

static void lift_int3(LiftCtx *c) {
    fe_exit_signal(c, SIGTRAP, true);
}

/* into: #OF trap when OF is set (SIGSEGV on Linux, reported after the insn). */
static void lift_into(LiftCtx *c) {
    fe_exit_signal_at(c, SIGSEGV, c->next_eip, fe_cond(c, XC_O));
}

static void lift_sigill(LiftCtx *c) {
    fe_exit_signal(c, SIGILL, false);
}
/* Privileged in user mode: #GP -> SIGSEGV at the instruction. */
static void lift_privileged(LiftCtx *c) {
    fe_exit_signal(c, SIGSEGV, false);
}

/* ------------------------------------------------------------------------ */
/* Table                                                                    */
/* ------------------------------------------------------------------------ */

const FeLiftEntry fe_lift_ctrl[] = {
    {X86_INS_JMP, lift_jmp},        {X86_INS_JO, lift_jo},          {X86_INS_JNO, lift_jno},
    {X86_INS_JB, lift_jb},          {X86_INS_JAE, lift_jae},        {X86_INS_JE, lift_je},
    {X86_INS_JNE, lift_jne},        {X86_INS_JBE, lift_jbe},        {X86_INS_JA, lift_ja},
    {X86_INS_JS, lift_js},          {X86_INS_JNS, lift_jns},        {X86_INS_JP, lift_jp},
    {X86_INS_JNP, lift_jnp},        {X86_INS_JL, lift_jl},          {X86_INS_JGE, lift_jge},
    {X86_INS_JLE, lift_jle},        {X86_INS_JG, lift_jg},          {X86_INS_JCXZ, lift_jcxz},
    {X86_INS_JECXZ, lift_jcxz},     {X86_INS_LOOP, lift_loop},      {X86_INS_LOOPE, lift_loop},
    {X86_INS_LOOPNE, lift_loop},    {X86_INS_CALL, lift_call},      {X86_INS_RET, lift_ret},
    {X86_INS_INT, lift_int},        {X86_INS_INT3, lift_int3},      {X86_INS_INT1, lift_int3},
    {X86_INS_INTO, lift_into},      {X86_INS_UD2, lift_sigill},     {X86_INS_UD2B, lift_sigill},
    {X86_INS_UD0, lift_sigill},     {X86_INS_SYSCALL, lift_sigill}, {X86_INS_SYSENTER, lift_sigill},
    {X86_INS_HLT, lift_privileged}, {X86_INS_CLI, lift_privileged}, {X86_INS_STI, lift_privileged},
    {X86_INS_IN, lift_privileged},  {X86_INS_OUT, lift_privileged}, {0, NULL},
};
