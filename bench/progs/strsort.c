/* libc-heavy workload: build many strings with snprintf, qsort them with strcmp, hash, search. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scale.h"

/* argv[1]: the amount of work in percent of the default (bench/run --quick passes less). */
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    const int N = (int)scaled(argc, argv, 300000);
    char **v = malloc((size_t)N * sizeof *v);
    if (!v) return 1;
    unsigned s = 1;
    unsigned long h = 0;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            char tmp[48];
            s = s * 1103515245u + 12345u;
            int n = snprintf(tmp, sizeof tmp, "key-%08x-%u-%s", s, s % 977, (s & 1) ? "odd" : "even");
            v[i] = memcpy(malloc((size_t)n + 1), tmp, (size_t)n + 1);
        }
        qsort(v, N, sizeof v[0], cmp);
        for (int i = 0; i < N; i += N / 300 + 1) {
            char *const *hit = bsearch(&v[i], v, N, sizeof v[0], cmp);
            h = h * 31 + (unsigned long)(hit - v) + strlen(v[i]);
        }
        for (int i = 0; i < N; i++) free(v[i]);
    }
    free(v);
    printf("hash %lu\n", h);
    return 0;
}
