/* Sorting algorithms over the same pseudo-random data: insertion, shell, merge, heap, quick,
   radix; each result is checked and hashed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 6000 };
static uint32_t seed = 7;
static uint32_t rnd(void) { seed = seed * 1664525u + 1013904223u; return seed; }

static void insertion(int *a, int n)
{
    for (int i = 1; i < n; i++) {
        int v = a[i], j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}
static void shell(int *a, int n)
{
    for (int gap = n / 2; gap > 0; gap /= 2)
        for (int i = gap; i < n; i++) {
            int v = a[i], j = i;
            while (j >= gap && a[j - gap] > v) { a[j] = a[j - gap]; j -= gap; }
            a[j] = v;
        }
}
static void merge_rec(int *a, int *tmp, int lo, int hi)
{
    if (hi - lo < 2) return;
    int mid = (lo + hi) / 2;
    merge_rec(a, tmp, lo, mid);
    merge_rec(a, tmp, mid, hi);
    int i = lo, j = mid, k = lo;
    while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < mid) tmp[k++] = a[i++];
    while (j < hi) tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, sizeof(int) * (size_t)(hi - lo));
}
static void merge(int *a, int n) { int *t = malloc(sizeof(int) * (size_t)n); merge_rec(a, t, 0, n); free(t); }
static void sift(int *a, int i, int n)
{
    for (;;) {
        int l = 2 * i + 1, m = i;
        if (l < n && a[l] > a[m]) m = l;
        if (l + 1 < n && a[l + 1] > a[m]) m = l + 1;
        if (m == i) return;
        int t = a[i]; a[i] = a[m]; a[m] = t;
        i = m;
    }
}
static void heap(int *a, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--) sift(a, i, n);
    for (int e = n - 1; e > 0; e--) { int t = a[0]; a[0] = a[e]; a[e] = t; sift(a, 0, e); }
}
static void quick(int *a, int lo, int hi)
{
    while (lo < hi) {
        int p = a[(lo + hi) / 2], i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { quick(a, lo, j); lo = i; } else { quick(a, i, hi); hi = j; }
    }
}
static void quicksort(int *a, int n) { quick(a, 0, n - 1); }
static void radix(int *a, int n)
{
    uint32_t *u = (uint32_t *)a, *t = malloc(sizeof(uint32_t) * (size_t)n);
    for (int i = 0; i < n; i++) u[i] ^= 0x80000000u;
    for (int shift = 0; shift < 32; shift += 8) {
        int cnt[257] = {0};
        for (int i = 0; i < n; i++) cnt[((u[i] >> shift) & 255) + 1]++;
        for (int b = 0; b < 256; b++) cnt[b + 1] += cnt[b];
        for (int i = 0; i < n; i++) t[cnt[(u[i] >> shift) & 255]++] = u[i];
        memcpy(u, t, sizeof(uint32_t) * (size_t)n);
    }
    for (int i = 0; i < n; i++) u[i] ^= 0x80000000u;
    free(t);
}

int main(void)
{
    static int orig[N], a[N];
    for (int i = 0; i < N; i++) orig[i] = (int)(rnd() >> 4) - (1 << 27);
    struct { const char *name; void (*fn)(int *, int); } algs[] = {
        {"insertion", insertion}, {"shell", shell}, {"merge", merge},
        {"heap", heap}, {"quick", quicksort}, {"radix", radix}};
    for (unsigned k = 0; k < sizeof algs / sizeof algs[0]; k++) {
        memcpy(a, orig, sizeof a);
        algs[k].fn(a, N);
        int ok = 1;
        uint32_t h = 0;
        for (int i = 0; i < N; i++) { if (i) ok &= a[i - 1] <= a[i]; h = h * 31 + (uint32_t)a[i]; }
        printf("%-9s sorted %d hash %08x first %d last %d\n", algs[k].name, ok, h, a[0], a[N - 1]);
    }
    return 0;
}
