/* 64-bit arithmetic on a 32-bit machine: register pairs and libgcc's __divdi3/__udivdi3/... */
#include <inttypes.h>
#include <stdio.h>

static volatile int64_t sv[] = {0, 1, -1, 3, -3, 1000000007LL, -999999999999LL, INT64_MAX, INT64_MIN,
                                0x123456789abcdefLL, 0x7fffffffLL, 0x80000000LL, -0x100000000LL};
#define N (int)(sizeof sv / sizeof sv[0])

int main(void)
{
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            int64_t a = sv[i], b = sv[j];
            uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
            uint64_t m = ua * ub + (ua ^ ub) + (ua - ub);
            if (b != 0 && !(a == INT64_MIN && b == -1))
                m ^= (uint64_t)(a / b) * 3 + (uint64_t)(a % b);
            if (ub != 0)
                m += ua / ub * 5 + ua % ub;
            m += (a < b) + 2 * (ua < ub) + 4 * (a == b);
            h = (h ^ m) * 1099511628211ULL;
        }
    }
    printf("pairwise %016" PRIx64 "\n", h);

    for (int s = 0; s < 64; s += 7) {
        int64_t a = sv[6];
        uint64_t u = (uint64_t)sv[9];
        printf("s=%2d sar=%016" PRIx64 " shr=%016" PRIx64 " shl=%016" PRIx64 "\n", s,
               (uint64_t)(a >> s), u >> s, u << s);
    }
    printf("print %" PRId64 " %" PRIu64 " %" PRId64 " %" PRIx64 "\n", sv[7], (uint64_t)sv[8],
           sv[8], (uint64_t)sv[6]);
    int64_t f = 1;
    for (int i = 1; i <= 20; i++) f *= i;
    printf("20! = %lld\n", (long long)f);
    unsigned long long x = 0xffffffffULL;
    printf("carry %llu %llu\n", x + 1, (x + 1) * (x + 1) - 1);
    printf("div %lld %lld %llu %llu\n", -7LL / 2, -7LL % 2, 100000000000ULL / 7, 100000000000ULL % 7);
    /* Mixed 32x32->64 multiply (one imul/mul). */
    volatile int32_t p = -123456789, q = 987654321;
    volatile uint32_t up = 4000000000u, uq = 3000000000u;
    printf("widen %lld %llu\n", (long long)p * q, (unsigned long long)up * uq);
    return 0;
}
