/* Unit test of the LLVM backend (backend/llvm.c): every IR op compiled by
 * tier 1 and checked against an independent C computation, with both
 * run-time operands (GET from CPUState) and constant operands (which LLVM
 * folds), plus memory access, helper calls (checked against libffi calls of
 * the same helper), exits, chain slots, chaining, dumps and failures.
 * Ends with a compile-time report for typical block sizes (not checked). */
#include <ffi.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "backend/be.h"
#include "frontend/flags.h"
#include "frontend/h_alu.h"
#include "ir/helper.h"
#include "ir/ir.h"
#include "runtime/cpu.h"
#include "runtime/dispatch.h"
#include "runtime/mem.h"

static int nfail, ncheck;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        ncheck++;                                                                                  \
        if (!(cond)) {                                                                             \
            if (++nfail <= 40) {                                                                   \
                printf("FAIL %s:%d: ", __FILE__, __LINE__);                                        \
                printf(__VA_ARGS__);                                                               \
                printf("\n");                                                                      \
            }                                                                                      \
        }                                                                                          \
    } while (0)

static CPUState env;

#define OFF_R CPU_REG_OFF(0) /* result: regs[0..1] */
#define OFF_A CPU_REG_OFF(2) /* operand a: regs[2..3] */
#define OFF_B CPU_REG_OFF(4) /* operand b: regs[4..5] */
#define OFF_C CPU_REG_OFF(6) /* operand c: regs[6..7] */
#define MEM_LO 0x10000u      /* four RW pages here */
#define MEM_HI 0xfffff000u   /* and the last page of the space */

static uint64_t get64(uint32_t off) {
    uint64_t v;
    memcpy(&v, (uint8_t *)&env + off, 8);
    return v;
}
static void set64(uint32_t off, uint64_t v) {
    memcpy((uint8_t *)&env + off, &v, 8);
}

static const IrType int_types[] = {IRT_I1, IRT_I8, IRT_I16, IRT_I32, IRT_I64};
#define NTYPES (sizeof int_types / sizeof *int_types)

static const uint64_t seeds[] = {0,
                                 1,
                                 2,
                                 3,
                                 5,
                                 7,
                                 8,
                                 15,
                                 16,
                                 31,
                                 0x7f,
                                 0x80,
                                 0xff,
                                 0x7fff,
                                 0x8000,
                                 0xffff,
                                 0x12345678,
                                 0x7fffffff,
                                 0x80000000,
                                 0xfffffffe,
                                 0xffffffff,
                                 0x123456789abcdef0ull,
                                 0x7fffffffffffffffull,
                                 0x8000000000000000ull,
                                 0xfffffffffffffff0ull,
                                 0xffffffffffffffffull};
#define NSEEDS (sizeof seeds / sizeof *seeds)

static uint64_t mask(IrType t) {
    return ir_type_mask(t);
}
static int64_t sx(uint64_t v, IrType t) {
    unsigned w = ir_type_bits(t);
    return w == 64 ? (int64_t)v : (int64_t)(v << (64 - w)) >> (64 - w);
}

/* XRUN_TEST_X64=1: the generic checks compile with the baseline compiler
 * (backend/x64.c) instead of LLVM. */
static bool use_x64;

static BeBlockFn compile(IrBlock *b, BeBlockFn *chain) {
    BeBlockFn f = use_x64 ? be_x64_compile(b, chain) : be_llvm_compile(b, chain, NULL);
    CHECK(f != NULL, "compile of block 0x%x failed", b->guest_addr);
    return f;
}

static uint32_t run(BeBlockFn f) {
    return f ? f(&env) : 0xdeadu;
}

/* ---- reference semantics ------------------------------------------------ */

/* Whether (a, b) is a valid operand pair for op (divisions). */
static bool pair_ok(IrOp op, IrType t, uint64_t a, uint64_t b) {
    if (op == IR_UDIV || op == IR_UREM || op == IR_SDIV || op == IR_SREM) {
        if (b == 0) return false;
        if ((op == IR_SDIV || op == IR_SREM) && sx(b, t) == -1 &&
            sx(a, t) == sx(1ull << (ir_type_bits(t) - 1), t))
            return false;
        if (t == IRT_I1 && (op == IR_SDIV || op == IR_SREM)) return false; /* 1 is -1 */
    }
    return true;
}

static uint64_t ref_bin(IrOp op, IrType t, uint64_t a, uint64_t b) {
    unsigned w = ir_type_bits(t);
    uint64_t m = mask(t), r = 0;
    unsigned s = (unsigned)(b & (w - 1));
    switch (op) {
    case IR_ADD:
        r = a + b;
        break;
    case IR_SUB:
        r = a - b;
        break;
    case IR_MUL:
        r = a * b;
        break;
    case IR_UDIV:
        r = a / b;
        break;
    case IR_UREM:
        r = a % b;
        break;
    case IR_SDIV:
        r = (uint64_t)(sx(a, t) / sx(b, t));
        break;
    case IR_SREM:
        r = (uint64_t)(sx(a, t) % sx(b, t));
        break;
    case IR_AND:
        r = a & b;
        break;
    case IR_OR:
        r = a | b;
        break;
    case IR_XOR:
        r = a ^ b;
        break;
    case IR_SHL:
        r = a << s;
        break;
    case IR_LSHR:
        r = a >> s;
        break;
    case IR_ASHR:
        r = (uint64_t)(sx(a, t) >> s);
        break;
    case IR_ROTL:
    case IR_ROTR: {
        unsigned k = (unsigned)(b % w);
        if (op == IR_ROTR) k = (w - k) % w;
        r = k ? (a << k) | (a >> (w - k)) : a;
        break;
    }
    default:
        break;
    }
    return r & m;
}

static uint64_t ref_un(IrOp op, IrType t, uint64_t a) {
    unsigned w = ir_type_bits(t);
    uint64_t m = mask(t), r = 0;
    switch (op) {
    case IR_NOT:
        r = ~a;
        break;
    case IR_NEG:
        r = 0 - a;
        break;
    case IR_CLZ:
        r = w;
        for (unsigned i = 0; i < w; i++)
            if (a >> (w - 1 - i) & 1) {
                r = i;
                break;
            }
        break;
    case IR_CTZ:
        r = w;
        for (unsigned i = 0; i < w; i++)
            if (a >> i & 1) {
                r = i;
                break;
            }
        break;
    case IR_POPCNT:
        for (unsigned i = 0; i < w; i++)
            r += a >> i & 1;
        break;
    case IR_BSWAP:
        for (unsigned i = 0; i < w / 8; i++)
            r |= (a >> (8 * i) & 0xff) << (w - 8 - 8 * i);
        break;
    case IR_PARITY: {
        unsigned n = 0;
        for (unsigned i = 0; i < 8; i++)
            n += a >> i & 1;
        return (n & 1) == 0;
    }
    default:
        break;
    }
    return r & m;
}

static bool ref_cmp(IrPred p, IrType t, uint64_t a, uint64_t b) {
    int64_t x = sx(a, t), y = sx(b, t);
    switch (p) {
    case IRP_EQ:
        return a == b;
    case IRP_NE:
        return a != b;
    case IRP_ULT:
        return a < b;
    case IRP_ULE:
        return a <= b;
    case IRP_UGT:
        return a > b;
    case IRP_UGE:
        return a >= b;
    case IRP_SLT:
        return x < y;
    case IRP_SLE:
        return x <= y;
    case IRP_SGT:
        return x > y;
    default:
        return x >= y;
    }
}

/* ---- block builders ----------------------------------------------------- */

static IrRef get_as(IrBlock *b, IrType t, uint32_t off) {
    return ir_cast(b, IR_TRUNC, t, ir_get(b, IRT_I64, off));
}

static void put_result(IrBlock *b, IrRef r) {
    ir_put(b, OFF_R, ir_cast(b, IR_ZEXT, IRT_I64, r));
    ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0x1234), 0);
}

/* Emit `op` on operands x, y (unary/cast ops ignore y). */
typedef IrRef (*EmitFn)(IrBlock *b, int op, IrType t, IrRef x, IrRef y);

static IrRef emit_bin(IrBlock *b, int op, IrType t, IrRef x, IrRef y) {
    (void)t;
    return ir_bin(b, (IrOp)op, x, y);
}
static IrRef emit_un(IrBlock *b, int op, IrType t, IrRef x, IrRef y) {
    (void)t, (void)y;
    return ir_un(b, (IrOp)op, x);
}
static IrRef emit_cmp(IrBlock *b, int op, IrType t, IrRef x, IrRef y) {
    (void)t;
    return ir_icmp(b, (IrPred)op, x, y);
}

static void reset_env(void) {
    memset(&env, 0, sizeof env);
    env.cc_op = CC_EFLAGS;
}

/* Check op on type t for all seed pairs: once with GET operands (one block,
 * many runs) and once with CONST operands (one block storing every result
 * to guest memory). ref returns the expected zero-extended result. */
static void check_op(const char *what, EmitFn emit, int op, IrType t, bool binary,
                     uint64_t (*ref)(int op, IrType t, uint64_t a, uint64_t b),
                     bool (*ok)(int op, IrType t, uint64_t a, uint64_t b)) {
    uint64_t m = mask(t);
    IrBlock *b = ir_block_new(0x1000);
    IrRef x = get_as(b, t, OFF_A), y = get_as(b, t, OFF_B);
    put_result(b, emit(b, op, t, x, y));
    BeBlockFn f = compile(b, NULL);
    ir_block_free(b);
    unsigned nb = binary ? NSEEDS : 1;
    for (unsigned i = 0; f && i < NSEEDS; i++)
        for (unsigned j = 0; j < nb; j++) {
            uint64_t a = seeds[i] & m, c = seeds[j] & m;
            if (!ok(op, t, a, c)) continue;
            reset_env();
            set64(OFF_A, a);
            set64(OFF_B, c);
            set64(OFF_R, 0xa5a5a5a5a5a5a5a5ull);
            uint32_t w = run(f);
            uint64_t want = ref(op, t, a, c), got = get64(OFF_R);
            CHECK(got == want, "%s %s %#" PRIx64 ", %#" PRIx64 ": got %#" PRIx64 " want %#" PRIx64,
                  what, ir_type_name[t], a, c, got, want);
            CHECK(w == BE_EXIT_WORD(IR_EXIT_HALT, -1) && env.eip == 0x1234, "%s exit", what);
        }

    b = ir_block_new(0x2000);
    unsigned k = 0;
    for (unsigned i = 0; i < NSEEDS; i++)
        for (unsigned j = 0; j < nb; j++) {
            uint64_t a = seeds[i] & m, c = seeds[j] & m;
            if (!ok(op, t, a, c)) continue;
            IrRef r = emit(b, op, t, ir_const(b, t, a), ir_const(b, t, c));
            ir_store(b, ir_const(b, IRT_I32, MEM_LO + 8 * k++), ir_cast(b, IR_ZEXT, IRT_I64, r));
        }
    ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0), 0);
    f = compile(b, NULL);
    ir_block_free(b);
    if (!f) return;
    memset(g2h(MEM_LO), 0xa5, 8 * k);
    run(f);
    k = 0;
    for (unsigned i = 0; i < NSEEDS; i++)
        for (unsigned j = 0; j < nb; j++) {
            uint64_t a = seeds[i] & m, c = seeds[j] & m, got;
            if (!ok(op, t, a, c)) continue;
            memcpy(&got, g2h(MEM_LO + 8 * k++), 8);
            uint64_t want = ref(op, t, a, c);
            CHECK(got == want,
                  "const %s %s %#" PRIx64 ", %#" PRIx64 ": got %#" PRIx64 " want %#" PRIx64, what,
                  ir_type_name[t], a, c, got, want);
        }
}

static uint64_t r_bin(int op, IrType t, uint64_t a, uint64_t b) {
    return ref_bin((IrOp)op, t, a, b);
}
static uint64_t r_un(int op, IrType t, uint64_t a, uint64_t b) {
    (void)b;
    return ref_un((IrOp)op, t, a);
}
static uint64_t r_cmp(int op, IrType t, uint64_t a, uint64_t b) {
    return ref_cmp((IrPred)op, t, a, b);
}
static bool ok_bin(int op, IrType t, uint64_t a, uint64_t b) {
    return pair_ok((IrOp)op, t, a, b);
}
static bool ok_any(int op, IrType t, uint64_t a, uint64_t b) {
    (void)op, (void)t, (void)a, (void)b;
    return true;
}
static bool ok_bswap(int op, IrType t, uint64_t a, uint64_t b) {
    (void)op, (void)a, (void)b;
    return t == IRT_I32 || t == IRT_I64;
}

static void test_alu(void) {
    static const IrOp bins[] = {IR_ADD, IR_SUB, IR_MUL, IR_UDIV, IR_SDIV, IR_UREM, IR_SREM, IR_AND,
                                IR_OR,  IR_XOR, IR_SHL, IR_LSHR, IR_ASHR, IR_ROTL, IR_ROTR};
    static const IrOp uns[] = {IR_NOT, IR_NEG, IR_CLZ, IR_CTZ, IR_POPCNT, IR_PARITY};
    for (unsigned ti = 0; ti < NTYPES; ti++) {
        IrType t = int_types[ti];
        for (unsigned i = 0; i < sizeof bins / sizeof *bins; i++)
            check_op(ir_op_info[bins[i]].name, emit_bin, bins[i], t, true, r_bin, ok_bin);
        for (unsigned i = 0; i < sizeof uns / sizeof *uns; i++)
            check_op(ir_op_info[uns[i]].name, emit_un, uns[i], t, false, r_un, ok_any);
        if (t == IRT_I32 || t == IRT_I64)
            check_op("BSWAP", emit_un, IR_BSWAP, t, false, r_un, ok_bswap);
        for (int p = 0; p < IRP__COUNT; p++)
            check_op(ir_pred_name[p], emit_cmp, p, t, true, r_cmp, ok_any);
    }
}

/* Shift amounts are masked (out of range is undefined in the IR; the
 * backend masks so the result is at least never poison). */
static void test_shift_mask(void) {
    IrBlock *b = ir_block_new(0x1100);
    IrRef x = get_as(b, IRT_I32, OFF_A), y = get_as(b, IRT_I32, OFF_B);
    put_result(b, ir_bin(b, IR_SHL, x, y));
    BeBlockFn f = compile(b, NULL);
    ir_block_free(b);
    reset_env();
    set64(OFF_A, 3);
    set64(OFF_B, 33);
    run(f);
    CHECK(get64(OFF_R) == 6, "SHL i32 by 33 masks to 1: got %#" PRIx64, get64(OFF_R));
}

/* Division by zero and MIN / -1 must not trap (the lifter never emits
 * them; the backend divides by 1 instead). */
static void test_div_guard(void) {
    static const IrOp ops[] = {IR_UDIV, IR_SDIV, IR_UREM, IR_SREM};
    for (unsigned i = 0; i < 4; i++) {
        IrBlock *b = ir_block_new(0x1200);
        IrRef x = get_as(b, IRT_I32, OFF_A), y = get_as(b, IRT_I32, OFF_B);
        put_result(b, ir_bin(b, ops[i], x, y));
        BeBlockFn f = compile(b, NULL);
        ir_block_free(b);
        reset_env();
        set64(OFF_A, 0x80000000u);
        set64(OFF_B, 0);
        run(f);
        set64(OFF_B, 0xffffffffu);
        run(f);
        CHECK(true, "no trap");
    }
}

static void test_casts(void) {
    static const IrOp ops[] = {IR_ZEXT, IR_SEXT, IR_TRUNC};
    for (unsigned oi = 0; oi < 3; oi++)
        for (unsigned fi = 0; fi < NTYPES; fi++)
            for (unsigned ti = 0; ti < NTYPES; ti++) {
                IrType from = int_types[fi], to = int_types[ti];
                bool wider = ir_type_bits(to) > ir_type_bits(from);
                if (ops[oi] == IR_TRUNC ? wider || from == to : !wider) continue;
                IrBlock *b = ir_block_new(0x1300);
                IrRef x = get_as(b, from, OFF_A);
                put_result(b, ir_cast(b, ops[oi], to, x));
                BeBlockFn f = compile(b, NULL);
                ir_block_free(b);
                for (unsigned i = 0; f && i < NSEEDS; i++) {
                    uint64_t a = seeds[i] & mask(from);
                    uint64_t want =
                        ops[oi] == IR_SEXT ? (uint64_t)sx(a, from) & mask(to) : a & mask(to);
                    reset_env();
                    set64(OFF_A, a);
                    run(f);
                    CHECK(get64(OFF_R) == want, "%s %s->%s %#" PRIx64 ": got %#" PRIx64,
                          ir_op_info[ops[oi]].name, ir_type_name[from], ir_type_name[to], a,
                          get64(OFF_R));
                }
            }
}

static void test_select(void) {
    for (unsigned ti = 0; ti < NTYPES; ti++) {
        IrType t = int_types[ti];
        IrBlock *b = ir_block_new(0x1400);
        IrRef c = get_as(b, IRT_I1, OFF_C);
        IrRef x = get_as(b, t, OFF_A), y = get_as(b, t, OFF_B);
        put_result(b, ir_select(b, c, x, y));
        BeBlockFn f = compile(b, NULL);
        ir_block_free(b);
        for (unsigned k = 0; f && k < 4; k++) {
            uint64_t a = seeds[NSEEDS - 1 - k] & mask(t), d = seeds[k + 3] & mask(t);
            reset_env();
            set64(OFF_A, a);
            set64(OFF_B, d);
            set64(OFF_C, k & 1);
            run(f);
            CHECK(get64(OFF_R) == ((k & 1) ? a : d), "SELECT %s", ir_type_name[t]);
        }
    }
}

/* GET/PUT of every width at unaligned offsets leave neighbours alone. */
static void test_getput(void) {
    static const IrType ts[] = {IRT_I8, IRT_I16, IRT_I32, IRT_I64};
    for (unsigned i = 0; i < 4; i++) {
        IrBlock *b = ir_block_new(0x1500);
        IrRef v = ir_get(b, ts[i], CPU_REG_OFF(2) + 1);
        ir_put(b, CPU_REG_OFF(5) + 3, v);
        ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0), 0);
        BeBlockFn f = compile(b, NULL);
        ir_block_free(b);
        reset_env();
        for (unsigned r = 0; r < 8; r++)
            env.regs[r] = 0x11111111u * (r + 1);
        CPUState before = env;
        run(f);
        unsigned n = ir_type_bits(ts[i]) / 8;
        uint8_t *e = (uint8_t *)&env, *o = (uint8_t *)&before;
        bool good = true;
        for (unsigned k = 0; k < 32; k++) {
            unsigned d = CPU_REG_OFF(5) + 3;
            uint8_t want = k >= d && k < d + n ? o[CPU_REG_OFF(2) + 1 + (k - d)] : o[k];
            good &= e[k] == want;
        }
        CHECK(good, "GET/PUT %s", ir_type_name[ts[i]]);
    }
}

static void test_memory(void) {
    static const IrType ts[] = {IRT_I8, IRT_I16, IRT_I32, IRT_I64};
    static const uint32_t addrs[] = {MEM_LO + 17, MEM_LO + 0x1ffd, MEM_HI + 0xff8, 0xfffffff8u};
    for (unsigned i = 0; i < 4; i++)
        for (unsigned ai = 0; ai < 4; ai++) {
            uint32_t a = addrs[ai];
            unsigned n = ir_type_bits(ts[i]) / 8;
            /* load at a run-time address, store at a constant one (+16) */
            IrBlock *b = ir_block_new(0x1600);
            IrRef ad = ir_get(b, IRT_I32, OFF_A);
            IrRef v = ir_load(b, ts[i], ad);
            ir_put(b, OFF_R, ir_cast(b, IR_ZEXT, IRT_I64, v));
            IrRef w = ir_bin(b, IR_XOR, v, ir_const(b, ts[i], 0x5a5a5a5a5a5a5a5aull));
            ir_store(b, ir_const(b, IRT_I32, a - 16), w);
            ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0), 0);
            BeBlockFn f = compile(b, NULL);
            ir_block_free(b);
            if (!f) continue;
            uint8_t *h = g2h(a - 16);
            for (unsigned k = 0; k < 24; k++)
                h[k] = (uint8_t)(0x10 + 7 * k + ai);
            uint8_t copy[24];
            memcpy(copy, h, 24);
            reset_env();
            set64(OFF_A, a);
            run(f);
            uint64_t want = 0;
            memcpy(&want, copy + 16, n);
            CHECK(get64(OFF_R) == want, "LOAD %s at %#x: got %#" PRIx64, ir_type_name[ts[i]], a,
                  get64(OFF_R));
            bool good = true;
            for (unsigned k = 0; k < 24; k++)
                good &= h[k] == (k < n ? (uint8_t)(copy[16 + k] ^ 0x5a) : copy[k]);
            CHECK(good, "STORE %s at %#x", ir_type_name[ts[i]], a - 16);
        }
}

/* ---- helper calls ------------------------------------------------------- */

static ffi_type *ffi_of(IrType t) {
    switch (t) {
    case IRT_VOID:
        return &ffi_type_void;
    case IRT_I1:
    case IRT_I8:
        return &ffi_type_uint8;
    case IRT_I16:
        return &ffi_type_uint16;
    case IRT_I32:
        return &ffi_type_uint32;
    default:
        return &ffi_type_uint64;
    }
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

/* Call helper h through the JIT and through libffi on equal states with
 * the given arguments; results and states must agree. */
static void check_call(unsigned h, const uint64_t *args) {
    const IrHelper *hp = &ir_helpers[h];
    IrBlock *b = ir_block_new(0x1700);
    IrRef av[IR_MAX_ARGS];
    for (unsigned i = 0; i < hp->nargs; i++)
        av[i] = ir_const(b, (IrType)hp->args[i], args[i]);
    IrRef r = ir_call(b, h, hp->nargs, av);
    if (hp->ret != IRT_VOID)
        ir_store(b, ir_const(b, IRT_I32, MEM_LO), ir_cast(b, IR_ZEXT, IRT_I64, r));
    ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0), 0);
    BeBlockFn f = compile(b, NULL);
    ir_block_free(b);
    if (!f) return;
    reset_env();
    env.cc_res = 0x8d5;
    env.regs[0] = 0x1234567;
    env.fp_cw = 0x37f;
    env.fp_sw = 0x4100;
    env.fp_top = 5;
    env.fp_tag = 0xff00; /* four valid registers */
    for (unsigned i = 0; i < 8; i++)
        env.fpr[i] = 1.5L * i - 2;
    CPUState viaffi = env;
    memset(g2h(MEM_LO), 0xa5, 8);
    run(f);
    uint64_t got = 0;
    memcpy(&got, g2h(MEM_LO), 8);

    ffi_cif cif;
    ffi_type *at[IR_MAX_ARGS + 1] = {&ffi_type_pointer};
    void *vals[IR_MAX_ARGS + 1];
    CPUState *pe = &viaffi;
    vals[0] = &pe;
    uint8_t a8[IR_MAX_ARGS];
    uint16_t a16[IR_MAX_ARGS];
    uint32_t a32[IR_MAX_ARGS];
    uint64_t a64[IR_MAX_ARGS];
    for (unsigned i = 0; i < hp->nargs; i++) {
        IrType t = (IrType)hp->args[i];
        at[i + 1] = ffi_of(t);
        a8[i] = (uint8_t)args[i], a16[i] = (uint16_t)args[i], a32[i] = (uint32_t)args[i];
        a64[i] = args[i];
        vals[i + 1] = t <= IRT_I8    ? (void *)&a8[i]
                      : t == IRT_I16 ? (void *)&a16[i]
                      : t == IRT_I32 ? (void *)&a32[i]
                                     : (void *)&a64[i];
    }
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, hp->nargs + 1u, ffi_of((IrType)hp->ret), at) != FFI_OK)
        return;
    uint64_t ret = 0; /* ffi_arg-sized return slot */
    ffi_call(&cif, FFI_FN(hp->fn), &ret, vals);
    /* i1 helpers return uint8_t 0/1: compare the whole byte */
    uint64_t want = hp->ret == IRT_VOID ? 0xa5a5a5a5a5a5a5a5ull
                    : hp->ret == IRT_I1 ? ret & 0xff
                                        : ret & mask((IrType)hp->ret);
    CHECK(got == want, "CALL %s: got %#" PRIx64 " want %#" PRIx64, hp->name, got, want);
    CHECK(memcmp(&viaffi, &env, sizeof env) == 0, "CALL %s: CPU state differs", hp->name);
}

/* Bring random arguments into a helper's documented domain (the lifter never
 * calls outside it; outside, a helper may be undefined, e.g. shift by 8 * size):
 * rcl/rcr take an operand size 1, 2 or 4; h_bcd a BCD_* kind and an 8-bit
 * base, never 0 for aam. */
static void arg_domain(unsigned h, uint64_t *args) {
    static const uint64_t sizes[3] = {1, 2, 4};
    if (h == H_RCL || h == H_RCR) {
        args[3] = sizes[args[3] % 3];
    } else if (h == H_BCD) {
        args[0] %= BCD_AAD + 1;
        args[1] &= 0xff;
        if (args[0] == BCD_AAM && args[1] == 0) args[1] = 10;
    }
}

static void test_calls(void) {
    for (unsigned h = 0; h < H__COUNT; h++) {
        const IrHelper *hp = &ir_helpers[h];
        if (!hp->fn || !(hp->flags & HF_PURE)) continue;
        bool ints = hp->ret <= IRT_I64;
        for (unsigned i = 0; i < hp->nargs; i++)
            ints &= hp->args[i] >= IRT_I1 && hp->args[i] <= IRT_I64;
        if (!ints) continue;
        for (unsigned k = 0; k < 8; k++) {
            uint64_t args[IR_MAX_ARGS];
            for (unsigned i = 0; i < hp->nargs; i++)
                args[i] = rnd() & mask((IrType)hp->args[i]);
            arg_domain(h, args);
            check_call(h, args);
        }
    }
    /* helpers of the integer core whose argument domain is known */
    check_call(H_GET_EFLAGS, NULL);
    for (uint64_t cc = 0; cc < 16; cc++)
        check_call(H_COND, &cc);
    /* x87 helpers without memory operands: i16/i32 results, state updates */
    check_call(H_X87_FNSTSW, NULL);
    for (uint64_t i = 0; i < 8; i++) {
        check_call(H_X87_FXCH, &i);
        check_call(H_X87_LD_ST, &i);
        uint64_t a[2] = {i, i & 3};
        check_call(H_X87_COMI, a);
    }
}

/* ---- exits and chaining ------------------------------------------------- */

/* A block with five side exits and a final one:
 *   0: r0 == 1 -> jump 0x1000 (slot 0)     1: r0 == 2 -> signal 0x2000 info 11
 *   2: r0 == 3 -> jump to r1 (no slot)     3: r0 == 4 -> jump 0x3000 (slot 1)
 *   4: r0 == 5 -> syscall 0x3100 info 7    final: jump 0x4000 (slot 2) */
static IrBlock *exits_block(void) {
    IrBlock *b = ir_block_new(0x5000);
    ir_insn(b, 0x5000, 2);
    IrRef r0 = ir_get(b, IRT_I32, CPU_REG_OFF(0));
    static const struct {
        IrExitKind k;
        uint32_t t, info;
    } ex[] = {{IR_EXIT_JUMP, 0x1000, 0},
              {IR_EXIT_SIGNAL, 0x2000, 11},
              {IR_EXIT_JUMP, 0, 0},
              {IR_EXIT_JUMP, 0x3000, 0},
              {IR_EXIT_SYSCALL, 0x3100, 7}};
    for (unsigned i = 0; i < 5; i++) {
        ir_insn(b, 0x5002 + 2 * i, 2);
        IrRef c = ir_icmp(b, IRP_EQ, r0, ir_const(b, IRT_I32, i + 1));
        IrRef t = ex[i].t ? ir_const(b, IRT_I32, ex[i].t) : ir_get(b, IRT_I32, CPU_REG_OFF(1));
        ir_exit_if(b, ex[i].k, c, t, ex[i].info);
    }
    ir_put(b, CPU_REG_OFF(7), ir_const(b, IRT_I32, 0x77));
    ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, 0x4000), 0);
    return b;
}

static void test_exits(void) {
    BeBlockFn chain[BE_MAX_CHAIN] = {0};
    IrBlock *b = exits_block();
    BeBlockFn f = compile(b, chain);
    ir_block_free(b);
    if (!f) return;
    static const struct {
        uint32_t r0, word, eip, info;
    } want[] = {
        {1, BE_EXIT_WORD(IR_EXIT_JUMP, 0), 0x1000, 0},
        {2, BE_EXIT_WORD(IR_EXIT_SIGNAL, -1), 0x2000, 11},
        {3, BE_EXIT_WORD(IR_EXIT_JUMP, -1), 0xabcd, 0},
        {4, BE_EXIT_WORD(IR_EXIT_JUMP, 1), 0x3000, 0},
        {5, BE_EXIT_WORD(IR_EXIT_SYSCALL, -1), 0x3100, 7},
        {9, BE_EXIT_WORD(IR_EXIT_JUMP, 2), 0x4000, 0},
    };
    for (unsigned i = 0; i < sizeof want / sizeof *want; i++) {
        reset_env();
        env.regs[0] = want[i].r0;
        env.regs[1] = 0xabcd;
        env.exit_info = 0x99;
        uint32_t w = run(f);
        CHECK(w == want[i].word && env.eip == want[i].eip && env.exit_info == want[i].info,
              "exit r0=%u: word %#x eip %#x info %u", want[i].r0, w, env.eip, env.exit_info);
        CHECK(env.regs[7] == (want[i].r0 == 9 ? 0x77u : 0u), "exit r0=%u: side effects",
              want[i].r0);
    }

    /* Only the first BE_MAX_CHAIN chainable exits get slots. */
    b = ir_block_new(0x5100);
    IrRef r0 = ir_get(b, IRT_I32, CPU_REG_OFF(0));
    for (unsigned i = 0; i < BE_MAX_CHAIN; i++)
        ir_exit_if(b, IR_EXIT_JUMP, ir_icmp(b, IRP_EQ, r0, ir_const(b, IRT_I32, i)),
                   ir_const(b, IRT_I32, 0x100 * i), 0);
    ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, 0x999), 0);
    f = compile(b, chain);
    ir_block_free(b);
    for (unsigned i = 0; f && i <= BE_MAX_CHAIN; i++) {
        reset_env();
        env.regs[0] = i;
        uint32_t w = run(f);
        int slot = i < BE_MAX_CHAIN ? (int)i : -1;
        CHECK(w == BE_EXIT_WORD(IR_EXIT_JUMP, slot), "slot of exit %u: word %#x", i, w);
    }
}

static void test_chain(void) {
    /* B: r7 = 0xb, halt at 0x6000 info 9 */
    BeBlockFn chain_a[BE_MAX_CHAIN] = {0}, chain_b[BE_MAX_CHAIN] = {0};
    IrBlock *b = ir_block_new(0x4000);
    ir_put(b, CPU_REG_OFF(6), ir_const(b, IRT_I32, 0xb));
    ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0x6000), 9);
    BeBlockFn fb = compile(b, chain_b);
    ir_block_free(b);
    b = exits_block();
    BeBlockFn fa = compile(b, chain_a);
    ir_block_free(b);
    if (!fa || !fb) return;
    chain_a[2] = fb; /* the final exit, to 0x4000 */
    reset_env();
    env.regs[0] = 9;
    uint32_t w = run(fa);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_HALT, -1) && env.eip == 0x6000 && env.exit_info == 9 &&
              env.regs[6] == 0xb && env.regs[7] == 0x77,
          "chain A->B: word %#x eip %#x", w, env.eip);
    /* unpatched slots still return */
    reset_env();
    env.regs[0] = 1;
    w = run(fa);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_JUMP, 0) && env.regs[6] == 0, "unpatched slot returns");

    /* A self-chained loop must not grow the stack (musttail). */
    BeBlockFn chain_l[BE_MAX_CHAIN] = {0};
    b = ir_block_new(0x7000);
    IrRef n = ir_bin(b, IR_SUB, ir_get(b, IRT_I32, CPU_REG_OFF(3)), ir_const(b, IRT_I32, 1));
    ir_put(b, CPU_REG_OFF(3), n);
    ir_exit_if(b, IR_EXIT_JUMP, ir_icmp(b, IRP_NE, n, ir_const(b, IRT_I32, 0)),
               ir_const(b, IRT_I32, 0x7000), 0);
    ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0x7100), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *dump = open_memstream(&text, &len);
    BeBlockFn fl = be_llvm_compile(b, chain_l, dump);
    fclose(dump);
    ir_block_free(b);
    CHECK(fl != NULL, "loop block compiles");
    CHECK(text && strstr(text, "define") && strstr(text, "xb_00007000_") &&
              strstr(text, "musttail call"),
          "dump shows the function with a musttail chain:\n%s", text ? text : "");
    free(text);
    if (!fl) return;
    chain_l[0] = fl;
    reset_env();
    env.regs[3] = 3000000;
    w = run(fl);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_HALT, -1) && env.regs[3] == 0 && env.eip == 0x7100,
          "self chain loop: word %#x r3 %u", w, env.regs[3]);
}

/* ---- safe points and the jump cache ------------------------------------ */

static void test_safe_points(void) {
    /* A self loop polls sig_pending before each chained iteration. */
    BeBlockFn chain_l[BE_MAX_CHAIN] = {0};
    IrBlock *b = ir_block_new(0x7000);
    IrRef n = ir_bin(b, IR_SUB, ir_get(b, IRT_I32, CPU_REG_OFF(3)), ir_const(b, IRT_I32, 1));
    ir_put(b, CPU_REG_OFF(3), n);
    ir_exit_if(b, IR_EXIT_JUMP, ir_icmp(b, IRP_NE, n, ir_const(b, IRT_I32, 0)),
               ir_const(b, IRT_I32, 0x7000), 0);
    ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0x7100), 0);
    BeBlockFn fl = compile(b, chain_l);
    ir_block_free(b);
    /* A forward chain (target after the block) does not poll. */
    BeBlockFn chain_f[BE_MAX_CHAIN] = {0};
    b = ir_block_new(0x6f00);
    ir_put(b, CPU_REG_OFF(5), ir_const(b, IRT_I32, 0xf));
    ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, 0x7000), 0);
    BeBlockFn ff = compile(b, chain_f);
    ir_block_free(b);
    if (!fl || !ff) return;
    chain_l[0] = fl;
    chain_f[0] = fl;
    reset_env();
    env.regs[3] = 1000;
    env.sig_pending = 1;
    uint32_t w = run(ff);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_JUMP, 0) && env.regs[5] == 0xf && env.regs[3] == 999 &&
              env.eip == 0x7000 && env.last_chain == NULL,
          "pending signal: forward chain taken, back edge returns (word %#x r3 %u eip %#x)", w,
          env.regs[3], env.eip);
    env.sig_pending = 0;
    w = run(fl);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_HALT, -1) && env.regs[3] == 0 && env.eip == 0x7100,
          "no signal: the loop runs to its end (word %#x r3 %u)", w, env.regs[3]);

    /* Indirect exits: a published record is taken, except with a signal
     * pending or when the record is for another eip with the same index. */
    b = ir_block_new(0x7200);
    ir_exit(b, IR_EXIT_JUMP, ir_get(b, IRT_I32, CPU_REG_OFF(0)), 0);
    BeBlockFn fi = compile(b, NULL);
    ir_block_free(b);
    if (!fi) return;
    BeJumpTarget rec = {0x7000, fl}, other = {0x7000 + (BE_JC_SIZE << BE_JC_BITS), fl};
    CHECK(be_jc_index(other.eip) == be_jc_index(rec.eip), "test records share an index");
    be_jc_publish(&rec);
    CHECK(be_jump_cache[be_jc_index(0x7000)] == &rec, "publish stores the record");
    reset_env();
    env.regs[0] = 0x7000;
    env.regs[3] = 5;
    w = run(fi);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_HALT, -1) && env.regs[3] == 0, "jump cache hit (word %#x)", w);
    reset_env();
    env.regs[0] = 0x7000;
    env.regs[3] = 5;
    env.sig_pending = 1;
    w = run(fi);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_JUMP, -1) && env.regs[3] == 5 && env.eip == 0x7000,
          "jump cache hit with a signal pending returns (word %#x r3 %u)", w, env.regs[3]);
    be_jc_publish(&other);
    reset_env();
    env.regs[0] = 0x7000;
    env.regs[3] = 5;
    w = run(fi);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_JUMP, -1) && env.regs[3] == 5 && env.eip == 0x7000,
          "record of another eip misses (word %#x)", w);
    be_jc_forget(&rec); /* not there: no effect */
    CHECK(be_jump_cache[be_jc_index(0x7000)] == &other, "forget leaves other records");
    be_jc_forget(&other);
    CHECK(be_jump_cache[be_jc_index(0x7000)] == NULL, "forget removes the record");
    be_jc_publish(&rec);
    be_jc_clear();
    CHECK(be_jump_cache[be_jc_index(0x7000)] == NULL, "clear empties the cache");
}

/* ---- precise mode ------------------------------------------------------- */

static sigjmp_buf fault_jmp;
static void on_fault(int sig) {
    (void)sig;
    siglongjmp(fault_jmp, 1);
}

/* Run f; true when it faulted (the block is abandoned as xrun's handler does). */
static bool run_faults(BeBlockFn f, uint32_t *w) {
    volatile bool faulted = true;
    if (sigsetjmp(fault_jmp, 1) == 0) {
        *w = run(f);
        faulted = false;
    }
    return faulted;
}

/* Four guest instructions: two PUTs; a load; a store; two PUTs again. */
static IrBlock *precise_block(bool precise) {
    IrBlock *b = ir_block_new(0x9000);
    b->precise = precise;
    ir_insn(b, 0x9000, 3);
    ir_put(b, CPU_REG_OFF(1), ir_const(b, IRT_I32, 0x11));
    ir_put(b, CPU_OFF(cc_op), ir_const(b, IRT_I32, 5));
    ir_insn(b, 0x9003, 3);
    IrRef v = ir_load(b, IRT_I32, ir_get(b, IRT_I32, CPU_REG_OFF(2)));
    ir_put(b, CPU_REG_OFF(3), v);
    ir_insn(b, 0x9006, 3);
    ir_store(b, ir_get(b, IRT_I32, CPU_REG_OFF(4)), ir_const(b, IRT_I32, 0x55));
    ir_insn(b, 0x9009, 3);
    ir_put(b, CPU_REG_OFF(1), ir_const(b, IRT_I32, 0x33));
    ir_put(b, CPU_OFF(cc_op), ir_const(b, IRT_I32, 6));
    ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0x900c), 0);
    ir_optimize(b);
    return b;
}

static void test_precise(void) {
    IrBlock *b = precise_block(true);
    char *text = NULL;
    size_t len = 0;
    FILE *dump = open_memstream(&text, &len);
    BeBlockFn f = be_llvm_compile(b, NULL, dump);
    fclose(dump);
    ir_block_free(b);
    CHECK(f != NULL, "precise block compiles");
    /* eip stores (0x9003 = 36867, 0x9006 = 36870) precede each access, the
     * first instruction's PUTs precede both, everything volatile */
    const char *t = text ? text : "";
    const char *put1 = strstr(t, "store volatile i32 17,"),
               *ccop = strstr(t, "store volatile i32 5,");
    const char *eip1 = strstr(t, "store volatile i32 36867,"), *ld = strstr(t, "load volatile i32");
    const char *eip2 = strstr(t, "store volatile i32 36870,"),
               *st = strstr(t, "store volatile i32 85,");
    const char *put3 = strstr(t, "store volatile i32 51,");
    CHECK(put1 && ccop && eip1 && ld && eip2 && st && put3 && put1 < eip1 && ccop < eip1 &&
              eip1 < ld && ld < eip2 && eip2 < st && st < put3 &&
              !strstr(t, "store volatile i32 36873,"),
          "precise lowering keeps the order PUTs, eip, load, eip, store, PUTs:\n%s", t);
    free(text);
    if (!f) return;

    struct sigaction sa = {.sa_handler = on_fault}, old_segv;
    sigaction(SIGSEGV, &sa, &old_segv);
    const uint32_t good = MEM_LO + 0x100, bad = MEM_LO + 8 * GUEST_PAGE;
    *(uint32_t *)g2h(good) = 0xabcdef01u;
    uint32_t w = 0;
    /* the load faults */
    reset_env();
    env.regs[2] = bad;
    env.regs[3] = 0x3333;
    bool faulted = run_faults(f, &w);
    CHECK(faulted && env.eip == 0x9003 && env.regs[1] == 0x11 && env.cc_op == 5 &&
              env.regs[3] == 0x3333,
          "fault at the load: eip %#x r1 %#x cc_op %u r3 %#x", env.eip, env.regs[1], env.cc_op,
          env.regs[3]);
    /* the store faults */
    reset_env();
    env.regs[2] = good;
    env.regs[4] = bad;
    faulted = run_faults(f, &w);
    CHECK(faulted && env.eip == 0x9006 && env.regs[1] == 0x11 && env.cc_op == 5 &&
              env.regs[3] == 0xabcdef01u,
          "fault at the store: eip %#x r1 %#x cc_op %u r3 %#x", env.eip, env.regs[1], env.cc_op,
          env.regs[3]);
    /* no fault */
    reset_env();
    env.regs[2] = good;
    env.regs[4] = good + 4;
    faulted = run_faults(f, &w);
    CHECK(!faulted && w == BE_EXIT_WORD(IR_EXIT_HALT, -1) && env.eip == 0x900c &&
              env.regs[1] == 0x33 && env.cc_op == 6 && *(uint32_t *)g2h(good + 4) == 0x55,
          "precise block without a fault: word %#x eip %#x r1 %#x", w, env.eip, env.regs[1]);
    sigaction(SIGSEGV, &old_segv, NULL);

    /* Outside precise mode the first PUTs are dead and go away. */
    b = precise_block(false);
    unsigned puts = 0;
    for (uint32_t i = 1; i < b->n; i++)
        puts += b->insts[i].op == IR_PUT;
    CHECK(puts == 3, "non-precise block keeps %u PUTs, want 3", puts);
    ir_block_free(b);
}

static void test_failures(void) {
    uint64_t fails = rt_stats.jit_failures, oks = rt_stats.jit_compiles;
    IrBlock *b = ir_block_new(0x8000);
    ir_emit(b, IR_CALL, IRT_I32, 0, H__COUNT + 5, 0, NULL);
    ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0), 0);
    printf("(an 'unknown helper' message on stderr is expected)\n");
    fflush(stdout);
    CHECK(be_llvm_compile(b, NULL, NULL) == NULL, "bad helper id is rejected");
    CHECK(be_llvm_compile(b, NULL, NULL) == NULL, "bad helper id is rejected twice");
    ir_block_free(b);
    b = ir_block_new(0x8100);
    ir_const(b, IRT_I32, 1);
    CHECK(be_llvm_compile(b, NULL, NULL) == NULL, "block without EXIT is rejected");
    ir_block_free(b);
    CHECK(rt_stats.jit_failures == fails + 3 && rt_stats.jit_compiles == oks, "failures counted");
    CHECK(be_llvm_init() == 0, "init is idempotent");
}

/* ---- batches ------------------------------------------------------------- */

/* Three blocks in one module, the middle one invalid: the other two are
 * compiled, each runs its own code (eax = its constant, eip = its target),
 * and their shared code survives until the last reference is freed. */
static void test_batch(void) {
    IrBlock *bs[3];
    for (unsigned i = 0; i < 3; i++) {
        bs[i] = ir_block_new(0x9000 + 0x100 * i);
        if (i == 1) { /* no EXIT: rejected when lowered */
            ir_const(bs[i], IRT_I32, 1);
            continue;
        }
        ir_put(bs[i], CPU_OFF(regs[R_EAX]), ir_const(bs[i], IRT_I32, 111 * (i + 1)));
        ir_exit(bs[i], IR_EXIT_JUMP, ir_const(bs[i], IRT_I32, 0x5000 + i), 0);
    }
    BeBlockFn chains_a[BE_MAX_CHAIN] = {0}, chains_c[BE_MAX_CHAIN] = {0};
    BeBlockFn *chains[3] = {chains_a, NULL, chains_c}, fns[3];
    BeJitCode *code = NULL;
    printf("(a 'does not end with EXIT' message on stderr is expected)\n");
    fflush(stdout);
    unsigned got = be_llvm_compile_batch((const IrBlock *const *)bs, chains, 3, 0, NULL, fns,
                                         &code);
    CHECK(got == 2 && fns[0] && !fns[1] && fns[2] && code, "batch: %u of 3 compiled", got);
    for (unsigned i = 0; i < 3; i += 2) {
        if (!fns[i]) continue;
        memset(&env, 0, sizeof env);
        uint32_t w = fns[i](&env);
        CHECK(BE_EXIT_KIND(w) == IR_EXIT_JUMP && env.eip == 0x5000 + i &&
                  env.regs[R_EAX] == 111 * (i + 1),
              "batch block %u: exit %#x eip %#x eax %u", i, w, env.eip, env.regs[R_EAX]);
    }
    if (code) {
        be_llvm_free(code); /* block 0's reference: block 2's code must stay */
        memset(&env, 0, sizeof env);
        if (fns[2]) fns[2](&env);
        CHECK(env.regs[R_EAX] == 333, "batch block 2 after freeing block 0: eax %u",
              env.regs[R_EAX]);
        be_llvm_free(code); /* the last one */
    }
    for (unsigned i = 0; i < 3; i++) ir_block_free(bs[i]);
}

/* ---- compile-time report ------------------------------------------------ */

/* A block shaped like lifter output: per guest instruction a marker, a few
 * register GETs, an ALU op, lazy-flag PUTs, sometimes a stack access. */
/* ---- regions -------------------------------------------------------------- */

/* A two-block loop compiled as one region: A (0x8000) counts r3 down and
 * writes its low byte into al (a partial register kept in SSA), leaving
 * through slot 0 to 0x8100 at zero, else going to B; B (0x8010) adds 2 to
 * r1 and goes back to A, or, with r2 nonzero, jumps to r2 (a computed
 * target: a member or an exit). */
static void region_blocks(IrBlock **a, IrBlock **b) {
    *a = ir_block_new(0x8000);
    IrBlock *x = *a;
    ir_insn(x, 0x8000, 2);
    IrRef n = ir_bin(x, IR_SUB, ir_get(x, IRT_I32, CPU_REG_OFF(3)), ir_const(x, IRT_I32, 1));
    ir_put(x, CPU_REG_OFF(3), n);
    ir_put(x, CPU_REG_OFF(0), ir_cast(x, IR_TRUNC, IRT_I8, n));
    ir_exit_if(x, IR_EXIT_JUMP, ir_icmp(x, IRP_EQ, n, ir_const(x, IRT_I32, 0)),
               ir_const(x, IRT_I32, 0x8100), 0);
    ir_exit(x, IR_EXIT_JUMP, ir_const(x, IRT_I32, 0x8010), 0);
    x->guest_len = 0x10;
    *b = ir_block_new(0x8010);
    x = *b;
    ir_insn(x, 0x8010, 2);
    ir_put(x, CPU_REG_OFF(1),
           ir_bin(x, IR_ADD, ir_get(x, IRT_I32, CPU_REG_OFF(1)), ir_const(x, IRT_I32, 2)));
    IrRef r2 = ir_get(x, IRT_I32, CPU_REG_OFF(2));
    ir_exit_if(x, IR_EXIT_JUMP, ir_icmp(x, IRP_NE, r2, ir_const(x, IRT_I32, 0)), r2, 0);
    ir_exit(x, IR_EXIT_JUMP, ir_const(x, IRT_I32, 0x8000), 0);
    x->guest_len = 0x10;
}

static void test_region(void) {
    IrBlock *a, *b;
    region_blocks(&a, &b);
    const IrBlock *blocks[2] = {a, b};
    BeBlockFn chain[4] = {0};
    uint32_t dead = 0;
    BeRegion R = {.nblocks = 2, .blocks = blocks, .chain = chain, .dead = &dead};
    CHECK(be_region_slots(&R) == 1, "region slots: %u", be_region_slots(&R));
    CHECK(be_region_member(&R, 0x8010) == 1 && be_region_member(&R, 0x8100) == -1,
          "region members");
    BeJitCode *code = NULL;
    BeBlockFn f = be_llvm_compile_region(&R, NULL, &code);
    CHECK(f != NULL, "compile of a region failed");
    ir_block_free(a);
    ir_block_free(b);
    if (!f) return;

    /* the whole loop in one call */
    reset_env();
    env.regs[3] = 1000;
    env.regs[0] = 0x12345677;
    uint32_t w = run(f);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_JUMP, 0) && env.eip == 0x8100 && env.regs[3] == 0 &&
              env.regs[1] == 2 * 999 && env.regs[0] == 0x12345600 &&
              env.last_chain == (void *)chain,
          "region loop: word %#x eip %#x r3 %u r1 %u r0 %#x", w, env.eip, env.regs[3],
          env.regs[1], env.regs[0]);
    /* a computed target: a member continues inside, anything else leaves */
    reset_env();
    env.regs[3] = 5;
    env.regs[2] = 0x8000;
    w = run(f);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_JUMP, 0) && env.eip == 0x8100 && env.regs[1] == 8,
          "region computed branch: word %#x eip %#x r1 %u", w, env.eip, env.regs[1]);
    reset_env();
    env.regs[3] = 5;
    env.regs[2] = 0x9000;
    w = run(f);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_JUMP, -1) && env.eip == 0x9000 && env.regs[1] == 2 &&
              env.regs[3] == 4,
          "region computed exit: word %#x eip %#x r1 %u r3 %u", w, env.eip, env.regs[1],
          env.regs[3]);
    /* a dropped region leaves at the first back edge, state written back */
    reset_env();
    dead = 1;
    env.regs[3] = 1000;
    w = run(f);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_JUMP, -1) && env.eip == 0x8000 && env.regs[3] == 999 &&
              env.regs[1] == 2 && (env.regs[0] & 0xff) == (999 & 0xff),
          "dead region: word %#x eip %#x r3 %u r1 %u", w, env.eip, env.regs[3], env.regs[1]);
    /* a pending signal too */
    reset_env();
    dead = 0;
    env.sig_pending = 1;
    env.regs[3] = 1000;
    w = run(f);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_JUMP, -1) && env.eip == 0x8000 && env.regs[3] == 999,
          "region with a signal pending: word %#x eip %#x r3 %u", w, env.eip, env.regs[3]);
    env.sig_pending = 0;
    /* a patched slot chains */
    chain[0] = f;
    reset_env();
    dead = 1; /* ...and the next entry leaves at its back edge */
    env.regs[3] = 1;
    w = run(f);
    CHECK(w == BE_EXIT_WORD(IR_EXIT_JUMP, -1) && env.eip == 0x8000 && env.regs[3] == 0xffffffffu,
          "region chained through its slot: word %#x eip %#x r3 %#x", w, env.eip, env.regs[3]);
    be_llvm_free(code);
}

static IrBlock *typical_block(unsigned ninsts) {
    IrBlock *b = ir_block_new(0x9000);
    uint32_t eip = 0x9000;
    for (unsigned i = 0; b->n < ninsts - 6; i++) {
        ir_insn(b, eip, 3);
        eip += 3;
        unsigned rd = i % 7, rs = (i * 3 + 1) % 8;
        IrRef a = ir_get(b, IRT_I32, CPU_REG_OFF(rd)), c;
        if (i % 4 == 3) {
            IrRef sp = ir_get(b, IRT_I32, CPU_REG_OFF(R_ESP));
            c = ir_load(b, IRT_I32, ir_bin(b, IR_ADD, sp, ir_const(b, IRT_I32, 4 * i)));
        } else {
            c = ir_get(b, IRT_I32, CPU_REG_OFF(rs));
        }
        static const IrOp ops[] = {IR_ADD, IR_SUB, IR_AND, IR_XOR, IR_OR};
        IrRef r = ir_bin(b, ops[i % 5], a, c);
        if (i % 6 == 5)
            ir_store(b, ir_get(b, IRT_I32, CPU_REG_OFF(R_EBP)), r);
        else
            ir_put(b, CPU_REG_OFF(rd), r);
        ir_put(b, CPU_OFF(cc_op), ir_const(b, IRT_I32, CC_OP(CCK_ADD, 2)));
        ir_put(b, CPU_OFF(cc_res), r);
        ir_put(b, CPU_OFF(cc_a), a);
    }
    IrRef z = ir_icmp(b, IRP_EQ, ir_get(b, IRT_I32, CPU_OFF(cc_res)), ir_const(b, IRT_I32, 0));
    ir_exit_if(b, IR_EXIT_JUMP, z, ir_const(b, IRT_I32, 0x8000), 0);
    ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, eip), 0);
    return b;
}

/* CPU time: the machines we test on are busy, wall time is noise. */
static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void report_times(void) {
    static const unsigned sizes[] = {30, 200};
    BeBlockFn chain[BE_MAX_CHAIN] = {0};
    for (unsigned s = 0; s < 2; s++) {
        IrBlock *b = typical_block(sizes[s]);
        unsigned reps = s ? 30 : 100;
        be_llvm_compile(b, chain, NULL); /* warm up */
        double t0 = now_us();
        for (unsigned i = 0; i < reps; i++)
            CHECK(be_llvm_compile(b, chain, NULL), "timing block");
        printf("compile time (cpu), %u-inst block: %.0f us\n", b->n - 1, (now_us() - t0) / reps);
        ir_block_free(b);
    }
}

int main(void) {
    uint8_t *space = mmap(NULL, GUEST_SPACE + GUEST_GUARD, PROT_NONE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (space == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    guest_base = space;
    if (mprotect(g2h(MEM_LO), 4 * GUEST_PAGE, PROT_READ | PROT_WRITE) ||
        mprotect(g2h(MEM_HI), GUEST_PAGE, PROT_READ | PROT_WRITE)) {
        perror("mprotect");
        return 1;
    }
    if (be_llvm_init() != 0) {
        printf("be_llvm_init failed\n0 passed, 1 failed\n");
        return 1;
    }
    const char *bx = getenv("XRUN_TEST_X64");
    use_x64 = bx && *bx == '1';
    test_alu();
    test_shift_mask();
    test_div_guard();
    test_casts();
    test_select();
    test_getput();
    test_memory();
    test_calls();
    test_exits();
    if (!use_x64) test_batch();
    if (!use_x64) test_region();
    test_chain();
    test_safe_points();
    test_precise();
    if (!use_x64) {
        test_failures();
        report_times();
    }
    be_llvm_fini();
    printf("%d passed, %d failed\n", ncheck - nfail, nfail);
    return nfail != 0;
}
