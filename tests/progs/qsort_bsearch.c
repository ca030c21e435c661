/* qsort and bsearch with several comparators and element sizes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned seed = 12345;
static unsigned rnd(void) { seed = seed * 1103515245u + 12345u; return (seed >> 8) & 0xffffff; }

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct rec { int key; char name[12]; double w; };
static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return strcmp(x->name, y->name);
}

int main(void)
{
    enum { N = 5000 };
    static int a[N];
    for (int i = 0; i < N; i++) a[i] = (int)(rnd() % 100000) - 50000;
    qsort(a, N, sizeof a[0], cmp_int);
    int ok = 1;
    for (int i = 1; i < N; i++) ok &= a[i - 1] <= a[i];
    printf("sorted=%d min=%d max=%d median=%d\n", ok, a[0], a[N - 1], a[N / 2]);
    int found = 0;
    for (int k = -50000; k < 50000; k += 37) found += bsearch(&k, a, N, sizeof a[0], cmp_int) != NULL;
    printf("bsearch found %d\n", found);
    qsort(a, N, sizeof a[0], cmp_desc);
    printf("desc first %d last %d\n", a[0], a[N - 1]);

    const char *names[] = {"pear", "apple", "fig", "banana", "cherry", "date", "kiwi", "apricot",
                           "grape", "lemon", "lime", "mango"};
    size_t nn = sizeof names / sizeof names[0];
    qsort(names, nn, sizeof names[0], cmp_str);
    for (size_t i = 0; i < nn; i++) printf("%s ", names[i]);
    printf("\n");
    const char *key = "fig";
    const char **hit = bsearch(&key, names, nn, sizeof names[0], cmp_str);
    printf("fig at %d\n", hit ? (int)(hit - names) : -1);

    struct rec r[200];
    for (int i = 0; i < 200; i++) {
        r[i].key = (int)(rnd() % 20);
        snprintf(r[i].name, sizeof r[i].name, "n%03u", rnd() % 1000);
        r[i].w = i * 0.5;
    }
    qsort(r, 200, sizeof r[0], cmp_rec);
    for (int i = 0; i < 200; i += 25) printf("(%d,%s,%.1f) ", r[i].key, r[i].name, r[i].w);
    printf("\n");
    return 0;
}
