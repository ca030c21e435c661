/* Background compilation (runtime/jitq.h).
 *
 * One mutex guards the queue (a doubly linked FIFO through TB.qnext and
 * TB.qprev), the block being compiled and the list of code to free. Lock
 * order: the cache lock (runtime/tcache.c), then this one. Nothing that
 * holds it writes guest memory or waits for anything but this lock, so the
 * write-fault handler may take it (through rt_jitq_forget_locked) inside
 * the cache lock.
 *
 * The compiler thread is an epoch participant: it goes online (a quiescent
 * point) before it takes a block, so a block dropped after it was taken is
 * freed only once the compile is over. While it waits for work it is
 * offline and holds no block.
 */
#include "runtime/jitq.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "runtime/epoch.h"
#include "runtime/log.h"
#include "runtime/opts.h"
#include "runtime/signal.h"
#include "runtime/tcache.h"
#include "runtime/tierup.h"

typedef struct FreeNode {
    struct FreeNode *next;
    BeJitCode *code;
} FreeNode;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work;
    TB *head, *tail;
    unsigned len, max_len;
    TB *current[RT_JIT_BATCH_MAX]; /* taken by the compiler, being compiled */
    unsigned ncurrent;
    FreeNode *frees;
    bool started, failed;
    uint64_t compiler_cpu; /* the compiler thread's CPU time so far (ns) */
    uint64_t compile_cpu;  /* the part of it spent compiling (the budgeted part) */
} Q = {.lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER};

/* Queued blocks the compiler looks at to pick the next one (and to judge
 * whether starting it is worth it). */
#define SCAN_MAX 256
/* A queued block is cold, and dropped from the queue, when it has waited
 * COLD_NS of guest CPU time and run less than 1/COLD_FRACTION of its hot_at
 * since it was queued. It is queued again if it runs as often again. */
#define COLD_NS 50000000u
#define COLD_FRACTION 4
/* The compiler may run ahead of its budget by this much (a few compiles),
 * so the first hot loops are compiled at once. Loading LLVM is not counted:
 * the start condition (worth_starting_locked) has paid for it. */
#define BUDGET_SLACK_NS 20000000u
/* Longest sleep while over budget (frees of dropped code wait as long). */
#define BUDGET_NAP_NS 20000000u

static _Thread_local bool is_compiler;
static RtStats *compiler_stats; /* the compiler thread's rt_stats */

/* The guest threads' CPU time so far: the process's, less the compiler's. */
static uint64_t guest_cpu_ns(void)
{
    uint64_t p = rt_cpu_ns_process(), c = __atomic_load_n(&Q.compiler_cpu, __ATOMIC_RELAXED);
    return p > c ? p - c : 0;
}

/* ---- the queue (Q.lock held) --------------------------------------------- */

static void unlink_locked(TB *tb)
{
    if (tb->qprev)
        tb->qprev->qnext = tb->qnext;
    else
        Q.head = tb->qnext;
    if (tb->qnext)
        tb->qnext->qprev = tb->qprev;
    else
        Q.tail = tb->qprev;
    tb->qnext = tb->qprev = NULL;
    tb->queued = false;
    Q.len--;
}

static void append_locked(TB *tb)
{
    tb->qnext = NULL;
    tb->qprev = Q.tail;
    if (Q.tail)
        Q.tail->qnext = tb;
    else
        Q.head = tb;
    Q.tail = tb;
    tb->queued = true;
    if (++Q.len > Q.max_len) Q.max_len = Q.len;
}

/* The estimated saving of compiling t now. */
static uint64_t score(const TB *t)
{
    return rt_tier_saving_ns(__atomic_load_n(&t->execs, __ATOMIC_RELAXED), t->nir);
}

/* Take t out of the queue as cold: it goes back to being interpreted and
 * is queued again once it has run as many times again. */
static void drop_cold_locked(TB *t)
{
    unlink_locked(t);
    uint32_t e = __atomic_load_n(&t->execs, __ATOMIC_RELAXED);
    uint32_t again = e < t->hot_at ? t->hot_at : e;
    uint32_t at = e + again < e ? UINT32_MAX : e + again;
    __atomic_store_n(&t->hot_at, at, __ATOMIC_RELAXED);
    __atomic_store_n(&t->compiling, 0, __ATOMIC_RELEASE);
    if (compiler_stats) compiler_stats->jit_cold++;
}

/* The next block to compile: the best-scoring of the oldest SCAN_MAX
 * waiting ones; on the way, those that went cold leave the queue. The scan
 * is bounded because the queue lock is held (guest threads queue, and
 * drops and the write-fault handler take it too). */
static TB *pick_locked(void)
{
    uint64_t now = guest_cpu_ns();
    TB *best = NULL;
    uint64_t best_score = 0;
    unsigned scanned = 0;
    for (TB *t = Q.head, *next; t && scanned < SCAN_MAX; t = next, scanned++) {
        next = t->qnext;
        uint32_t grew = __atomic_load_n(&t->execs, __ATOMIC_RELAXED) - t->qexecs;
        if (now - t->qtime > COLD_NS && now > t->qtime && grew < t->hot_at / COLD_FRACTION) {
            drop_cold_locked(t);
            continue;
        }
        uint64_t sc = score(t);
        if (!best || sc > best_score) best = t, best_score = sc;
    }
    if (best) unlink_locked(best);
    return best;
}

/* How long the compiler must wait before its next compile to stay within
 * its budget (0: it may go on). */
static uint64_t over_budget_ns(void)
{
    if (!rt_opts.jit_budget) return 0;
    uint64_t allowed = guest_cpu_ns() / 100u * rt_opts.jit_budget + BUDGET_SLACK_NS;
    uint64_t spent = __atomic_load_n(&Q.compile_cpu, __ATOMIC_RELAXED);
    if (spent <= allowed) return 0;
    /* The guest earns budget at jit_budget percent of its own CPU time. */
    uint64_t wait = (spent - allowed) / rt_opts.jit_budget * 100u;
    return wait > BUDGET_NAP_NS ? BUDGET_NAP_NS : wait < 1000000u ? 1000000u : wait;
}

static void nap(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- the compiler thread ------------------------------------------------- */

static void free_pending(void)
{
    pthread_mutex_lock(&Q.lock);
    FreeNode *f = Q.frees;
    Q.frees = NULL;
    pthread_mutex_unlock(&Q.lock);
    while (f) {
        FreeNode *n = f->next;
        be_llvm_free(f->code);
        free(f);
        f = n;
    }
}

static void account_cpu(uint64_t since, uint64_t *into)
{
    uint64_t d = rt_cpu_ns_thread() - since;
    *into += d;
    __atomic_fetch_add(&Q.compiler_cpu, d, __ATOMIC_RELAXED);
}

static void *compiler_main(void *arg)
{
    (void)arg;
    is_compiler = true;
    bool trace = rt_opts.tier_trace;
    rt_epoch_register();
    /* Load LLVM first (its cost is the start cost of the model). */
    uint64_t c0 = rt_cpu_ns_thread();
    be_llvm_init();
    account_cpu(c0, &rt_stats.jit_start_ns);
    __atomic_store_n(&compiler_stats, &rt_stats, __ATOMIC_RELEASE);
    for (;;) {
        free_pending();
        rt_epoch_quiescent(); /* online: what we take now stays valid */
        pthread_mutex_lock(&Q.lock);
        if (!Q.head && !Q.frees) {
            pthread_mutex_unlock(&Q.lock);
            rt_epoch_offline();
            pthread_mutex_lock(&Q.lock);
            while (!Q.head && !Q.frees) pthread_cond_wait(&Q.work, &Q.lock);
            pthread_mutex_unlock(&Q.lock);
            rt_epoch_online();
            continue;
        }
        uint64_t wait = Q.head ? over_budget_ns() : 0;
        if (wait) {
            pthread_mutex_unlock(&Q.lock);
            rt_epoch_offline();
            struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            nap(wait);
            clock_gettime(CLOCK_MONOTONIC, &b);
            rt_stats.jit_wait_ns += (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u +
                                    (uint64_t)(b.tv_nsec - a.tv_nsec);
            rt_epoch_online();
            continue;
        }
        /* Up to jit_batch of the best waiting blocks, compiled together. */
        unsigned n = 0, nir = 0;
        for (TB *tb; n < rt_opts.jit_batch && (tb = pick_locked());) {
            Q.current[n++] = tb;
            nir += tb->nir;
        }
        Q.ncurrent = n;
        pthread_mutex_unlock(&Q.lock);
        if (!n) continue;
        c0 = rt_cpu_ns_thread();
        /* -O0: tried, -O1 for a lone block when nothing else waited made
         * lua5.4 and python3.11 slower and strsort no faster. */
        rt_tb_compile_batch(Q.current, n, BE_FAST);
        uint64_t before = rt_stats.jit_cpu_ns;
        account_cpu(c0, &rt_stats.jit_cpu_ns);
        __atomic_store_n(&Q.compile_cpu, rt_stats.jit_cpu_ns, __ATOMIC_RELAXED);
        rt_stats.jit_ir += nir;
        rt_stats.jit_batches++;
        if (trace)
            fprintf(stderr, "tierup: compile %u blocks %u IR %llu ns\n", n, nir,
                    (unsigned long long)(rt_stats.jit_cpu_ns - before));
        pthread_mutex_lock(&Q.lock);
        Q.ncurrent = 0;
        pthread_mutex_unlock(&Q.lock);
    }
    return NULL;
}

/* Q.lock held. */
static bool start_locked(void)
{
    if (Q.started) return true;
    if (Q.failed) return false;
    /* Only the fault signals reach this thread: the guest's go to guest
     * threads. */
    sigset_t saved;
    rt_signal_block_async(&saved);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 16u << 20); /* LLVM's code generator is deep */
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    int e = pthread_create(&t, &attr, compiler_main, NULL);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    if (e) {
        rt_log("no compiler thread (error %d): compiling on the guest's threads", e);
        Q.failed = true;
        return false;
    }
    Q.started = true;
    return true;
}

/* ---- the interface ------------------------------------------------------- */

bool rt_jitq_waiting;

/* Whether the waiting blocks promise to save more than compiling them and
 * starting the compiler (loading LLVM) cost: the sum over them of
 * saving - jit_save * compile cost (about 0 for a block just queued, growing
 * as it keeps running) reaches jit_save * the start cost. Q.lock held. */
static bool worth_starting_locked(void)
{
    double sum = 0, need = rt_opts.jit_save * (double)rt_tier_start_ns();
    unsigned scanned = 0;
    for (TB *t = Q.head; t && scanned < SCAN_MAX; t = t->qnext, scanned++) {
        sum += (double)score(t) - rt_opts.jit_save * (double)rt_tier_compile_ns(t->nir);
        if (sum >= need) return true;
    }
    return false;
}

/* The compiler starts once the guest has run rt_opts.jit_delay interpreted
 * blocks and the waiting blocks are worth it; until then hot blocks wait in
 * the queue, and the dispatcher calls rt_jitq_kick now and then. Q.lock
 * held. */
static bool ready_locked(void)
{
    if (Q.started || Q.failed ||
        (rt_stats.interp_runs >= rt_opts.jit_delay && worth_starting_locked())) {
        __atomic_store_n(&rt_jitq_waiting, false, __ATOMIC_RELAXED);
        return start_locked();
    }
    __atomic_store_n(&rt_jitq_waiting, true, __ATOMIC_RELAXED);
    return true;
}

void rt_jitq_kick(void)
{
    pthread_mutex_lock(&Q.lock);
    if (ready_locked() && Q.started) pthread_cond_signal(&Q.work);
    bool failed = Q.failed;
    TB *tb = failed ? Q.head : NULL;
    if (tb) unlink_locked(tb);
    pthread_mutex_unlock(&Q.lock);
    /* No thread after all: what waited is compiled here, one per call. */
    if (tb) rt_tb_compile_claimed(tb);
}

bool rt_jitq_push(TB *tb)
{
    uint64_t now = guest_cpu_ns();
    pthread_mutex_lock(&Q.lock);
    bool ok = ready_locked();
    /* A block dropped meanwhile is not queued: its drop has already looked
     * for it here (rt_jitq_forget_locked, after marking it dead). */
    if (ok && !__atomic_load_n(&tb->dead, __ATOMIC_SEQ_CST)) {
        tb->qexecs = __atomic_load_n(&tb->execs, __ATOMIC_RELAXED);
        tb->qtime = now;
        append_locked(tb);
        rt_stats.jit_queued++;
        pthread_cond_signal(&Q.work);
    }
    pthread_mutex_unlock(&Q.lock);
    return ok;
}

void rt_jitq_forget_locked(TB *tb)
{
    pthread_mutex_lock(&Q.lock);
    if (tb->queued) unlink_locked(tb);
    pthread_mutex_unlock(&Q.lock);
}

void rt_jitq_free_code(BeJitCode *code)
{
    if (!code) return;
    FreeNode *f = NULL;
    pthread_mutex_lock(&Q.lock);
    bool defer = Q.started && !is_compiler;
    pthread_mutex_unlock(&Q.lock);
    if (defer) f = malloc(sizeof *f);
    if (!f) {
        be_llvm_free(code);
        return;
    }
    f->code = code;
    pthread_mutex_lock(&Q.lock);
    f->next = Q.frees;
    Q.frees = f;
    pthread_cond_signal(&Q.work);
    pthread_mutex_unlock(&Q.lock);
}

unsigned rt_jitq_length(void)
{
    return __atomic_load_n(&Q.len, __ATOMIC_RELAXED);
}

unsigned rt_jitq_max_length(void)
{
    return __atomic_load_n(&Q.max_len, __ATOMIC_RELAXED);
}

void rt_jitq_stats_add(RtStats *to)
{
    const RtStats *s = __atomic_load_n(&compiler_stats, __ATOMIC_ACQUIRE);
    if (!s) return;
    to->jit_compiles += s->jit_compiles;
    to->jit_failures += s->jit_failures;
    to->jit_ns += s->jit_ns;
    to->chain_patches += s->chain_patches;
    to->jit_cpu_ns += s->jit_cpu_ns;
    to->jit_start_ns += s->jit_start_ns;
    to->jit_wait_ns += s->jit_wait_ns;
    to->jit_ir += s->jit_ir;
    to->jit_cold += s->jit_cold;
    to->jit_batches += s->jit_batches;
}

void rt_jitq_lock_all(void)
{
    pthread_mutex_lock(&Q.lock);
}

void rt_jitq_unlock_all(void)
{
    pthread_mutex_unlock(&Q.lock);
}

void rt_jitq_reset_in_child(void)
{
    /* The compiler thread is gone. What it had taken and what was queued
     * goes back to the interpreter's hotness count, to be queued again
     * (by a new compiler thread) when it gets hot. */
    for (unsigned i = 0; i < Q.ncurrent; i++) {
        __atomic_store_n(&Q.current[i]->compiling, 0, __ATOMIC_RELEASE);
        __atomic_store_n(&Q.current[i]->execs, 0, __ATOMIC_RELAXED);
    }
    Q.ncurrent = 0;
    while (Q.head) {
        TB *tb = Q.head;
        unlink_locked(tb);
        __atomic_store_n(&tb->compiling, 0, __ATOMIC_RELEASE);
        __atomic_store_n(&tb->execs, 0, __ATOMIC_RELAXED);
    }
    Q.started = false;
    Q.compiler_cpu = Q.compile_cpu = 0; /* the child's CPU clocks start afresh */
    rt_jitq_waiting = false;
    compiler_stats = NULL;
    /* The condition variable still counts the parent's waiting compiler
     * thread, which does not exist here: start it afresh. */
    pthread_cond_t fresh = PTHREAD_COND_INITIALIZER;
    Q.work = fresh;
}
