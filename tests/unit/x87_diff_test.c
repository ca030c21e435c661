/* x87: randomized differential test of frontend/lift_x87.c + the x87 helpers.
 *
 * Random x87 instruction sequences (every valid register form, the memory
 * forms through [ebx+disp8], and the control/environment instructions) run
 * twice from the same random FPU state (fnsave image with random TOP, tags,
 * special values, precision and rounding control): natively on the host FPU
 * (the encodings mean the same in 64-bit mode; the data buffer lies below
 * 4 GiB), and through the lifter with a stub IR whose ir_call runs each
 * helper at once on a CPUState. Final fnsave images (minus the instruction
 * and operand pointers), memory, AX (fnstsw ax) and the arithmetic EFLAGS
 * (fcomi) must be identical. x86-64 hosts only; needs -mno-red-zone (the
 * native run calls the generated code from inline asm).
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "frontend/h_x87.h"
#include "frontend/h_x87_fast.h"
#include "frontend/lift.h"
#include "frontend/lift_x87.h"
#include "runtime/mem.h"

uint8_t *guest_base;

/* ---- stub IR ---- */
static uint8_t *code;
static uint8_t *mem; /* low buffer */
static uint64_t vals[4096];
static unsigned nvals;
static CPUState cpu;
static uint32_t h_eax, h_flags; /* harness guest EAX and EFLAGS */
static int unsupported;

IrRef ir_const(IrBlock *b, IrType t, uint64_t v) {
    (void)b;
    (void)t;
    vals[++nvals] = v;
    return (IrRef)nvals;
}
IrRef ir_cast(IrBlock *b, IrOp op, IrType t, IrRef a) {
    (void)b;
    (void)op;
    (void)t;
    return a;
}
typedef uint64_t (*F0)(CPUState *);
typedef uint64_t (*F1)(CPUState *, uint32_t);
typedef uint64_t (*F2)(CPUState *, uint32_t, uint32_t);
typedef uint64_t (*F3)(CPUState *, uint32_t, uint32_t, uint32_t);
static void *fns[H__COUNT];
IrRef ir_call(IrBlock *b, unsigned helper, unsigned nargs, const IrRef *args) {
    (void)b;
    void *f = fns[helper];
    if (!f) {
        fprintf(stderr, "no helper %u\n", helper);
        exit(1);
    }
    uint64_t r = 0;
    uint32_t a[4] = {0};
    for (unsigned i = 0; i < nargs; i++)
        a[i] = (uint32_t)vals[args[i]];
    switch (nargs) {
    case 0:
        r = ((F0)f)(&cpu);
        break;
    case 1:
        r = ((F1)f)(&cpu, a[0]);
        break;
    case 2:
        r = ((F2)f)(&cpu, a[0], a[1]);
        break;
    case 3:
        r = ((F3)f)(&cpu, a[0], a[1], a[2]);
        break;
    }
    /* helpers returning i16: mask */
    if (helper == H_X87_FNSTSW)
        r &= 0xffff;
    else
        r &= 0xffffffffu;
    vals[++nvals] = r;
    return (IrRef)nvals;
}
IrRef fe_ea(LiftCtx *c, int i) {
    const cs_x86_op *o = &c->x86->operands[i];
    uint32_t a = (uint32_t)o->mem.disp;
    if (o->mem.base == X86_REG_EBX) {
        a += (uint32_t)(uintptr_t)mem;
    } else if (o->mem.base != X86_REG_INVALID) {
        fprintf(stderr, "bad base\n");
        exit(1);
    }
    return ir_const(NULL, IRT_I32, a);
}
void fe_put_reg(LiftCtx *c, x86_reg r, IrRef v) {
    (void)c;
    if (r != X86_REG_AX) {
        fprintf(stderr, "put reg?\n");
        exit(1);
    }
    h_eax = (h_eax & 0xffff0000u) | (uint32_t)(vals[v] & 0xffff);
}
void fe_set_eflags_arith(LiftCtx *c, IrRef f) {
    (void)c;
    h_flags = (h_flags & ~EF_ARITH) | ((uint32_t)vals[f] & EF_ARITH);
}
IrRef fe_cond(LiftCtx *c, X86Cond cc) {
    (void)c;
    uint32_t f = h_flags;
    int v = 0;
    switch (cc & ~1u) {
    case XC_B:
        v = !!(f & EF_CF);
        break;
    case XC_E:
        v = !!(f & EF_ZF);
        break;
    case XC_BE:
        v = !!(f & (EF_CF | EF_ZF));
        break;
    case XC_P:
        v = !!(f & EF_PF);
        break;
    default:
        fprintf(stderr, "cond?\n");
        exit(1);
    }
    if (cc & 1) v = !v;
    return ir_const(NULL, IRT_I1, (uint64_t)v);
}
void fe_unsupported(LiftCtx *c) {
    (void)c;
    unsupported = 1;
}
/* The static-stack fast path (lift_x87_fast.c) is never on here (c.x87.on is 0): this test
 * checks the generic lifting and helpers. */
X87Fast fe_x87_fast(LiftCtx *c, const X87Form *f, bool mem, unsigned enc) {
    (void)c;
    (void)f;
    (void)mem;
    (void)enc;
    return X87_FAST_NO;
}

static void init_fns(void) {
#define HELPER(id, fn, flags, ret, nargs, a0, a1, a2, a3) fns[H_##id] = (void *)(fn);
#include "frontend/h_x87.def"
#undef HELPER
}

/* ---- native run ---- */

/* Run bytes natively from the fnsave image init; the final image goes to fin.
 * Every operand but AX and EBX travels in one block addressed by a single
 * register (rcx is the scratch for the image pointers), so the asm needs only
 * three registers besides the clobbered ones: with rbp kept as the frame
 * pointer (-O0), r12..r15 are all the compiler has left. */
static void run_native(const uint8_t *init, uint8_t *fin, const uint8_t *bytes, size_t n,
                       uint32_t *eax, uint32_t *flags) {
    memcpy(code, bytes, n);
    code[n] = 0xc3;
    struct {
        const uint8_t *init; /* 0 */
        uint8_t *fin;        /* 8 */
        uint64_t fl;         /* 16: EFLAGS in */
        void *code;          /* 24 */
        uint64_t flout;      /* 32: EFLAGS out */
    } r = {init, fin, *flags, code, 0};
    uint64_t ax = *eax, axout;
    __asm__ volatile("mov 0(%[r]), %%rcx\n\t"
                     "frstor (%%rcx)\n\t"
                     "pushq 16(%[r])\n\tpopfq\n\t"
                     "call *24(%[r])\n\t"
                     "pushfq\n\tpopq 32(%[r])\n\t"
                     "mov 8(%[r]), %%rcx\n\t"
                     "fnsave (%%rcx)\n\t"
                     : "=a"(axout)
                     : [r] "r"(&r), "a"(ax), "b"(mem)
                     : "memory", "cc", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
    *flags = (uint32_t)r.flout;
    *eax = (uint32_t)axout;
}

static csh cs;

/* Returns 0 when the lifter accepted all instructions. */
static int run_emul(const uint8_t *init, uint8_t *fin, const uint8_t *bytes, size_t n,
                    uint32_t *eax, uint32_t *flags) {
    memcpy(mem + 2048, init, 108);
    h_x87_ld_ctrl(&cpu, (uint32_t)(uintptr_t)(mem + 2048), X87C_SAVE);
    h_eax = *eax;
    h_flags = *flags;
    cs_insn *in;
    size_t cnt = cs_disasm(cs, bytes, n, 0x1000, 0, &in);
    size_t used = 0;
    unsupported = 0;
    for (size_t k = 0; k < cnt; k++) {
        LiftCtx c;
        memset(&c, 0, sizeof c);
        c.insn = &in[k];
        c.x86 = &in[k].detail->x86;
        nvals = 0;
        const FeLiftEntry *e;
        for (e = fe_lift_x87; e->fn; e++)
            if (e->id == in[k].id) break;
        if (!e->fn) {
            unsupported = 2;
            break;
        }
        e->fn(&c);
        used += in[k].size;
        if (unsupported) break;
    }
    if (cnt) cs_free(in, cnt);
    if (used != n && !unsupported) unsupported = 3;
    h_x87_st_ctrl(&cpu, (uint32_t)(uintptr_t)(mem + 2048), X87C_SAVE);
    memcpy(fin, mem + 2048, 108);
    *eax = h_eax;
    *flags = h_flags;
    return unsupported;
}

/* ---- random values ---- */
static uint64_t rnd(void) {
    static uint64_t s = 88172645463325252ull;
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

static void rand_f80(uint8_t *p) {
    uint64_t m = rnd();
    uint16_t se = (uint16_t)(rnd() & 0x8000);
    switch (rnd() % 16) {
    case 0:
        m = 0;
        break; /* zero */
    case 1:
        m &= 0x7fffffffffffffffull;
        break; /* denormal */
    case 2:
        m = 0x8000000000000000ull;
        se |= 0x7fff;
        break; /* inf */
    case 3:
        m |= 0xc000000000000000ull;
        se |= 0x7fff;
        break; /* qnan */
    case 4:    /* snan */
        m = (m | 0x8000000000000000ull) & ~0x4000000000000000ull;
        if (!(m << 2)) m |= 1;
        se |= 0x7fff;
        break;
    case 5:
        m = 0xc000000000000000ull;
        se = 0xffff;
        break; /* indefinite */
    case 6:
        m |= 0x8000000000000000ull;
        se |= (uint16_t)(0x3fff + 60 + rnd() % 10);
        break; /* big */
    case 7: {
        long double v = (long double)(int)(rnd() % 200 - 100);
        memcpy(&m, &v, 8);
        memcpy(&se, (uint8_t *)&v + 8, 2);
    } break;
    case 8:
        m |= 0x8000000000000000ull;
        se |= (uint16_t)(0x3fff - 70 + rnd() % 140);
        m &= ~0xffffull;
        break;
    default:
        m |= 0x8000000000000000ull;
        se |= (uint16_t)(0x3fff - 20 + rnd() % 40);
        break;
    }
    memcpy(p, &m, 8);
    memcpy(p + 8, &se, 2);
}

static void rand_mem(uint8_t *p, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
    switch (rnd() % 8) {
    case 0: {
        float f = (float)((int)(rnd() % 2000) - 1000) / 8;
        memcpy(p, &f, 4);
    } break;
    case 1: {
        double d = (double)((int)(rnd() % 2000) - 1000) / 3;
        memcpy(p, &d, 8);
    } break;
    case 2: {
        float f = __builtin_nanf("");
        memcpy(p, &f, 4);
    } break;
    case 3: {
        uint32_t x = 0x7f800001;
        memcpy(p, &x, 4);
    } break;
    case 4:
        rand_f80(p);
        break;
    case 5: {
        int32_t x = (int32_t)(rnd() % 100000) - 50000;
        memcpy(p, &x, 4);
    } break;
    case 6: {
        uint8_t bcd[10] = {0x12, 0x34, 0x56, 0x78, 0x90,
                           0x12, 0x34, 0x56, 0x78, (uint8_t)(rnd() & 0x80)};
        memcpy(p, bcd, 10);
    } break;
    default:
        break;
    }
}

static void rand_state(uint8_t *img) {
    memset(img, 0, 108);
    static const uint16_t pcs[] = {0x000, 0x200, 0x300, 0x300};
    uint16_t cw = (uint16_t)(0x40 | 0x3f | pcs[rnd() % 4] | ((rnd() % 4) << 10));
    uint16_t sw = (uint16_t)(((rnd() % 8) << 11) | (rnd() & 0x4700 & (rnd() % 2 ? 0xffff : 0)));
    uint16_t tw = 0;
    for (int p = 0; p < 8; p++)
        tw |= (uint16_t)((rnd() % 3 == 0 ? 3u : 0u) << (2 * p));
    memcpy(img, &cw, 2);
    memcpy(img + 4, &sw, 2);
    memcpy(img + 8, &tw, 2);
    for (int i = 0; i < 8; i++)
        rand_f80(img + 28 + 10 * i);
}

/* ---- instruction generator ---- */
static int envmode;
static size_t gen(uint8_t *b) {
    if (envmode && rnd() % 6 == 0) {
        static const uint8_t seqs[][8] = {
            {6, 0xd9, 0x73, 0x80, 0xd9, 0x63, 0x80}, /* fnstenv; fldenv */
            {6, 0xdd, 0x73, 0x80, 0xdd, 0x63, 0x80}, /* fnsave; frstor */
            {3, 0xd9, 0x6b, 0xf0},                   /* fldcw [f0] */
            {6, 0xd9, 0x7b, 0xf4, 0xd9, 0x6b, 0xf4}, /* fnstcw; fldcw */
            {3, 0xdd, 0x7b, 0xf8},                   /* fnstsw m16 */
            {3, 0xdd, 0x73, 0x80},                   /* fnsave */
            {2, 0xdb, 0xe2},                         /* fnclex */
            {2, 0xdb, 0xe3},                         /* fninit */
            {2, 0xdf, 0xe0},                         /* fnstsw ax */
        };
        const uint8_t *q = seqs[rnd() % 9];
        memcpy(b, q + 1, q[0]);
        return q[0];
    }
    for (;;) {
        uint8_t op = (uint8_t)(0xd8 + rnd() % 8);
        uint8_t reg = (uint8_t)(rnd() % 8);
        if (rnd() % 3 == 0) {
            /* memory form [rax+disp8] */
            uint8_t disp = (uint8_t)((rnd() % 4) * 16);
            if ((op == 0xd9 && reg >= 4) || (op == 0xdd && (reg == 4 || reg == 6)))
                continue; /* env/cw loads and saves tested separately */
            if (reg == 1 && (op == 0xd9 || op == 0xdb || op == 0xdd || op == 0xdf)) continue;
            if (op == 0xdb && (reg == 4 || reg == 6)) continue;
            if (op == 0xdd && reg == 5) continue;
            if (reg >= 2 && (op == 0xd9 || op == 0xdb || op == 0xdd || op == 0xdf))
                disp = (uint8_t)(64 + disp);
            b[0] = op;
            b[1] = (uint8_t)(0x43 | (reg << 3));
            b[2] = disp;
            return 3;
        }
        uint8_t rm = (uint8_t)(rnd() % 8);
        uint8_t modrm = (uint8_t)(0xc0 | (reg << 3) | rm);
        unsigned enc = (unsigned)op << 8 | modrm;
        /* skip invalid or harness-unfriendly encodings */
        if (op == 0xd9 && reg == 2 && rm) continue;
        if (op == 0xd9 && reg == 4 && (rm == 2 || rm == 3 || rm == 6 || rm == 7)) continue;
        if (op == 0xd9 && enc == 0xd9ef) continue;
        if (op == 0xda && (reg == 4 || reg == 6 || reg == 7 || (reg == 5 && rm != 1))) continue;
        if (op == 0xdb && (reg == 7 || (reg == 4 && rm > 4))) continue;
        if (op == 0xdd && reg >= 6) continue;
        if (op == 0xde && reg == 3 && rm != 1) continue;
        if (op == 0xdf && (reg == 7 || (reg == 4 && rm != 0))) continue;
        b[0] = op;
        b[1] = modrm;
        return 2;
    }
}

static void hexdump(const char *t, const uint8_t *p, size_t n) {
    printf("%s:", t);
    for (size_t i = 0; i < n; i++)
        printf(" %02x", p[i]);
    printf("\n");
}

/* One phase: iters random sequences of seqlen instructions. Returns mismatches. */
static long run_phase(long iters, int seqlen, int env_ops) {
    envmode = env_ops;
    long fails = 0, skipped = 0;
    for (long it = 0; it < iters; it++) {
        uint8_t init[108], fin_n[108], fin_e[108], bytes[64], reg0[384], reg_n[384];
        uint8_t *mem0 = reg0 + 128;
        rand_state(init);
        for (int k = 0; k < 8; k++)
            rand_mem(mem0 + 16 * k, 16);
        memset(mem0 + 128, 0x55, 128);
        {
            uint16_t cw = (uint16_t)((rnd() & 0xf3c0) | 0x3f | (rnd() % 4 == 1 ? 0 : 0x200));
            memcpy(reg0 + 112, &cw, 2);
        }
        size_t n = 0;
        for (int k = 0; k < seqlen; k++)
            n += gen(bytes + n);
        uint32_t eax_n = (uint32_t)(uintptr_t)mem, eax_e = eax_n;
        uint32_t fl_n = 0x202 | (uint32_t)(rnd() & (EF_CF | EF_ZF | EF_PF)), fl_e = fl_n;
        memcpy(mem - 128, reg0, 384);
        run_native(init, fin_n, bytes, n, &eax_n, &fl_n);
        memcpy(reg_n, mem - 128, 384);
        memcpy(mem - 128, reg0, 384);
        if (run_emul(init, fin_e, bytes, n, &eax_e, &fl_e)) {
            skipped++;
            continue;
        }
        /* ignore FIP/FCS/FOP/FDP/FDS */
        int bad = memcmp(fin_n, fin_e, 12) || memcmp(fin_n + 28, fin_e + 28, 80) ||
                  memcmp(reg_n, mem - 128, 12) || memcmp(reg_n + 28, mem - 100, 384 - 28) ||
                  (eax_n & 0xffff) != (eax_e & 0xffff) || (fl_n & EF_ARITH) != (fl_e & EF_ARITH);
        if (bad) {
            if (++fails <= 20) {
                printf("MISMATCH it=%ld\n", it);
                cs_insn *in;
                size_t cnt = cs_disasm(cs, bytes, n, 0, 0, &in);
                for (size_t k = 0; k < cnt; k++)
                    printf("   %s %s\n", in[k].mnemonic, in[k].op_str);
                cs_free(in, cnt);
                hexdump(" code", bytes, n);
                hexdump(" init", init, 108);
                hexdump(" nat ", fin_n, 108);
                hexdump(" emu ", fin_e, 108);
                {
                    hexdump(" mnat", reg_n, 384);
                    hexdump(" memu", mem - 128, 384);
                }
                printf(" ax %04x %04x fl %x %x\n", eax_n & 0xffff, eax_e & 0xffff, fl_n & EF_ARITH,
                       fl_e & EF_ARITH);
            }
        }
    }
    printf("x87 phase len=%d env=%d: %ld sequences, %ld mismatches, %ld skipped\n", seqlen, env_ops,
           iters, fails, skipped);
    return fails + skipped;
}

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 20000;
    init_fns();
    cs_open(CS_ARCH_X86, CS_MODE_32, &cs);
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *low =
        mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (code == MAP_FAILED || low == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    mem = low + 1024;
    guest_base = 0;
    long bad = run_phase(iters, 1, 0) + run_phase(iters, 4, 0) + run_phase(iters / 2, 8, 1);
    printf("%s\n", bad ? "x87 differential test FAILED" : "x87 differential test ok");
    return bad != 0;
}
