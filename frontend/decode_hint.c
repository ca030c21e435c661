/* The reserved-NOP hint space that Capstone 4 cannot decode.
 *
 * Opcodes 0f 19 .. 0f 1f with a ModRM operand are "hint NOPs" on every
 * i686-class CPU (Intel SDM vol. 2B, NOP: "0F 1F /0"; the 0F 18..0F 1F row
 * of the opcode map is reserved-NOP). CET later gave some encodings of
 * f3 0f 1e a meaning (endbr32 f3 0f 1e fb, rdsspd f3 0f 1e /1 with mod 3),
 * but on a CPU without CET (xrun's CPUID advertises none) they stay NOPs,
 * which is what libgcc's unwinder and glibc count on. Capstone 4 decodes
 * 0f 1f but not all of the rest, so this decoder measures such an
 * instruction (prefixes, opcode, ModRM, SIB, displacement) for the lifter
 * to treat as a NOP. 0f 18 (prefetch) is left to Capstone.
 */
#include "frontend/decode_hint.h"

static bool is_legacy_prefix(uint8_t b)
{
    switch (b) {
    case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: /* segments */
    case 0x66: case 0x67: case 0xf2: case 0xf3:                       /* size, rep */
        return true;
    default:
        return false;
    }
}

/* Bytes taken by a ModRM operand (ModRM byte included) at p, or 0 when it
 * does not fit in n bytes. */
static size_t modrm_len(const uint8_t *p, size_t n, bool addr16)
{
    if (n < 1) return 0;
    uint8_t mod = p[0] >> 6, rm = p[0] & 7;
    size_t len = 1;
    if (mod == 3) return 1;
    if (addr16) {
        if (mod == 1) len += 1;
        else if (mod == 2 || (mod == 0 && rm == 6)) len += 2;
    } else {
        if (rm == 4) {
            if (n < 2) return 0;
            len += 1;
            if (mod == 0 && (p[1] & 7) == 5) len += 4;
        }
        if (mod == 1) len += 1;
        else if (mod == 2 || (mod == 0 && rm == 5)) len += 4;
    }
    return len <= n ? len : 0;
}

size_t fe_hint_nop_len(const uint8_t *bytes, size_t n)
{
    size_t i = 0;
    bool addr16 = false;
    while (i < n && i < 14 && is_legacy_prefix(bytes[i])) {
        if (bytes[i] == 0x67) addr16 = true;
        i++;
    }
    if (i + 2 > n || bytes[i] != 0x0f || bytes[i + 1] < 0x19 || bytes[i + 1] > 0x1f) return 0;
    size_t m = modrm_len(bytes + i + 2, n - i - 2, addr16);
    if (!m) return 0;
    size_t len = i + 2 + m;
    return len <= 15 ? len : 0;
}
