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

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "runtime/epoch.h"
#include "runtime/log.h"
#include "runtime/opts.h"
#include "runtime/signal.h"
#include "runtime/tcache.h"

typedef struct FreeNode {
    struct FreeNode *next;
    BeJitCode *code;
} FreeNode;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work;
    TB *head, *tail;
    unsigned len, max_len;
    TB *current; /* taken by the compiler, being compiled */
    FreeNode *frees;
    bool started, failed;
} Q = {.lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER};

/* Queued blocks the compiler looks at to pick the next one. */
#define SCAN_MAX 256

static _Thread_local bool is_compiler;
static RtStats *compiler_stats; /* the compiler thread's rt_stats */

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

static void *compiler_main(void *arg)
{
    (void)arg;
    is_compiler = true;
    compiler_stats = &rt_stats;
    rt_epoch_register();
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
        /* The hottest of the oldest SCAN_MAX waiting blocks first: a
         * startup-heavy program queues thousands, and those that kept
         * running since they were queued matter. The scan is bounded because
         * the queue lock is held (guest threads queue, and drops and the
         * write-fault handler take it too). */
        TB *tb = Q.head;
        unsigned scanned = 0;
        for (TB *t = Q.head; t && scanned < SCAN_MAX; t = t->qnext, scanned++)
            if (__atomic_load_n(&t->execs, __ATOMIC_RELAXED) >
                __atomic_load_n(&tb->execs, __ATOMIC_RELAXED))
                tb = t;
        if (tb) unlink_locked(tb);
        Q.current = tb;
        pthread_mutex_unlock(&Q.lock);
        if (!tb) continue;
        rt_tb_compile_claimed(tb);
        pthread_mutex_lock(&Q.lock);
        Q.current = NULL;
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

/* The compiler starts once the guest has run long enough (rt_opts.jit_delay
 * interpreted blocks on the calling thread); until then hot blocks wait in
 * the queue. Q.lock held. */
static bool ready_locked(void)
{
    if (Q.started || Q.failed || rt_stats.interp_runs >= rt_opts.jit_delay) {
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
    pthread_mutex_lock(&Q.lock);
    bool ok = ready_locked();
    /* A block dropped meanwhile is not queued: its drop has already looked
     * for it here (rt_jitq_forget_locked, after marking it dead). */
    if (ok && !__atomic_load_n(&tb->dead, __ATOMIC_SEQ_CST)) {
        append_locked(tb);
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
    if (Q.current) {
        __atomic_store_n(&Q.current->compiling, 0, __ATOMIC_RELEASE);
        __atomic_store_n(&Q.current->execs, 0, __ATOMIC_RELAXED);
        Q.current = NULL;
    }
    while (Q.head) {
        TB *tb = Q.head;
        unlink_locked(tb);
        __atomic_store_n(&tb->compiling, 0, __ATOMIC_RELEASE);
        __atomic_store_n(&tb->execs, 0, __ATOMIC_RELAXED);
    }
    Q.started = false;
    rt_jitq_waiting = false;
    compiler_stats = NULL;
    /* The condition variable still counts the parent's waiting compiler
     * thread, which does not exist here: start it afresh. */
    pthread_cond_t fresh = PTHREAD_COND_INITIALIZER;
    Q.work = fresh;
}
