/* long double (80-bit x87 extended): arithmetic, printf, strtold, libm's *l functions,
 * conversions in every rounding mode. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *hexld(long double v)
{
    static char buf[4][32];
    static int n;
    uint64_t m;
    uint16_t se;
    memcpy(&m, &v, 8);
    memcpy(&se, (char *)&v + 8, 2);
    char *b = buf[n++ & 3];
    snprintf(b, 32, "%04x:%016llx", se, (unsigned long long)m);
    return b;
}

static void arithmetic(void)
{
    printf("== arithmetic\n");
    volatile long double a = 1.0L, b = 3.0L, c = LDBL_MAX, d = LDBL_MIN;
    printf("%s %s %s %s\n", hexld(a / b), hexld(b / 7), hexld(c * 2), hexld(d / 1e10L));
    printf("%La %La %La\n", a / b, c, d);
    printf("%.25Lg %.25Lg\n", a / b, (a + b) / 7);
    printf("%Le %Lf %Lg %LG\n", a / b, 1e20L / b, 1e-30L / b, 12345678901234567890.0L);
    printf("limits %Lg %Lg %Lg %d %d\n", LDBL_MAX, LDBL_MIN, LDBL_EPSILON, LDBL_MANT_DIG,
           LDBL_DIG);
    printf("denormal %La %Lg\n", LDBL_MIN / 1024, LDBL_MIN / 3);
    long double s = 0;
    for (int i = 1; i <= 3000; i++) s += 1.0L / ((long double)i * i);
    printf("basel %.20Lf diff %Le\n", s, s - 3.14159265358979323846264L * 3.14159265358979323846264L / 6);
    long double f = 1;
    for (int i = 1; i <= 25; i++) f *= i;
    printf("25! %.0Lf %s\n", f, hexld(f));
    volatile long long big = 0x7fffffffffffffffLL;
    volatile long double lb = (long double)big;
    printf("ll->ld exact %d %.0Lf back %lld\n", (long long)lb == big, lb, (long long)(lb - 1));
    volatile double dd = 0.1;
    volatile float ff = 0.1f;
    printf("widen %s %s narrow %a %a\n", hexld(dd), hexld(ff), (double)(a / b), (float)(a / b));
    printf("inf/nan %Lf %Lf %Lf %d\n", a / 0.0L, -a / 0.0L, 0.0L / 0.0L * 0, isnan(0.0L / 0.0L));
}

static void rounding(void)
{
    printf("== rounding modes\n");
    static const int modes[4] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
    static const long double vals[] = {2.5L, -2.5L, 0.5L, 1.5L, -1.5000000001L, 1e18L + 0.5L,
                                       -9.2e18L, 123.456L};
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        volatile long double one = 1, three = 3;
        printf("mode %d: 1/3 %s -1/3 %s sqrt2 %s\n", m, hexld(one / three), hexld(-one / three),
               hexld(sqrtl(2 * one)));
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            volatile long double v = vals[i];
            printf("  %Lg: int %d ll %lld lrintl %ld llrintl %lld rintl %.1Lf nearbyintl %.1Lf\n",
                   v, (int)(v / 1e9L), (long long)v, lrintl(v / 1e9L), llrintl(v), rintl(v),
                   nearbyintl(v));
        }
        volatile double dv = 1.0 / 3.0;
        volatile long double ld = 1.0L / 3.0L;
        printf("  ld->double %a ld->float %a double->float %a\n", (double)ld, (float)ld,
               (float)dv);
    }
    fesetround(FE_TONEAREST);
}

static void mathl(void)
{
    printf("== long double math\n");
    static const long double xs[] = {-2.25L, -0.5L, 0.0L, 0.1L, 1.0L, 2.0L, 3.5L, 50.0L, 1e-10L};
    for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        volatile long double x = xs[i];
        printf("x=%Lg\n", x);
        printf(" sinl %.21Lg cosl %.21Lg tanl %.21Lg\n", sinl(x), cosl(x), tanl(x));
        printf(" atanl %.21Lg atan2l %.21Lg asinl %.21Lg acosl %.21Lg\n", atanl(x),
               atan2l(x, -0.75L), asinl(x / 64), acosl(x / 64));
        printf(" expl %.21Lg expm1l %.21Lg exp2l %.21Lg logl %.21Lg log1pl %.21Lg\n", expl(x),
               expm1l(x), exp2l(x), logl(fabsl(x) + 0.25L), log1pl(fabsl(x)));
        printf(" log10l %.21Lg log2l %.21Lg powl %.21Lg sqrtl %.21Lg cbrtl %.21Lg\n",
               log10l(fabsl(x) + 1), log2l(fabsl(x) + 1), powl(fabsl(x), 0.75L),
               sqrtl(fabsl(x)), cbrtl(x));
        printf(" fmodl %.21Lg remainderl %.21Lg floorl %Lg ceill %Lg roundl %Lg truncl %Lg\n",
               fmodl(x, 0.3L), remainderl(x, 0.3L), floorl(x), ceill(x), roundl(x), truncl(x));
        int e;
        long double ip;
        long double fr = frexpl(x, &e);
        long double mf = modfl(x, &ip);
        printf(" frexpl %.21Lg %d ldexpl %.21Lg modfl %.21Lg %Lg sinhl %.21Lg tanhl %.21Lg\n", fr,
               e, ldexpl(x, -7), mf, ip, sinhl(x), tanhl(x));
        printf(" hex: sin %La exp %La\n", sinl(x), expl(x));
    }
    int q = 0;
    long double rq = remquol(10.5L, 3.0L, &q);
    printf("remquol %.21Lg %d hypotl %.21Lg\n", rq, q, hypotl(3.0L, 4.0L));
    printf("big arguments sinl(1e22) %.21Lg cosl(1e300) %.21Lg\n", sinl(1e22L), cosl(1e300L));
}

static void parsing(void)
{
    printf("== strtold/printf\n");
    static const char *strs[] = {"0.1", "3.14159265358979323846264338327950288", "1e4000",
                                 "1e-4940", "-0", "0x1.fffffffffffffffep16383", "nan", "-inf",
                                 "12345678901234567890123"};
    for (unsigned i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        long double v = strtold(strs[i], NULL);
        char buf[80];
        snprintf(buf, sizeof buf, "%.21Lg", v);
        long double back = strtold(buf, NULL);
        printf("%s -> %s %La %.5Le round-trip %d\n", strs[i], hexld(v), v, v,
               memcmp(&v, &back, 10) == 0 || isnan(v));
    }
    printf("%40.30Lf\n", 1.0L / 7.0L);
    printf("%-20.3Le|%+.10Lg|%#.0Lf\n", 6.02214076e23L, -1.0L / 3.0L, 2.0L);
}

int main(void)
{
    arithmetic();
    rounding();
    mathl();
    parsing();
    return 0;
}
