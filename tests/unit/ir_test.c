/* Unit tests of the IR (build, verify, passes) and of the tier-0 interpreter.
 *
 *   ir_test          run all checks; prints "N passed, N failed"
 *   ir_test bench [N] time the interpreter on a synthetic ALU block
 *   ir_test SEED     run with another random seed
 *
 * Operation results are checked against independent C computations written
 * here per width; the passes are checked by running random blocks before
 * and after ir_optimize() on identical states and comparing everything.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "backend/be.h"
#include "ir/helper.h"
#include "frontend/flags.h"
#include "ir/ir.h"
#include "runtime/cpu.h"
#include "runtime/mem.h"

static int n_pass, n_fail;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            n_pass++;                                                                              \
        } else {                                                                                   \
            n_fail++;                                                                              \
            if (n_fail < 40) {                                                                     \
                printf("FAIL %s:%d: ", __FILE__, __LINE__);                                        \
                printf(__VA_ARGS__);                                                               \
                printf("\n");                                                                      \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* ==== random numbers ===================================================== */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void) {
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* Random value with a bias towards edge cases. */
static uint64_t rnd_val(unsigned bits) {
    uint64_t m = bits >= 64 ? ~0ull : (1ull << bits) - 1;
    uint64_t v;
    switch (rnd() % 8) {
    case 0:
        v = 0;
        break;
    case 1:
        v = 1;
        break;
    case 2:
        v = m;
        break; /* -1 */
    case 3:
        v = 1ull << (bits - 1);
        break; /* INT_MIN */
    case 4:
        v = (1ull << (bits - 1)) - 1;
        break; /* INT_MAX */
    case 5:
        v = rnd() % (bits + 2);
        break; /* shift amounts */
    default:
        v = rnd();
        break;
    }
    return v & m;
}

/* ==== guest memory and states =========================================== */

#define GMEM_SIZE 0x10000u
static uint8_t gmem_buf[GMEM_SIZE + 16];

static void rand_state(CPUState *s) {
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 8; i++)
        s->regs[i] = (uint32_t)rnd_val(32);
    s->cc_res = (uint32_t)rnd();
    s->cc_a = (uint32_t)rnd();
    s->cc_b = (uint32_t)rnd();
    s->cc_c = (uint32_t)rnd();
    s->eflags = 2;
    s->cc_op = 0;
}

/* Whether two final CPU states are the same as the guest can tell: equal,
 * except the lazy-flag operands that their (equal) cc_op does not read
 * (frontend/flags.h, fe_cc_reads), which dead-PUT elimination may leave
 * stale. */
static bool same_state(const CPUState *a, const CPUState *b) {
    if (a->cc_op != b->cc_op) return false;
    CPUState c = *b;
    unsigned reads = fe_cc_reads(a->cc_op);
    if (!(reads & FE_CC_A)) c.cc_a = a->cc_a;
    if (!(reads & FE_CC_B)) c.cc_b = a->cc_b;
    if (!(reads & FE_CC_C)) c.cc_c = a->cc_c;
    return memcmp(a, &c, sizeof c) == 0;
}

/* ==== independent reference computations ================================ */

/* Binary ops on W-bit values, written with C's fixed-width types. */
#define REF_BIN(W, U, S)                                                                           \
    static uint64_t ref_bin##W(IrOp op, uint64_t a64, uint64_t b64) {                              \
        U a = (U)a64, b = (U)b64;                                                                  \
        S sa = (S)a, sb = (S)b;                                                                    \
        unsigned s = (unsigned)(b % W);                                                            \
        bool ovf = sb == 0 || (sb == (S)-1 && a == (U)((U)1 << (W - 1)));                          \
        switch (op) {                                                                              \
        case IR_ADD:                                                                               \
            return (U)(a + b);                                                                     \
        case IR_SUB:                                                                               \
            return (U)(a - b);                                                                     \
        case IR_MUL:                                                                               \
            return (U)((U)a * (uint64_t)b);                                                        \
        case IR_UDIV:                                                                              \
            return b ? (U)(a / b) : 0;                                                             \
        case IR_UREM:                                                                              \
            return b ? (U)(a % b) : 0;                                                             \
        case IR_SDIV:                                                                              \
            return ovf ? 0 : (U)(sa / sb);                                                         \
        case IR_SREM:                                                                              \
            return ovf ? 0 : (U)(sa % sb);                                                         \
        case IR_AND:                                                                               \
            return a & b;                                                                          \
        case IR_OR:                                                                                \
            return a | b;                                                                          \
        case IR_XOR:                                                                               \
            return a ^ b;                                                                          \
        case IR_SHL:                                                                               \
            return (U)(a << s);                                                                    \
        case IR_LSHR:                                                                              \
            return (U)(a >> s);                                                                    \
        case IR_ASHR:                                                                              \
            return (U)(sa >> s);                                                                   \
        case IR_ROTL:                                                                              \
            return s ? (U)((a << s) | (a >> (W - s))) : a;                                         \
        case IR_ROTR:                                                                              \
            return s ? (U)((a >> s) | (a << (W - s))) : a;                                         \
        default:                                                                                   \
            return 0xdead;                                                                         \
        }                                                                                          \
    }
REF_BIN(8, uint8_t, int8_t)
REF_BIN(16, uint16_t, int16_t)
REF_BIN(32, uint32_t, int32_t)
REF_BIN(64, uint64_t, int64_t)

static uint64_t ref_bin(IrOp op, unsigned bits, uint64_t a, uint64_t b) {
    switch (bits) {
    case 8:
        return ref_bin8(op, a, b);
    case 16:
        return ref_bin16(op, a, b);
    case 32:
        return ref_bin32(op, a, b);
    case 64:
        return ref_bin64(op, a, b);
    default: /* i1: arithmetic modulo 2, signed values 0 / -1 */
        a &= 1, b &= 1;
        switch (op) {
        case IR_ADD:
        case IR_SUB:
        case IR_XOR:
            return a ^ b;
        case IR_MUL:
        case IR_AND:
            return a & b;
        case IR_OR:
            return a | b;
        case IR_UDIV:
            return b ? a : 0;
        case IR_UREM:
        case IR_SDIV:
        case IR_SREM:
            return 0; /* -1/-1 overflows */
        default:
            return a; /* shifts and rotations by 0 */
        }
    }
}

static uint64_t mask_of(unsigned bits) {
    return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

static int64_t sext(uint64_t v, unsigned bits) {
    if (bits >= 64) return (int64_t)v;
    v &= mask_of(bits);
    return (v >> (bits - 1)) & 1 ? (int64_t)(v | ~mask_of(bits)) : (int64_t)v;
}

static uint64_t ref_un(IrOp op, unsigned bits, uint64_t a) {
    uint64_t m = mask_of(bits);
    a &= m;
    switch (op) {
    case IR_NOT:
        return ~a & m;
    case IR_NEG:
        return (~a + 1) & m;
    case IR_CLZ: {
        unsigned n = 0;
        for (int i = (int)bits - 1; i >= 0 && !((a >> i) & 1); i--)
            n++;
        return n;
    }
    case IR_CTZ: {
        unsigned n = 0;
        while (n < bits && !((a >> n) & 1))
            n++;
        return n;
    }
    case IR_POPCNT: {
        unsigned n = 0;
        for (unsigned i = 0; i < bits; i++)
            n += (a >> i) & 1;
        return n;
    }
    case IR_BSWAP: {
        uint64_t r = 0;
        for (unsigned i = 0; i < bits / 8; i++)
            r |= ((a >> (8 * i)) & 0xff) << (bits - 8 - 8 * i);
        return r;
    }
    case IR_PARITY: {
        unsigned n = 0;
        for (unsigned i = 0; i < 8; i++)
            n += (a >> i) & 1;
        return (n & 1) == 0;
    }
    default:
        return 0xdead;
    }
}

static uint64_t ref_icmp(IrPred p, unsigned bits, uint64_t a, uint64_t b) {
    int64_t sa = sext(a, bits), sb = sext(b, bits);
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
        return sa < sb;
    case IRP_SLE:
        return sa <= sb;
    case IRP_SGT:
        return sa > sb;
    case IRP_SGE:
        return sa >= sb;
    default:
        return 2;
    }
}

/* ==== running blocks ===================================================== */

static const IrType int_types[] = {IRT_I1, IRT_I8, IRT_I16, IRT_I32, IRT_I64};
#define OUT_OFF CPU_REG_OFF(R_EAX) /* 8 bytes: eax:ecx receive test results */

static bool verify_ok(const IrBlock *b) {
    char err[256];
    if (ir_verify(b, err, sizeof err) == 0) return true;
    printf("verify: %s\n", err);
    ir_print(stdout, b);
    return false;
}

/* Interpret b on *s; returns the exit word. */
static uint32_t run(const IrBlock *b, CPUState *s) {
    BeInterpBlock *ib = be_interp_prepare(b);
    uint32_t w = be_interp_run(s, ib);
    be_interp_free(ib);
    return w;
}

/* Finish a test block: widen v to i64, store it at OUT_OFF, exit. */
static void finish_out(IrBlock *b, IrRef v) {
    ir_put(b, OUT_OFF, ir_cast(b, IR_ZEXT, IRT_I64, v));
    ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0x1234), 0);
}

static uint64_t out_of(const CPUState *s) {
    uint64_t v;
    memcpy(&v, (const uint8_t *)s + OUT_OFF, 8);
    return v;
}

/* Run b unoptimized and optimized; check both produce `want`. */
static void check_both_on(IrBlock *b, const CPUState *init, uint64_t want, const char *what,
                          unsigned bits, uint64_t x, uint64_t y) {
    CPUState s;
    if (init)
        s = *init;
    else
        rand_state(&s);
    if (!verify_ok(b)) {
        CHECK(0, "%s i%u: invalid block", what, bits);
        return;
    }
    CPUState s2 = s;
    run(b, &s);
    CHECK(out_of(&s) == want,
          "%s i%u (%#" PRIx64 ", %#" PRIx64 "): interp %#" PRIx64 " want %#" PRIx64, what, bits, x,
          y, out_of(&s), want);
    IrBlock *o = ir_block_clone(b);
    ir_optimize(o);
    run(o, &s2);
    CHECK(out_of(&s2) == want,
          "%s i%u (%#" PRIx64 ", %#" PRIx64 "): folded %#" PRIx64 " want %#" PRIx64, what, bits, x,
          y, out_of(&s2), want);
    ir_block_free(o);
}

static void check_both(IrBlock *b, uint64_t want, const char *what, unsigned bits, uint64_t x,
                       uint64_t y) {
    check_both_on(b, NULL, want, what, bits, x, y);
}

/* ==== op tests ============================================================ */

static void test_binops(void) {
    static const IrOp ops[] = {IR_ADD, IR_SUB, IR_MUL, IR_UDIV, IR_SDIV, IR_UREM, IR_SREM, IR_AND,
                               IR_OR,  IR_XOR, IR_SHL, IR_LSHR, IR_ASHR, IR_ROTL, IR_ROTR};
    for (size_t oi = 0; oi < sizeof ops / sizeof ops[0]; oi++)
        for (size_t ti = 0; ti < 5; ti++)
            for (int k = 0; k < 60; k++) {
                IrType t = int_types[ti];
                unsigned bits = ir_type_bits(t);
                uint64_t x = rnd_val(bits), y = rnd_val(bits);
                IrBlock *b = ir_block_new(0x1000);
                IrRef r = ir_bin(b, ops[oi], ir_const(b, t, x), ir_const(b, t, y));
                finish_out(b, r);
                check_both(b, ref_bin(ops[oi], bits, x, y), ir_op_info[ops[oi]].name, bits, x, y);
                ir_block_free(b);
            }
}

static void test_unops(void) {
    static const IrOp ops[] = {IR_NOT, IR_NEG, IR_CLZ, IR_CTZ, IR_POPCNT, IR_BSWAP, IR_PARITY};
    for (size_t oi = 0; oi < sizeof ops / sizeof ops[0]; oi++)
        for (size_t ti = 0; ti < 5; ti++)
            for (int k = 0; k < 40; k++) {
                IrType t = int_types[ti];
                unsigned bits = ir_type_bits(t);
                if (ops[oi] == IR_BSWAP && bits < 32) continue;
                uint64_t x = rnd_val(bits);
                IrBlock *b = ir_block_new(0x1000);
                finish_out(b, ir_un(b, ops[oi], ir_const(b, t, x)));
                check_both(b, ref_un(ops[oi], bits, x), ir_op_info[ops[oi]].name, bits, x, 0);
                ir_block_free(b);
            }
}

static void test_casts_icmp_select(void) {
    for (size_t ti = 0; ti < 5; ti++)
        for (size_t tj = 0; tj < 5; tj++)
            for (int k = 0; k < 20; k++) {
                IrType from = int_types[ti], to = int_types[tj];
                unsigned fb = ir_type_bits(from), tb = ir_type_bits(to);
                uint64_t x = rnd_val(fb);
                IrOp ops[2] = {IR_ZEXT, IR_SEXT};
                for (int w = 0; w < 2; w++) {
                    IrOp op = fb < tb ? ops[w] : fb > tb ? IR_TRUNC : IR_NOP;
                    if (op == IR_NOP) continue;
                    IrBlock *b = ir_block_new(0x1000);
                    finish_out(b, ir_cast(b, op, to, ir_const(b, from, x)));
                    uint64_t want =
                        op == IR_SEXT ? (uint64_t)sext(x, fb) & mask_of(tb) : x & mask_of(tb);
                    check_both(b, want, ir_op_info[op].name, tb, x, fb);
                    ir_block_free(b);
                }
            }
    for (size_t ti = 0; ti < 5; ti++)
        for (int p = 0; p < IRP__COUNT; p++)
            for (int k = 0; k < 30; k++) {
                IrType t = int_types[ti];
                unsigned bits = ir_type_bits(t);
                uint64_t x = rnd_val(bits), y = k % 5 == 0 ? x : rnd_val(bits);
                IrBlock *b = ir_block_new(0x1000);
                finish_out(b, ir_icmp(b, (IrPred)p, ir_const(b, t, x), ir_const(b, t, y)));
                check_both(b, ref_icmp((IrPred)p, bits, x, y), ir_pred_name[p], bits, x, y);
                ir_block_free(b);
            }
    for (size_t ti = 0; ti < 5; ti++)
        for (int k = 0; k < 20; k++) {
            IrType t = int_types[ti];
            unsigned bits = ir_type_bits(t);
            uint64_t c = rnd() & 1, x = rnd_val(bits), y = rnd_val(bits);
            IrBlock *b = ir_block_new(0x1000);
            finish_out(b,
                       ir_select(b, ir_const(b, IRT_I1, c), ir_const(b, t, x), ir_const(b, t, y)));
            check_both(b, c ? x : y, "select", bits, x, y);
            ir_block_free(b);
        }
}

/* The interpreter's operand forms (backend/interp.c): a binary op or
 * compare with both operands in slots (from GETs), with a constant
 * right-hand side (immediate form) and, for commutative ops, a constant
 * left-hand side; a compare fused into EXIT_IF, direct and inverted
 * (xor with 1); a load from base + constant offset. Each result is checked
 * against the reference semantics, unoptimized (so the forms are the
 * lifter's) and optimized. */
static IrRef operand(IrBlock *b, IrType t, uint32_t off, uint64_t v, bool k) {
    return k ? ir_const(b, t, v) : ir_get(b, t, off);
}

static void test_operand_forms(void) {
    static const IrOp ops[] = {IR_ADD, IR_SUB, IR_MUL, IR_AND, IR_OR,  IR_XOR,
                               IR_SHL, IR_LSHR, IR_ASHR, IR_UDIV, IR_ROTL};
    for (size_t ti = 0; ti < 5; ti++) {
        IrType t = int_types[ti];
        unsigned bits = ir_type_bits(t);
        for (int form = 0; form < 3; form++) /* 0: slot, slot; 1: slot, const; 2: const, slot */
            for (int k = 0; k < 40; k++) {
                uint64_t x = rnd_val(bits), y = rnd_val(bits);
                CPUState s;
                rand_state(&s);
                memcpy((uint8_t *)&s + CPU_REG_OFF(R_EDX), &x, 8);
                memcpy((uint8_t *)&s + CPU_REG_OFF(R_ESI), &y, 8);
                for (size_t oi = 0; oi < sizeof ops / sizeof ops[0]; oi++) {
                    IrBlock *b = ir_block_new(0x1000);
                    IrRef a = operand(b, t, CPU_REG_OFF(R_EDX), x, form == 2);
                    IrRef c = operand(b, t, CPU_REG_OFF(R_ESI), y, form == 1);
                    finish_out(b, ir_bin(b, ops[oi], a, c));
                    check_both_on(b, &s, ref_bin(ops[oi], bits, x, y), ir_op_info[ops[oi]].name,
                                  bits, x, y);
                    ir_block_free(b);
                }
                for (int p = 0; p < IRP__COUNT; p++) {
                    IrBlock *b = ir_block_new(0x1000);
                    IrRef a = operand(b, t, CPU_REG_OFF(R_EDX), x, form == 2);
                    IrRef c = operand(b, t, CPU_REG_OFF(R_ESI), y, form == 1);
                    finish_out(b, ir_icmp(b, (IrPred)p, a, c));
                    check_both_on(b, &s, ref_icmp((IrPred)p, bits, x, y), ir_pred_name[p], bits,
                                  x, y);
                    ir_block_free(b);
                    for (int inv = 0; inv < 2; inv++) {
                        b = ir_block_new(0x1000);
                        ir_insn(b, 0x1000, 2);
                        a = operand(b, t, CPU_REG_OFF(R_EDX), x, form == 2);
                        c = operand(b, t, CPU_REG_OFF(R_ESI), y, form == 1);
                        IrRef cond = ir_icmp(b, (IrPred)p, a, c);
                        if (inv) cond = ir_bin(b, IR_XOR, cond, ir_const(b, IRT_I1, 1));
                        ir_exit_if(b, IR_EXIT_JUMP, cond, ir_const(b, IRT_I32, 0x2000), 3);
                        ir_insn(b, 0x1002, 2);
                        ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, 0x3000), 4);
                        bool want = (ref_icmp((IrPred)p, bits, x, y) != 0) != (inv != 0);
                        CPUState s1 = s;
                        uint32_t w = run(b, &s1);
                        CHECK(s1.eip == (want ? 0x2000u : 0x3000u) &&
                                  s1.exit_info == (want ? 3u : 4u) &&
                                  s1.insn_count == s.insn_count + (want ? 1u : 2u) &&
                                  BE_EXIT_SLOT(w) == (want ? 0 : 1),
                              "exit_if %s%s i%u (%#" PRIx64 ", %#" PRIx64 "): eip %#x",
                              inv ? "not " : "", ir_pred_name[p], bits, x, y, s1.eip);
                        ir_block_free(b);
                    }
                }
            }
    }
    /* loads and stores at base + offset, and at a constant address */
    guest_base = gmem_buf;
    for (int k = 0; k < 200; k++) {
        uint32_t base = (uint32_t)(rnd() % 60), off = (uint32_t)(rnd() % 60); /* below 128 */
        uint32_t v = (uint32_t)rnd();
        memset(gmem_buf, 0, 160);
        CPUState s;
        rand_state(&s);
        s.regs[R_EBX] = base;
        IrBlock *b = ir_block_new(0x1000);
        ir_insn(b, 0x1000, 3);
        IrRef addr = ir_bin(b, IR_ADD, ir_get(b, IRT_I32, CPU_REG_OFF(R_EBX)),
                            ir_const(b, IRT_I32, off));
        ir_store(b, addr, ir_const(b, IRT_I32, v));
        IrRef l = ir_load(b, IRT_I32, ir_const(b, IRT_I32, base + off));
        ir_store(b, ir_const(b, IRT_I32, 128), ir_bin(b, IR_XOR, l, ir_const(b, IRT_I32, 1)));
        finish_out(b, ir_load(b, IRT_I16, ir_bin(b, IR_ADD, ir_const(b, IRT_I32, 2), addr)));
        check_both_on(b, &s, (v >> 16) & 0xffff, "load base+offset", 16, base, off);
        uint32_t got;
        memcpy(&got, gmem_buf + 128, 4);
        uint32_t stored;
        memcpy(&stored, gmem_buf + base + off, 4);
        CHECK(got == (v ^ 1) && stored == v, "store base+offset %u+%u: %#x %#x", base, off, got,
              stored);
        ir_block_free(b);
    }
}

/* GET/PUT/LOAD/STORE of every width, INSN, exits and exit words. */
static void test_state_mem_exits(void) {
    guest_base = gmem_buf;
    for (size_t ti = 0; ti < 5; ti++) {
        IrType t = int_types[ti];
        unsigned bits = ir_type_bits(t), bytes = bits == 1 ? 1 : bits / 8;
        CPUState s;
        rand_state(&s);
        uint64_t src;
        memcpy(&src, (uint8_t *)&s + CPU_REG_OFF(R_EDX), 8);
        IrBlock *b = ir_block_new(0x1000);
        ir_insn(b, 0x1000, 2);
        IrRef g = ir_get(b, t, CPU_REG_OFF(R_EDX));
        ir_store(b, ir_const(b, IRT_I32, 0x101), g);
        ir_insn(b, 0x1002, 3);
        IrRef l = ir_load(b, t, ir_const(b, IRT_I32, 0x101));
        ir_put(b, CPU_REG_OFF(R_ESI), l);
        ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, 0x2000), 7);
        CHECK(verify_ok(b), "state block verifies");
        memset(gmem_buf, 0xcc, 0x200);
        uint32_t esi = s.regs[R_ESI], edi = s.regs[R_EDI];
        uint32_t w = run(b, &s);
        uint64_t want = src & mask_of(bits);
        uint64_t got = 0;
        memcpy(&got, gmem_buf + 0x101, bytes);
        CHECK(got == want, "store i%u: %#" PRIx64 " want %#" PRIx64, bits, got, want);
        CHECK(gmem_buf[0x101 + bytes] == 0xcc && gmem_buf[0x100] == 0xcc, "store i%u width", bits);
        uint64_t esi_edi = (uint64_t)esi | (uint64_t)edi << 32;
        uint64_t put_mask = bytes == 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
        uint64_t want_regs = (esi_edi & ~put_mask) | want;
        uint64_t got_regs = (uint64_t)s.regs[R_ESI] | (uint64_t)s.regs[R_EDI] << 32;
        CHECK(got_regs == want_regs, "load/put i%u: %#" PRIx64 " want %#" PRIx64, bits, got_regs,
              want_regs);
        CHECK(s.eip == 0x2000 && s.exit_info == 7 && s.insn_count == 2, "exit state i%u", bits);
        CHECK(BE_EXIT_KIND(w) == IR_EXIT_JUMP && BE_EXIT_SLOT(w) == 0, "exit word %#x", w);
        ir_block_free(b);
    }

    /* EXIT_IF taken / not taken, chain slot numbering. */
    for (int taken = 0; taken < 2; taken++) {
        IrBlock *b = ir_block_new(0x1000);
        ir_insn(b, 0x1000, 1);
        IrRef c =
            ir_icmp(b, IRP_EQ, ir_get(b, IRT_I32, CPU_REG_OFF(R_EAX)), ir_const(b, IRT_I32, 5));
        ir_exit_if(b, IR_EXIT_SIGNAL, c, ir_const(b, IRT_I32, 0x1000), 11); /* not chainable */
        ir_exit_if(b, IR_EXIT_JUMP, ir_const(b, IRT_I1, 0), ir_get(b, IRT_I32, CPU_REG_OFF(R_EBX)),
                   0);
        IrRef j = ir_const(b, IRT_I32, 0x3000);
        ir_exit_if(b, IR_EXIT_JUMP, ir_const(b, IRT_I1, 0), j, 0); /* slot 0 */
        ir_insn(b, 0x1001, 1);
        ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, 0x1002), 0); /* slot 1 */
        CHECK(verify_ok(b), "exit block verifies");
        int slots[4] = {-2, -2, -2, -2}, k = 0;
        for (uint32_t i = 1; i < b->n; i++)
            if (b->insts[i].op == IR_EXIT_IF || b->insts[i].op == IR_EXIT)
                slots[k++] = be_exit_slot(b, (IrRef)i);
        CHECK(slots[0] == -1 && slots[1] == -1 && slots[2] == 0 && slots[3] == 1,
              "exit slots %d %d %d %d", slots[0], slots[1], slots[2], slots[3]);
        CPUState s;
        rand_state(&s);
        s.regs[R_EAX] = taken ? 5 : 6;
        uint32_t w = run(b, &s);
        if (taken)
            CHECK(BE_EXIT_KIND(w) == IR_EXIT_SIGNAL && BE_EXIT_SLOT(w) == -1 && s.eip == 0x1000 &&
                      s.exit_info == 11 && s.insn_count == 1,
                  "exit_if taken: w %#x eip %#x", w, s.eip);
        else
            CHECK(BE_EXIT_KIND(w) == IR_EXIT_JUMP && BE_EXIT_SLOT(w) == 1 && s.eip == 0x1002 &&
                      s.exit_info == 0 && s.insn_count == 2,
                  "exit_if not taken: w %#x eip %#x", w, s.eip);
        ir_block_free(b);
    }
}

/* CALL through libffi against a direct call of the same helper. */
static void test_calls(void) {
    int tested = 0;
    for (unsigned h = 0; h < H__COUNT; h++) {
        const IrHelper *hp = &ir_helpers[h];
        /* only helpers safe to call on any state: they read at most CPUState */
        if (hp->flags & (HF_WRITES_ENV | HF_MEM | HF_X87 | HF_X87_VALS)) continue;
        if (h == H_COND || h == H_GET_EFLAGS) {
            for (int k = 0; k < 50; k++) {
                CPUState s;
                rand_state(&s);
                s.cc_op = (uint32_t)(4 * (rnd() % 12) + rnd() % 3); /* any valid CCOp */
                s.cc_b = 1 + (uint32_t)(rnd() % 31);                /* valid shift counts too */
                s.cc_c &= 1;
                CPUState s2 = s;
                IrBlock *b = ir_block_new(0x1000);
                IrRef args[IR_MAX_ARGS];
                uint64_t av[IR_MAX_ARGS] = {0};
                for (unsigned i = 0; i < hp->nargs; i++) {
                    av[i] = h == H_COND ? rnd() % 16 : rnd_val(ir_type_bits(hp->args[i]));
                    args[i] = ir_const(b, (IrType)hp->args[i], av[i]);
                }
                IrRef r = ir_call(b, h, hp->nargs, args);
                finish_out(b, r);
                uint64_t want;
                if (h == H_COND)
                    want = ((uint8_t(*)(CPUState *, uint32_t))hp->fn)(&s2, (uint32_t)av[0]) & 1;
                else
                    want = ((uint32_t(*)(CPUState *))hp->fn)(&s2);
                check_both_on(b, &s, want, hp->name, 0, av[0], 0);
                ir_block_free(b);
                tested++;
            }
        }
    }
    CHECK(tested > 0, "some helper calls tested");
}

/* ==== verifier ============================================================ */

typedef void (*BadFn)(IrBlock *b);

static IrRef c32(IrBlock *b, uint32_t v) {
    return ir_const(b, IRT_I32, v);
}
static void end(IrBlock *b) {
    ir_exit(b, IR_EXIT_JUMP, c32(b, 0x1000), 0);
}

static void bad_add_types(IrBlock *b) {
    ir_bin(b, IR_ADD, c32(b, 1), ir_const(b, IRT_I8, 1));
    end(b);
}
static void bad_forward(IrBlock *b) {
    IrRef a[2] = {5, 1};
    c32(b, 1);
    ir_emit(b, IR_ADD, IRT_I32, 0, 0, 2, a);
    end(b);
}
static void bad_no_exit(IrBlock *b) {
    ir_put(b, 0, c32(b, 1));
}
static void bad_exit_middle(IrBlock *b) {
    end(b);
    ir_put(b, 0, c32(b, 1));
    end(b);
}
static void bad_get_oob(IrBlock *b) {
    ir_get(b, IRT_I32, sizeof(CPUState) - 2);
    end(b);
}
static void bad_put_oob(IrBlock *b) {
    ir_put(b, sizeof(CPUState) - 4, ir_const(b, IRT_I64, 1));
    end(b);
}
static void bad_call_args(IrBlock *b) {
    IrRef a = ir_const(b, IRT_I8, 1);
    ir_emit(b, IR_CALL, IRT_I1, 0, H_COND, 1, &a);
    end(b);
}
static void bad_call_nargs(IrBlock *b) {
    ir_emit(b, IR_CALL, IRT_I1, 0, H_COND, 0, NULL);
    end(b);
}
static void bad_bswap16(IrBlock *b) {
    ir_un(b, IR_BSWAP, ir_const(b, IRT_I16, 1));
    end(b);
}
static void bad_zext_narrow(IrBlock *b) {
    IrRef a = c32(b, 1);
    ir_emit(b, IR_ZEXT, IRT_I8, 0, 0, 1, &a);
    end(b);
}
static void bad_trunc_wide(IrBlock *b) {
    IrRef a = c32(b, 1);
    ir_emit(b, IR_TRUNC, IRT_I64, 0, 0, 1, &a);
    end(b);
}
static void bad_icmp_type(IrBlock *b) {
    IrRef a[2] = {c32(b, 1), c32(b, 2)};
    ir_emit(b, IR_ICMP, IRT_I32, IRP_EQ, 0, 2, a);
    end(b);
}
static void bad_select_cond(IrBlock *b) {
    ir_select(b, c32(b, 1), c32(b, 2), c32(b, 3));
    end(b);
}
static void bad_const_mask(IrBlock *b) {
    ir_emit(b, IR_CONST, IRT_I8, 0, 0x100, 0, NULL);
    end(b);
}
static void bad_nargs(IrBlock *b) {
    IrRef a[3] = {c32(b, 1), c32(b, 2), c32(b, 3)};
    ir_emit(b, IR_ADD, IRT_I32, 0, 0, 3, a);
    end(b);
}
static void bad_void_arg(IrBlock *b) {
    ir_put(b, 0, c32(b, 1));
    IrRef a[2] = {2, 2};
    ir_emit(b, IR_ADD, IRT_I32, 0, 0, 2, a);
    end(b);
}
static void bad_exit_target(IrBlock *b) {
    ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I64, 1), 0);
}
static void bad_exit_if_cond(IrBlock *b) {
    ir_exit_if(b, IR_EXIT_JUMP, c32(b, 1), c32(b, 2), 0);
    end(b);
}
static void bad_load_addr(IrBlock *b) {
    ir_load(b, IRT_I32, ir_const(b, IRT_I64, 0));
    end(b);
}

static void test_verify(void) {
    IrBlock *b = ir_block_new(0x1000);
    ir_insn(b, 0x1000, 3);
    IrRef x = ir_get(b, IRT_I32, CPU_REG_OFF(R_EAX));
    IrRef y = ir_bin(b, IR_ADD, x, c32(b, 1));
    IrRef f = ir_call(b, H_COND, 1, (IrRef[]){c32(b, 4)});
    ir_exit_if(b, IR_EXIT_JUMP, f, c32(b, 0x2000), 0);
    ir_put(b, CPU_REG_OFF(R_EAX), ir_select(b, ir_icmp(b, IRP_SLT, y, x), y, x));
    ir_put(b, CPU_OFF(insn_count), ir_const(b, IRT_I64, 1));
    ir_store(b, y, ir_cast(b, IR_TRUNC, IRT_I8, y));
    end(b);
    CHECK(verify_ok(b), "good block verifies");
    CHECK(ir_cast(b, IR_ZEXT, IRT_I32, x) == x, "ir_cast returns arg of same type");
    CHECK(b->insts[ir_const(b, IRT_I8, 0x1ff)].imm == 0xff, "ir_const masks");
    CHECK(ir_type(b, f) == IRT_I1, "ir_call result type from helper table");
    ir_block_free(b);

    static const struct {
        BadFn fn;
        const char *name;
    } bad[] = {
        {bad_add_types, "add types"},
        {bad_forward, "forward ref"},
        {bad_no_exit, "no exit"},
        {bad_exit_middle, "exit in middle"},
        {bad_get_oob, "get oob"},
        {bad_put_oob, "put oob"},
        {bad_call_args, "call arg type"},
        {bad_call_nargs, "call nargs"},
        {bad_bswap16, "bswap i16"},
        {bad_zext_narrow, "zext narrowing"},
        {bad_trunc_wide, "trunc widening"},
        {bad_icmp_type, "icmp type"},
        {bad_select_cond, "select cond"},
        {bad_const_mask, "const mask"},
        {bad_nargs, "nargs"},
        {bad_void_arg, "void arg"},
        {bad_exit_target, "exit target"},
        {bad_exit_if_cond, "exit_if cond"},
        {bad_load_addr, "load addr"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        IrBlock *bb = ir_block_new(0x1000);
        bad[i].fn(bb);
        char err[256] = "";
        int r = ir_verify(bb, err, sizeof err);
        CHECK(r == -1 && err[0] == 't', "verify rejects %s (%d, '%s')", bad[i].name, r, err);
        ir_block_free(bb);
    }
}

/* ==== passes ============================================================== */

static unsigned count_op(const IrBlock *b, IrOp op) {
    unsigned n = 0;
    for (uint32_t i = 1; i < b->n; i++)
        n += b->insts[i].op == op;
    return n;
}

static void test_getput(void) {
    const uint32_t EAX = CPU_REG_OFF(R_EAX), EBX = CPU_REG_OFF(R_EBX);
    /* forwarding from PUT and from GET, dead PUT removal */
    IrBlock *b = ir_block_new(0x1000);
    IrRef v = ir_bin(b, IR_ADD, ir_get(b, IRT_I32, EBX), c32(b, 1));
    ir_put(b, EAX, v);
    IrRef g = ir_get(b, IRT_I32, EAX);
    IrRef g2 = ir_get(b, IRT_I32, EBX);
    ir_put(b, EAX, ir_bin(b, IR_XOR, g, g2));
    end(b);
    ir_optimize(b);
    CHECK(count_op(b, IR_GET) == 1 && count_op(b, IR_PUT) == 1, "getput: 1 get, 1 put (%u, %u)",
          count_op(b, IR_GET), count_op(b, IR_PUT));
    ir_block_free(b);

    /* barriers: EXIT_IF and env-reading helpers keep the first PUT */
    for (int barrier = 0; barrier < 3; barrier++) {
        b = ir_block_new(0x1000);
        ir_put(b, EAX, c32(b, 1));
        if (barrier == 0)
            ir_exit_if(b, IR_EXIT_JUMP, ir_get(b, IRT_I1, CPU_OFF(cc_op)), c32(b, 5), 0);
        if (barrier == 1)
            ir_put(b, EBX,
                   ir_cast(b, IR_ZEXT, IRT_I32, ir_call(b, H_COND, 1, (IrRef[]){c32(b, 4)})));
        if (barrier == 2) ir_put(b, EAX + 1, ir_const(b, IRT_I8, 3));
        ir_put(b, EAX, c32(b, 2));
        end(b);
        ir_optimize(b);
        unsigned want = barrier == 1 ? 3 : 2; /* barrier 2: the i8 put does not save the first */
        CHECK(count_op(b, IR_PUT) == want, "barrier %d: %u puts, want %u", barrier,
              count_op(b, IR_PUT), want);
        ir_block_free(b);
    }

    /* partial overlap: GET i8 of a pending i32 PUT is not forwarded and keeps it live */
    b = ir_block_new(0x1000);
    ir_put(b, EAX, ir_get(b, IRT_I32, EBX));
    ir_put(b, EBX, ir_cast(b, IR_ZEXT, IRT_I32, ir_get(b, IRT_I8, EAX + 1)));
    ir_put(b, EAX, c32(b, 0));
    end(b);
    ir_optimize(b);
    CHECK(count_op(b, IR_PUT) == 3 && count_op(b, IR_GET) == 2, "partial overlap: %u puts %u gets",
          count_op(b, IR_PUT), count_op(b, IR_GET));
    ir_block_free(b);
}

/* Precise mode: a guest memory access keeps the PUTs before it. */
static void test_getput_precise(void) {
    const uint32_t EAX = CPU_REG_OFF(R_EAX), EBX = CPU_REG_OFF(R_EBX);
    for (int access = 0; access < 4; access++)
        for (int precise = 0; precise < 2; precise++) {
            IrBlock *b = ir_block_new(0x1000);
            b->precise = precise;
            ir_insn(b, 0x1000, 2);
            ir_put(b, EAX, c32(b, 1));
            ir_put(b, CPU_OFF(cc_op), c32(b, 3));
            ir_insn(b, 0x1002, 2);
            IrRef addr = ir_get(b, IRT_I32, EBX);
            if (access == 0) ir_put(b, EBX, ir_load(b, IRT_I32, addr));
            if (access == 1) ir_store(b, addr, c32(b, 7));
            if (access == 2) ir_call(b, H_X87_LD_MEM, 2, (IrRef[]){addr, c32(b, 2)});
            /* not an access: the PUTs stay dead in both modes */
            if (access == 3) ir_put(b, EBX, ir_bin(b, IR_ADD, addr, c32(b, 4)));
            ir_insn(b, 0x1004, 2);
            ir_put(b, EAX, c32(b, 2));
            ir_put(b, CPU_OFF(cc_op), c32(b, 4));
            end(b);
            ir_optimize(b);
            unsigned want = (access != 1 && access != 2) + (precise && access != 3 ? 4 : 2);
            CHECK(count_op(b, IR_PUT) == want, "precise=%d access %d: %u puts, want %u", precise,
                  access, count_op(b, IR_PUT), want);
            ir_block_free(b);
        }
}

static IrBlock *random_block(void);

/* Guest memory for fault tests: page 0 readable and writable, page 1 not. */
static uint8_t *fault_mem;
static sigjmp_buf fault_jmp;

static void on_fault(int sig) {
    (void)sig;
    siglongjmp(fault_jmp, 1);
}

/* Interpret b on *s; returns the exit kind, or -1 when an access faulted. */
static int run_faulting(const IrBlock *b, CPUState *s) {
    BeInterpBlock *ib = be_interp_prepare(b);
    volatile int k = -1;
    if (sigsetjmp(fault_jmp, 1) == 0) k = (int)BE_EXIT_KIND(be_interp_run(s, ib));
    be_interp_free(ib);
    return k;
}

/* Random precise blocks whose k-th guest access faults: the optimized
 * block leaves exactly the state the unoptimized one does (all PUTs before
 * the access done, none after, eip of the faulting instruction). */
static void test_precise_faults(void) {
    fault_mem = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fault_mem == MAP_FAILED || mprotect(fault_mem + 4096, 4096, PROT_NONE)) {
        CHECK(0, "fault test memory");
        return;
    }
    struct sigaction sa = {.sa_handler = on_fault}, old_segv, old_bus;
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    uint8_t *saved_base = guest_base;
    guest_base = fault_mem;
    unsigned faulted = 0;
    for (int iter = 0; iter < 1500; iter++) {
        IrBlock *b = random_block();
        b->precise = true;
        IrRef acc[64];
        unsigned nacc = 0;
        for (uint32_t i = 1; i < b->n && nacc < 64; i++)
            if (b->insts[i].op == IR_LOAD || b->insts[i].op == IR_STORE) acc[nacc++] = (IrRef)i;
        if (nacc == 0 || !verify_ok(b)) {
            ir_block_free(b);
            continue;
        }
        /* the address of a random access (a CONST of its own) moves to page 1 */
        IrInst *addr = &b->insts[b->insts[acc[rnd() % nacc]].arg[0]];
        addr->imm += 4096;
        IrBlock *o = ir_block_clone(b);
        ir_optimize(o);
        CPUState s0, s1;
        rand_state(&s0);
        s0.eip = 0xdead;
        s1 = s0;
        for (int i = 0; i < 128; i++)
            fault_mem[i] = (uint8_t)rnd();
        uint8_t mem0[128], mem1[128];
        memcpy(mem0, fault_mem, 128);
        int k0 = run_faulting(b, &s0);
        memcpy(mem1, fault_mem, 128);
        memcpy(fault_mem, mem0, 128);
        int k1 = run_faulting(o, &s1);
        faulted += k0 < 0;
        bool same =
            k0 == k1 && same_state(&s0, &s1) && memcmp(mem1, fault_mem, 128) == 0;
        CHECK(same, "precise random block %d: state differs (exit kind %d vs %d, -1: fault)", iter,
              k0, k1);
        if (!same && n_fail < 3) {
            ir_print(stdout, b);
            ir_print(stdout, o);
        }
        ir_block_free(b);
        ir_block_free(o);
    }
    CHECK(faulted > 300, "precise random blocks: only %u faulted", faulted);
    guest_base = saved_base;
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    munmap(fault_mem, 2 * 4096);
}

/* Structural fold checks (values are covered by the random tests). */
static void test_fold_shapes(void) {
    const uint32_t EAX = CPU_REG_OFF(R_EAX);
    IrBlock *b = ir_block_new(0x1000);
    IrRef x = ir_get(b, IRT_I32, EAX);
    IrRef y = ir_bin(b, IR_ADD, ir_bin(b, IR_ADD, x, c32(b, 3)), c32(b, 4));
    y = ir_bin(b, IR_SUB, y, c32(b, 7)); /* back to x */
    y = ir_bin(b, IR_OR, ir_bin(b, IR_AND, y, c32(b, ~0u)), c32(b, 0));
    y = ir_bin(b, IR_XOR, ir_bin(b, IR_MUL, y, c32(b, 1)), ir_bin(b, IR_SUB, x, x));
    y = ir_cast(b, IR_TRUNC, IRT_I32, ir_cast(b, IR_ZEXT, IRT_I64, y));
    ir_put(b, EAX, y);
    end(b);
    ir_optimize(b);
    /* only the GET, the exit target const and the exit remain (the put of eax to itself stays) */
    CHECK(count_op(b, IR_ADD) == 0 && count_op(b, IR_SUB) == 0 && count_op(b, IR_XOR) == 0 &&
              count_op(b, IR_ZEXT) == 0 && count_op(b, IR_TRUNC) == 0 && b->n == 5,
          "identities fold away (n = %u)", b->n);
    if (b->n != 5) ir_print(stdout, b);
    ir_block_free(b);

    b = ir_block_new(0x1000);
    x = ir_get(b, IRT_I32, EAX);
    IrRef c = ir_icmp(b, IRP_ULT, ir_bin(b, IR_MUL, c32(b, 6), c32(b, 7)), c32(b, 43));
    ir_exit_if(b, IR_EXIT_JUMP, ir_icmp(b, IRP_NE, x, x), c32(b, 9), 0); /* never: dropped */
    ir_put(b, EAX, ir_select(b, c, ir_bin(b, IR_ADD, x, c32(b, 5)), x));
    ir_exit_if(b, IR_EXIT_JUMP, c, c32(b, 0x4000), 0); /* always: becomes the exit */
    ir_put(b, EAX, c32(b, 0));
    end(b);
    ir_optimize(b);
    CHECK(count_op(b, IR_EXIT_IF) == 0 && count_op(b, IR_EXIT) == 1 && count_op(b, IR_PUT) == 1 &&
              count_op(b, IR_SELECT) == 0 && count_op(b, IR_ICMP) == 0,
          "constant conditions fold");
    CPUState s;
    rand_state(&s);
    uint32_t eax = s.regs[R_EAX];
    run(b, &s);
    CHECK(s.regs[R_EAX] == eax + 5 && s.eip == 0x4000, "folded block runs");
    ir_block_free(b);
}

/* Random blocks: run unoptimized and optimized on the same state and memory. */
static IrRef pick(IrBlock *b, IrRef *vals, unsigned nv, IrType t) {
    for (int tries = 0; tries < 8 && nv; tries++) {
        IrRef r = vals[rnd() % nv];
        if (ir_type(b, r) == t) return r;
    }
    if (rnd() % 2) return ir_const(b, t, rnd_val(ir_type_bits(t)));
    IrRef r = vals[rnd() % nv];
    IrType rt = ir_type(b, r);
    if (rt == t) return r;
    return ir_type_bits(rt) < ir_type_bits(t) ? ir_cast(b, rnd() % 2 ? IR_ZEXT : IR_SEXT, t, r)
                                              : ir_cast(b, IR_TRUNC, t, r);
}

static IrBlock *random_block(void) {
    static const uint32_t offs[] = {0, 1, 2, 4, 6, 8, 12, 16, 20, 24, 28};
    IrBlock *b = ir_block_new(0x1000);
    IrRef vals[512];
    unsigned nv = 0;
    vals[nv++] = ir_get(b, IRT_I32, CPU_REG_OFF(R_EAX));
    vals[nv++] = ir_get(b, IRT_I8, CPU_REG_OFF(R_ECX));
    uint32_t eip = 0x1000;
    unsigned nops = 10 + (unsigned)(rnd() % 60);
    for (unsigned i = 0; i < nops && nv < 500; i++) {
        IrType t = int_types[rnd() % 5];
        unsigned bits = ir_type_bits(t);
        unsigned kind = (unsigned)(rnd() % 20);
        IrRef r = IR_NONE;
        if (kind < 8) {
            IrOp op = (IrOp)(IR_ADD + rnd() % (IR_ROTR - IR_ADD + 1));
            IrRef a = pick(b, vals, nv, t);
            IrRef c = rnd() % 3   ? pick(b, vals, nv, t)
                      : rnd() % 2 ? a
                                  : ir_const(b, t, rnd_val(bits));
            r = ir_bin(b, op, a, c);
        } else if (kind < 10) {
            IrOp op = (IrOp)(IR_CLZ + rnd() % 5);
            if (op == IR_BSWAP && bits < 32) op = IR_NOT;
            if (rnd() % 3 == 0) op = rnd() % 2 ? IR_NOT : IR_NEG;
            r = ir_un(b, op, pick(b, vals, nv, t));
        } else if (kind < 11) {
            IrRef a = pick(b, vals, nv, t), c = rnd() % 4 ? pick(b, vals, nv, t) : a;
            r = ir_icmp(b, (IrPred)(rnd() % IRP__COUNT), a, c);
        } else if (kind < 12) {
            r = ir_select(b, pick(b, vals, nv, IRT_I1), pick(b, vals, nv, t), pick(b, vals, nv, t));
        } else if (kind < 14) {
            uint32_t off = CPU_REG_OFF(0) + offs[rnd() % 11];
            if (t == IRT_I64) off &= ~7u;
            ir_put(b, off, pick(b, vals, nv, t));
        } else if (kind < 16) {
            uint32_t off = CPU_REG_OFF(0) + offs[rnd() % 11];
            if (t == IRT_I64) off &= ~7u;
            r = ir_get(b, t, off);
        } else if (kind < 17) {
            ir_store(b, ir_const(b, IRT_I32, rnd() % 64), pick(b, vals, nv, t));
        } else if (kind < 18) {
            r = ir_load(b, t, ir_const(b, IRT_I32, rnd() % 64));
        } else if (kind < 19) {
            ir_insn(b, eip, 2);
            eip += 2;
        } else {
            IrRef cond = pick(b, vals, nv, IRT_I1);
            ir_exit_if(b, IR_EXIT_JUMP, cond, ir_const(b, IRT_I32, 0x5000 + i), i);
        }
        if (r) vals[nv++] = r;
    }
    for (int k = 0; k < 3; k++)
        ir_put(b, CPU_REG_OFF(R_EDX) + 4u * (uint32_t)k, pick(b, vals, nv, IRT_I32));
    ir_exit(b, IR_EXIT_JUMP, pick(b, vals, nv, IRT_I32), 0);
    return b;
}

static void test_random_blocks(void) {
    static uint8_t mem0[128], mem1[128];
    guest_base = gmem_buf;
    for (int iter = 0; iter < 3000; iter++) {
        IrBlock *b = random_block();
        if (!verify_ok(b)) {
            CHECK(0, "random block %d invalid", iter);
            ir_block_free(b);
            continue;
        }
        /* both pipelines: the full one (--tier=jit) and the cold one (new blocks) */
        for (int pipe = 0; pipe < 2; pipe++) {
        IrBlock *o = ir_block_clone(b);
        if (pipe == 0)
            ir_optimize(o);
        else
            ir_optimize_cold(o);
        CHECK(o->n <= b->n + 1, "optimize grew the block");
        for (int st = 0; st < 4; st++) {
            CPUState s0, s1;
            rand_state(&s0);
            s1 = s0;
            for (int i = 0; i < 128; i++)
                gmem_buf[i] = (uint8_t)rnd();
            memcpy(mem0, gmem_buf, 128);
            uint32_t w0 = run(b, &s0);
            memcpy(mem1, gmem_buf, 128);
            memcpy(gmem_buf, mem0, 128);
            uint32_t w1 = run(o, &s1);
            bool same = BE_EXIT_KIND(w0) == BE_EXIT_KIND(w1) && same_state(&s0, &s1) &&
                        memcmp(mem1, gmem_buf, 128) == 0;
            /* exit slots may differ: folding removes never-taken exits */
            CHECK(same, "random block %d: %s result differs (w %#x vs %#x)", iter,
                  pipe ? "cold-optimized" : "optimized", w0, w1);
            if (!same && n_fail < 3) {
                ir_print(stdout, b);
                ir_print(stdout, o);
            }
        }
        ir_block_free(o);
        }
        ir_block_free(b);
    }
}

/* ==== print =============================================================== */

static void test_print(void) {
    IrBlock *b = ir_block_new(0x08049000);
    ir_insn(b, 0x08049000, 3);
    IrRef x = ir_get(b, IRT_I32, CPU_OFF(cc_res));
    IrRef y = ir_bin(b, IR_ADD, x, x);
    ir_put(b, CPU_REG_OFF(R_EAX), y);
    IrRef f = ir_call(b, H_COND, 1, &x);
    ir_exit_if(b, IR_EXIT_JUMP, f, ir_const(b, IRT_I32, 0x8049010), 0);
    ir_put(b, 1000, y);
    end(b);
    char *buf = NULL;
    size_t len = 0;
    FILE *f2 = open_memstream(&buf, &len);
    ir_print(f2, b);
    fclose(f2);
    CHECK(strstr(buf, "  -- 0x08049000 (3 bytes)\n") && strstr(buf, "  t2:i32 = get cc_res\n") &&
              strstr(buf, "  t3:i32 = add t2, t2\n") && strstr(buf, "  put eax, t3\n") &&
              strstr(buf, "  t5:i1 = call COND(t2)\n") &&
              strstr(buf, "  exit_if t5 jump 0x8049010\n") && strstr(buf, "[+1000]"),
          "print format:\n%s", buf);
    free(buf);
    ir_block_free(b);
}

/* ==== benchmark =========================================================== */

static void bench(long N) {
    guest_base = gmem_buf;
    IrBlock *b = ir_block_new(0x1000);
    IrRef a = ir_get(b, IRT_I32, CPU_REG_OFF(R_EAX));
    IrRef c = ir_get(b, IRT_I32, CPU_REG_OFF(R_ECX));
    for (int i = 0; i < 10; i++) {
        ir_insn(b, 0x1000 + (uint32_t)i, 1);
        a = ir_bin(b, IR_ADD, a, c);
        c = ir_bin(b, IR_XOR, c, ir_bin(b, IR_SHL, a, ir_const(b, IRT_I32, 3)));
        IrRef m = ir_load(b, IRT_I32, ir_bin(b, IR_AND, a, ir_const(b, IRT_I32, 0xffc)));
        a = ir_select(b, ir_icmp(b, IRP_SLT, a, m), m, a);
        ir_put(b, CPU_OFF(cc_res), a);
        ir_put(b, CPU_REG_OFF(R_EAX), a);
    }
    ir_put(b, CPU_REG_OFF(R_ECX), c);
    ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, 0x1000), 0);
    BeInterpBlock *ib = be_interp_prepare(b);
    CPUState s;
    rand_state(&s);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < N; i++)
        be_interp_run(&s, ib);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    printf("%u IR insts/run: %.1f ns/run, %.2f ns/inst (eax %#x)\n", b->n - 1, ns / N,
           ns / N / (b->n - 1), s.regs[0]);
    be_interp_free(ib);
    ir_block_free(b);
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "bench")) {
        bench(argc > 2 ? atol(argv[2]) : 2000000);
        return 0;
    }
    if (argc > 1) rng_state = strtoull(argv[1], NULL, 0) | 1; /* ir_test SEED */
    test_verify();
    test_print();
    test_binops();
    test_unops();
    test_casts_icmp_select();
    test_operand_forms();
    test_state_mem_exits();
    test_calls();
    test_getput();
    test_getput_precise();
    test_fold_shapes();
    test_random_blocks();
    test_precise_faults();
    printf("%d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
