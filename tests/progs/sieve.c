/* Sieve of Eratosthenes (byte and bit versions), prime counting and a few prime facts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    enum { N = 2000000 };
    unsigned char *s = malloc(N + 1);
    memset(s, 1, N + 1);
    s[0] = s[1] = 0;
    for (unsigned i = 2; i * i <= N; i++)
        if (s[i]) for (unsigned j = i * i; j <= N; j += i) s[j] = 0;
    unsigned count = 0, last = 0, twins = 0;
    uint64_t sum = 0;
    for (unsigned i = 2; i <= N; i++)
        if (s[i]) { count++; sum += i; if (i >= 2 && last && i - last == 2) twins++; last = i; }
    printf("primes<=%d: %u sum %llu largest %u twins %u\n", N, count, (unsigned long long)sum, last, twins);

    uint32_t *bits = calloc(N / 32 + 1, 4);
    for (unsigned i = 3; i * i <= N; i += 2)
        if (!(bits[i >> 5] >> (i & 31) & 1))
            for (unsigned j = i * i; j <= N; j += 2 * i) bits[j >> 5] |= 1u << (j & 31);
    unsigned c2 = 1;
    for (unsigned i = 3; i <= N; i += 2) c2 += !(bits[i >> 5] >> (i & 31) & 1);
    printf("bit sieve agrees %d\n", c2 == count);
    unsigned gaps[8] = {0};
    last = 0;
    for (unsigned i = 2; i <= 100000; i++)
        if (s[i]) { if (last && (i - last) / 2 < 8) gaps[(i - last) / 2]++; last = i; }
    for (int g = 0; g < 8; g++) printf("gap %d: %u\n", 2 * g, gaps[g]);
    free(s);
    free(bits);
    return 0;
}
