/* 64-bit integer workload on a 32-bit machine: xorshift, multiply, divide/modulo (libgcc's
   __udivdi3/__umoddi3), and a modular exponentiation loop. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "scale.h"

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t r = 0;
    a %= m;
    while (b) {
        if (b & 1) { r += a; if (r >= m) r -= m; }
        a <<= 1; if (a >= m) a -= m;
        b >>= 1;
    }
    return r;
}

/* argv[1]: the amount of work in percent of the default (bench/run --quick passes less). */
int main(int argc, char **argv)
{
    long n1 = scaled(argc, argv, 30000000), n2 = scaled(argc, argv, 300000);
    uint64_t x = 88172645463325252ULL, acc = 0;
    for (int i = 0; i < n1; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        acc += x * 0x9E3779B97F4A7C15ULL;
        acc ^= x / ((x & 0xffff) | 1) + x % 1000003;
    }
    const uint64_t M = 1000000000000000003ULL;
    uint64_t r = 1, base = 7;
    for (int i = 0; i < n2; i++) r = mulmod(r, base + (uint64_t)i, M);
    printf("acc %016llx r %llu\n", (unsigned long long)acc, (unsigned long long)r);
    return 0;
}
