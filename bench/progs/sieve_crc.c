/* Integer workload: repeated sieve of Eratosthenes plus table-driven CRC-32 over a buffer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scale.h"

static uint8_t sieve[4000000];
static uint32_t table[256];
static uint8_t buf[1 << 20];

/* argv[1]: the amount of work in percent of the default (bench/run --quick passes less). */
int main(int argc, char **argv)
{
    long sieves = scaled(argc, argv, 30), crcs = scaled(argc, argv, 200);
    unsigned total = 0;
    for (int round = 0; round < sieves; round++) {
        memset(sieve, 1, sizeof sieve);
        for (unsigned i = 2; i * i < sizeof sieve; i++)
            if (sieve[i]) for (unsigned j = i * i; j < sizeof sieve; j += i) sieve[j] = 0;
        for (unsigned i = 2; i < sizeof sieve; i++) total += sieve[i];
    }
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(i * 131 + (i >> 7));
    uint32_t crc = 0;
    for (int round = 0; round < crcs; round++) {
        uint32_t c = ~crc;
        for (size_t i = 0; i < sizeof buf; i++) c = table[(c ^ buf[i]) & 0xff] ^ (c >> 8);
        crc = ~c;
    }
    printf("primes %u crc %08x\n", total, crc);
    return 0;
}
