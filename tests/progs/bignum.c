/* Arbitrary-precision decimal arithmetic (carry chains, adc/sbb-like code): factorials, powers of
   two, Fibonacci numbers, printed in full. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { LIMBS = 400 };                       /* base 1e9, up to 3600 digits */
typedef struct { uint32_t d[LIMBS]; int n; } Big;

static void set(Big *a, uint32_t v) { memset(a, 0, sizeof *a); a->d[0] = v; a->n = 1; }
static void mul_small(Big *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) { uint64_t t = (uint64_t)a->d[i] * m + carry; a->d[i] = (uint32_t)(t % 1000000000u); carry = t / 1000000000u; }
    while (carry) { a->d[a->n++] = (uint32_t)(carry % 1000000000u); carry /= 1000000000u; }
}
static void add(Big *r, const Big *a, const Big *b)
{
    uint32_t carry = 0;
    int n = a->n > b->n ? a->n : b->n;
    for (int i = 0; i < n; i++) {
        uint32_t t = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
        carry = t >= 1000000000u;
        r->d[i] = carry ? t - 1000000000u : t;
    }
    r->n = n;
    if (carry) r->d[r->n++] = 1;
}
static uint32_t digitsum(const Big *a)
{
    uint32_t s = 0;
    for (int i = 0; i < a->n; i++) for (uint32_t v = a->d[i]; v; v /= 10) s += v % 10;
    return s;
}
static void print(const char *label, const Big *a)
{
    printf("%s: %u", label, a->d[a->n - 1]);
    for (int i = a->n - 2; i >= 0; i--) printf("%09u", a->d[i]);
    printf("\n");
}

int main(void)
{
    static Big a, b, c;
    set(&a, 1);
    for (uint32_t i = 2; i <= 100; i++) mul_small(&a, i);
    print("100!", &a);
    for (uint32_t i = 101; i <= 1000; i++) mul_small(&a, i);
    printf("1000! limbs %d digit sum %u\n", a.n, digitsum(&a));
    set(&b, 1);
    for (int i = 0; i < 1000; i++) mul_small(&b, 2);
    printf("2^1000 digit sum %u\n", digitsum(&b));
    set(&a, 0); set(&b, 1);
    for (int i = 0; i < 500; i++) { add(&c, &a, &b); a = b; b = c; }
    print("fib(501)", &b);
    return 0;
}
