/* frontend/decode_fast.c against Capstone: every encoding the fast decoder
 * accepts must decode to the same fields the lifters read (id, size,
 * prefix, opcode, modrm, operands). The sweep covers every one- and
 * two-byte opcode with every ModRM byte, several SIB bytes and tails, each
 * segment override, the other prefixes, random byte strings, truncated
 * encodings and branch targets that wrap around 4 GiB. It also checks that
 * the forms python3.11's startup runs most are taken by the fast path. */
#include <capstone/capstone.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/decode_fast.h"
#include "tests/unit/check.h"

static csh cs;
static cs_insn *ref;
static cs_insn fast;
static cs_detail fast_detail;
static unsigned long ntried, naccepted, nmismatch;

static uint32_t rng = 12345;
static uint8_t rnd(void) {
    rng = rng * 1103515245u + 12345u;
    return (uint8_t)(rng >> 16);
}

static void hexdump(const uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; i++) fprintf(stderr, "%02x", b[i]);
}

/* Decode b both ways at addr; a fast decode must match Capstone's. */
static void one(const uint8_t *b, size_t n, uint32_t addr) {
    ntried++;
    if (!fe_fast_decode(b, n, addr, &fast)) return;
    naccepted++;
    const uint8_t *code = b;
    size_t size = n;
    uint64_t a = addr;
    char why[256];
    if (!cs_disasm_iter(cs, &code, &size, &a, ref)) {
        strcpy(why, "Capstone cannot decode it");
    } else if (fe_fast_compare(&fast, ref, why, sizeof why) == 0) {
        return;
    }
    if (nmismatch++ < 40) {
        fprintf(stderr, "mismatch at 0x%08x: ", addr);
        hexdump(b, n < 12 ? n : 12);
        fprintf(stderr, " (%s %s): %s\n", ref->mnemonic, ref->op_str, why);
    }
}

/* One prefix/opcode with every ModRM byte and a few SIB/tails. */
static void sweep(const uint8_t *pre, size_t npre) {
    uint8_t b[16];
    for (unsigned modrm = 0; modrm < 256; modrm++) {
        for (unsigned k = 0; k < 6; k++) {
            memcpy(b, pre, npre);
            b[npre] = (uint8_t)modrm;
            for (size_t i = npre + 1; i < sizeof b; i++) b[i] = rnd();
            if (k == 1) b[npre + 1] = 0x24;                 /* SIB: [esp] */
            if (k == 2) b[npre + 1] = (uint8_t)(0x25 | (rnd() & 0xc0)); /* SIB: no base */
            if (k == 3) b[npre + 1] = (uint8_t)(0x20 | (rnd() & 0xc7)); /* SIB: no index */
            one(b, sizeof b, k == 4 ? 0xfffffff0u : 0x08049000u);
        }
    }
}

static const uint8_t prefixes[] = {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3};

/* Encodings the fast path must take (the commonest at python3.11's startup). */
static const char *const must[] = {
    "8b4424f8", "89442404", "50", "5b", "e8fbffffff", "74fe", "0f84f0ffffff", "c3", "85c0",
    "83ec0c", "83c410", "8d4c2404", "31c0", "39c8", "0fb6c0", "0fbe4301", "65a114000000",
    "ff2485a0000000", "ffd0", "eb10", "e9f0ffffff", "c7042401000000", "6aff", "6800100000",
    "a900010000", "84c0", "0f94c0", "0f44c1", "c1e002", "d1e8", "f7d8", "8b0d00100000",
    "a300200000", "b8ffffffff", "3c0a", "807801ff", "c9", "99", "90", "40", "4f", "fe08",
};

static int hexval(char c) {
    return c <= '9' ? c - '0' : (c | 32) - 'a' + 10;
}

int main(void) {
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK) return 1;
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
    ref = cs_malloc(cs);
    fast.detail = &fast_detail;

    uint8_t pre[4];
    for (unsigned op = 0; op < 256; op++) {
        pre[0] = (uint8_t)op;
        sweep(pre, 1);
        pre[0] = 0x0f;
        pre[1] = (uint8_t)op;
        sweep(pre, 2);
    }
    /* Prefixes before every one-byte opcode (and 0f xx for the overrides). */
    for (size_t p = 0; p < sizeof prefixes; p++)
        for (unsigned op = 0; op < 256; op++) {
            pre[0] = prefixes[p];
            pre[1] = (uint8_t)op;
            sweep(pre, 2);
            pre[1] = 0x0f;
            pre[2] = (uint8_t)op;
            sweep(pre, 3);
        }
    /* Random strings, and every prefix of each (cut short: must be refused or match). */
    for (unsigned i = 0; i < 300000; i++) {
        uint8_t b[15];
        for (size_t k = 0; k < sizeof b; k++) b[k] = rnd();
        one(b, sizeof b, 0x08048000u + i);
        one(b, 1 + i % 14, 0x08048000u + i);
    }

    CHECK(nmismatch == 0);
    unsigned missed = 0;
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        uint8_t b[16] = {0};
        size_t n = 0;
        for (const char *s = must[i]; s[0] && s[1]; s += 2) b[n++] = (uint8_t)(hexval(s[0]) * 16 + hexval(s[1]));
        unsigned long before = naccepted;
        one(b, n, 0x1000);
        if (naccepted == before) {
            fprintf(stderr, "not taken by the fast path: %s\n", must[i]);
            missed++;
        }
    }
    CHECK(missed == 0);
    CHECK(nmismatch == 0);
    fprintf(stderr, "fe_decode: %lu decodes, %lu fast, %lu mismatches\n", ntried, naccepted,
            nmismatch);
    cs_free(ref, 1);
    cs_close(&cs);
    printf("%d passed, %d failed\n", npass, nfail);
    return nfail != 0;
}
