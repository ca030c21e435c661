/* lift_flags.c against flags.c: the IR the lifter builds for conditions and
 * EFLAGS (folded, lift-time-known path and helper path) must agree with
 * fe_flags_compute / fe_cond_eval on random operands, before and after
 * ir_optimize, run by the interpreter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/be.h"
#include "frontend/flags.h"
#include "frontend/h_core.h"
#include "frontend/lift.h"
#include "runtime/cpu.h"

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static uint32_t rnd_operand(void) {
    switch (rnd() % 6) {
    case 0:
        return rnd() % 3;
    case 1:
        return 0x7f + rnd() % 3;
    case 2:
        return 0x7fff + rnd() % 3;
    case 3:
        return 0x7fffffff + rnd() % 3;
    case 4:
        return 0xffffffff - rnd() % 2;
    default:
        return rnd();
    }
}

static int failures;

/* Operation result in IR, as the ALU lifter would compute it. */
static IrRef op_result(LiftCtx *c, CCKind k, IrType t, IrRef a, IrRef b, IrRef cin, IrRef cnt32) {
    IrBlock *B = c->b;
    IrRef a32 = ir_cast(B, IR_ZEXT, IRT_I32, a);
    switch (k) {
    case CCK_ADD:
        return ir_bin(B, IR_ADD, a, b);
    case CCK_ADC:
        return ir_bin(B, IR_ADD, ir_bin(B, IR_ADD, a, b), ir_cast(B, IR_ZEXT, t, cin));
    case CCK_SUB:
        return ir_bin(B, IR_SUB, a, b);
    case CCK_SBB:
        return ir_bin(B, IR_SUB, ir_bin(B, IR_SUB, a, b), ir_cast(B, IR_ZEXT, t, cin));
    case CCK_LOGIC:
        return ir_bin(B, IR_AND, a, b);
    case CCK_INC:
        return ir_bin(B, IR_ADD, a, fe_const(c, t, 1));
    case CCK_DEC:
        return ir_bin(B, IR_SUB, a, fe_const(c, t, 1));
    case CCK_SHL:
        return ir_cast(B, IR_TRUNC, t, ir_bin(B, IR_SHL, a32, cnt32));
    case CCK_SHR:
        return ir_cast(B, IR_TRUNC, t, ir_bin(B, IR_LSHR, a32, cnt32));
    case CCK_SAR:
        return ir_cast(B, IR_TRUNC, t, ir_bin(B, IR_ASHR, ir_cast(B, IR_SEXT, IRT_I32, a), cnt32));
    default:
        return ir_bin(B, IR_MUL, a, b); /* MUL: any result, c = CF/OF */
    }
}

/* Build the block: EDX = 16 condition bits, ESI = EFLAGS, EDI = CF. */
static IrBlock *build(CCKind k, unsigned size, bool spill) {
    IrBlock *b = ir_block_new(0x1000);
    LiftCtx c;
    memset(&c, 0, sizeof c);
    c.b = b;
    IrType t = fe_type_of(size);
    ir_insn(b, 0x1000, 1);
    IrRef a = ir_cast(b, IR_TRUNC, t, ir_get(b, IRT_I32, CPU_REG_OFF(R_EAX)));
    IrRef bb = ir_cast(b, IR_TRUNC, t, ir_get(b, IRT_I32, CPU_REG_OFF(R_EBX)));
    IrRef cnt = ir_get(b, IRT_I32, CPU_REG_OFF(R_EBX)); /* 1..31 for shifts */
    IrRef cin = ir_cast(b, IR_TRUNC, IRT_I1, ir_get(b, IRT_I32, CPU_REG_OFF(R_ECX)));
    if (k == CCK_EFLAGS) {
        fe_set_eflags_arith(&c, ir_bin(b, IR_AND, ir_get(b, IRT_I32, CPU_REG_OFF(R_EAX)),
                                       fe_const(&c, IRT_I32, EF_ARITH)));
    } else {
        IrRef res = op_result(&c, k, t, a, bb, cin, cnt);
        bool shift = k == CCK_SHL || k == CCK_SHR || k == CCK_SAR;
        bool uses_c = k == CCK_ADC || k == CCK_SBB || k == CCK_INC || k == CCK_DEC || k == CCK_MUL;
        bool uses_b = k != CCK_LOGIC && k != CCK_INC && k != CCK_DEC && k != CCK_MUL;
        fe_set_flags(&c, k, size, res, k == CCK_LOGIC || k == CCK_MUL ? IR_NONE : a,
                     uses_b ? (shift ? cnt : bb) : IR_NONE, uses_c ? cin : IR_NONE);
    }
    if (spill) fe_flags_spill(&c);
    IrRef bits = fe_const(&c, IRT_I32, 0);
    for (int cc = 0; cc < 16; cc++) {
        IrRef v = ir_cast(b, IR_ZEXT, IRT_I32, fe_cond(&c, (X86Cond)cc));
        bits = ir_bin(b, IR_OR, bits, ir_bin(b, IR_SHL, v, fe_const(&c, IRT_I32, (uint32_t)cc)));
    }
    ir_put(b, CPU_REG_OFF(R_EDX), bits);
    ir_put(b, CPU_REG_OFF(R_ESI), fe_get_eflags(&c));
    ir_put(b, CPU_REG_OFF(R_EDI), ir_cast(b, IR_ZEXT, IRT_I32, fe_get_cf(&c)));
    ir_exit(b, IR_EXIT_HALT, fe_const(&c, IRT_I32, 0x1001), 0);
    char err[200];
    if (ir_verify(b, err, sizeof err)) {
        fprintf(stderr, "verify failed: %s\n", err);
        ir_print(stderr, b);
        exit(2);
    }
    return b;
}

/* The C model's view of the same inputs. */
static uint32_t model_flags(CCKind k, unsigned size, uint32_t a, uint32_t b, uint32_t cin) {
    unsigned si = size == 1 ? 0 : size == 2 ? 1 : 2;
    uint32_t m = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1u;
    if (k == CCK_EFLAGS) return a & EF_ARITH;
    a &= m;
    uint32_t bm = b & m, res;
    switch (k) {
    case CCK_ADD:
        res = a + bm;
        break;
    case CCK_ADC:
        res = a + bm + cin;
        break;
    case CCK_SUB:
        res = a - bm;
        break;
    case CCK_SBB:
        res = a - bm - cin;
        break;
    case CCK_LOGIC:
        res = a & bm;
        break;
    case CCK_INC:
        res = a + 1;
        break;
    case CCK_DEC:
        res = a - 1;
        break;
    case CCK_SHL:
        res = a << b;
        break;
    case CCK_SHR:
        res = a >> b;
        break;
    case CCK_SAR: {
        int32_t sa = (int32_t)(a << (32 - 8 * size)) >> (32 - 8 * size);
        res = (uint32_t)(sa >> b);
        break;
    }
    default:
        res = a * bm;
        break;
    }
    bool shift = k == CCK_SHL || k == CCK_SHR || k == CCK_SAR;
    return fe_flags_compute(CC_OP(k, si), res & m, a, shift ? b : bm, cin);
}

static void run_one(BeInterpBlock *ib, CCKind k, unsigned size, uint32_t a, uint32_t b,
                    uint32_t cin, const char *what) {
    CPUState env;
    memset(&env, 0, sizeof env);
    env.regs[R_EAX] = a;
    env.regs[R_EBX] = b;
    env.regs[R_ECX] = cin;
    env.eflags = EF_BIT1 | EF_IF | EF_DF;
    /* Stale lazy state the block must overwrite before any helper reads it. */
    env.cc_op = CC_OP(CCK_LOGIC, 2);
    env.cc_res = rnd();
    be_interp_run(&env, ib);
    uint32_t want = model_flags(k, size, a, b, cin);
    uint32_t want_bits = 0;
    for (int cc = 0; cc < 16; cc++)
        want_bits |= (uint32_t)fe_cond_eval(want, (X86Cond)cc) << cc;
    uint32_t want_efl = want | EF_BIT1 | EF_IF | EF_DF;
    uint32_t env_efl = h_get_eflags(&env);
    if (env.regs[R_EDX] != want_bits || env.regs[R_ESI] != want_efl ||
        env.regs[R_EDI] != (want & EF_CF) || env_efl != want_efl) {
        if (failures++ < 20)
            fprintf(stderr,
                    "FAIL %s kind %d size %u a=%#x b=%#x c=%u: conds %#x want %#x, eflags %#x "
                    "want %#x, cf %u, env eflags %#x\n",
                    what, k, size, a, b, cin, env.regs[R_EDX], want_bits, env.regs[R_ESI], want_efl,
                    env.regs[R_EDI], env_efl);
    }
}

int main(int argc, char **argv) {
    unsigned iters = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 300;
    unsigned cases = 0;
    for (int k = 0; k < CCK__COUNT; k++) {
        for (unsigned si = 0; si < 3; si++) {
            unsigned size = 1u << si;
            for (int variant = 0; variant < 3; variant++) {
                /* 0: lift-time known, 1: optimized, 2: spilled (helper path) */
                IrBlock *b = build((CCKind)k, size, variant == 2);
                if (variant == 1) ir_optimize(b);
                BeInterpBlock *ib = be_interp_prepare(b);
                static const char *const names[] = {"known", "optimized", "helper"};
                for (unsigned i = 0; i < iters; i++) {
                    bool shift = k == CCK_SHL || k == CCK_SHR || k == CCK_SAR;
                    uint32_t a = rnd_operand(), bv = shift ? 1 + rnd() % 31 : rnd_operand();
                    run_one(ib, (CCKind)k, size, a, bv, rnd() & 1, names[variant]);
                    cases++;
                }
                be_interp_free(ib);
                ir_block_free(b);
            }
        }
    }
    printf("fe_lift_flags_test: %u cases, %d failures\n", cases, failures);
    return failures ? 1 : 0;
}
