/* Instruction test: integer arithmetic, logic, shifts/rotates, mul/div,
 * xadd/cmpxchg/cmpxchg8b, lock forms, BCD adjusts.
 *
 * Each form runs on a table of interesting values crossed with each other
 * plus pseudo-random inputs (fixed seed), with pseudo-random incoming
 * arithmetic flags. Printed: inputs, EAX ECX EDX, a memory word, and
 * EFLAGS masked to the flags the Intel SDM defines for that instruction
 * (and flags it leaves unchanged). Divide errors run in forked children;
 * the parent prints the signal that ended them.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct St {
    uint32_t a, c, d, m;
    uint32_t f;
} St;

#define ARITH 0x8d5u

/* EAX ECX EDX and one memory word in/out; flags in from fi, out in f. */
#define RUN(s, fi, text)                                                                           \
    __asm__ volatile("push %5\n\tpopf\n\t" text "\n\tpushf\n\tpop %4"                              \
                     : "+a"((s)->a), "+c"((s)->c), "+d"((s)->d), "+m"((s)->m), "=&r"((s)->f)       \
                     : "g"(fi)                                                                     \
                     : "cc", "memory")

#define T(name, text)                                                                              \
    static void name(St *s, uint32_t fi) { RUN(s, fi, text); }

/* clang-format off */
/* binary arithmetic and logic: reg, mem (both directions), imm */
#define BINOPS(op) \
    T(op##8, #op "b %%cl, %%al") T(op##16, #op "w %%cx, %%ax") T(op##32, #op "l %%ecx, %%eax") \
    T(op##8h, #op "b %%ch, %%ah") T(op##32m, #op "l %%ecx, %3") T(op##32rm, #op "l %3, %%eax") \
    T(op##8m, #op "b %%cl, %3") T(op##16m, #op "w %3, %%ax") \
    T(op##32i8, #op "l $-3, %%eax") T(op##32i, #op "l $0x7ffffff0, %%eax") \
    T(op##8i, #op "b $0x81, %%al") T(op##16i, #op "w $0x8001, %%ax") T(op##8mi, #op "b $0x7f, %3")
BINOPS(add) BINOPS(adc) BINOPS(sub) BINOPS(sbb) BINOPS(cmp)
BINOPS(and) BINOPS(or) BINOPS(xor)
T(test8, "testb %%cl, %%al") T(test16, "testw %%cx, %%ax") T(test32, "testl %%ecx, %%eax")
T(test32m, "testl %%ecx, %3") T(test8i, "testb $0x81, %%al") T(test32i, "testl $0x80000001, %%eax")
T(xor_same, "xorl %%eax, %%eax") T(sub_same, "subl %%eax, %%eax") T(sbb_same, "sbbl %%eax, %%eax")
T(lockadd, "lock addl %%ecx, %3") T(lockor8, "lock orb %%cl, %3") T(locksub, "lock subl %%ecx, %3")
T(lockinc, "lock incl %3") T(lockdec, "lock decw %3")

T(inc8, "incb %%al") T(inc16, "incw %%ax") T(inc32, "incl %%eax") T(inc32m, "incl %3")
T(dec8, "decb %%cl") T(dec16, "decw %%ax") T(dec32, "decl %%eax") T(dec8m, "decb %3")
T(neg8, "negb %%al") T(neg16, "negw %%ax") T(neg32, "negl %%eax") T(neg32m, "negl %3")
T(not8, "notb %%ah") T(not16, "notw %%ax") T(not32, "notl %%eax") T(not32m, "notl %3")

/* shifts and rotates by CL (count from the input), by 1 and by immediates */
#define SHOPS(op) \
    T(op##8cl, #op "b %%cl, %%al") T(op##16cl, #op "w %%cl, %%ax") T(op##32cl, #op "l %%cl, %%eax") \
    T(op##32mcl, #op "l %%cl, %3") T(op##8_1, #op "b $1, %%al") T(op##16_1, #op "w $1, %%ax") \
    T(op##32_1, #op "l $1, %%eax") T(op##32m_1, #op "l $1, %3") T(op##8_7, #op "b $7, %%al") \
    T(op##16_13, #op "w $13, %%ax") T(op##32_5, #op "l $5, %%eax") T(op##32_31, #op "l $31, %%eax") \
    T(op##32_0, #op "l $0, %%eax") T(op##8_9, #op "b $9, %%al") T(op##16_17, #op "w $17, %%ax")
SHOPS(shl) SHOPS(shr) SHOPS(sar) SHOPS(rol) SHOPS(ror) SHOPS(rcl) SHOPS(rcr)
/* sal has its own encoding (d1 /6) */
T(sal32_1, ".byte 0xd1, 0xf0") T(sal8_5, ".byte 0xc0, 0xf0, 5")

/* multiply, divide (inputs made non-faulting) */
T(mul8, "mulb %%cl") T(mul16, "mulw %%cx") T(mul32, "mull %%ecx") T(mul32m, "mull %3")
T(imul8, "imulb %%cl") T(imul16, "imulw %%cx") T(imul32, "imull %%ecx") T(imul32m, "imull %3")
T(imul16r, "imulw %%cx, %%ax") T(imul32r, "imull %%ecx, %%eax") T(imul32rm, "imull %3, %%eax")
T(imul16i, "imulw $-300, %%cx, %%ax") T(imul32i8, "imull $-7, %%ecx, %%eax")
T(imul32i, "imull $0x12345, %3, %%eax") T(imul16i8, "imulw $100, %%cx, %%ax")
T(div8, "divb %%cl") T(div16, "divw %%cx") T(div32, "divl %%ecx") T(div32m, "divl %3")
T(idiv8, "idivb %%cl") T(idiv16, "idivw %%cx") T(idiv32, "idivl %%ecx") T(idiv32m, "idivl %3")

/* exchange-and-op */
T(xadd8, "xaddb %%cl, %%al") T(xadd16, "xaddw %%cx, %%ax") T(xadd32, "xaddl %%ecx, %%eax")
T(xadd32m, "xaddl %%ecx, %3") T(lockxadd, "lock xaddl %%ecx, %3") T(xadd_same, "xaddl %%eax, %%eax")
T(cmpxchg8, "cmpxchgb %%cl, %%dl") T(cmpxchg16, "cmpxchgw %%cx, %%dx")
T(cmpxchg32, "cmpxchgl %%ecx, %%edx") T(cmpxchg32m, "cmpxchgl %%ecx, %3")
T(lockcmpxchg, "lock cmpxchgl %%ecx, %3") T(cmpxchg8m, "lock cmpxchgb %%cl, %3")
T(cmpxchg_acc, "cmpxchgl %%ecx, %%eax")

/* BCD adjusts */
T(aaa, "aaa") T(aas, "aas") T(daa, "daa") T(das, "das") T(aam, "aam") T(aad, "aad")
T(aam7, "aam $7") T(aad3, "aad $3")
/* clang-format on */

enum Kind {
    K_ALL,    /* all six arithmetic flags defined */
    K_LOGIC,  /* AF undefined */
    K_NONE,   /* no flag changes: all compared */
    K_SHIFT,  /* shl/shr/sar: defined flags depend on the count */
    K_ROT,    /* rol/ror/rcl/rcr: CF, OF for count 1, others unchanged */
    K_MUL,    /* CF and OF only */
    K_DIV,    /* no flags defined; inputs adjusted to not fault */
    K_CMPXCHG,/* all flags; memory equal to the accumulator half of the time */
    K_BCDA,   /* aaa/aas: AF CF */
    K_BCDD,   /* daa/das: CF AF SF ZF PF */
    K_BCDM,   /* aam/aad: SF ZF PF */
};

typedef struct Test {
    const char *name;
    void (*fn)(St *, uint32_t);
    enum Kind kind;
    int bits;  /* operand width */
    int cnt;   /* shift count: immediate, or -1 = CL */
    int sign;  /* division: signed */
    int shop;  /* shifts: 0 shl, 1 shr, 2 sar */
} Test;

#define B3(op, k)                                                                                  \
    {#op "8", op##8, k, 8, 0, 0, 0}, {#op "16", op##16, k, 16, 0, 0, 0},                           \
        {#op "32", op##32, k, 32, 0, 0, 0}, {#op "8h", op##8h, k, 8, 0, 0, 0},                     \
        {#op "32m", op##32m, k, 32, 0, 0, 0}, {#op "32rm", op##32rm, k, 32, 0, 0, 0},              \
        {#op "8m", op##8m, k, 8, 0, 0, 0}, {#op "16m", op##16m, k, 16, 0, 0, 0},                   \
        {#op "32i8", op##32i8, k, 32, 0, 0, 0}, {#op "32i", op##32i, k, 32, 0, 0, 0},              \
        {#op "8i", op##8i, k, 8, 0, 0, 0}, {#op "16i", op##16i, k, 16, 0, 0, 0},                   \
        {#op "8mi", op##8mi, k, 8, 0, 0, 0}
#define S15(op, k, sh)                                                                             \
    {#op "8cl", op##8cl, k, 8, -1, 0, sh}, {#op "16cl", op##16cl, k, 16, -1, 0, sh},               \
        {#op "32cl", op##32cl, k, 32, -1, 0, sh}, {#op "32mcl", op##32mcl, k, 32, -1, 0, sh},      \
        {#op "8_1", op##8_1, k, 8, 1, 0, sh}, {#op "16_1", op##16_1, k, 16, 1, 0, sh},             \
        {#op "32_1", op##32_1, k, 32, 1, 0, sh}, {#op "32m_1", op##32m_1, k, 32, 1, 0, sh},        \
        {#op "8_7", op##8_7, k, 8, 7, 0, sh}, {#op "16_13", op##16_13, k, 16, 13, 0, sh},          \
        {#op "32_5", op##32_5, k, 32, 5, 0, sh}, {#op "32_31", op##32_31, k, 32, 31, 0, sh},       \
        {#op "32_0", op##32_0, k, 32, 0, 0, sh}, {#op "8_9", op##8_9, k, 8, 9, 0, sh},             \
        {#op "16_17", op##16_17, k, 16, 17, 0, sh}
#define E(name, k, bits) {#name, name, k, bits, 0, 0, 0}
#define D(name, bits, sg) {#name, name, K_DIV, bits, 0, sg, 0}

static const Test tests[] = {
    B3(add, K_ALL), B3(adc, K_ALL), B3(sub, K_ALL), B3(sbb, K_ALL), B3(cmp, K_ALL),
    B3(and, K_LOGIC), B3(or, K_LOGIC), B3(xor, K_LOGIC),
    E(test8, K_LOGIC, 8), E(test16, K_LOGIC, 16), E(test32, K_LOGIC, 32),
    E(test32m, K_LOGIC, 32), E(test8i, K_LOGIC, 8), E(test32i, K_LOGIC, 32),
    E(xor_same, K_LOGIC, 32), E(sub_same, K_ALL, 32), E(sbb_same, K_ALL, 32),
    E(lockadd, K_ALL, 32), E(lockor8, K_LOGIC, 8), E(locksub, K_ALL, 32),
    E(lockinc, K_ALL, 32), E(lockdec, K_ALL, 16),
    E(inc8, K_ALL, 8), E(inc16, K_ALL, 16), E(inc32, K_ALL, 32), E(inc32m, K_ALL, 32),
    E(dec8, K_ALL, 8), E(dec16, K_ALL, 16), E(dec32, K_ALL, 32), E(dec8m, K_ALL, 8),
    E(neg8, K_ALL, 8), E(neg16, K_ALL, 16), E(neg32, K_ALL, 32), E(neg32m, K_ALL, 32),
    E(not8, K_NONE, 8), E(not16, K_NONE, 16), E(not32, K_NONE, 32), E(not32m, K_NONE, 32),
    S15(shl, K_SHIFT, 0), S15(shr, K_SHIFT, 1), S15(sar, K_SHIFT, 2),
    S15(rol, K_ROT, 0), S15(ror, K_ROT, 0), S15(rcl, K_ROT, 0), S15(rcr, K_ROT, 0),
    {"sal32_1", sal32_1, K_SHIFT, 32, 1, 0, 0}, {"sal8_5", sal8_5, K_SHIFT, 8, 5, 0, 0},
    E(mul8, K_MUL, 8), E(mul16, K_MUL, 16), E(mul32, K_MUL, 32), E(mul32m, K_MUL, 32),
    E(imul8, K_MUL, 8), E(imul16, K_MUL, 16), E(imul32, K_MUL, 32), E(imul32m, K_MUL, 32),
    E(imul16r, K_MUL, 16), E(imul32r, K_MUL, 32), E(imul32rm, K_MUL, 32),
    E(imul16i, K_MUL, 16), E(imul32i8, K_MUL, 32), E(imul32i, K_MUL, 32),
    E(imul16i8, K_MUL, 16),
    D(div8, 8, 0), D(div16, 16, 0), D(div32, 32, 0), D(div32m, 32, 0),
    D(idiv8, 8, 1), D(idiv16, 16, 1), D(idiv32, 32, 1), D(idiv32m, 32, 1),
    E(xadd8, K_ALL, 8), E(xadd16, K_ALL, 16), E(xadd32, K_ALL, 32), E(xadd32m, K_ALL, 32),
    E(lockxadd, K_ALL, 32), E(xadd_same, K_ALL, 32),
    E(cmpxchg8, K_CMPXCHG, 8), E(cmpxchg16, K_CMPXCHG, 16), E(cmpxchg32, K_CMPXCHG, 32),
    E(cmpxchg32m, K_CMPXCHG, 32), E(lockcmpxchg, K_CMPXCHG, 32), E(cmpxchg8m, K_CMPXCHG, 8),
    E(cmpxchg_acc, K_CMPXCHG, 32),
    E(aaa, K_BCDA, 8), E(aas, K_BCDA, 8), E(daa, K_BCDD, 8), E(das, K_BCDD, 8),
    E(aam, K_BCDM, 8), E(aad, K_BCDM, 8), E(aam7, K_BCDM, 8), E(aad3, K_BCDM, 8),
};

/* ---- inputs ---- */

static uint32_t rng = 0x2545f491u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static const uint32_t vals[] = {
    0,          1,          2,          7,          8,          9,          0x0f,
    0x10,       0x1f,       0x20,       0x21,       0x7f,       0x80,       0x81,
    0xff,       0x100,      0x7fff,     0x8000,     0x8001,     0xffff,     0x10000,
    0x12345678, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0xdeadbeef,
    0x99,       0x9a,       0xfa,       0x0a,
};
#define NVALS (sizeof vals / sizeof vals[0])

/* Flags defined for this test and input (count = masked shift count). */
static uint32_t flag_mask(const Test *t, const St *in)
{
    unsigned n;
    switch (t->kind) {
    case K_ALL:
    case K_NONE:
    case K_CMPXCHG:
        return ARITH;
    case K_LOGIC:
        return ARITH & ~0x10u;
    case K_MUL:
        return 0x801u;
    case K_DIV:
        return 0;
    case K_BCDA:
        return 0x11u;
    case K_BCDD:
        return 0xd5u;
    case K_BCDM:
        return 0xc4u;
    case K_SHIFT:
        n = (t->cnt < 0 ? in->c : (unsigned)t->cnt) & 31u;
        if (n == 0)
            return ARITH;
        if (n == 1)
            return ARITH & ~0x10u;
        if (t->shop != 2 && n >= (unsigned)t->bits)
            return 0xc4u; /* CF undefined too */
        return 0xc5u;
    case K_ROT:
        n = (t->cnt < 0 ? in->c : (unsigned)t->cnt) & 31u;
        return n == 1 || n == 0 ? ARITH : ARITH & ~0x800u;
    }
    return ARITH;
}

/* Make a division input valid: divisor != 0 and the quotient fits. The
 * divisor is ECX (and the memory word, for the memory forms). */
static void fix_div(const Test *t, St *s)
{
    int bits = t->bits;
    uint32_t m = bits == 32 ? 0xffffffffu : (1u << bits) - 1u;
    if ((s->c & m) == 0)
        s->c |= 1;
    if (!t->sign) {
        if (bits == 8)
            s->a = (s->a & ~0xff00u) | ((((s->a >> 8) & 0xffu) % (s->c & 0xffu)) << 8);
        else if (bits == 16)
            s->d = (s->d & ~0xffffu) | ((s->d & 0xffffu) % (s->c & 0xffffu));
        else
            s->d %= s->c;
    } else {
        for (int tries = 0;; tries++) {
            int64_t dd, v, q;
            if (bits == 8) {
                dd = (int16_t)s->a;
                v = (int8_t)s->c;
            } else if (bits == 16) {
                dd = (int32_t)((s->d << 16) | (s->a & 0xffffu));
                v = (int16_t)s->c;
            } else {
                dd = (int64_t)(((uint64_t)s->d << 32) | s->a);
                v = (int32_t)s->c;
            }
            int ok = !(dd == INT64_MIN && v == -1);
            if (ok) {
                q = dd / v;
                ok = q >= -(1ll << (bits - 1)) && q < (1ll << (bits - 1));
            }
            if (ok)
                break;
            if (tries == 0) { /* sign-extend the low half into the high half */
                if (bits == 8)
                    s->a = (s->a & ~0xff00u) | ((s->a & 0x80u) ? 0xff00u : 0u);
                else if (bits == 16)
                    s->d = (s->d & ~0xffffu) | ((s->a & 0x8000u) ? 0xffffu : 0u);
                else
                    s->d = (s->a & 0x80000000u) ? 0xffffffffu : 0u;
            } else {
                s->c = (s->c & ~m) | 1u;
            }
        }
    }
    s->m = s->c;
}

/* ---- output: per test, a hash of all lines (all lines with -v) ---- */

static int verbose;
static uint32_t hash;
static unsigned nlines;

static void emit(const char *name, const St *in, uint32_t fi, const St *out, uint32_t mask)
{
    char line[200];
    snprintf(line, sizeof line, "%s a=%08x c=%08x d=%08x m=%08x f=%03x -> a=%08x c=%08x d=%08x "
             "m=%08x f=%03x", name, in->a, in->c, in->d, in->m, fi, out->a, out->c, out->d,
             out->m, out->f & mask);
    for (const char *p = line; *p; p++)
        hash = (hash ^ (uint8_t)*p) * 16777619u;
    nlines++;
    if (verbose)
        puts(line);
}

static void run_one(const Test *t, uint32_t a, uint32_t c)
{
    St s = {a, c, rnd(), rnd(), 0};
    uint32_t fi = rnd() & ARITH;
    uint32_t hi = t->bits == 32 ? 0 : ~((1u << t->bits) - 1u);
    s.a = (s.a & ~hi) | (rnd() & hi); /* random upper bits check the merges */
    s.c = (s.c & ~hi) | (rnd() & hi);
    s.m = (rnd() & 3) ? c ^ a : s.m;
    if (t->name[strlen(t->name) - 1] == 'h') { /* ah, ch forms */
        s.a = (s.a & ~0xff00u) | ((a & 0xffu) << 8);
        s.c = (s.c & ~0xff00u) | ((c & 0xffu) << 8);
    }
    switch (t->kind) {
    case K_DIV:
        fix_div(t, &s);
        break;
    case K_CMPXCHG:
        if (rnd() & 1) {
            s.d = s.a;
            s.m = s.a;
        }
        break;
    case K_BCDA:
    case K_BCDD:
    case K_BCDM:
        s.a = (a & 0xffu) | (c & 0xffu) << 8 | (s.a & 0xffff0000u);
        break;
    default:
        break;
    }
    St o = s;
    t->fn(&o, fi | 2u);
    emit(t->name, &s, fi, &o, flag_mask(t, &s));
}

/* ---- divide errors: each in a child that must die of SIGFPE ---- */

static void fault_div32(void)
{
    uint32_t a = 5, d = 0, c = 0;
    __asm__ volatile("divl %2" : "+a"(a), "+d"(d) : "r"(c));
}
static void fault_idiv32(void)
{
    uint32_t a = 5, d = 0, c = 0;
    __asm__ volatile("idivl %2" : "+a"(a), "+d"(d) : "r"(c));
}
static void fault_idiv32_ovf(void)
{
    uint32_t a = 0x80000000u, d = 0xffffffffu, c = 0xffffffffu;
    __asm__ volatile("idivl %2" : "+a"(a), "+d"(d) : "r"(c));
}
static void fault_div32_ovf(void)
{
    uint32_t a = 0, d = 7, c = 7;
    __asm__ volatile("divl %2" : "+a"(a), "+d"(d) : "r"(c));
}
static void fault_div8_ovf(void)
{
    uint32_t a = 0x0300, c = 3;
    __asm__ volatile("divb %b1" : "+a"(a) : "q"(c));
}
static void fault_idiv8_ovf(void)
{
    uint32_t a = 0xff80, c = 0xff;
    __asm__ volatile("idivb %b1" : "+a"(a) : "q"(c));
}
static void fault_div16_zero(void)
{
    uint32_t a = 1, d = 0, c = 0x10000;
    __asm__ volatile("divw %w2" : "+a"(a), "+d"(d) : "r"(c));
}
static void fault_idiv16_ovf(void)
{
    uint32_t a = 0, d = 0x8000, c = 0xffff;
    __asm__ volatile("idivw %w2" : "+a"(a), "+d"(d) : "r"(c));
}
static void fault_div32_mem0(void)
{
    static volatile uint32_t zero;
    uint32_t a = 1, d = 0;
    __asm__ volatile("divl %2" : "+a"(a), "+d"(d) : "m"(zero));
}
static void fault_aam0(void)
{
    uint32_t a = 5;
    __asm__ volatile(".byte 0xd4, 0x00" : "+a"(a));
}

static void in_child(const char *name, void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st))
        printf("%s: killed by signal %d\n", name, WTERMSIG(st));
    else
        printf("%s: exit %d\n", name, WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
    verbose = argc > 1 && argv[1][0] == '-' && argv[1][1] == 'v';
    for (size_t k = 0; k < sizeof tests / sizeof tests[0]; k++) {
        const Test *t = &tests[k];
        hash = 2166136261u;
        nlines = 0;
        for (size_t i = 0; i < NVALS; i++)
            for (size_t j = 0; j < NVALS; j++)
                run_one(t, vals[i], vals[j]);
        for (int i = 0; i < 256; i++)
            run_one(t, rnd(), (rnd() & 1) ? rnd() : rnd() & 0x3f);
        printf("%-12s %5u cases  hash %08x\n", t->name, nlines, hash);
    }
    in_child("div32 by 0", fault_div32);
    in_child("idiv32 by 0", fault_idiv32);
    in_child("idiv32 INT_MIN/-1", fault_idiv32_ovf);
    in_child("div32 quotient overflow", fault_div32_ovf);
    in_child("div8 quotient overflow", fault_div8_ovf);
    in_child("idiv8 -128/-1", fault_idiv8_ovf);
    in_child("div16 by 0", fault_div16_zero);
    in_child("idiv16 overflow", fault_idiv16_ovf);
    in_child("div32 by memory 0", fault_div32_mem0);
    in_child("aam 0", fault_aam0);
    return 0;
}
