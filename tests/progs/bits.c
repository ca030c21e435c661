/* Bit tricks: clz/ctz/popcount/parity/bswap at 32 and 64 bits, bsf/bsr-style loops. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    volatile uint32_t v32[] = {1, 2, 3, 0x80000000u, 0x7fffffffu, 0x00010000u, 0xdeadbeefu,
                               0x0f0f0f0fu, 0xffffffffu, 0x00000100u};
    for (unsigned i = 0; i < sizeof v32 / sizeof v32[0]; i++) {
        uint32_t x = v32[i];
        printf("%08x clz=%2d ctz=%2d pop=%2d par=%d bswap=%08x ffs=%d clrsb=%d\n", x,
               __builtin_clz(x), __builtin_ctz(x), __builtin_popcount(x), __builtin_parity(x),
               __builtin_bswap32(x), __builtin_ffs((int)x), __builtin_clrsb((int)x));
    }
    volatile uint64_t v64[] = {1, 0x8000000000000000ULL, 0x00000001ffffffffULL,
                               0x0123456789abcdefULL, 0x100000000ULL};
    for (unsigned i = 0; i < sizeof v64 / sizeof v64[0]; i++) {
        uint64_t x = v64[i];
        printf("%016llx clz=%2d ctz=%2d pop=%2d bswap=%016llx\n", (unsigned long long)x,
               __builtin_clzll(x), __builtin_ctzll(x), __builtin_popcountll(x),
               (unsigned long long)__builtin_bswap64(x));
    }
    volatile uint16_t s = 0x1234;
    printf("bswap16 %04x\n", __builtin_bswap16(s));
    /* Manual bit manipulation gcc may turn into bt/bts/btr/btc. */
    uint32_t set = 0;
    for (int i = 0; i < 32; i += 3) set |= 1u << i;
    for (int i = 0; i < 32; i += 5) set ^= 1u << i;
    for (int i = 0; i < 32; i += 7) set &= ~(1u << i);
    int tested = 0;
    for (int i = 0; i < 32; i++) tested += (set >> i) & 1;
    printf("set %08x tested %d\n", set, tested);
    /* Reverse bits, gray code, next power of two. */
    uint32_t r = 0, x = 0x00f0a5c3;
    for (int i = 0; i < 32; i++) r = (r << 1) | ((x >> i) & 1);
    printf("rev %08x gray %08x np2 %u\n", r, x ^ (x >> 1), 1u << (32 - __builtin_clz(1000 - 1)));
    return 0;
}
