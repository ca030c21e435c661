/* libc-heavy workload: build many strings with snprintf, qsort them with strcmp, hash, search. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void)
{
    enum { N = 300000 };
    static char *v[N];
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
        for (int i = 0; i < N; i += 1000) {
            char *const *hit = bsearch(&v[i], v, N, sizeof v[0], cmp);
            h = h * 31 + (unsigned long)(hit - v) + strlen(v[i]);
        }
        for (int i = 0; i < N; i++) free(v[i]);
    }
    printf("hash %lu\n", h);
    return 0;
}
