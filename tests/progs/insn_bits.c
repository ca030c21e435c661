/* Instruction test: bt/bts/btr/btc (register and memory, immediate and
 * register bit offsets, negative offsets), bsf/bsr, tzcnt (as gcc uses it:
 * "rep bsf" on a non-zero source, result only), bswap, all setcc and cmovcc
 * conditions under every combination of the six arithmetic flags, and
 * shld/shrd with immediate and CL counts.
 *
 * Printed per form: case count and a hash of every "inputs -> outputs"
 * line, EFLAGS masked to what the Intel SDM defines (-v prints the lines).
 * lzcnt and popcnt are left out on purpose: xrun does not advertise them,
 * so it runs f3 0f bd as bsr and raises SIGILL on popcnt, unlike this host.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct St {
    uint32_t a, c, d, m;
    uint32_t f;
} St;

#define ARITH 0x8d5u

#define RUN(s, fi, text)                                                                           \
    __asm__ volatile("push %5\n\tpopf\n\t" text "\n\tpushf\n\tpop %4"                              \
                     : "+a"((s)->a), "+c"((s)->c), "+d"((s)->d), "+m"((s)->m), "=&r"((s)->f)       \
                     : "g"(fi)                                                                     \
                     : "cc", "memory")
#define T(name, text)                                                                              \
    static void name(St *s, uint32_t fi) { RUN(s, fi, text); }

/* clang-format off */
#define BTOPS(op) \
    T(op##32, #op "l %%ecx, %%eax") T(op##16, #op "w %%cx, %%ax") T(op##32i, #op "l $13, %%eax") \
    T(op##32i45, #op "l $45, %%eax") T(op##16i, #op "w $21, %%ax") T(op##32m, #op "l %%ecx, %3") \
    T(op##32mi, #op "l $30, %3") T(op##16mi, #op "w $9, %3")
BTOPS(bt) BTOPS(bts) BTOPS(btr) BTOPS(btc)
T(bsf32, "bsfl %%ecx, %%eax") T(bsf16, "bsfw %%cx, %%ax") T(bsf32m, "bsfl %3, %%eax")
T(bsr32, "bsrl %%ecx, %%eax") T(bsr16, "bsrw %%cx, %%ax") T(bsr32m, "bsrl %3, %%eax")
T(bswap32, "bswapl %%eax") T(bswap32c, "bswapl %%ecx")
T(shld32cl, "shldl %%cl, %%edx, %%eax") T(shrd32cl, "shrdl %%cl, %%edx, %%eax")
T(shld16cl, "shldw %%cl, %%dx, %%ax") T(shrd16cl, "shrdw %%cl, %%dx, %%ax")
T(shld32mcl, "shldl %%cl, %%edx, %3") T(shrd32mcl, "shrdl %%cl, %%edx, %3")
T(shld32_1, "shldl $1, %%edx, %%eax") T(shrd32_1, "shrdl $1, %%edx, %%eax")
T(shld32_7, "shldl $7, %%edx, %%eax") T(shrd32_7, "shrdl $7, %%edx, %%eax")
T(shld32_31, "shldl $31, %%edx, %%eax") T(shrd32_31, "shrdl $31, %%edx, %%eax")
T(shld16_1, "shldw $1, %%dx, %%ax") T(shrd16_9, "shrdw $9, %%dx, %%ax")
T(shld32_0, "shldl $0, %%edx, %%eax") T(shrd32m_3, "shrdl $3, %%edx, %3")
/* clang-format on */

#define SETCMOV(cc)                                                                                \
    T(set##cc, "set" #cc " %%al") T(set##cc##m, "set" #cc " %3")                                   \
    T(cmov##cc, "cmov" #cc "l %%ecx, %%eax") T(cmov##cc##w, "cmov" #cc "w %%cx, %%ax")             \
    T(cmov##cc##m, "cmov" #cc "l %3, %%eax")
SETCMOV(o) SETCMOV(no) SETCMOV(b) SETCMOV(ae) SETCMOV(e) SETCMOV(ne) SETCMOV(be) SETCMOV(a)
SETCMOV(s) SETCMOV(ns) SETCMOV(p) SETCMOV(np) SETCMOV(l) SETCMOV(ge) SETCMOV(le) SETCMOV(g)

enum Kind {
    K_BT,    /* CF (ZF unchanged) */
    K_BS,    /* bsf/bsr: ZF */
    K_NONE,  /* no flags changed: all compared */
    K_SHD,   /* shld/shrd: depends on the count */
    K_SHD16, /* 16-bit: counts above 16 leave result and flags undefined: skipped */
    K_CC,    /* setcc/cmovcc: every flag combination */
};

typedef struct Test {
    const char *name;
    void (*fn)(St *, uint32_t);
    enum Kind kind;
    int cnt; /* shld/shrd immediate count, -1 = CL */
} Test;

#define E(name, k) {#name, name, k, 0}
#define BT8(op)                                                                                    \
    E(op##32, K_BT), E(op##16, K_BT), E(op##32i, K_BT), E(op##32i45, K_BT), E(op##16i, K_BT),      \
        E(op##32m, K_BT), E(op##32mi, K_BT), E(op##16mi, K_BT)
#define CC5(cc)                                                                                    \
    E(set##cc, K_CC), E(set##cc##m, K_CC), E(cmov##cc, K_CC), E(cmov##cc##w, K_CC),                \
        E(cmov##cc##m, K_CC)

static const Test tests[] = {
    BT8(bt), BT8(bts), BT8(btr), BT8(btc),
    E(bsf32, K_BS), E(bsf16, K_BS), E(bsf32m, K_BS), E(bsr32, K_BS), E(bsr16, K_BS),
    E(bsr32m, K_BS), E(bswap32, K_NONE), E(bswap32c, K_NONE),
    {"shld32cl", shld32cl, K_SHD, -1}, {"shrd32cl", shrd32cl, K_SHD, -1},
    {"shld16cl", shld16cl, K_SHD16, -1}, {"shrd16cl", shrd16cl, K_SHD16, -1},
    {"shld32mcl", shld32mcl, K_SHD, -1}, {"shrd32mcl", shrd32mcl, K_SHD, -1},
    {"shld32_1", shld32_1, K_SHD, 1}, {"shrd32_1", shrd32_1, K_SHD, 1},
    {"shld32_7", shld32_7, K_SHD, 7}, {"shrd32_7", shrd32_7, K_SHD, 7},
    {"shld32_31", shld32_31, K_SHD, 31}, {"shrd32_31", shrd32_31, K_SHD, 31},
    {"shld16_1", shld16_1, K_SHD16, 1}, {"shrd16_9", shrd16_9, K_SHD16, 9},
    {"shld32_0", shld32_0, K_SHD, 0}, {"shrd32m_3", shrd32m_3, K_SHD, 3},
    CC5(o), CC5(no), CC5(b), CC5(ae), CC5(e), CC5(ne), CC5(be), CC5(a),
    CC5(s), CC5(ns), CC5(p), CC5(np), CC5(l), CC5(ge), CC5(le), CC5(g),
};

static uint32_t rng = 0x1234567u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static const uint32_t vals[] = {
    0,          1,          2,          3,          0x10,       0x1f,       0x20,
    0x21,       0x7f,       0x80,       0xff,       0x100,      0x7fff,     0x8000,
    0xffff,     0x10000,    0x12345678, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff,
    0xdeadbeef, 0x00f00000, 0xfffffff0,
};
#define NVALS (sizeof vals / sizeof vals[0])

static int verbose;
static uint32_t hash;
static unsigned nlines;

static void emit_line(const char *line)
{
    for (const char *p = line; *p; p++)
        hash = (hash ^ (uint8_t)*p) * 16777619u;
    nlines++;
    if (verbose)
        puts(line);
}

static void emit(const char *name, const St *in, uint32_t fi, const St *out, uint32_t mask)
{
    char line[200];
    snprintf(line, sizeof line, "%s a=%08x c=%08x d=%08x m=%08x f=%03x -> a=%08x c=%08x d=%08x "
             "m=%08x f=%03x", name, in->a, in->c, in->d, in->m, fi, out->a, out->c, out->d,
             out->m, out->f & mask);
    emit_line(line);
}

static uint32_t flag_mask(const Test *t, const St *in)
{
    unsigned n;
    switch (t->kind) {
    case K_BT:
        return 0x41u;
    case K_BS:
        return 0x40u;
    case K_NONE:
    case K_CC:
        return ARITH;
    case K_SHD:
    case K_SHD16:
        n = (t->cnt < 0 ? in->c : (unsigned)t->cnt) & 31u;
        return n == 0 ? ARITH : n == 1 ? ARITH & ~0x10u : 0xc5u;
    }
    return ARITH;
}

static void run_one(const Test *t, uint32_t a, uint32_t c, uint32_t fi)
{
    St s = {a, c, rnd(), (rnd() & 1) ? c ^ a : rnd(), 0};
    if (t->kind == K_SHD16 && (s.c & 31u) > 16)
        s.c &= 15u;
    if (t->kind == K_BT && t->name[strlen(t->name) - 1] == 'm')
        s.c &= 31u; /* register offset into memory: stay inside the word */
    St o = s;
    t->fn(&o, fi | 2u);
    emit(t->name, &s, fi, &o, flag_mask(t, &s));
}

/* bt* on memory with register offsets reaching outside the addressed word,
 * negative ones included (the bit string extends both ways). */
static uint32_t arr[16];

#define BTMEM(op, sfx, reg)                                                                        \
    static uint32_t op##_mem##sfx(uint32_t off, uint32_t fi)                                       \
    {                                                                                              \
        uint32_t f;                                                                                \
        __asm__ volatile("push %2\n\tpopf\n\t" #op #sfx " %" reg "1, %3\n\tpushf\n\tpop %0"        \
                         : "=&r"(f)                                                                \
                         : "r"(off), "g"(fi), "m"(arr[8])                                          \
                         : "cc", "memory");                                                        \
        return f;                                                                                  \
    }
BTMEM(bt, l, "") BTMEM(bts, l, "") BTMEM(btr, l, "") BTMEM(btc, l, "")
BTMEM(bt, w, "w") BTMEM(bts, w, "w") BTMEM(btr, w, "w") BTMEM(btc, w, "w")

static void bt_memory(void)
{
    static const struct {
        const char *name;
        uint32_t (*fn)(uint32_t, uint32_t);
        int w16;
    } ops[] = {
        {"btl mem", bt_meml, 0},   {"btsl mem", bts_meml, 0}, {"btrl mem", btr_meml, 0},
        {"btcl mem", btc_meml, 0}, {"btw mem", bt_memw, 1},   {"btsw mem", bts_memw, 1},
        {"btrw mem", btr_memw, 1}, {"btcw mem", btc_memw, 1},
    };
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        hash = 2166136261u;
        nlines = 0;
        for (int i = 0; i < 16; i++)
            arr[i] = rnd();
        for (int off = -256; off < 256; off += (off > -40 && off < 40) ? 1 : 7) {
            uint32_t fi = rnd() & ARITH;
            uint32_t o = ops[k].w16 ? ((uint32_t)off & 0xffffu) | (rnd() & 0xffff0000u)
                                    : (uint32_t)off;
            uint32_t f = ops[k].fn(o, fi | 2u);
            char line[200];
            uint32_t sum = 0;
            for (int i = 0; i < 16; i++)
                sum = sum * 31u + arr[i];
            snprintf(line, sizeof line, "%s off=%d f=%03x -> f=%03x sum=%08x", ops[k].name, off,
                     fi, f & 0x41u, sum);
            emit_line(line);
        }
        printf("%-12s %5u cases  hash %08x\n", ops[k].name, nlines, hash);
    }
}

/* tzcnt (f3 0f bc) as gcc emits it for __builtin_ctz: result only, for a
 * non-zero source (where tzcnt and bsf agree). */
static void tzcnt_test(void)
{
    hash = 2166136261u;
    nlines = 0;
    for (int i = 0; i < 600; i++) {
        uint32_t x = i < 32 ? 1u << i : rnd() << (rnd() & 31);
        if (x == 0)
            x = 0x100;
        uint32_t r;
        __asm__(".byte 0xf3\n\tbsfl %1, %0" : "=r"(r) : "rm"(x) : "cc");
        char line[64];
        snprintf(line, sizeof line, "tzcnt %08x -> %u", x, r);
        emit_line(line);
    }
    printf("%-12s %5u cases  hash %08x\n", "tzcnt", nlines, hash);
}

int main(int argc, char **argv)
{
    verbose = argc > 1 && argv[1][0] == '-' && argv[1][1] == 'v';
    for (size_t k = 0; k < sizeof tests / sizeof tests[0]; k++) {
        const Test *t = &tests[k];
        hash = 2166136261u;
        nlines = 0;
        if (t->kind == K_CC) {
            for (uint32_t fl = 0; fl < 64; fl++) { /* CF PF AF ZF SF OF */
                uint32_t fi = (fl & 1) | (fl & 2) << 1 | (fl & 4) << 2 | (fl & 8) << 3 |
                              (fl & 16) << 3 | (fl & 32) << 6;
                for (int i = 0; i < 4; i++)
                    run_one(t, rnd(), rnd(), fi);
            }
        } else {
            for (size_t i = 0; i < NVALS; i++)
                for (size_t j = 0; j < NVALS; j++)
                    run_one(t, vals[i], vals[j], rnd() & ARITH);
            for (int i = 0; i < 256; i++)
                run_one(t, rnd(), (rnd() & 1) ? rnd() : rnd() & 0x3f, rnd() & ARITH);
        }
        printf("%-12s %5u cases  hash %08x\n", t->name, nlines, hash);
    }
    bt_memory();
    tzcnt_test();
    return 0;
}
