/* A little floating point through printf/strtod (x87 is covered by the float_* tests). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    volatile double d[] = {0.0, -0.0, 1.0, -2.5, 3.141592653589793, 1e-10, 6.02214076e23, 1.0 / 3.0,
                           123456789.125, 0.1 + 0.2};
    for (unsigned i = 0; i < sizeof d / sizeof d[0]; i++)
        printf("%g | %.3f | %e | %.17g | %a\n", d[i], d[i], d[i], d[i], d[i]);
    volatile float f = 1.1f;
    printf("float %.10f %g\n", f, f * 3);
    printf("specials %f %f %f %d\n", INFINITY, -INFINITY, NAN, isnan(NAN));
    printf("rounding %.0f %.0f %.0f %.0f\n", 0.5, 1.5, 2.5, -0.5);
    printf("sqrt %.15f pow %.6f floor %.1f ceil %.1f fmod %.3f\n", sqrt(2.0), pow(2.0, 0.5),
           floor(-1.5), ceil(-1.5), fmod(10.0, 3.3));
    double sum = 0;
    for (int i = 1; i <= 1000; i++) sum += 1.0 / (i * i);
    printf("basel %.12f\n", sum);
    printf("conv %d %u %lld %.1f\n", (int)-3.99, (unsigned)3.99, (long long)-1e15, (double)(1LL << 53));
    printf("strtod round trip %d\n", strtod("0.1", NULL) == 0.1);
    return 0;
}
