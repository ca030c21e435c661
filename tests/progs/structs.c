/* Struct passing and returning by value: small (in registers on some ABIs), large (hidden pointer). */
#include <stdio.h>
#include <string.h>

struct small { char c; short s; };
struct pair { int a, b; };
struct mixed { char tag; double d; int i; };
struct big { int v[16]; char name[20]; };
struct bits { unsigned a : 3, b : 5, c : 12, d : 12; };

static struct small mk_small(char c, short s) { struct small r = {c, s}; return r; }
static struct pair swap(struct pair p) { struct pair r = {p.b, p.a}; return r; }
static struct mixed scale(struct mixed m, int k) { m.d *= k; m.i *= k; m.tag++; return m; }
static struct big fill(int base, const char *name)
{
    struct big b;
    for (int i = 0; i < 16; i++) b.v[i] = base + i * i;
    snprintf(b.name, sizeof b.name, "%s", name);
    return b;
}
static int sum_big(struct big b)
{
    int s = 0;
    for (int i = 0; i < 16; i++) s += b.v[i];
    b.v[0] = -1; /* caller's copy must not change */
    return s;
}
static struct bits twiddle(struct bits b) { b.a++; b.b ^= 0x1f; b.c += 100; b.d = b.c / 2; return b; }

int main(void)
{
    struct small s = mk_small('q', -300);
    printf("small %c %d size %zu\n", s.c, s.s, sizeof s);
    struct pair p = swap((struct pair){3, -4});
    printf("pair %d %d\n", p.a, p.b);
    struct mixed m = scale((struct mixed){'a', 1.25, 7}, 3);
    printf("mixed %c %.2f %d size %zu\n", m.tag, m.d, m.i, sizeof m);
    struct big b = fill(10, "a-big-struct");
    int total = sum_big(b);
    printf("big %s sum %d v0 %d v15 %d size %zu\n", b.name, total, b.v[0], b.v[15], sizeof b);
    struct big arr[3];
    for (int i = 0; i < 3; i++) arr[i] = fill(i * 100, i == 1 ? "one" : "other");
    struct big copy;
    memcpy(&copy, &arr[1], sizeof copy);
    printf("copy %s %d\n", copy.name, copy.v[3]);
    struct bits bt = twiddle((struct bits){5, 3, 4000, 1});
    printf("bits %u %u %u %u size %zu\n", bt.a, bt.b, bt.c, bt.d, sizeof bt);
    union { float f; unsigned u; unsigned char c[4]; } un = {.f = 1.5f};
    printf("union %08x %02x\n", un.u, un.c[3]);
    return 0;
}
