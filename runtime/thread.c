/* Guest threads: creation, exit, the registry, fork (runtime/thread.h).
 *
 * Creation: the parent registers the child, blocks every host signal and
 * starts a detached host thread (large stack: the translator and LLVM run
 * on it). The child takes its tid, stores it where CLONE_PARENT_SETTID /
 * CLONE_CHILD_SETTID ask, takes the guest signal mask of its creator and
 * posts `ready` (only then does clone return in the parent, so the tid is
 * in memory before either side goes on, as the kernel does it); then it
 * sets its host mask from the guest's (rt_signal_thread_start). The guest
 * altstack starts disabled (a _Thread_local of runtime/signal.c), as the
 * kernel gives a CLONE_VM child.
 *
 * Exit: rt_thread_exit leaves the registry. A thread made by clone
 * longjmps back to its start function, which frees its state and returns
 * (ending the host thread); the main host thread cannot end without ending
 * the process, so it parks with every signal blocked. The last thread to
 * exit ends the process instead of leaving.
 */
#include "runtime/epoch.h"
#include "runtime/thread.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/log.h"
#include "runtime/mem.h"
#include "runtime/signal.h"
#include "syscalls/sys.h"

/* Host stack of a guest thread: the dispatcher, the translator and LLVM's
 * code generator run on it (only touched pages are committed). */
#define THREAD_STACK (16u << 20)
/* Host signal stack of each thread, for xrun's fault handler. */
#define ALTSTACK_SIZE (64u << 10)

typedef struct RtThread {
    struct RtThread *next;
    CPUState *env;
    RtStats *stats; /* the thread's _Thread_local rt_stats */
    int tid;
    bool is_main;
    jmp_buf exit_jb; /* threads made by clone: back to thread_main */
    void *altstack;
} RtThread;

static pthread_mutex_t thr_lock = PTHREAD_MUTEX_INITIALIZER;
static RtThread *threads; /* live guest threads */
static int nthreads;
static RtStats dead_stats; /* counters of threads that have exited */
static RtThread main_thread;
static _Thread_local RtThread *self;

static int host_tid(void)
{
    return (int)syscall(SYS_gettid);
}

static void stats_add(RtStats *to, const RtStats *from)
{
    uint64_t *t = (uint64_t *)to;
    const uint64_t *f = (const uint64_t *)from;
    for (size_t i = 0; i < sizeof *to / sizeof(uint64_t); i++) t[i] += f[i];
}
_Static_assert(sizeof(RtStats) % sizeof(uint64_t) == 0, "RtStats is all uint64_t counters");

static void unlink_locked(RtThread *t)
{
    for (RtThread **p = &threads; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            nthreads--;
            return;
        }
    }
}

CPUState *rt_thread_env_alloc(void)
{
    /* sizeof is a multiple of the alignment, as aligned_alloc wants. */
    CPUState *env = aligned_alloc(_Alignof(CPUState), sizeof(CPUState));
    if (env) memset(env, 0, sizeof *env);
    return env;
}

void rt_thread_init(CPUState *env)
{
    main_thread.env = env;
    main_thread.tid = host_tid();
    main_thread.is_main = true;
    main_thread.stats = &rt_stats;
    self = &main_thread;
    threads = &main_thread;
    nthreads = 1;
    pthread_atfork(rt_fork_prepare, rt_fork_parent, rt_fork_child);
}

int rt_thread_count(void)
{
    return __atomic_load_n(&nthreads, __ATOMIC_RELAXED);
}

CPUState *rt_thread_env_of(int tid)
{
    CPUState *env = NULL;
    pthread_mutex_lock(&thr_lock);
    for (RtThread *t = threads; t; t = t->next)
        if (t->tid == tid) env = t->env;
    pthread_mutex_unlock(&thr_lock);
    return env;
}

void rt_thread_stats_sum(RtStats *out)
{
    pthread_mutex_lock(&thr_lock);
    *out = dead_stats;
    /* Other threads' counters are read while they run: a snapshot. */
    for (RtThread *t = threads; t; t = t->next) stats_add(out, t->stats);
    pthread_mutex_unlock(&thr_lock);
}

/* ---- creation ----------------------------------------------------------- */

typedef struct Start {
    RtThread *t;
    uint32_t flags, ptid, ctid;
    uint64_t guest_mask;
    sem_t ready;
    int tid;
} Start;

static void set_altstack(RtThread *t)
{
    t->altstack = malloc(ALTSTACK_SIZE);
    if (!t->altstack) return;
    stack_t ss = {.ss_sp = t->altstack, .ss_size = ALTSTACK_SIZE, .ss_flags = 0};
    sigaltstack(&ss, NULL);
}

/* Store a tid for CLONE_*_SETTID (a bad address is ignored, as the kernel
 * does). */
static void put_tid(uint32_t a, int32_t tid)
{
    int32_t *p = rt_g2h_checked(a, 4, PROT_READ | PROT_WRITE);
    if (p) __atomic_store_n(p, tid, __ATOMIC_RELEASE);
}

static void *thread_main(void *arg)
{
    Start *s = arg;
    RtThread *t = s->t;
    self = t;
    t->tid = host_tid();
    t->stats = &rt_stats;
    set_altstack(t);
    rt_thread_env = t->env;
    pthread_mutex_lock(&thr_lock);
    t->next = threads;
    threads = t;
    nthreads++;
    pthread_mutex_unlock(&thr_lock);
    int32_t tid = t->tid;
    if (s->flags & CLONE_PARENT_SETTID) put_tid(s->ptid, tid);
    if (s->flags & CLONE_CHILD_SETTID) put_tid(s->ctid, tid);
    rt_sigmask = s->guest_mask;
    __atomic_store_n(&s->tid, tid, __ATOMIC_RELEASE);
    sem_post(&s->ready); /* s belongs to the parent from here on */
    rt_signal_thread_start(); /* the host mask for the guest's */

    if (setjmp(t->exit_jb) == 0) rt_run(t->env);

    /* rt_thread_exit came back here: the thread is out of the registry. */
    stack_t off = {.ss_flags = SS_DISABLE};
    sigaltstack(&off, NULL);
    free(t->altstack);
    free(t->env);
    free(t);
    return NULL;
}

long rt_thread_create(CPUState *child, uint32_t flags, uint32_t ptid, uint32_t ctid)
{
    RtThread *t = calloc(1, sizeof *t);
    if (!t) return -ENOMEM;
    t->env = child;
    Start s = {.t = t, .flags = flags, .ptid = ptid, .ctid = ctid, .guest_mask = rt_sigmask};
    sem_init(&s.ready, 0, 0);
    sigset_t saved;

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, THREAD_STACK);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* The child starts with every asynchronous signal blocked and sets its
     * own mask once it is ready to take them. */
    sigset_t all;
    sigfillset(&all);
    static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) sigdelset(&all, faults[i]);
    pthread_sigmask(SIG_SETMASK, &all, &saved);

    pthread_t pt;
    int e = pthread_create(&pt, &attr, thread_main, &s);
    pthread_attr_destroy(&attr);
    if (e == 0) {
        while (sem_wait(&s.ready) != 0) {
        }
    } else {
        free(t);
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    sem_destroy(&s.ready);
    if (e) return e == EAGAIN ? -EAGAIN : -e;
    return __atomic_load_n(&s.tid, __ATOMIC_ACQUIRE);
}

/* ---- exit --------------------------------------------------------------- */

_Noreturn void rt_thread_exit(int status)
{
    RtThread *t = self;
    pthread_mutex_lock(&thr_lock);
    if (nthreads == 1) {
        pthread_mutex_unlock(&thr_lock);
        rt_exit(status);
    }
    unlink_locked(t);
    stats_add(&dead_stats, t->stats);
    pthread_mutex_unlock(&thr_lock);
    rt_epoch_unregister(); /* frees of dropped code stop waiting for it */
    if (!t->is_main) longjmp(t->exit_jb, 1);
    /* The main host thread parks; no signal may pick it. */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    for (;;) pause();
}

/* ---- fork --------------------------------------------------------------- */

void rt_fork_prepare(void)
{
    rt_code_lock_all();
    rt_mem_fork_lock();
    sys_fork_lock();
    pthread_mutex_lock(&thr_lock);
}

void rt_fork_parent(void)
{
    pthread_mutex_unlock(&thr_lock);
    sys_fork_unlock();
    rt_mem_fork_unlock();
    rt_code_unlock_all();
}

void rt_fork_child(void)
{
    /* Only the calling thread exists in the child. The others' records
     * stay allocated: their CPUStates may still be referenced by state
     * copied at fork, and they are few. */
    RtThread *t = self;
    t->tid = host_tid();
    t->next = NULL;
    threads = t;
    nthreads = 1;
    t->is_main = true; /* the child's thread group leader */
    /* The kernel gives a forked child neither of these. */
    t->env->clear_child_tid = 0;
    t->env->robust_list = 0;
    rt_epoch_fork_child();
    pthread_mutex_unlock(&thr_lock);
    sys_fork_unlock();
    rt_mem_fork_unlock();
    rt_code_unlock_all();
}
