/* x87 instructions one by one: results as bit patterns, status words, flags. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef long double f80;

/* The 80-bit image of a long double as "SEXP:MANTISSA". */
static const char *bits(f80 v)
{
    static char buf[8][32];
    static int n;
    uint64_t m;
    uint16_t se;
    memcpy(&m, &v, 8);
    memcpy(&se, (char *)&v + 8, 2);
    char *b = buf[n++ & 7];
    snprintf(b, 32, "%04x:%016llx", se, (unsigned long long)m);
    return b;
}

static f80 mk(uint16_t se, uint64_t m)
{
    f80 v = 0;
    memcpy(&v, &m, 8);
    memcpy((char *)&v + 8, &se, 2);
    return v;
}

static void fninit(void) { __asm__ volatile("fninit"); }
static uint16_t fnstsw(void)
{
    uint16_t sw;
    __asm__ volatile("fnstsw %0" : "=a"(sw));
    return sw;
}
static void fldcw(uint16_t cw) { __asm__ volatile("fldcw %0" : : "m"(cw)); }
static uint16_t fnstcw(void)
{
    uint16_t cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    return cw;
}

/* The interesting operands. */
static f80 specials[16];
static const char *special_names[16] = {
    "+0", "-0", "1", "-2.5", "pi", "1e-4940(den)", "+inf", "-inf",
    "qnan", "-qnan", "snan", "indef", "max", "min_norm", "3e300", "unnormal"};

static void init_specials(void)
{
    specials[0] = 0.0L;
    specials[1] = -0.0L;
    specials[2] = 1.0L;
    specials[3] = -2.5L;
    specials[4] = mk(0x4000, 0xc90fdaa22168c235ull);
    specials[5] = mk(0x0000, 0x0000000012345678ull);
    specials[6] = mk(0x7fff, 0x8000000000000000ull);
    specials[7] = mk(0xffff, 0x8000000000000000ull);
    specials[8] = mk(0x7fff, 0xc000000000000001ull);
    specials[9] = mk(0xffff, 0xc000000000001234ull);
    specials[10] = mk(0x7fff, 0x8000000000000123ull);
    specials[11] = mk(0xffff, 0xc000000000000000ull);
    specials[12] = mk(0x7ffe, 0xffffffffffffffffull);
    specials[13] = mk(0x0001, 0x8000000000000000ull);
    specials[14] = 3e300L;
    specials[15] = mk(0x3fff, 0x4000000000000000ull);
}

/* ------------------------------------------------------------------ fxam, ftst */

static void test_fxam(void)
{
    printf("== fxam/ftst\n");
    for (int i = 0; i < 16; i++) {
        uint16_t sw1, sw2;
        fninit();
        __asm__ volatile("fldt %2\n\tfxam\n\tfnstsw %%ax\n\tmov %%ax, %0\n\t"
                         "ftst\n\tfnstsw %%ax\n\tmov %%ax, %1\n\tfstp %%st(0)"
                         : "=m"(sw1), "=m"(sw2)
                         : "m"(specials[i])
                         : "eax");
        printf("%-14s fxam %04x ftst %04x\n", special_names[i], sw1, sw2);
    }
    uint16_t sw;
    fninit();
    __asm__ volatile("fxam\n\tfnstsw %0" : "=a"(sw));
    printf("empty fxam %04x\n", sw);
}

/* ----------------------------------------------------------- arithmetic table */

#define BINOP(name, insn)                                                                          \
    static f80 name(f80 a, f80 b, uint16_t *sw)                                                    \
    {                                                                                              \
        f80 r;                                                                                     \
        __asm__ volatile("fnclex\n\tfldt %3\n\tfldt %2\n\t" insn "\n\tfnstsw %%ax\n\t"             \
                         "mov %%ax, %1\n\tfstpt %0\n\tfstp %%st(0)"                                \
                         : "=m"(r), "=m"(*sw)                                                      \
                         : "m"(a), "m"(b)                                                          \
                         : "eax");                                                                 \
        return r;                                                                                  \
    }
BINOP(op_add, "fadd %%st(1), %%st")
BINOP(op_sub, "fsub %%st(1), %%st")
BINOP(op_subr, "fsubr %%st(1), %%st")
BINOP(op_mul, "fmul %%st(1), %%st")
BINOP(op_div, "fdiv %%st(1), %%st")
BINOP(op_divr, "fdivr %%st(1), %%st")
BINOP(op_prem, "fprem")
BINOP(op_prem1, "fprem1")
BINOP(op_scale, "fscale")

static void test_arith_table(void)
{
    static const struct {
        const char *name;
        f80 (*fn)(f80, f80, uint16_t *);
    } ops[] = {{"add", op_add},   {"sub", op_sub},     {"subr", op_subr},
               {"mul", op_mul},   {"div", op_div},     {"divr", op_divr},
               {"prem", op_prem}, {"prem1", op_prem1}, {"scale", op_scale}};
    printf("== arithmetic on specials\n");
    fninit();
    for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j += 3) {
                uint16_t sw;
                f80 r = ops[o].fn(specials[i], specials[j], &sw);
                printf("%s %s %s = %s sw %04x\n", ops[o].name, special_names[i], special_names[j],
                       bits(r), sw & 0x477f);
            }
}

/* ---------------------------------------------------- precision and rounding */

static void test_precision(void)
{
    printf("== precision control\n");
    static const uint16_t cws[] = {0x037f, 0x027f, 0x007f, 0x0f7f, 0x077f, 0x0b7f, 0x0c7f};
    volatile f80 a = 1.0L, b = 3.0L, c = 0x1.0000000000001p0L, d = 0x1.00000000000008p0L;
    for (unsigned k = 0; k < sizeof cws / sizeof cws[0]; k++) {
        fninit();
        fldcw(cws[k]);
        f80 q = a / b, s = c * d, t = -a / b, u = c + 0x1p-60L;
        f80 sq;
        __asm__ volatile("fldt %1\n\tfsqrt\n\tfstpt %0" : "=m"(sq) : "m"(b));
        printf("cw %04x: 1/3 %s c*d %s -1/3 %s c+eps %s sqrt3 %s sw %04x\n", fnstcw(), bits(q),
               bits(s), bits(t), bits(u), bits(sq), fnstsw() & 0x3fff);
    }
    /* double rounding: the same sum rounded to 53 bits directly or via 64 bits */
    volatile double x = 1.0, y = 0x1.0000000000001p-53 + 0x1p-106;
    fninit();
    fldcw(0x037f);
    volatile double r64 = x + y;
    fldcw(0x027f);
    volatile double r53 = x + y;
    fninit();
    printf("double rounding: ext %a dbl %a\n", r64, r53);
    /* frndint under each rounding mode */
    static const f80 vals[] = {2.5L, -2.5L, 3.5L, -0.5L, 1.25L, -1.75L, 1e30L};
    for (int rc = 0; rc < 4; rc++) {
        fninit();
        fldcw((uint16_t)(0x037f | (rc << 10)));
        printf("rc%d frndint:", rc);
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            f80 r;
            __asm__ volatile("fldt %1\n\tfrndint\n\tfstpt %0" : "=m"(r) : "m"(vals[i]));
            printf(" %.2Lf", r);
        }
        printf(" sw %04x\n", fnstsw());
    }
    fninit();
}

/* ------------------------------------------------------- integer conversions */

static void test_fist(void)
{
    printf("== fist/fild\n");
    static const f80 vals[] = {0.5L, 1.5L, 2.5L, -2.5L, -0.5L, 32767.5L, 32768.0L, -32768.5L,
                               2147483647.5L, -2147483648.0L, 2147483648.0L, 9.3e18L,
                               -9223372036854775808.0L, 1e19L};
    for (int rc = 0; rc < 4; rc++) {
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            int16_t i16;
            int32_t i32;
            int64_t i64;
            uint16_t sw;
            fninit();
            fldcw((uint16_t)(0x037f | (rc << 10)));
            __asm__ volatile("fldt %4\n\tfists %0\n\tfistl %1\n\tfistpll %2\n\tfnstsw %3"
                             : "=m"(i16), "=m"(i32), "=m"(i64), "=a"(sw)
                             : "m"(vals[i]));
            printf("rc%d %.1Lf -> %d %d %lld sw %04x\n", rc, vals[i], i16, i32, (long long)i64,
                   sw);
        }
    }
    fninit();
    int16_t s = -12345;
    int32_t l = 2000000001;
    int64_t q = -1234567890123456789LL;
    f80 a, b, c;
    __asm__ volatile("filds %3\n\tfildl %4\n\tfildll %5\n\tfstpt %2\n\tfstpt %1\n\tfstpt %0"
                     : "=m"(a), "=m"(b), "=m"(c)
                     : "m"(s), "m"(l), "m"(q));
    printf("fild %s %s %s\n", bits(a), bits(b), bits(c));
    /* fbld/fbstp */
    uint8_t bcd[10] = {0x89, 0x67, 0x45, 0x23, 0x01, 0x89, 0x67, 0x45, 0x23, 0x80}, out[10];
    f80 bv;
    __asm__ volatile("fbld %1\n\tfld %%st(0)\n\tfstpt %0\n\tfbstp %2"
                     : "=m"(bv), "=m"(bcd), "=m"(out)
                     : "m"(bcd));
    printf("fbld %s fbstp", bits(bv));
    for (int i = 0; i < 10; i++) printf(" %02x", out[i]);
    f80 big = 1e19L;
    __asm__ volatile("fldt %1\n\tfbstp %0" : "=m"(out) : "m"(big));
    printf(" | big");
    for (int i = 0; i < 10; i++) printf(" %02x", out[i]);
    printf(" sw %04x\n", fnstsw());
    fninit();
}

/* ------------------------------------------------------- memory operand forms */

static void test_mem_forms(void)
{
    printf("== memory operands\n");
    float f = 0.1f;
    double d = 0.1;
    int16_t w = -7;
    int32_t l = 100003;
    f80 base = 10.0L, r[24];
    uint16_t sw;
    fninit();
    __asm__ volatile(
        "fldt %[b]\n\tfadds %[f]\n\tfstpt 0(%[r])\n\t"
        "fldt %[b]\n\tfaddl %[d]\n\tfstpt 12(%[r])\n\t"
        "fldt %[b]\n\tfiadds %[w]\n\tfstpt 24(%[r])\n\t"
        "fldt %[b]\n\tfiaddl %[l]\n\tfstpt 36(%[r])\n\t"
        "fldt %[b]\n\tfsubs %[f]\n\tfstpt 48(%[r])\n\t"
        "fldt %[b]\n\tfsubrl %[d]\n\tfstpt 60(%[r])\n\t"
        "fldt %[b]\n\tfisubs %[w]\n\tfstpt 72(%[r])\n\t"
        "fldt %[b]\n\tfisubrl %[l]\n\tfstpt 84(%[r])\n\t"
        "fldt %[b]\n\tfmuls %[f]\n\tfstpt 96(%[r])\n\t"
        "fldt %[b]\n\tfmull %[d]\n\tfstpt 108(%[r])\n\t"
        "fldt %[b]\n\tfimuls %[w]\n\tfstpt 120(%[r])\n\t"
        "fldt %[b]\n\tfimull %[l]\n\tfstpt 132(%[r])\n\t"
        "fldt %[b]\n\tfdivs %[f]\n\tfstpt 144(%[r])\n\t"
        "fldt %[b]\n\tfdivrl %[d]\n\tfstpt 156(%[r])\n\t"
        "fldt %[b]\n\tfidivs %[w]\n\tfstpt 168(%[r])\n\t"
        "fldt %[b]\n\tfidivrl %[l]\n\tfstpt 180(%[r])\n\t"
        "fldt %[b]\n\tfdivl %[d]\n\tfstpt 192(%[r])\n\t"
        "fldt %[b]\n\tfdivrs %[f]\n\tfstpt 204(%[r])\n\t"
        "fldt %[b]\n\tfidivl %[l]\n\tfstpt 216(%[r])\n\t"
        "fldt %[b]\n\tfidivrs %[w]\n\tfstpt 228(%[r])\n\t"
        "fnstsw %%ax\n\tmov %%ax, %[sw]"
        : [sw] "=m"(sw)
        : [b] "m"(base), [f] "m"(f), [d] "m"(d), [w] "m"(w), [l] "m"(l), [r] "r"(r)
        : "eax", "memory");
    for (int i = 0; i < 20; i++) printf(" %s", bits(r[i]));
    printf("\n sw %04x\n", sw);
    /* compares against memory */
    uint16_t c1, c2, c3, c4, c5;
    fninit();
    __asm__ volatile("fldt %[b]\n\tfcoms %[f]\n\tfnstsw %%ax\n\tmov %%ax, %0\n\t"
                     "fcoml %[d]\n\tfnstsw %%ax\n\tmov %%ax, %1\n\t"
                     "ficoms %[w]\n\tfnstsw %%ax\n\tmov %%ax, %2\n\t"
                     "ficompl %[l]\n\tfnstsw %%ax\n\tmov %%ax, %3\n\t"
                     "fldt %[b]\n\tfcompl %[b10]\n\tfnstsw %%ax\n\tmov %%ax, %4"
                     : "=m"(c1), "=m"(c2), "=m"(c3), "=m"(c4), "=m"(c5)
                     : [b] "m"(base), [f] "m"(f), [d] "m"(d), [w] "m"(w), [l] "m"(l),
                       [b10] "m"((double){10.0})
                     : "eax");
    printf(" fcom m: %04x %04x %04x %04x %04x\n", c1, c2, c3, c4, c5);
    /* stores with rounding */
    f80 third = 1.0L / 3.0L, huge = 1e300L, tiny = 1e-300L;
    float fo[3];
    double dd[3];
    for (int rc = 0; rc < 4; rc++) {
        fninit();
        fldcw((uint16_t)(0x037f | (rc << 10)));
        __asm__ volatile("fldt %[t]\n\tfsts %0\n\tfstl %3\n\tfchs\n\tfstps %1\n\t"
                         "fldt %[h]\n\tfstps %2\n\tfldt %[s]\n\tfstl %4\n\tfstpl %5"
                         : "=m"(fo[0]), "=m"(fo[1]), "=m"(fo[2]), "=m"(dd[0]), "=m"(dd[1]),
                           "=m"(dd[2]), "=m"(third)
                         : [t] "m"(third), [h] "m"(huge), [s] "m"(tiny));
        printf(" rc%d fst %a %a %a %a %a sw %04x\n", rc, fo[0], fo[1], fo[2], dd[0], dd[1],
               fnstsw());
    }
    fninit();
}

/* --------------------------------------------------------- register forms */

static void test_reg_forms(void)
{
    printf("== register forms\n");
    f80 r[8];
    f80 a = 7.0L, b = 2.0L;
    fninit();
    /* st(i),st forms and p variants with st(2) as destination */
    __asm__ volatile("fldt %[b]\n\tfldt %[a]\n\tfldt %[b]\n\t" /* st0=b st1=a st2=b */
                     ".byte 0xdc, 0xe2\n\t"                    /* fsubr st(2), st: st2 = st0 - st2 */
                     ".byte 0xdc, 0xf9\n\t"                    /* fdiv st(1), st: st1 = st1 / st0 */
                     "fstpt 0(%[r])\n\tfstpt 12(%[r])\n\tfstpt 24(%[r])\n\t"
                     "fldt %[a]\n\tfldt %[b]\n\t"
                     ".byte 0xde, 0xe9\n\t" /* fsubp st(1), st: st1 = st1 - st0, pop */
                     "fstpt 36(%[r])\n\t"
                     "fldt %[a]\n\tfldt %[b]\n\t"
                     ".byte 0xde, 0xe1\n\t" /* fsubrp st(1), st: st1 = st0 - st1, pop */
                     "fstpt 48(%[r])\n\t"
                     "fldt %[a]\n\tfldt %[b]\n\t"
                     ".byte 0xde, 0xf9\n\t" /* fdivp: st1 = st1 / st0 */
                     "fstpt 60(%[r])\n\t"
                     "fldt %[a]\n\tfldt %[b]\n\t"
                     ".byte 0xde, 0xf1\n\t" /* fdivrp: st1 = st0 / st1 */
                     "fstpt 72(%[r])\n\t"
                     "fldt %[a]\n\tfldt %[b]\n\t"
                     ".byte 0xd8, 0xe9\n\t" /* fsubr st, st(1): st0 = st1 - st0 */
                     "fstpt 84(%[r])\n\tfstp %%st(0)\n\t"
                     :
                     : [a] "m"(a), [b] "m"(b), [r] "r"(r)
                     : "memory");
    for (int i = 0; i < 8; i++) printf(" %.6Lf", r[i]);
    printf(" sw %04x\n", fnstsw());

    /* fxch, fld st(i), fst st(i), ffree, fincstp/fdecstp, tags via fnstenv */
    uint8_t env[28];
    fninit();
    __asm__ volatile("fld1\n\tfldpi\n\tfldz\n\tfxch %%st(2)\n\tfld %%st(1)\n\tfst %%st(3)\n\t"
                     "ffree %%st(1)\n\tfincstp\n\tfdecstp\n\tfnstenv %0\n\tfldenv %0"
                     : "=m"(env));
    uint16_t tw, sw;
    memcpy(&sw, env + 4, 2);
    memcpy(&tw, env + 8, 2);
    printf(" tags %04x sw %04x\n", tw, sw);
    f80 o[4];
    __asm__ volatile("fstpt %0\n\tffreep %%st(0)\n\tfstpt %1\n\tfstpt %2" : "=m"(o[0]), "=m"(o[1]), "=m"(o[2]));
    printf(" %s %s %s sw %04x\n", bits(o[0]), bits(o[1]), bits(o[2]), fnstsw());
    fninit();
}

/* ------------------------------------------------------------ compares */

static void test_compares(void)
{
    printf("== compares\n");
    for (int i = 0; i < 16; i += 1)
        for (int j = 0; j < 16; j += 5) {
            uint16_t sw1, sw2;
            uint32_t fl1, fl2;
            fninit();
            __asm__ volatile("fldt %5\n\tfldt %4\n\t"
                             "fcom %%st(1)\n\tfnstsw %%ax\n\tmov %%ax, %0\n\t"
                             "fnclex\n\tfucomi %%st(1), %%st\n\tpushf\n\tpop %2\n\t"
                             "fcomi %%st(1), %%st\n\tpushf\n\tpop %3\n\t"
                             "fucompp\n\tfnstsw %%ax\n\tmov %%ax, %1"
                             : "=m"(sw1), "=m"(sw2), "=r"(fl1), "=r"(fl2)
                             : "m"(specials[i]), "m"(specials[j])
                             : "eax", "cc");
            printf("%s ? %s: fcom %04x fucompp %04x fucomi %03x fcomi %03x\n", special_names[i],
                   special_names[j], sw1, sw2, fl1 & 0x8d5, fl2 & 0x8d5);
        }
    /* fcomip / fucomip / fcompp / ficomp */
    uint32_t fl;
    uint16_t sw;
    fninit();
    __asm__ volatile("fld1\n\tfldz\n\tfcomip %%st(1), %%st\n\tpushf\n\tpop %0\n\t"
                     "fldpi\n\tfucomip %%st(1), %%st\n\tfstp %%st(0)\n\tfnstsw %%ax"
                     : "=r"(fl), "=a"(sw)
                     :
                     : "cc");
    printf(" fcomip %03x sw %04x\n", fl & 0x8d5, sw);
    /* fcmov: all eight conditions after comparing x with 1.0 */
    static const char *names[8] = {"b", "e", "be", "u", "nb", "ne", "nbe", "nu"};
    for (int k = 0; k < 4; k++) {
        f80 x = k == 0 ? 1.0L : k == 1 ? 2.0L : k == 2 ? 0.5L : specials[8];
        f80 res[8];
        for (int c = 0; c < 8; c++) {
            fninit();
            /* st0 = -1, st1 = +1; flags from x ? 1.0 */
#define FCMOV_CASE(n, insn)                                                                        \
    case n:                                                                                        \
        __asm__ volatile("fld1\n\tfld1\n\tfchs\n\tfld1\n\tfldt %1\n\tfcomip %%st(1), %%st\n\t"      \
                         "fstp %%st(0)\n\t" insn " %%st(1), %%st\n\tfstpt %0\n\tfstp %%st(0)"       \
                         : "=m"(res[c])                                                            \
                         : "m"(x)                                                                  \
                         : "cc");                                                                  \
        break;
            switch (c) {
                FCMOV_CASE(0, "fcmovb")
                FCMOV_CASE(1, "fcmove")
                FCMOV_CASE(2, "fcmovbe")
                FCMOV_CASE(3, "fcmovu")
                FCMOV_CASE(4, "fcmovnb")
                FCMOV_CASE(5, "fcmovne")
                FCMOV_CASE(6, "fcmovnbe")
                FCMOV_CASE(7, "fcmovnu")
            }
        }
        printf(" fcmov x=%s:", k == 3 ? "nan" : k == 0 ? "1" : k == 1 ? "2" : "0.5");
        for (int c = 0; c < 8; c++) printf(" %s=%.0Lf", names[c], res[c]);
        printf(" sw %04x\n", fnstsw());
    }
    fninit();
}

/* ------------------------------------------------------- transcendentals */

static void test_transcendental(void)
{
    printf("== transcendental\n");
    static const f80 xs[] = {0.0L, 0.5L, -0.75L, 1.0L, 3.0L, 100.0L, 1e10L, 1e19L, 1e-20L};
    for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        f80 s, c, t, one, ss, cc, f2, pa, yl, yp, ex, sig;
        uint16_t sw1, sw2, sw3;
        fninit();
        __asm__ volatile("fldt %[x]\n\tfsin\n\tfstpt %[s]\n\t"
                         "fldt %[x]\n\tfcos\n\tfstpt %[c]\n\t"
                         "fldt %[x]\n\tfptan\n\tfnstsw %%ax\n\tmov %%ax, %[sw1]\n\tfstpt %[one]\n\t"
                         "fstpt %[t]\n\t"
                         : [s] "=m"(s), [c] "=m"(c), [t] "=m"(t), [one] "=m"(one),
                           [sw1] "=m"(sw1)
                         : [x] "m"(xs[i])
                         : "eax");
        if (sw1 & 0x400) { /* out of range: only one value was on the stack */
            t = one;
            one = 0;
        }
        fninit();
        __asm__ volatile("fldt %[x]\n\tfsincos\n\tfnstsw %%ax\n\tmov %%ax, %[sw2]\n\t"
                         "fstpt %[cc]\n\t"
                         : [cc] "=m"(cc), [sw2] "=m"(sw2)
                         : [x] "m"(xs[i])
                         : "eax");
        if (!(sw2 & 0x400))
            __asm__ volatile("fstpt %0" : "=m"(ss));
        else
            ss = 0;
        fninit();
        __asm__ volatile("fldt %[x]\n\tf2xm1\n\tfstpt %[f2]\n\t"
                         "fldt %[x]\n\tfld1\n\tfpatan\n\tfstpt %[pa]\n\t"
                         "fld1\n\tfldt %[x]\n\tfabs\n\tfyl2x\n\tfstpt %[yl]\n\t"
                         "fld1\n\tfldt %[x]\n\tfyl2xp1\n\tfstpt %[yp]\n\t"
                         "fldt %[x]\n\tfxtract\n\tfstpt %[sig]\n\tfstpt %[ex]\n\t"
                         "fnstsw %%ax\n\tmov %%ax, %[sw3]"
                         : [f2] "=m"(f2), [pa] "=m"(pa), [yl] "=m"(yl), [yp] "=m"(yp),
                           [ex] "=m"(ex), [sig] "=m"(sig), [sw3] "=m"(sw3)
                         : [x] "m"(xs[i])
                         : "eax");
        printf("x=%Lg\n sin %s cos %s tan %s one %s sw %04x\n sincos %s %s sw %04x\n", xs[i],
               bits(s), bits(c), bits(t), bits(one), sw1, bits(ss), bits(cc), sw2);
        printf(" f2xm1 %s patan %s yl2x %s yl2xp1 %s\n xtract %s %s sw %04x\n", bits(f2), bits(pa),
               bits(yl), bits(yp), bits(ex), bits(sig), sw3);
    }
    /* fprem quotient bits */
    for (int k = 0; k < 10; k++) {
        f80 x = 10.0L + k * 3.0L, y = 3.0L, r1, r2;
        uint16_t s1, s2;
        fninit();
        __asm__ volatile("fldt %5\n\tfldt %4\n\tfprem\n\tfnstsw %%ax\n\tmov %%ax, %2\n\tfstpt %0\n\t"
                         "fldt %4\n\tfprem1\n\tfnstsw %%ax\n\tmov %%ax, %3\n\tfstpt %1\n\t"
                         "fstp %%st(0)"
                         : "=m"(r1), "=m"(r2), "=m"(s1), "=m"(s2)
                         : "m"(x), "m"(y)
                         : "eax");
        printf(" fprem %.0Lf %% 3 = %.0Lf sw %04x; fprem1 %.0Lf sw %04x\n", x, r1, s1 & 0x4700,
               r2, s2 & 0x4700);
    }
    /* incomplete fprem (C2 set) loop */
    f80 big = 1e300L, m = 3.0L, rr;
    int rounds = 0;
    uint16_t s;
    fninit();
    __asm__ volatile("fldt %1\n\tfldt %0" : : "m"(big), "m"(m));
    do {
        __asm__ volatile("fprem\n\tfnstsw %0" : "=a"(s));
        rounds++;
    } while (s & 0x400);
    __asm__ volatile("fstpt %0\n\tfstp %%st(0)" : "=m"(rr));
    printf(" 1e300 fprem 3 -> %.0Lf after %d rounds sw %04x\n", rr, rounds, s);
    fninit();
}

/* ---------------------------------------------------------- constants */

static void test_constants(void)
{
    printf("== constants\n");
    for (int rc = 0; rc < 4; rc++) {
        f80 c[7];
        fninit();
        fldcw((uint16_t)(0x037f | (rc << 10)));
        __asm__ volatile("fld1\n\tfldl2t\n\tfldl2e\n\tfldpi\n\tfldlg2\n\tfldln2\n\tfldz\n\t"
                         "fstpt 72(%0)\n\tfstpt 60(%0)\n\tfstpt 48(%0)\n\tfstpt 36(%0)\n\t"
                         "fstpt 24(%0)\n\tfstpt 12(%0)\n\tfstpt 0(%0)"
                         :
                         : "r"(c)
                         : "memory");
        printf("rc%d:", rc);
        for (int i = 0; i < 7; i++) printf(" %s", bits(c[i]));
        printf("\n");
    }
    fninit();
}

/* ------------------------------------------------------ stack faults */

static void test_stack_faults(void)
{
    printf("== stack faults\n");
    f80 v;
    uint16_t sw;
    fninit();
    __asm__ volatile("fld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfldpi\n\t"
                     "fnstsw %%ax\n\tfstpt %0"
                     : "=m"(v), "=a"(sw));
    printf("overflow %s sw %04x\n", bits(v), sw);
    fninit();
    __asm__ volatile("fadd %%st(1), %%st\n\tfnstsw %%ax\n\tfstpt %0" : "=m"(v), "=a"(sw));
    printf("underflow %s sw %04x\n", bits(v), sw);
    fninit();
    int32_t i32 = 0;
    __asm__ volatile("fistpl %0\n\tfnstsw %%ax" : "=m"(i32), "=a"(sw));
    printf("fistp empty %08x sw %04x\n", (unsigned)i32, sw);
    fninit();
    uint16_t c;
    __asm__ volatile("fld1\n\tfcomp %%st(3)\n\tfnstsw %%ax" : "=a"(c));
    printf("fcomp empty sw %04x\n", c);
    fninit();
    __asm__ volatile("fnclex\n\tfld1\n\tfldz\n\tfdivr %%st(1), %%st\n\tfnstsw %%ax\n\tfstpt %0\n\t"
                     "fstp %%st(0)"
                     : "=m"(v), "=a"(sw));
    printf("1/0 %s sw %04x\n", bits(v), sw);
    __asm__ volatile("fnclex\n\tfnstsw %%ax" : "=a"(sw));
    printf("after fnclex sw %04x\n", sw);
    fninit();
}

/* ---------------------------------------------------- environment images */

static void test_env(void)
{
    printf("== fnstenv/fldenv/fnsave/frstor\n");
    uint8_t env[28], env2[28];
    fninit();
    fldcw(0x0b5f); /* precision exception unmasked: fnstenv masks it */
    __asm__ volatile("fld1\n\tfldpi\n\tfldz\n\tfld1\n\tfchs\n\tfdiv %%st(1), %%st\n\tfnstenv %0"
                     : "=m"(env));
    uint16_t cw_after = fnstcw();
    printf("env cw %02x%02x sw %02x%02x tw %02x%02x reserved %02x%02x %02x%02x %02x%02x\n", env[1],
           env[0], env[5], env[4], env[9], env[8], env[3], env[2], env[7], env[6], env[11],
           env[10]);
    printf("cw after fnstenv %04x\n", cw_after);
    /* change everything, then restore */
    env[0] = 0x7f;
    env[1] = 0x0f;
    __asm__ volatile("fninit\n\tfldenv %0\n\tfnstenv %1\n\tfldenv %1" : : "m"(env), "m"(env2));
    printf("reloaded cw %04x sw %04x tw %02x%02x\n", fnstcw(), fnstsw(), env2[9], env2[8]);
    f80 a, b, c;
    __asm__ volatile("fstpt %0\n\tfstpt %1\n\tfstpt %2" : "=m"(a), "=m"(b), "=m"(c));
    printf("stack %s %s %s\n", bits(a), bits(b), bits(c));

    uint8_t save[108];
    fninit();
    __asm__ volatile("fldl2e\n\tfldlg2\n\tfnsave %0" : "=m"(save));
    uint16_t sw0 = fnstsw(), cw0 = fnstcw();
    printf("fnsave cw %02x%02x sw %02x%02x tw %02x%02x; after: cw %04x sw %04x\n", save[1],
           save[0], save[5], save[4], save[9], save[8], cw0, sw0);
    printf("regs");
    for (int i = 0; i < 3; i++) {
        f80 r;
        memcpy(&r, save + 28 + 10 * i, 10);
        printf(" %s", bits(r));
    }
    printf("\n");
    __asm__ volatile("frstor %1\n\tfmulp\n\tfstpt %0" : "=m"(a) : "m"(save));
    printf("frstor+fmulp %s sw %04x\n", bits(a), fnstsw());
    /* fldcw canonical bits, fsetpm/feni/fdisi/fnop are no-ops */
    fldcw(0xffff);
    printf("fldcw ffff -> %04x\n", fnstcw());
    fldcw(0x0000);
    printf("fldcw 0000 -> %04x\n", fnstcw());
    fninit();
    __asm__ volatile("fnop\n\t.byte 0xdb, 0xe4\n\t.byte 0xdb, 0xe0\n\t.byte 0xdb, 0xe1\n\twait");
    printf("after no-ops cw %04x sw %04x\n", fnstcw(), fnstsw());
    uint16_t m16;
    __asm__ volatile("fld1\n\tfnstsw %0\n\tfstp %%st(0)" : "=m"(m16));
    printf("fnstsw m16 %04x\n", m16);
}

int main(void)
{
    init_specials();
    test_fxam();
    test_arith_table();
    test_precision();
    test_fist();
    test_mem_forms();
    test_reg_forms();
    test_compares();
    test_transcendental();
    test_constants();
    test_stack_faults();
    test_env();
    return 0;
}
