/* Generated code in mmap pages: an RWX page whose function is rewritten between calls (new
   immediates, other instructions, a second function in the same page left alone), W^X flips
   (RW, write, mprotect RX, call, back to RW, rewrite, RX, call), a page unmapped and mapped
   again at the same address with other code, a code page moved by mremap. Each loop runs
   thousands of times, so the JIT tiers have compiled the code before it changes. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*fn0)(void);
typedef int (*fn1)(int);

static void emit_mov_ret(unsigned char *p, uint32_t imm)
{
    p[0] = 0xb8; /* mov eax, imm32 */
    memcpy(p + 1, &imm, 4);
    p[5] = 0xc3; /* ret */
}

/* mov ecx,[esp+4]; xor eax,eax; L: add eax,ecx; dec ecx; jnz L; ret: sum of 1..n */
static const unsigned char sum_loop[] = {0x8b, 0x4c, 0x24, 0x04, 0x31, 0xc0, 0x01, 0xc8,
                                         0x49, 0x75, 0xfb, 0xc3};
#define SUM_LOOP_OP 6 /* the add: 01 c8; 29 c8 is sub eax, ecx */

static unsigned char *map(int prot)
{
    void *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { perror("mmap"); _exit(1); }
    return p;
}

static void prot(void *p, int pr)
{
    if (mprotect(p, 4096, pr)) { perror("mprotect"); _exit(1); }
}

static void test_rwx(void)
{
    unsigned char *page = map(PROT_READ | PROT_WRITE | PROT_EXEC);
    volatile fn0 f = (fn0)page, g = (fn0)(page + 64);
    emit_mov_ret(page, 0);
    emit_mov_ret(page + 64, 0x5555);
    long long sum = 0;
    int bad = 0, gbad = 0;
    for (uint32_t i = 0; i < 5000; i++) {
        uint32_t imm = i * 7 + 1;
        memcpy(page + 1, &imm, 4); /* only the immediate changes */
        int r = f();
        if ((uint32_t)r != imm) bad++;
        sum += r;
        if (g() != 0x5555) gbad++;
    }
    printf("rwx: 5000 rewrites of an immediate: sum %lld, wrong results %d, neighbour wrong %d\n",
           sum, bad, gbad);

    /* another instruction sequence, of another length, every other time */
    sum = 0;
    bad = 0;
    for (int i = 0; i < 3000; i++) {
        int want;
        if (i % 2) {
            /* xor eax,eax; add eax, imm8; add eax,eax; ret */
            unsigned char c[] = {0x31, 0xc0, 0x83, 0xc0, (unsigned char)(i & 0x3f), 0x01, 0xc0,
                                 0xc3};
            memcpy(page, c, sizeof c);
            want = 2 * (i & 0x3f);
        } else {
            emit_mov_ret(page, (uint32_t)i);
            want = i;
        }
        int r = f();
        if (r != want) bad++;
        sum += r;
    }
    printf("rwx: alternating code: sum %lld, wrong results %d\n", sum, bad);

    /* a loop inside the generated code; the add in its body becomes a sub and back */
    memcpy(page + 128, sum_loop, sizeof sum_loop);
    volatile fn1 h = (fn1)(page + 128);
    sum = 0;
    bad = 0;
    for (int i = 0; i < 2000; i++) {
        int sub = (i / 100) % 2;
        page[128 + SUM_LOOP_OP] = sub ? 0x29 : 0x01;
        int r = h(100);
        if (r != (sub ? -5050 : 5050)) bad++;
        sum += r;
    }
    printf("rwx: loop body add/sub flipped every 100 calls: sum %lld, wrong results %d\n", sum,
           bad);
    munmap(page, 4096);
}

static void test_wx(void)
{
    unsigned char *page = map(PROT_READ | PROT_WRITE);
    volatile fn0 f = (fn0)page;
    long long sum = 0;
    int bad = 0;
    for (uint32_t i = 0; i < 500; i++) {
        emit_mov_ret(page, i);
        prot(page, PROT_READ | PROT_EXEC);
        for (int k = 0; k < 20; k++)
            if ((uint32_t)f() != i) bad++;
        sum += f();
        prot(page, PROT_READ | PROT_WRITE);
        emit_mov_ret(page, i + 1000000);
        prot(page, PROT_READ | PROT_EXEC);
        if ((uint32_t)f() != i + 1000000) bad++;
        sum += f();
        prot(page, PROT_READ | PROT_WRITE);
    }
    printf("w^x: 500 rounds of RW/RX flips: sum %lld, wrong results %d\n", sum, bad);
    munmap(page, 4096);
}

static void test_remap(void)
{
    /* unmap and map again at the same address, with other code */
    unsigned char *page = map(PROT_READ | PROT_WRITE | PROT_EXEC);
    long long sum = 0;
    int bad = 0, moved = 0;
    for (uint32_t i = 0; i < 300; i++) {
        emit_mov_ret(page, i * 3);
        volatile fn0 f = (fn0)page;
        for (int k = 0; k < 10; k++)
            if ((uint32_t)f() != i * 3) bad++;
        sum += f();
        munmap(page, 4096);
        void *again = mmap(page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (again != page) moved++;
    }
    printf("munmap+mmap at the same address: sum %lld, wrong results %d, moved %d\n", sum, bad,
           moved);

    /* a fresh MAP_FIXED mapping over a live code page, without munmap */
    emit_mov_ret(page, 11);
    volatile fn0 f = (fn0)page;
    int before = 0;
    for (int k = 0; k < 1000; k++) before += f();
    mmap(page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
         -1, 0);
    emit_mov_ret(page, 22);
    printf("MAP_FIXED over code: before %d, after %d\n", before, f());

    /* mremap moves the code page: the code runs at the new address */
    memcpy(page, sum_loop, sizeof sum_loop);
    volatile fn1 h = (fn1)page;
    int r1 = 0;
    for (int k = 0; k < 1000; k++) r1 = h(10);
    /* reserve a target, then move the page there */
    unsigned char *target = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *np = mremap(page, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, target + 4096);
    if (np == MAP_FAILED) { perror("mremap"); _exit(1); }
    h = (fn1)np;
    int r2 = h(20);
    np[SUM_LOOP_OP] = 0x29;
    int r3 = h(20);
    /* and new code at the old address */
    unsigned char *old = mmap(page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    emit_mov_ret(old, 77);
    f = (fn0)old;
    printf("mremap: before %d, moved %d, moved and patched %d, new code at the old address %d\n",
           r1, r2, r3, f());
    munmap(np, 4096);
    munmap(target, 4096);
    munmap(old, 4096);
}

int main(void)
{
    test_rwx();
    test_wx();
    test_remap();
    return 0;
}
