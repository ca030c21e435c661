/* xrun-test: cflags=-pthread timeout=60 */
/* Cross-modifying code: a runner thread calls a function in an RWX page in a loop while the
   main thread rewrites its immediate, round after round. The runner loops until it sees the
   new value; once it has seen the main thread's "patched" flag it executes CPUID (serializing,
   as the Intel SDM asks of cross-modifying code, 8.1.3) and calls once more, which must return
   the new value: so nothing printed depends on timing and a stale translation cannot hang the
   test. Then a second function is patched from a jmp to another target the same way. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*fn0)(void);

static unsigned char *page;
static atomic_int round_no = -1, patched, seen_round = -1;
static int results[64];

static void serialize(void)
{
    unsigned a = 0, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
}

static int fn_at, imm_at; /* the function's offset in the page, and its immediate's */

static void set_imm(uint32_t v)
{
    memcpy(page + imm_at, &v, 4);
}

static void *runner(void *arg)
{
    (void)arg;
    volatile fn0 f = (fn0)(page + fn_at);
    for (int r = 0; r < 32; r++) {
        while (atomic_load(&round_no) < r) f(); /* keep the code hot while waiting */
        int want = r * 10 + 1, v;
        for (;;) {
            v = f();
            if (v == want) break;
            if (atomic_load(&patched) > r) {
                serialize();
                v = f();
                break;
            }
        }
        results[r] = v;
        atomic_store(&seen_round, r);
    }
    return NULL;
}

static void run_rounds(int fn, int imm, const char *what)
{
    fn_at = fn;
    imm_at = imm;
    atomic_store(&round_no, -1);
    atomic_store(&patched, 0);
    atomic_store(&seen_round, -1);
    set_imm(0);
    pthread_t t;
    if (pthread_create(&t, NULL, runner, NULL)) { perror("pthread_create"); _exit(1); }
    for (int r = 0; r < 32; r++) {
        atomic_store(&round_no, r);
        for (volatile int k = 0; k < 20000; k++) {} /* the runner is calling the old code */
        set_imm((uint32_t)(r * 10 + 1));
        atomic_store(&patched, r + 1);
        while (atomic_load(&seen_round) < r) sched_yield();
    }
    pthread_join(t, NULL);
    int ok = 0;
    for (int r = 0; r < 32; r++) ok += results[r] == r * 10 + 1;
    printf("%s: runner saw the new value in %d of 32 rounds\n", what, ok);
    for (int r = 0; r < 32; r++)
        if (results[r] != r * 10 + 1) printf("  round %d: got %d\n", r, results[r]);
}

int main(void)
{
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                0);
    if (page == MAP_FAILED) { perror("mmap"); return 1; }
    /* f1: mov eax, imm32; ret */
    page[0] = 0xb8;
    page[5] = 0xc3;
    run_rounds(0, 1, "immediate rewritten by another thread");
    /* f2 at 64: a longer body: push ebx; mov ebx, imm32 (patched); mov eax, ebx; pop ebx; ret */
    const unsigned char body[] = {0x53, 0xbb, 0, 0, 0, 0, 0x89, 0xd8, 0x5b, 0xc3};
    memcpy(page + 64, body, sizeof body);
    run_rounds(64, 66, "immediate inside a longer function");
    return 0;
}
