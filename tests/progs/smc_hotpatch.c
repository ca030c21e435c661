/* Hot-patching .text: mprotect the pages of a function RWX, write a jmp rel32 to another
   function over its first bytes, call it (the other function runs), restore the bytes, call
   it again, then a function that patches its own entry while it runs. Each function is called
   thousands of times first, so the JIT tiers have compiled it. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

__attribute__((noinline, noclone)) int target_a(int x) { return x + 1; }
__attribute__((noinline, noclone)) int target_b(int x) { return x * 100; }
__attribute__((noinline, noclone)) int target_c(int x) { return -x; }

static int (*volatile call_a)(int) = target_a;

static void writable(void *fn, int on)
{
    uintptr_t ps = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = (uintptr_t)fn & ~(ps - 1);
    uintptr_t hi = ((uintptr_t)fn + 16 + ps - 1) & ~(ps - 1);
    int prot = PROT_READ | PROT_EXEC | (on ? PROT_WRITE : 0);
    if (mprotect((void *)lo, hi - lo, prot)) { perror("mprotect"); _exit(1); }
}

static void write_jmp(void *from, void *to)
{
    unsigned char j[5] = {0xe9};
    int32_t rel = (int32_t)((uintptr_t)to - ((uintptr_t)from + 5));
    memcpy(j + 1, &rel, 4);
    memcpy(from, j, 5);
}

static long run(int n)
{
    long s = 0;
    for (int i = 0; i < n; i++) s += call_a(i);
    return s;
}

__attribute__((noinline, noclone)) int self_patching(int x);
static int patched_once;

__attribute__((noinline, noclone)) int self_patching(int x)
{
    if (x == 777) {
        /* patch our own entry while running: later calls go to target_c */
        writable((void *)self_patching, 1);
        write_jmp((void *)self_patching, (void *)target_c);
        writable((void *)self_patching, 0);
        patched_once++;
        return 1000000;
    }
    return x * 2;
}

static int (*volatile call_self)(int) = self_patching;

int main(void)
{
    unsigned char saved[5];
    printf("before: %ld\n", run(5000));
    writable((void *)target_a, 1);
    memcpy(saved, (void *)target_a, 5);
    write_jmp((void *)target_a, (void *)target_b);
    printf("patched to target_b: %ld\n", run(5000));
    write_jmp((void *)target_a, (void *)target_c);
    printf("patched to target_c: %ld\n", run(5000));
    memcpy((void *)target_a, saved, 5);
    writable((void *)target_a, 0);
    printf("restored: %ld\n", run(5000));
    /* patch and restore back and forth, calling in between */
    long s = 0;
    for (int r = 0; r < 200; r++) {
        writable((void *)target_a, 1);
        if (r % 2) write_jmp((void *)target_a, (void *)target_b);
        else memcpy((void *)target_a, saved, 5);
        writable((void *)target_a, 0);
        s += run(20);
    }
    printf("200 patch/restore rounds: %ld\n", s);

    long t = 0;
    for (int i = 0; i < 3000; i++) t += call_self(i % 700);
    t += call_self(777);
    for (int i = 0; i < 3000; i++) t += call_self(i % 700);
    printf("self-patching function: %ld, patched %d time(s)\n", t, patched_once);
    return 0;
}
