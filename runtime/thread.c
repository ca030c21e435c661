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
#include "runtime/jitq.h"
#include "runtime/thread.h"

#include <errno.h>
#include <linux/futex.h>
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
    int tgid; /* the host process it belongs to (a vfork child is another) */
    bool is_main;
    jmp_buf exit_jb; /* threads made by clone: back to thread_main */
    void *altstack;
} RtThread;

static pthread_mutex_t thr_lock = PTHREAD_MUTEX_INITIALIZER;
static RtThread *threads; /* live guest threads of every process sharing the memory */
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
            return;
        }
    }
}

/* Live threads of the calling thread's process. */
static int count_group_locked(void)
{
    int n = 0;
    for (RtThread *t = threads; t; t = t->next) n += t->tgid == self->tgid;
    return n;
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
    main_thread.tgid = getpid();
    main_thread.is_main = true;
    main_thread.stats = &rt_stats;
    self = &main_thread;
    threads = &main_thread;
    pthread_atfork(rt_fork_prepare, rt_fork_parent, rt_fork_child);
}

int rt_thread_count(void)
{
    pthread_mutex_lock(&thr_lock);
    int n = count_group_locked();
    pthread_mutex_unlock(&thr_lock);
    return n;
}

CPUState *rt_thread_env_of(int tid)
{
    CPUState *env = NULL;
    pthread_mutex_lock(&thr_lock);
    for (RtThread *t = threads; t; t = t->next)
        if (t->tid == tid && t->tgid == self->tgid) env = t->env;
    pthread_mutex_unlock(&thr_lock);
    return env;
}

void rt_thread_foreach_other(void (*fn)(CPUState *env, int tid, void *arg), void *arg)
{
    pthread_mutex_lock(&thr_lock);
    for (RtThread *t = threads; t; t = t->next)
        if (t != self && t->tgid == self->tgid) fn(t->env, t->tid, arg);
    pthread_mutex_unlock(&thr_lock);
}

void rt_thread_stats_sum(RtStats *out)
{
    pthread_mutex_lock(&thr_lock);
    *out = dead_stats;
    /* Other threads' counters are read while they run: a snapshot. */
    for (RtThread *t = threads; t; t = t->next) stats_add(out, t->stats);
    pthread_mutex_unlock(&thr_lock);
    rt_jitq_stats_add(out);
}

/* ---- creation ----------------------------------------------------------- */

typedef struct Start {
    RtThread *t;
    uint32_t flags, ptid, ctid;
    uint64_t guest_mask;
    GuestSigaction *sigtab;
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

/* The first steps of a new host thread (or memory-sharing process) running
 * guest thread t, with its process's dispositions. */
static void enter_thread(RtThread *t, GuestSigaction *sigtab)
{
    self = t;
    t->tid = host_tid();
    t->tgid = getpid();
    t->stats = &rt_stats;
    set_altstack(t);
    rt_thread_env = t->env;
    rt_sigactions = sigtab;
}

static void *thread_main(void *arg)
{
    Start *s = arg;
    RtThread *t = s->t;
    enter_thread(t, s->sigtab);
    pthread_mutex_lock(&thr_lock);
    t->next = threads;
    threads = t;
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

/* Start a detached host thread running fn(arg) with every asynchronous
 * signal blocked (it sets its own mask once it is ready to take them), and
 * wait for it to post *ready. The caller's host mask stays fully blocked
 * until then, so no signal is taken half-way. Returns 0 or an errno. */
static int start_and_wait(void *(*fn)(void *), void *arg, size_t stack, sem_t *ready)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sigset_t saved;
    rt_signal_block_async(&saved);
    pthread_t pt;
    int e = pthread_create(&pt, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    if (e == 0)
        while (sem_wait(ready) != 0) {
        }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    return e;
}

long rt_thread_create(CPUState *child, uint32_t flags, uint32_t ptid, uint32_t ctid)
{
    RtThread *t = calloc(1, sizeof *t);
    if (!t) return -ENOMEM;
    t->env = child;
    Start s = {.t = t,
               .flags = flags,
               .ptid = ptid,
               .ctid = ctid,
               .guest_mask = rt_sigmask,
               .sigtab = rt_sigactions};
    sem_init(&s.ready, 0, 0);
    int e = start_and_wait(thread_main, &s, THREAD_STACK, &s.ready);
    if (e) {
        free(child);
        free(t);
    }
    sem_destroy(&s.ready);
    if (e) return e == EAGAIN ? -EAGAIN : -e;
    return __atomic_load_n(&s.tid, __ATOMIC_ACQUIRE);
}

/* ---- processes sharing the memory (CLONE_VM without CLONE_THREAD) ------- */

/* The child C is a host process made by a raw clone(CLONE_VM) on a stack of
 * its own. It runs xrun like any guest thread and needs a host thread's TLS
 * (xrun's _Thread_local state, glibc's errno and malloc cache) that no
 * running thread uses. So the parent starts a helper pthread H with every
 * signal blocked, and H makes the clone: C inherits H's TLS, and H does
 * nothing but wait while C runs. The kernel clears H's word `alive` (clone's
 * CLONE_CHILD_CLEARTID) when C exits or execs; then H takes C out of the
 * registry and the epoch set (C's epoch record is the TLS both share), frees
 * its stack and state, and ends. With CLONE_VFORK, H's clone returns only
 * once C has exec'd or exited, and so does the guest's clone.
 *
 * C is the leader of its own thread group (tgid): exit_group ends C alone,
 * and its exit(2) is the process's end. Its dispositions are a copy of its
 * parent's unless CLONE_SIGHAND shares them, as in the kernel. */
/* What the parent waits for (on its own stack; the helper posts it last). */
typedef struct VmReply {
    sem_t ready;
    long result; /* the guest clone's result */
} VmReply;

/* The helper's (malloc'd; freed when C is gone). */
typedef struct VmStart {
    RtThread *t;
    uint32_t flags, ctid;
    int32_t *host_ptid; /* CLONE_PARENT_SETTID, written by the host kernel */
    uint64_t guest_mask;
    RtAltStack altstack;
    GuestSigaction *sigtab;
    bool own_sigtab;
    void *stack;
    int alive; /* C's tid while it runs in this memory, 0 after */
    VmReply *reply;
} VmStart;

/* Host stack of the helper itself (glibc takes the static TLS from it). */
#define HELPER_STACK (1u << 20)

static int vm_child_main(void *arg)
{
    VmStart *s = arg;
    RtThread *t = s->t;
    enter_thread(t, s->sigtab);
    rt_altstack = s->altstack;
    rt_sigmask = s->guest_mask;
    if (s->flags & CLONE_CHILD_SETTID) put_tid(s->ctid, t->tid);
    pthread_mutex_lock(&thr_lock);
    t->next = threads;
    threads = t;
    pthread_mutex_unlock(&thr_lock);
    rt_signal_thread_start();
    rt_run(t->env); /* ends in exit, exit_group, execve or a signal */
}

/* Guest clone flags the host clone takes as they are. */
#define VM_HOST_FLAGS                                                                              \
    (0xffu | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_PTRACE | CLONE_VFORK |      \
     CLONE_PARENT | CLONE_SYSVSEM | CLONE_UNTRACED | CLONE_IO)

/* C has exited or exec'd: nothing runs on its stack or in its records. */
static void vm_child_gone(VmStart *s)
{
    RtThread *t = s->t;
    pthread_mutex_lock(&thr_lock);
    unlink_locked(t);
    if (t->stats) stats_add(&dead_stats, t->stats);
    pthread_mutex_unlock(&thr_lock);
    rt_epoch_unregister(); /* C's record: the TLS is the one C used */
    free(t->altstack);
    free(t->env);
    free(t);
    if (s->own_sigtab) free(s->sigtab);
    munmap(s->stack, THREAD_STACK);
    free(s);
}

static void *vm_helper_main(void *arg)
{
    VmStart *s = arg;
    unsigned long hf = (s->flags & VM_HOST_FLAGS) | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
    if (s->host_ptid) hf |= CLONE_PARENT_SETTID;
    s->alive = -1;
    int pid = clone(vm_child_main, (char *)s->stack + THREAD_STACK, (int)hf, s, s->host_ptid,
                    NULL, &s->alive);
    VmReply *r = s->reply;
    r->result = pid < 0 ? -errno : pid;
    sem_post(&r->ready); /* r is the parent's again */
    if (pid >= 0) {
        int v;
        while ((v = __atomic_load_n(&s->alive, __ATOMIC_ACQUIRE)) != 0)
            syscall(SYS_futex, &s->alive, FUTEX_WAIT, v, NULL, NULL, 0);
    }
    vm_child_gone(s);
    return NULL;
}

long rt_vm_process_create(CPUState *child, uint32_t flags, uint32_t ptid, uint32_t ctid)
{
    VmStart *s = calloc(1, sizeof *s);
    RtThread *t = calloc(1, sizeof *t);
    void *stack = mmap(NULL, THREAD_STACK, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    GuestSigaction *sigtab = (flags & CLONE_SIGHAND) ? rt_sigactions : rt_signal_table_copy();
    if (!s || !t || stack == MAP_FAILED || !sigtab) {
        free(child);
        free(s);
        free(t);
        if (stack != MAP_FAILED) munmap(stack, THREAD_STACK);
        if (sigtab && sigtab != rt_sigactions) free(sigtab);
        return -ENOMEM;
    }
    t->env = child;
    t->is_main = true; /* the leader of its own thread group */
    s->t = t;
    s->flags = flags;
    s->ctid = ctid;
    if (flags & CLONE_PARENT_SETTID) s->host_ptid = rt_g2h_checked(ptid, 4, PROT_READ | PROT_WRITE);
    s->guest_mask = rt_sigmask;
    /* The kernel keeps the altstack for a vfork child only. */
    s->altstack = (flags & CLONE_VFORK) ? rt_altstack : (RtAltStack){0, G_SS_DISABLE, 0};
    s->sigtab = sigtab;
    s->own_sigtab = sigtab != rt_sigactions;
    s->stack = stack;
    VmReply r = {.result = 0};
    s->reply = &r;
    sem_init(&r.ready, 0, 0);
    int e = start_and_wait(vm_helper_main, s, HELPER_STACK, &r.ready);
    sem_destroy(&r.ready);
    if (e) { /* no helper: nothing ran */
        free(child);
        free(t);
        if (s->own_sigtab) free(sigtab);
        munmap(stack, THREAD_STACK);
        free(s);
        return e == EAGAIN ? -EAGAIN : -e;
    }
    return r.result;
}

/* ---- exit --------------------------------------------------------------- */

_Noreturn void rt_thread_exit(int status)
{
    RtThread *t = self;
    pthread_mutex_lock(&thr_lock);
    if (count_group_locked() == 1) {
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
    t->tgid = getpid();
    t->next = NULL;
    threads = t;
    t->is_main = true; /* the child's thread group leader */
    /* The kernel gives a forked child neither of these. */
    t->env->clear_child_tid = 0;
    t->env->robust_list = 0;
    rt_epoch_fork_child();
    rt_jitq_reset_in_child();
    pthread_mutex_unlock(&thr_lock);
    sys_fork_unlock();
    rt_mem_fork_unlock();
    rt_code_unlock_all();
}
