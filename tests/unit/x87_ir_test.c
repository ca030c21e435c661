/* x87: the fast path's helpers (frontend/h_x87_fast.c) run by the
 * interpreter (libffi) and by tier 1 (expanded inline, backend/llvm_f80.c)
 * against the generic x87 helpers (frontend/h_x87.c, themselves checked
 * against the host FPU by x87_diff_test.c), on random special and ordinary
 * 80-bit values and memory operands. Compared: the destination register,
 * the result of stores and compares, and the status word after the host's
 * sticky flags are folded in (C1 only when the operation carries the
 * X87Q_C1 mark: unmarked ones leave C1 to a later operation by design).
 * Memory operands come from CPUState at run time, so LLVM cannot fold them.
 * x86-64 hosts only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backend/be.h"
#include "frontend/h_x87.h"
#include "frontend/h_x87_fast.h"
#include "ir/helper.h"
#include "ir/ir.h"
#include "runtime/cpu.h"
#include "runtime/mem.h"

static int nfail, ncheck;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        ncheck++;                                                                                  \
        if (!(cond) && ++nfail <= 30) {                                                            \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

#define MEM 0x10000u /* one RW guest page: memory operands of the generic helpers */
#define OFF_BITS CPU_REG_OFF(0) /* regs[0..1]: memory operand of the fast ones */
#define OFF_RES CPU_REG_OFF(2)  /* regs[2..3]: their result */

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void f80_set(long double *d, uint16_t se, uint64_t m)
{
    memset(d, 0, sizeof *d);
    memcpy(d, &m, 8);
    memcpy((uint8_t *)d + 8, &se, 2);
}

/* A random 80-bit value, specials (zeros, denormals, infinities, NaNs,
 * unnormals) often. */
static void rand_f80(long double *d)
{
    uint64_t r = rnd();
    uint16_t sign = (r & 1) ? 0x8000 : 0;
    switch ((r >> 1) % 14) {
    case 0: f80_set(d, sign, 0); break;
    case 1: f80_set(d, sign, rnd() >> 1); break;                           /* denormal */
    case 2: f80_set(d, sign | 0x7fff, 1ull << 63); break;                  /* infinity */
    case 3: f80_set(d, sign | 0x7fff, (3ull << 62) | (rnd() >> 3)); break; /* QNaN */
    case 4: f80_set(d, sign | 0x7fff, (1ull << 63) | 1 | (rnd() >> 3)); break; /* SNaN */
    case 5: f80_set(d, sign | (uint16_t)(1 + rnd() % 0x7ffe), rnd() >> 1); break; /* unnormal */
    case 6: f80_set(d, sign | (uint16_t)(1 + rnd() % 3), (1ull << 63) | rnd()); break; /* tiny */
    case 7: f80_set(d, sign | (uint16_t)(0x7ffe - rnd() % 3), (1ull << 63) | rnd()); break;
    case 8: *d = sign ? -1.0L : 1.0L; break;
    case 9: *d = (long double)(int32_t)rnd() / 3.0L; break;
    default: /* ordinary, near 1 or anywhere */
        f80_set(d, sign | (uint16_t)((r >> 8) & 1 ? 0x3fff - rnd() % 64 : 1 + rnd() % 0x7ffe),
                (1ull << 63) | rnd());
        break;
    }
}

/* A random memory operand of format fmt (low bits of the result). */
static uint64_t rand_mem(unsigned fmt)
{
    uint64_t r = rnd(), s = rnd();
    static const uint64_t d64[] = {0, 0x8000000000000000ull, 1, 0x000fffffffffffffull,
                                   0x7ff0000000000000ull, 0xfff0000000000001ull,
                                   0x7ff8000000000000ull, 0x3ff0000000000000ull};
    static const uint32_t d32[] = {0, 0x80000000u, 1, 0x007fffffu, 0x7f800000u,
                                   0xff800001u, 0x7fc00000u, 0x3f800000u};
    switch (fmt) {
    case X87F_F32: return (r & 1) ? d32[s % 8] : (uint32_t)s;
    case X87F_F64: return (r & 1) ? d64[s % 8] : s;
    case X87F_I16: return (uint16_t)s;
    case X87F_I32: return (uint32_t)s;
    default: return s;
    }
}

static const unsigned fmt_bytes[] = {[X87F_F32] = 4, [X87F_F64] = 8, [X87F_I16] = 2,
                                     [X87F_I32] = 4, [X87F_I64] = 8};

/* ---- running one fast helper ---- */

static void clear_host(void) { __asm__ volatile("fnclex"); }

typedef enum Tier { T_INTERP, T_LLVM } Tier;

/* Block: [bits = GET OFF_BITS;] r = CALL h(q[, bits]); [PUT OFF_RES r]; EXIT HALT. */
static IrBlock *make(HelperId h, uint32_t q)
{
    IrBlock *b = ir_block_new(0x1000);
    ir_insn(b, 0x1000, 2);
    IrRef args[2] = {ir_const(b, IRT_I32, q), IR_NONE};
    unsigned n = ir_helpers[h].nargs;
    if (n > 1)
        args[1] = ir_get(b, IRT_I64, OFF_BITS);
    IrRef r = ir_call(b, h, n, args);
    if (ir_helpers[h].ret == IRT_I64 || ir_helpers[h].ret == IRT_I32)
        ir_put(b, OFF_RES, ir_cast(b, IR_ZEXT, IRT_I64, r));
    ir_exit(b, IR_EXIT_HALT, ir_const(b, IRT_I32, 0x1002), 0);
    return b;
}

static bool run(Tier t, HelperId h, uint32_t q, CPUState *env)
{
    IrBlock *b = make(h, q);
    bool ok = true;
    clear_host();
    if (t == T_INTERP) {
        BeInterpBlock *ib = be_interp_prepare(b);
        be_interp_run(env, ib);
        be_interp_free(ib);
    } else {
        BeBlockFn f = be_llvm_compile(b, NULL, NULL);
        if (f)
            f(env);
        ok = f != NULL;
    }
    hx_fold(env);
    ir_block_free(b);
    return ok;
}

/* ---- cases ---- */

static CPUState base;

static void fresh_state(void)
{
    memset(&base, 0, sizeof base);
    h_x87_reset(&base);
    base.fp_top = 0;
    base.fp_tag = 3u << 14; /* fpr[7] empty: room for a push */
    for (unsigned p = 0; p < 7; p++)
        rand_f80(&base.fpr[p]);
    base.fp_sw = (uint16_t)(rnd() & FSW_C1);
}

static uint64_t get_res(const CPUState *e)
{
    uint64_t v;
    memcpy(&v, (const uint8_t *)e + OFF_RES, 8);
    return v;
}

/* Compare the fast run with the reference on register p and the status word. */
static void compare(const char *what, Tier t, uint32_t q, const CPUState *ref, const CPUState *got,
                    int p, bool res, uint64_t ref_res)
{
    uint16_t m = (q & X87Q_C1) ? 0xffff : (uint16_t)~FSW_C1;
    const char *tn = t == T_INTERP ? "interp" : "llvm";
    if (p >= 0) {
        uint64_t gm, rm;
        uint16_t ge, re;
        memcpy(&gm, &got->fpr[p], 8);
        memcpy(&rm, &ref->fpr[p], 8);
        memcpy(&ge, (const uint8_t *)&got->fpr[p] + 8, 2);
        memcpy(&re, (const uint8_t *)&ref->fpr[p] + 8, 2);
        CHECK(gm == rm && ge == re, "%s %s q=%#x: fpr[%d] %04x:%016llx, expected %04x:%016llx",
              what, tn, q, p, ge, (unsigned long long)gm, re, (unsigned long long)rm);
    }
    CHECK((ref->fp_sw & m) == (got->fp_sw & m), "%s %s q=%#x: sw %#x, expected %#x", what, tn, q,
          got->fp_sw, ref->fp_sw);
    if (res)
        CHECK(ref_res == get_res(got), "%s %s q=%#x: result %#llx, expected %#llx", what, tn, q,
              (unsigned long long)get_res(got), (unsigned long long)ref_res);
}

static void one_case(Tier t)
{
    fresh_state();
    CPUState ref = base, got = base;
    uint32_t c1 = (rnd() & 1) ? X87Q_C1 : 0;
    unsigned i = 1 + (unsigned)(rnd() % 6), op = (unsigned)(rnd() % 6);
    static const unsigned ops[6] = {X87A_ADD, X87A_MUL, X87A_SUB, X87A_SUBR, X87A_DIV, X87A_DIVR};
    op = ops[op];
    unsigned kind = (unsigned)(rnd() % 9);
    static const unsigned mfmts[4] = {X87F_F32, X87F_F64, X87F_I16, X87F_I32};
    static const unsigned lfmts[5] = {X87F_F32, X87F_F64, X87F_I16, X87F_I32, X87F_I64};
    unsigned mfmt = mfmts[rnd() % 4], lfmt = lfmts[rnd() % 5];
    uint64_t bits = rand_mem(kind == 3 ? lfmt : mfmt);
    memcpy((uint8_t *)&got + OFF_BITS, &bits, 8);
    memcpy(g2h(MEM), &bits, 8);
    clear_host();
    uint32_t q;
    bool ok = true;
    switch (kind) {
    case 0: { /* st(0) = st(0) op st(i) */
        q = X87Q_MAKE(op, 0, 0, 0, i) | c1;
        h_x87_arith_st(&ref, i, op, 0);
        ok = run(t, H_F80_BIN, q, &got);
        compare("bin", t, q, &ref, &got, 0, false, 0);
        break;
    }
    case 1: { /* st(i) = st(i) op st(0) */
        q = X87Q_MAKE(op, 0, i, i, 0) | c1;
        h_x87_arith_st(&ref, i, op, X87M_DST_STI);
        ok = run(t, H_F80_BIN, q, &got);
        compare("bin-sti", t, q, &ref, &got, (int)i, false, 0);
        break;
    }
    case 2: /* st(0) = st(0) op m */
        q = X87Q_MAKE(op, mfmt, 0, 0, 0) | c1;
        h_x87_arith_mem(&ref, MEM, mfmt, op);
        ok = run(t, H_F80_BINM, q, &got);
        compare("binm", t, q, &ref, &got, 0, false, 0);
        break;
    case 3: /* push m */
        q = X87Q_MAKE(0, lfmt, 7, 0, 0) | c1;
        h_x87_ld_mem(&ref, MEM, lfmt);
        ok = run(t, H_F80_LD, q, &got);
        if (!c1) /* C1 = 0 on a load: the lifter relies on the mark for it */
            ref.fp_sw &= (uint16_t)~FSW_C1;
        compare("ld", t, q, &ref, &got, 7, false, 0);
        break;
    case 4: { /* m = st(0) */
        q = X87Q_MAKE(0, lfmt, 0, 0, 0) | c1;
        memset(g2h(MEM), 0, 8);
        h_x87_st_mem(&ref, MEM, lfmt, 0);
        uint64_t r = 0;
        memcpy(&r, g2h(MEM), fmt_bytes[lfmt]);
        ok = run(t, H_F80_ST, q, &got);
        uint64_t mask = fmt_bytes[lfmt] == 8 ? ~0ull : (1ull << (8 * fmt_bytes[lfmt])) - 1;
        memcpy((uint8_t *)&got + OFF_RES, &(uint64_t){get_res(&got) & mask}, 8);
        compare("st", t, q, &ref, &got, -1, true, r);
        break;
    }
    case 5: { /* fsqrt, fchs, fabs */
        unsigned u = (unsigned)(rnd() % 3);
        q = X87Q_MAKE(u == 0 ? X87U_SQRT : u == 1 ? X87U_CHS : X87U_ABS, 0, 0, 0, 0) | c1;
        h_x87_op(&ref, u == 0 ? 0xd9fau : u == 1 ? 0xd9e0u : 0xd9e1u);
        ok = run(t, H_F80_UN, q, &got);
        compare("un", t, q, &ref, &got, 0, false, 0);
        break;
    }
    case 6: { /* fcom/fucom st(i): condition codes */
        bool un = rnd() & 1;
        q = X87Q_MAKE(0, 0, 0, 0, i) | X87Q_SETCC | (un ? 0 : X87Q_SIGNAL);
        h_x87_com_st(&ref, i, un ? X87M_UNORDERED : 0);
        ok = run(t, H_F80_CMP, q, &got);
        compare("com", t, q | X87Q_C1, &ref, &got, -1, false, 0);
        break;
    }
    case 7: { /* fcomi/fucomi st(i): EFLAGS */
        bool un = rnd() & 1;
        q = X87Q_MAKE(0, 0, 0, 0, i) | (un ? 0 : X87Q_SIGNAL);
        uint32_t f = h_x87_comi(&ref, i, un ? X87M_UNORDERED : 0);
        ok = run(t, H_F80_CMP, q, &got);
        compare("comi", t, q | X87Q_C1, &ref, &got, -1, true, f);
        break;
    }
    default: /* fcom m */
        q = X87Q_MAKE(0, mfmt, 0, 0, 0) | X87Q_SETCC | X87Q_SIGNAL;
        h_x87_com_mem(&ref, MEM, mfmt, 0);
        ok = run(t, H_F80_CMPM, q, &got);
        compare("comm", t, q | X87Q_C1, &ref, &got, -1, false, 0);
        break;
    }
    CHECK(ok, "tier 1 compile failed (kind %u)", kind);
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 3000;
    uint8_t *space = mmap(NULL, GUEST_SPACE + GUEST_GUARD, PROT_NONE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (space == MAP_FAILED || (guest_base = space, mprotect(g2h(MEM), GUEST_PAGE,
                                                              PROT_READ | PROT_WRITE))) {
        perror("guest memory");
        return 1;
    }
    for (unsigned k = 0; k < 4 * n; k++)
        one_case(T_INTERP);
    if (be_llvm_init() != 0) {
        printf("be_llvm_init failed\n");
        nfail++;
    } else {
        for (unsigned k = 0; k < n; k++)
            one_case(T_LLVM);
    }
    printf("%d checks, %d passed, %d failed\n", ncheck, ncheck - nfail, nfail);
    return nfail != 0;
}
