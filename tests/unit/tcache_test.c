/* Unit test of the translation cache (runtime/tcache.c) and deferred frees
 * (runtime/epoch.c): blocks translated from guest pages, invalidation by
 * range drops only overlapping blocks and clears the links to them, a
 * guest-writable code page is write-protected in the host until a write
 * fault drops its blocks, and dropped blocks are freed only once every
 * registered thread has passed a quiescent point. */
#include "runtime/tcache.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend/fe.h"
#include "runtime/dispatch.h"
#include "runtime/mem.h"

#include "tests/unit/check.h"

#define PG 4096u
#define BASE 0x30000000u

/* A 10-byte block at `at`: mov eax, imm32; jmp next. */
static void put_block(uint32_t at, uint32_t imm, uint32_t next) {
    uint8_t *p = g2h(at);
    p[0] = 0xb8;
    memcpy(p + 1, &imm, 4);
    p[5] = 0xe9;
    int32_t rel = (int32_t)(next - (at + 10));
    memcpy(p + 6, &rel, 4);
}

/* Does a host write to guest address a fault? (in a child: no handler) */
static bool write_faults(uint32_t a) {
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        *(volatile uint8_t *)g2h(a) = 0x90;
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

static volatile int other_step;

static void *other_thread(void *arg) {
    (void)arg;
    rt_epoch_register();
    other_step = 1;
    while (other_step == 1) usleep(1000);
    rt_epoch_quiescent();
    other_step = 3;
    while (other_step == 3) usleep(1000);
    rt_epoch_unregister();
    return NULL;
}

int main(void) {
    if (rt_mem_init() != 0 || fe_init() != 0) return 1;
    rt_tcache_init();
    rt_epoch_register();

    /* Two pages of read-only code and one writable page. */
    CHECK(rt_mem_mmap(BASE, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                      -1, 0) == BASE);
    for (uint32_t i = 0; i < 8; i++) put_block(BASE + i * 16, i, BASE + (i + 1) * 16);
    put_block(BASE + PG - 4, 100, BASE + PG + 64); /* straddles into page 2 */
    put_block(BASE + PG + 64, 101, BASE);
    put_block(BASE + 2 * PG, 200, BASE);
    CHECK(rt_mem_mprotect(BASE, 2 * PG, PROT_READ | PROT_EXEC) == 0);
    CHECK(rt_mem_mprotect(BASE + 2 * PG, PG, PROT_READ | PROT_WRITE | PROT_EXEC) == 0);

    TB *b[8];
    for (int i = 0; i < 8; i++) b[i] = rt_tb_get(BASE + (uint32_t)i * 16);
    TB *straddle = rt_tb_get(BASE + PG - 4);
    TB *p2 = rt_tb_get(BASE + PG + 64);
    CHECK(b[0]->len == 10 && straddle->len == 5); /* ends after the straddling mov */
    CHECK(rt_tb_lookup(BASE + 16) == b[1] && rt_tb_get(BASE + 16) == b[1]);
    uint64_t live = rt_tb_count();
    CHECK(live == 10);

    /* Links: b0 -> b1 (slot 0), p2 -> b0. */
    rt_tb_link(b[0], 0, b[1], false);
    rt_tb_link(p2, 0, b[0], false);
    CHECK(b[0]->next[0] == b[1] && p2->next[0] == b[0]);

    /* Invalidate bytes 20..21: only b1 overlaps. */
    uint64_t gen = rt_tb_generation();
    rt_code_invalidate(BASE + 20, 2);
    CHECK(rt_tb_lookup(BASE + 16) == NULL && b[1]->dead);
    CHECK(rt_tb_lookup(BASE) == b[0] && rt_tb_lookup(BASE + 32) == b[2]);
    CHECK(b[0]->next[0] == NULL); /* the link to the dropped block is gone */
    CHECK(p2->next[0] == b[0]);   /* others stay */
    CHECK(rt_tb_count() == live - 1 && rt_tb_generation() != gen);

    /* A range touching only the second page drops the straddling block. */
    rt_code_invalidate(BASE + PG, 1);
    CHECK(straddle->dead && !p2->dead && !b[7]->dead);
    /* Dropping b0 clears p2's link to it. */
    rt_code_invalidate(BASE, 1);
    CHECK(b[0]->dead && p2->next[0] == NULL);
    /* A range with no code drops nothing and keeps the generation. */
    gen = rt_tb_generation();
    rt_code_invalidate(BASE + 1024, 512);
    CHECK(rt_tb_generation() == gen && !b[2]->dead);

    /* munmap of the second page drops what is on it. */
    CHECK(rt_mem_munmap(BASE + PG, PG) == 0);
    CHECK(p2->dead && !b[2]->dead);

    /* A writable code page is write-protected while it has blocks. */
    CHECK(!write_faults(BASE + 2 * PG + 512));
    TB *w = rt_tb_get(BASE + 2 * PG);
    CHECK(write_faults(BASE + 2 * PG + 512));
    /* A syscall output buffer there is unprotected (and the block dropped). */
    CHECK(rt_g2h_checked(BASE + 2 * PG + 512, 4, PROT_READ | PROT_WRITE) != NULL);
    CHECK(w->dead && !write_faults(BASE + 2 * PG + 512));
    w = rt_tb_get(BASE + 2 * PG);
    CHECK(write_faults(BASE + 2 * PG + 512));
    /* The fault path: blocks of the page go, the page is writable again. */
    uint64_t faults = rt_stats.code_write_faults;
    CHECK(rt_mem_write_fault(BASE + 2 * PG + 512) == 1);
    CHECK(w->dead && !write_faults(BASE + 2 * PG + 512) && rt_stats.code_write_faults == faults + 1);
    /* Not the cache's: a read-only page. */
    CHECK(rt_mem_write_fault(BASE + 100) == 0);

    /* Deferred frees: nothing freed while another thread has not passed a
     * quiescent point since the drops. */
    pthread_t th;
    pthread_create(&th, NULL, other_thread, NULL);
    while (other_step != 1) usleep(1000);
    rt_epoch_quiescent();
    rt_epoch_reclaim();
    uint64_t pending0 = rt_epoch_pending();
    rt_code_invalidate(BASE, PG);
    uint64_t pending = rt_epoch_pending();
    CHECK(pending > pending0);
    rt_epoch_quiescent();
    CHECK(rt_epoch_reclaim() == 0 && rt_epoch_pending() == pending);
    other_step = 2;
    while (other_step != 3) usleep(1000);
    rt_epoch_quiescent();
    rt_epoch_reclaim();
    CHECK(rt_epoch_pending() == 0);
    /* A thread that unregisters is not waited for any more. */
    w = rt_tb_get(BASE + 2 * PG);
    rt_code_invalidate(BASE + 2 * PG, PG);
    rt_epoch_quiescent();
    rt_epoch_reclaim();
    CHECK(rt_epoch_pending() == 1);
    other_step = 4; /* it unregisters */
    pthread_join(th, NULL);
    rt_epoch_reclaim();
    CHECK(rt_epoch_pending() == 0);

    printf("tcache: %d passed, %d failed\n", npass, nfail);
    return nfail != 0;
}
