/* Dense switches (jump tables), sparse switches, and calls through function pointers. */
#include <stdio.h>

static const char *dense(int x)
{
    switch (x) {
    case 0: return "zero";
    case 1: return "one";
    case 2: return "two";
    case 3: return "three";
    case 4: return "four";
    case 5: return "five";
    case 6: return "six";
    case 7: return "seven";
    case 8: return "eight";
    case 9: return "nine";
    default: return "many";
    }
}

static int sparse(int x)
{
    switch (x) {
    case -1000: return 1;
    case 3: return 2;
    case 77: return 3;
    case 1024: return 4;
    case 65536: return 5;
    case 123456789: return 6;
    default: return 0;
    }
}

static int fallthrough(int x)
{
    int r = 0;
    switch (x & 7) {
    case 0: r += 1; /* fall through */
    case 1: r += 2; /* fall through */
    case 2: r += 4; break;
    case 3: r += 8; /* fall through */
    case 4: r += 16; break;
    default: r = -x;
    }
    return r;
}

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int maxi(int a, int b) { return a > b ? a : b; }

typedef int (*binop)(int, int);
static const struct { const char *name; binop fn; } ops[] = {
    {"add", add}, {"sub", sub}, {"mul", mul}, {"max", maxi}};

static int apply(binop f, int a, int b) { return f(a, b); }

int main(void)
{
    for (int i = -1; i < 12; i++) printf("%d:%s ", i, dense(i));
    printf("\n");
    int vals[] = {-1000, 3, 77, 1024, 65536, 123456789, 4, 0};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) printf("%d ", sparse(vals[i]));
    printf("\n");
    for (int i = 0; i < 10; i++) printf("%d ", fallthrough(i));
    printf("\n");
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
        printf("%s(17,5)=%d ", ops[i].name, apply(ops[i].fn, 17, 5));
    printf("\n");
    binop volatile fp = mul;
    int acc = 1;
    for (int i = 1; i < 8; i++) acc = fp(acc, i);
    printf("7! via pointer = %d\n", acc);
    /* Computed goto: a jump through a register. */
    static void *labels[] = {&&la, &&lb, &&lc};
    int trace = 0;
    for (int i = 0; i < 3; i++) {
        goto *labels[i];
    la: trace = trace * 10 + 1; continue;
    lb: trace = trace * 10 + 2; continue;
    lc: trace = trace * 10 + 3;
    }
    printf("goto trace %d\n", trace);
    return 0;
}
