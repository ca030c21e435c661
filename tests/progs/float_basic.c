/* float and double as gcc -m32 compiles them (x87): arithmetic, conversions in every rounding
 * mode, printf, math.h, comparisons with NaN and infinities, fenv. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static const int modes[4] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
static const char *mode_names[4] = {"nearest", "down", "up", "zero"};

static void arithmetic(void)
{
    printf("== arithmetic\n");
    volatile double a = 1.0, b = 3.0, c = 1e308, d = 1e-308, z = 0.0;
    volatile float fa = 1.0f, fb = 3.0f, fc = 3e38f;
    printf("d: %.17g %.17g %.17g %.17g\n", a / b, a + b / 7, c * 10, d / 1e10);
    printf("d: %a %a %a %a\n", a / b, b * b * b / 7, c + c, d * d);
    printf("f: %.9g %.9g %.9g %a\n", fa / fb, fb * fb / 7, fc * 10, fa / fb);
    printf("f bits %08x %08x; d bits %016llx\n", fbits(fa / fb), fbits(fb / 7),
           (unsigned long long)dbits(a / b));
    printf("inf/nan: %f %f %f %f\n", a / z, -a / z, z / z, sqrt(-a));
    double acc = 0;
    for (int i = 1; i <= 2000; i++) acc += (i % 2 ? 1.0 : -1.0) / (2 * i - 1);
    printf("leibniz %.15f\n", 4 * acc);
    float facc = 0;
    for (int i = 1; i <= 2000; i++) facc += 1.0f / (float)i;
    printf("harmonic float %.7f\n", facc);
    volatile double x = 0.1;
    double s = 0;
    for (int i = 0; i < 10; i++) s += x;
    printf("0.1*10 %.17g eq1 %d\n", s, s == 1.0);
    printf("fma-like %.17g\n", x * 3 - 0.3);
    printf("limits %g %g %g %g %d %d\n", DBL_MAX, DBL_MIN, DBL_EPSILON, FLT_EPSILON, DBL_DIG,
           FLT_MANT_DIG);
    printf("denormal %g %a %g\n", DBL_MIN / 1024, DBL_MIN / 3, FLT_MIN / 8);
}

static void conversions(void)
{
    printf("== conversions\n");
    static const double vals[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999, 1e9 + 0.5,
                                  -2147483648.4, 2147483647.6, 4294967295.5, 1e10, -1e10,
                                  9.007199254740993e15, 1e19, -0.0};
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        printf("%s:", mode_names[m]);
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            volatile double v = vals[i];
            printf(" [%d %ld %lld %.0f %ld]", (int)v, lrint(v), llrint(v), rint(v),
                   (long)nearbyint(v));
        }
        printf("\n");
        volatile long long big = 9007199254740993LL;
        volatile int ii = 16777217, neg = -16777217;
        volatile unsigned uu = 4294967295u;
        volatile double third = 1.0 / 3.0;
        printf(" int->float %.1f %.1f %.1f ll->double %.1f u->float %.1f double->float %a\n",
               (float)ii, (float)neg, (double)(float)uu, (double)big, (double)(float)uu,
               (float)third);
        printf(" division %a %a sqrt %a\n", 1.0 / third, -2.0 / 3.0, sqrt(2.0));
    }
    fesetround(FE_TONEAREST);
    volatile double ud = 3e9, nd = -1.0;
    printf("unsigned %u %llu %u\n", (unsigned)ud, (unsigned long long)1.8e19, (unsigned)(int)nd);
    volatile float ff = 123456.789f;
    printf("float->int %d %lld short %d char %d\n", (int)ff, (long long)ff, (short)ff,
           (signed char)(ff / 1000));
    printf("strtod %a %a %a %a\n", strtod("0.1", NULL), strtod("1e-320", NULL),
           strtod("0x1.8p3", NULL), strtod("inf", NULL));
    printf("strtof %a %a\n", strtof("3.4028235e38", NULL), strtof("1e-45", NULL));
}

static void printing(void)
{
    printf("== printf\n");
    static const double vals[] = {0.0, -0.0, 1.0, 0.1, 2.0 / 3.0, 123456789.0, 1e-5, 1e21,
                                  6.02214076e23, 1.7976931348623157e308, 4.9e-324, INFINITY,
                                  -INFINITY, NAN};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
        printf("%f|%e|%g|%.3g|%10.4f|%-12.2e|%+g|%a\n", vals[i], vals[i], vals[i], vals[i],
               vals[i], vals[i], vals[i], vals[i]);
    printf("%.0f %.0f %.0f %.0f %.1f %.2f\n", 0.5, 1.5, 2.5, 3.5, 0.25, 1.005);
    printf("%.30f\n", 0.1);
    printf("%.20e\n", 1.0 / 3.0);
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", 3.141592653589793);
    printf("snprintf %s atof %.17g\n", buf, atof(buf));
}

static void mathlib(void)
{
    printf("== math.h\n");
    static const double xs[] = {-3.7, -1.0, -0.5, 0.0, 0.3, 0.5, 1.0, 2.0, 2.5, 10.0, 100.5,
                                1e-8};
    for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        volatile double x = xs[i];
        printf("x=%g\n", x);
        printf(" sin %.17g cos %.17g tan %.17g\n", sin(x), cos(x), tan(x));
        printf(" asin %.17g acos %.17g atan %.17g atan2 %.17g\n", asin(x / 4), acos(x / 4),
               atan(x), atan2(x, -1.5));
        printf(" exp %.17g expm1 %.17g exp2 %.17g log %.17g log1p %.17g\n", exp(x), expm1(x),
               exp2(x), log(fabs(x) + 0.5), log1p(fabs(x)));
        printf(" log10 %.17g log2 %.17g pow %.17g pow %.17g cbrt %.17g\n", log10(fabs(x) + 1),
               log2(fabs(x) + 1), pow(fabs(x), 1.5), pow(x, 3.0), cbrt(x));
        printf(" sqrt %.17g hypot %.17g sinh %.17g cosh %.17g tanh %.17g\n", sqrt(fabs(x)),
               hypot(x, 2), sinh(x), cosh(x), tanh(x));
        printf(" fmod %.17g remainder %.17g floor %g ceil %g round %g trunc %g rint %g\n",
               fmod(x, 0.7), remainder(x, 0.7), floor(x), ceil(x), round(x), trunc(x), rint(x));
        int e;
        double ip;
        double fr = frexp(x, &e);
        double mf = modf(x, &ip);
        printf(" frexp %.17g %d ldexp %.17g modf %.17g %.17g scalbn %g ilogb %d logb %g\n", fr,
               e, ldexp(x, 5), mf, ip, scalbn(x, -3), x == 0 ? 0 : ilogb(x), logb(x + 4));
        float fx = (float)x;
        /* sinf cosf expf logf powf are IFUNCs (x87 or SSE2 code picked from CPUID): print
         * them with a precision both variants agree on */
        printf(" f: sinf %.6g cosf %.6g expf %.6g logf %.6g powf %.6g sqrtf %.9g\n", sinf(fx),
               cosf(fx), expf(fx), logf(fabsf(fx) + 1), powf(fabsf(fx), 0.3f),
               sqrtf(fabsf(fx)));
        printf("    fmodf %.9g floorf %g roundf %g atan2f %.9g tanf %.9g\n", fmodf(fx, 0.7f),
               floorf(fx), roundf(fx), atan2f(fx, 2), tanf(fx));
    }
    printf("erf %.17g lgamma %.17g tgamma %.17g j0 %.17g\n", erf(0.5), lgamma(4.5), tgamma(4.5),
           j0(1.5));
    printf("copysign %g nextafter %a fdim %g fmax %g fmin %g\n", copysign(3, -0.0),
           nextafter(1.0, 2.0), fdim(5, 3), fmax(NAN, 1), fmin(-0.0, 0.0));
}

static void compares(void)
{
    printf("== compares\n");
    volatile double v[] = {-INFINITY, -1.0, -0.0, 0.0, 1.0, INFINITY, NAN};
    const char *n[] = {"-inf", "-1", "-0", "0", "1", "inf", "nan"};
    for (int i = 0; i < 7; i++) {
        printf("%-4s:", n[i]);
        for (int j = 0; j < 7; j++)
            printf(" %d%d%d%d%d%d%d", v[i] < v[j], v[i] <= v[j], v[i] == v[j], v[i] != v[j],
                   v[i] > v[j], v[i] >= v[j], isunordered(v[i], v[j]));
        printf("\n");
    }
    volatile float f[] = {-1.5f, NAN, 2.0f};
    printf("float: %d %d %d %d %d\n", f[0] < f[2], f[1] < f[2], f[1] != f[1], f[0] == f[0],
           isgreater(f[2], f[1]));
    printf("classify: %d %d %d %d %d\n", fpclassify(0.0), fpclassify(1.0), fpclassify(INFINITY),
           fpclassify(NAN), fpclassify(DBL_MIN / 2));
    printf("isinf %d %d isnan %d isfinite %d %d signbit %d %d\n", isinf(-INFINITY),
           isinf(1e308 * 10), isnan(v[6]), isfinite(1e308), isfinite(v[5]), signbit(-0.0),
           signbit(v[6]));
    /* max/min loops the compiler turns into fcomi + fcmov at -O2 */
    volatile double arr[] = {3.5, -2.0, 7.25, 7.0, -9.5, 0.0, 1e-3};
    double mx = arr[0], mn = arr[0];
    for (int i = 1; i < 7; i++) {
        double t = arr[i];
        mx = t > mx ? t : mx;
        mn = t < mn ? t : mn;
    }
    printf("max %g min %g\n", mx, mn);
}

static void exceptions(void)
{
    printf("== fenv\n");
    feclearexcept(FE_ALL_EXCEPT);
    volatile double one = 1.0, zero = 0.0, big = 1e308, r;
    r = one / zero;
    printf("div by zero: %d\n", fetestexcept(FE_ALL_EXCEPT) == (FE_DIVBYZERO));
    feclearexcept(FE_ALL_EXCEPT);
    r = big * big;
    printf("overflow: %d %d\n", !!fetestexcept(FE_OVERFLOW), !!fetestexcept(FE_INEXACT));
    feclearexcept(FE_ALL_EXCEPT);
    r = zero / zero;
    printf("invalid: %d\n", !!fetestexcept(FE_INVALID));
    feclearexcept(FE_ALL_EXCEPT);
    r = one / 3;
    printf("inexact: %d others %d\n", !!fetestexcept(FE_INEXACT),
           fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT));
    (void)r;
    fenv_t env;
    fegetenv(&env);
    fesetround(FE_UPWARD);
    printf("round up %d: %a\n", fegetround() == FE_UPWARD, one / 3);
    fesetenv(&env);
    printf("restored %d: %a\n", fegetround() == FE_TONEAREST, one / 3);
    fexcept_t flags;
    feraiseexcept(FE_UNDERFLOW);
    fegetexceptflag(&flags, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    fesetexceptflag(&flags, FE_ALL_EXCEPT);
    printf("underflow flag %d\n", !!fetestexcept(FE_UNDERFLOW));
    feholdexcept(&env);
    r = one / zero;
    printf("held %d\n", !!fetestexcept(FE_DIVBYZERO));
    feupdateenv(&env);
    printf("updated %d\n", !!fetestexcept(FE_DIVBYZERO));
    feclearexcept(FE_ALL_EXCEPT);
}

int main(void)
{
    arithmetic();
    conversions();
    printing();
    mathlib();
    compares();
    exceptions();
    return 0;
}
