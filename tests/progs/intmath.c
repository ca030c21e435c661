/* Integer arithmetic and the flags gcc derives from it: overflow, compares, shifts, rotates. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

static volatile int32_t vals[] = {0, 1, -1, 2, -2, 7, -7, 100, INT32_MAX, INT32_MIN, 0x55555555,
                                  (int32_t)0xAAAAAAAA, 12345678, -98765};
#define NV (int)(sizeof vals / sizeof vals[0])

static uint32_t rol32(uint32_t x, unsigned n) { return (x << (n & 31)) | (x >> ((32 - n) & 31)); }
static uint32_t ror32(uint32_t x, unsigned n) { return (x >> (n & 31)) | (x << ((32 - n) & 31)); }
static uint16_t rol16(uint16_t x, unsigned n) { return (uint16_t)((x << (n & 15)) | (x >> ((16 - n) & 15))); }
static uint8_t rol8(uint8_t x, unsigned n) { return (uint8_t)((x << (n & 7)) | (x >> ((8 - n) & 7))); }

int main(void)
{
    uint32_t h = 0;
    for (int i = 0; i < NV; i++) {
        for (int j = 0; j < NV; j++) {
            int32_t a = vals[i], b = vals[j];
            uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
            int32_t r;
            int ov_add = __builtin_add_overflow(a, b, &r);
            int ov_sub = __builtin_sub_overflow(a, b, &r);
            int ov_mul = __builtin_mul_overflow(a, b, &r);
            uint32_t ur;
            int c_add = __builtin_add_overflow(ua, ub, &ur);
            int c_sub = __builtin_sub_overflow(ua, ub, &ur);
            int cmp = (a < b) | (a <= b) << 1 | (a > b) << 2 | (a >= b) << 3 | (a == b) << 4 |
                      (ua < ub) << 5 | (ua <= ub) << 6 | (ua > ub) << 7 | (ua >= ub) << 8;
            uint32_t mix = ua * 31u + ub;
            mix ^= (uint32_t)(a + b) ^ (uint32_t)(a - b) * 3u ^ (ua & ub) ^ (ua | ub) << 1;
            if (b != 0 && !(a == INT32_MIN && b == -1))
                mix += (uint32_t)(a / b) * 7u + (uint32_t)(a % b);
            if (ub != 0)
                mix += ua / ub + ua % ub * 5u;
            h = h * 1000003u ^ mix ^ (uint32_t)(ov_add | ov_sub << 1 | ov_mul << 2 | c_add << 3 |
                                               c_sub << 4 | cmp << 5);
        }
    }
    printf("pairwise hash %08x\n", h);

    for (unsigned n = 0; n < 40; n += 3) {
        int32_t s = vals[9] >> (n & 31);
        uint32_t u = (uint32_t)vals[10] >> (n & 31);
        uint32_t l = (uint32_t)vals[10] << (n & 31);
        printf("n=%2u sar=%08x shr=%08x shl=%08x rol=%08x ror=%08x rol16=%04x rol8=%02x\n", n,
               (uint32_t)s, u, l, rol32(0x12345678u, n), ror32(0x12345678u, n),
               rol16(0xBEEF, n), rol8(0xA5, n));
    }

    /* Narrow types: sign and zero extension, wrap-around. */
    int8_t c = 127;
    c++;
    uint8_t uc = 0;
    uc--;
    int16_t s16 = -32768;
    s16--;
    printf("narrow %d %u %d %d %u\n", c, uc, s16, (int8_t)0x80 >> 1, (uint16_t)-1 >> 3);

    /* Conditional moves and setcc. */
    int acc = 0;
    for (int i = 0; i < NV; i++) {
        int a = vals[i];
        acc += a > 0 ? 1 : a < 0 ? -1 : 0;
        acc += (a & 1) ? 10 : 0;
        acc += (unsigned)a > 1000u;
    }
    printf("acc %d\n", acc);
    printf("abs %d %d labs %ld min %d\n", __builtin_abs(-5), __builtin_abs(INT_MIN + 1),
           __builtin_labs(-70000L), INT_MIN);
    return 0;
}
