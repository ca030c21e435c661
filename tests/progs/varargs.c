/* Variadic functions: va_list walking of mixed types, va_copy, vsnprintf. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static long sum_ints(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    long s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, int);
    va_end(ap);
    return s;
}

/* Format letters: i=int, l=long long, d=double, s=string, c=char. */
static void show(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    for (const char *p = fmt; *p; p++) {
        switch (*p) {
        case 'i': printf("i:%d ", va_arg(ap, int)); break;
        case 'l': printf("l:%lld ", va_arg(ap, long long)); break;
        case 'd': printf("d:%.3f ", va_arg(ap, double)); break;
        case 's': printf("s:%s ", va_arg(ap, const char *)); break;
        case 'c': printf("c:%c ", (char)va_arg(ap, int)); break;
        }
    }
    printf("| first again: ");
    if (fmt[0] == 'i') printf("%d", va_arg(ap2, int));
    printf("\n");
    va_end(ap2);
    va_end(ap);
}

static int fmt(char *buf, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int r = vsnprintf(buf, n, f, ap);
    va_end(ap);
    return r;
}

int main(void)
{
    printf("sum=%ld\n", sum_ints(5, 1, 2, 3, 4, -5));
    printf("sum=%ld\n", sum_ints(0));
    show("ildsc", 42, 1234567890123LL, 2.5, "str", 'x');
    show("iiiiiiii", 1, 2, 3, 4, 5, 6, 7, 8);
    show("dldl", -0.125, -1LL, 1e10, 9LL);
    char buf[16];
    int r = fmt(buf, sizeof buf, "%s-%d-%x-%s", "abc", 12345, 0xbeef, "truncated tail");
    printf("vsnprintf=%d buf=[%s] len=%zu\n", r, buf, strlen(buf));
    return 0;
}
