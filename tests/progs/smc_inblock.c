/* A store that rewrites an instruction later in the same basic block takes effect at once,
   as on the CPU: a loop in an RWX page stores ECX into the immediate of the `mov eax, imm32`
   that follows the store, so each iteration adds its own ECX. A second loop stores into an
   instruction it has already executed (the change shows in the next iteration), a third
   rewrites the opcode of a later instruction (add becomes sub and back). Called many times,
   so the JIT tiers have compiled the loops. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef int (*loopfn)(unsigned char *base, int start, int count);

static unsigned char *page;
static int pos;

static void emit(const void *b, int n)
{
    memcpy(page + pos, b, (size_t)n);
    pos += n;
}
#define E(...) emit((const unsigned char[]){__VA_ARGS__}, sizeof((const unsigned char[]){__VA_ARGS__}))

/* push ebx; push esi; ebx = base, ecx = start, esi = count; edx = 0 */
static void prologue(void)
{
    E(0x53, 0x56, 0x8b, 0x5c, 0x24, 0x0c, 0x8b, 0x4c, 0x24, 0x10, 0x8b, 0x74, 0x24, 0x14, 0x31,
      0xd2);
}

/* mov eax, edx; pop esi; pop ebx; ret */
static void epilogue(void)
{
    E(0x89, 0xd0, 0x5e, 0x5b, 0xc3);
}

static void jnz_to(int target)
{
    int rel = target - (pos + 2);
    E(0x75, (unsigned char)(signed char)rel);
}

/* loop: mov [ebx+disp32], ecx; mov eax, imm32; add edx, eax; inc ecx; dec esi; jnz loop */
static loopfn build_forward(int at)
{
    pos = at;
    prologue();
    int loop = pos;
    int imm = pos + 6 + 1; /* after the 6-byte store: B8 imm32 */
    E(0x89, 0x8b);
    emit(&imm, 4);
    E(0xb8, 0xef, 0xbe, 0xad, 0xde);
    E(0x01, 0xc2, 0x41, 0x4e);
    jnz_to(loop);
    epilogue();
    return (loopfn)(page + at);
}

/* loop: mov eax, imm32; add edx, eax; mov [ebx+disp32], ecx; inc ecx; dec esi; jnz loop */
static int backward_imm;
static loopfn build_backward(int at)
{
    pos = at;
    prologue();
    int loop = pos;
    backward_imm = pos + 1;
    E(0xb8, 0x00, 0x00, 0x00, 0x00);
    E(0x01, 0xc2);
    E(0x89, 0x8b);
    emit(&backward_imm, 4);
    E(0x41, 0x4e);
    jnz_to(loop);
    epilogue();
    return (loopfn)(page + at);
}

/* loop: mov eax, ecx; and eax, 8; imul eax, eax, 5; or al, 1 (al = 0x01 or 0x29);
   mov [ebx+disp32], al (into the opcode of the add below: 01 add edx, eax, 29 sub edx, eax);
   mov eax, ecx; add edx, eax; inc ecx; dec esi; jnz loop */
static loopfn build_opcode(int at)
{
    pos = at;
    prologue();
    int loop = pos;
    E(0x89, 0xc8, 0x83, 0xe0, 0x08, 0x6b, 0xc0, 0x05, 0x0c, 0x01, 0x88, 0x83);
    int op = pos + 4 + 2; /* after disp32 and `mov eax, ecx` */
    emit(&op, 4);
    E(0x89, 0xc8);
    E(0x01, 0xc2); /* add edx, eax  <->  29 c2: sub edx, eax */
    E(0x41, 0x4e);
    jnz_to(loop);
    epilogue();
    return (loopfn)(page + at);
}

int main(void)
{
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                0);
    if (page == MAP_FAILED) { perror("mmap"); return 1; }
    volatile loopfn f = build_forward(0);
    volatile loopfn g = build_backward(256);
    volatile loopfn h = build_opcode(512);

    long long got = 0, want = 0;
    int bad = 0;
    for (int call = 0; call < 300; call++) {
        int start = call * 1000, n = 50;
        int r = f(page, start, n);
        int w = 0;
        for (int k = 0; k < n; k++) w += start + k; /* each iteration adds its own ecx */
        if (r != w) bad++;
        got += r;
        want += w;
    }
    printf("store to a later instruction of the block: sum %lld, expected %lld, wrong calls %d\n",
           got, want, bad);

    got = want = 0;
    bad = 0;
    for (int call = 0; call < 300; call++) {
        int start = call * 1000, n = 50;
        uint32_t first;
        memcpy(&first, page + backward_imm, 4); /* what the previous call left there */
        int r = g(page, start, n);
        int w = (int)first;
        for (int k = 0; k < n - 1; k++) w += start + k; /* one iteration late */
        if (r != w) bad++;
        got += r;
        want += w;
    }
    printf("store to an earlier instruction of the block: sum %lld, expected %lld, wrong calls %d\n",
           got, want, bad);

    got = want = 0;
    bad = 0;
    for (int call = 0; call < 300; call++) {
        int start = call * 37, n = 40;
        int r = h(page, start, n);
        int w = 0;
        for (int k = 0; k < n; k++) {
            int e = start + k;
            w = (e & 8) ? w - e : w + e;
        }
        if (r != w) bad++;
        got += r;
        want += w;
    }
    printf("store to a later opcode of the block: sum %lld, expected %lld, wrong calls %d\n", got,
           want, bad);
    return 0;
}
