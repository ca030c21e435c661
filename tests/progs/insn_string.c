/* Instruction test: movs/stos/lods/cmps/scas in byte/word/dword sizes,
 * single and with rep/repe/repne, with DF clear and set, overlapping
 * copies in both directions, ECX = 0, and large blocks (bulk paths).
 *
 * Each case prints (hashed per form; -v prints the lines): ESI/EDI as
 * offsets into the buffer, ECX, EAX, EFLAGS (all six arithmetic flags,
 * defined for cmps/scas and unchanged otherwise) and a hash of the buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct Rs {
    uint32_t si, di, cx, ax, f;
} Rs;

#define ARITH 0x8d5u
#define EF_DF 0x400u

#define STR(name, text)                                                                            \
    static void name(Rs *r, uint32_t fi)                                                           \
    {                                                                                              \
        __asm__ volatile("push %5\n\tpopf\n\t" text "\n\tpushf\n\tpop %4\n\tcld"                   \
                         : "+S"(r->si), "+D"(r->di), "+c"(r->cx), "+a"(r->ax), "=&r"(r->f)         \
                         : "g"(fi)                                                                 \
                         : "cc", "memory");                                                        \
    }

/* clang-format off */
#define SIZES(op, pfx) STR(pfx##op##b, #pfx " " #op "b") STR(pfx##op##w, #pfx " " #op "w") \
                       STR(pfx##op##l, #pfx " " #op "l")
SIZES(movs, ) SIZES(stos, ) SIZES(lods, ) SIZES(cmps, ) SIZES(scas, )
SIZES(movs, rep) SIZES(stos, rep) SIZES(lods, rep)
SIZES(cmps, repe) SIZES(cmps, repne) SIZES(scas, repe) SIZES(scas, repne)
/* clang-format on */

enum Op { MOVS, STOS, LODS, CMPS, SCAS };

typedef struct Test {
    const char *name;
    void (*fn)(Rs *, uint32_t);
    enum Op op;
    int size;
    int rep; /* 0 none, 1 rep/repe, 2 repne */
} Test;

#define T3(op, pfx, OP, rep)                                                                       \
    {#pfx #op "b", pfx##op##b, OP, 1, rep}, {#pfx #op "w", pfx##op##w, OP, 2, rep},                \
        {#pfx #op "l", pfx##op##l, OP, 4, rep}

static const Test tests[] = {
    T3(movs, , MOVS, 0),     T3(stos, , STOS, 0),      T3(lods, , LODS, 0),
    T3(cmps, , CMPS, 0),     T3(scas, , SCAS, 0),      T3(movs, rep, MOVS, 1),
    T3(stos, rep, STOS, 1),  T3(lods, rep, LODS, 1),   T3(cmps, repe, CMPS, 1),
    T3(cmps, repne, CMPS, 2), T3(scas, repe, SCAS, 1), T3(scas, repne, SCAS, 2),
};

static uint32_t rng = 0xabcdef1u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

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

static uint32_t buf_hash(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

#define BUF 1024
static uint8_t buf[BUF];

/* Fill the buffer so that comparisons stop at interesting places: for
 * repe, region 2 copies region 1 with one difference at element k (or
 * none); for repne, they differ everywhere except element k. */
static void prepare(const Test *t, uint32_t src, uint32_t dst, uint32_t n, int down, Rs *r)
{
    for (int i = 0; i < BUF; i++)
        buf[i] = (uint8_t)rnd();
    uint32_t k = n ? rnd() % (n + 2) : 0; /* k >= n: no stop inside */
    int sz = t->size;
    if (t->op == CMPS || t->op == SCAS) {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t e = down ? -(i * sz) : i * sz;
            uint8_t *a = buf + src + e, *b = buf + dst + e;
            if (t->op == SCAS)
                a = (uint8_t *)&r->ax;
            int eq = t->rep == 2 ? (i == k) : (i != k);
            if (eq) {
                memmove(b, a, sz);
            } else {
                memmove(b, a, sz);
                b[rnd() % sz] ^= (uint8_t)(1u << (rnd() % 8));
            }
        }
    }
}

static void run_case(const Test *t, uint32_t src, uint32_t dst, uint32_t n, int down)
{
    Rs r = {(uint32_t)(uintptr_t)(buf + src), (uint32_t)(uintptr_t)(buf + dst), n, rnd(), 0};
    uint32_t fi = (rnd() & ARITH) | (down ? EF_DF : 0) | 2u;
    prepare(t, src, dst, n, down, &r);
    Rs in = r;
    t->fn(&r, fi);
    char line[200];
    snprintf(line, sizeof line,
             "%s src=%u dst=%u n=%u df=%d ax=%08x fi=%03x -> si=%d di=%d cx=%u ax=%08x f=%03x "
             "buf=%08x",
             t->name, src, dst, n, down, in.ax, fi & ARITH,
             (int)(r.si - (uint32_t)(uintptr_t)buf), (int)(r.di - (uint32_t)(uintptr_t)buf), r.cx,
             r.ax, r.f & ARITH, buf_hash(buf, BUF));
    emit_line(line);
}

static void run_test(const Test *t)
{
    hash = 2166136261u;
    nlines = 0;
    static const int deltas[] = {-9, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 8, 100, -100};
    for (int down = 0; down < 2; down++) {
        for (uint32_t n = 0; n < (t->rep ? 40u : 2u); n++) {
            for (size_t d = 0; d < sizeof deltas / sizeof deltas[0]; d++) {
                uint32_t src = 400 + rnd() % 200;
                uint32_t dst = src + deltas[d];
                run_case(t, src, dst, t->rep ? n : 1, down);
            }
        }
        for (int i = 0; i < 40; i++) {
            uint32_t src = 300 + rnd() % 400, dst = 300 + rnd() % 400;
            run_case(t, src, dst, t->rep ? rnd() % 64 : 1, down);
        }
    }
    printf("%-12s %5u cases  hash %08x\n", t->name, nlines, hash);
}

/* Large blocks: the bulk (memmove/memset/memchr) paths and their limits. */
#define BIG (1u << 17)
static uint8_t big[BIG];

static void big_fill(void)
{
    for (uint32_t i = 0; i < BIG; i++)
        big[i] = (uint8_t)(i * 7 + (i >> 8));
}

static void big_case(const char *name, void (*fn)(Rs *, uint32_t), uint32_t src, uint32_t dst,
                     uint32_t n, uint32_t ax, int down)
{
    big_fill();
    Rs r = {(uint32_t)(uintptr_t)(big + src), (uint32_t)(uintptr_t)(big + dst), n, ax, 0};
    fn(&r, (down ? EF_DF : 0) | 0x2u | 0x41u);
    printf("%-12s src=%u dst=%u n=%u df=%d -> si=%d di=%d cx=%u ax=%08x f=%03x buf=%08x\n", name,
           src, dst, n, down, (int)(r.si - (uint32_t)(uintptr_t)big),
           (int)(r.di - (uint32_t)(uintptr_t)big), r.cx, r.ax, r.f & ARITH, buf_hash(big, BIG));
}

int main(int argc, char **argv)
{
    verbose = argc > 1 && argv[1][0] == '-' && argv[1][1] == 'v';
    for (size_t k = 0; k < sizeof tests / sizeof tests[0]; k++)
        run_test(&tests[k]);

    big_case("big movsl", repmovsl, 0, 65536, 16000, 0, 0);
    big_case("big movsb ov+1", repmovsb, 1000, 1001, 50000, 0, 0);
    big_case("big movsl ov+2", repmovsl, 1000, 1002, 12000, 0, 0);
    big_case("big movsb ov-1", repmovsb, 1001, 1000, 50000, 0, 0);
    big_case("big movsl df", repmovsl, 70000, 80000, 15000, 0, 1);
    big_case("big movsb df ov", repmovsb, 70000, 69999, 50000, 0, 1);
    big_case("big movsb df ov2", repmovsb, 70000, 70001, 50000, 0, 1);
    big_case("big stosl", repstosl, 0, 100, 20000, 0x11223344, 0);
    big_case("big stosl same", repstosl, 0, 100, 20000, 0x5a5a5a5a, 0);
    big_case("big stosb df", repstosb, 0, 90000, 60000, 0xab, 1);
    big_case("big stosw", repstosw, 0, 3, 30000, 0xbeef, 0);
    big_case("big lodsl", replodsl, 4000, 0, 1000, 0, 0);
    big_case("big scasb", repnescasb, 0, 100, 100000, 0x00, 0);
    big_case("big scasb miss", repnescasb, 0, 100, 300, 0x100, 0);
    big_case("big cmpsl", repecmpsl, 1000, 1000, 5000, 0, 0);
    return 0;
}
