/* xrun-test: cflags=-pthread timeout=60 */
/* futex and the glibc locks built on it, where the results do not depend on timing: raw futex
   error paths (EAGAIN, ETIMEDOUT with relative and absolute timeouts, EFAULT, EINVAL, ENOSYS),
   FUTEX_WAKE_OP's update, the time64 futex call, FUTEX_WAIT_BITSET woken by FUTEX_WAKE_BITSET;
   timed waits of condvars, mutexes, rwlocks and semaphores that time out; mutex kinds
   (recursive, error-checking, priority-inheritance under contention), spin locks. Robust
   mutexes are in thr_robust.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_futex_time64
#define SYS_futex_time64 422
#endif

#define CHECK(call)                                                                   \
    do {                                                                              \
        int e_ = (call);                                                              \
        if (e_) { printf("%s failed: %s\n", #call, strerror(e_)); _exit(1); }         \
    } while (0)

static const char *ename(int e)
{
    switch (e) {
    case 0: return "0";
    case EAGAIN: return "EAGAIN";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS";
    case EBUSY: return "EBUSY";
    case EDEADLK: return "EDEADLK";
    case EPERM: return "EPERM";
    default: return strerror(e);
    }
}

static long fx(volatile int *uaddr, int op, int val, const struct timespec *ts, volatile int *uaddr2,
               int val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static void show(const char *what, long r)
{
    if (r < 0) printf("%-44s -1 %s\n", what, ename(errno));
    else printf("%-44s %ld\n", what, r);
}

static volatile int word, word2;

static void test_raw(void)
{
    struct timespec rel = {0, 20 * 1000 * 1000};
    word = 5;
    show("FUTEX_WAIT, value differs", fx(&word, FUTEX_WAIT, 4, NULL, NULL, 0));
    show("FUTEX_WAIT_PRIVATE, value differs", fx(&word, FUTEX_WAIT_PRIVATE, 4, NULL, NULL, 0));
    show("FUTEX_WAIT, 20 ms relative timeout", fx(&word, FUTEX_WAIT, 5, &rel, NULL, 0));
    struct timespec past = {1, 0}; /* an absolute time long gone */
    show("FUTEX_WAIT_BITSET, absolute time passed",
         fx(&word, FUTEX_WAIT_BITSET, 5, &past, NULL, FUTEX_BITSET_MATCH_ANY));
    show("FUTEX_WAIT_BITSET|CLOCK_REALTIME, passed",
         fx(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5, &past, NULL,
            FUTEX_BITSET_MATCH_ANY));
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_nsec += 20 * 1000 * 1000;
    if (now.tv_nsec >= 1000000000) { now.tv_sec++; now.tv_nsec -= 1000000000; }
    show("FUTEX_WAIT_BITSET, absolute +20 ms",
         fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &now, NULL, FUTEX_BITSET_MATCH_ANY));
    show("FUTEX_WAIT_BITSET, bitset 0", fx(&word, FUTEX_WAIT_BITSET, 5, &past, NULL, 0));
    struct timespec bad_ts = {0, 1000000000};
    show("FUTEX_WAIT, tv_nsec 1e9", fx(&word, FUTEX_WAIT, 5, &bad_ts, NULL, 0));
    show("FUTEX_WAKE, nobody waits", fx(&word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
    show("FUTEX_WAKE_PRIVATE, nobody waits", fx(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    show("FUTEX_WAIT, unmapped address",
         fx((volatile int *)(uintptr_t)0x10, FUTEX_WAIT, 0, NULL, NULL, 0));
    show("FUTEX_WAIT, misaligned address",
         fx((volatile int *)((uintptr_t)&word + 1), FUTEX_WAIT, 0, NULL, NULL, 0));
    show("futex op 99", fx(&word, 99, 0, NULL, NULL, 0));
    show("FUTEX_CMP_REQUEUE, val3 differs",
         fx(&word, FUTEX_CMP_REQUEUE, 1, (const struct timespec *)(uintptr_t)1, &word2, 4));
    show("FUTEX_CMP_REQUEUE, nobody waits",
         fx(&word, FUTEX_CMP_REQUEUE, 1, (const struct timespec *)(uintptr_t)1, &word2, 5));
    /* FUTEX_WAKE_OP: *uaddr2 = *uaddr2 OP oparg, wake on uaddr, and on uaddr2 if the old value
       compares true */
    word2 = 10;
    long r = fx(&word, FUTEX_WAKE_OP, 1, (const struct timespec *)(uintptr_t)1, &word2,
                FUTEX_OP(FUTEX_OP_ADD, 7, FUTEX_OP_CMP_GT, 5));
    printf("%-44s %ld, word2 now %d\n", "FUTEX_WAKE_OP add 7", r, word2);
    r = fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (const struct timespec *)(uintptr_t)1, &word2,
           FUTEX_OP((FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT), 8, FUTEX_OP_CMP_EQ, 0));
    printf("%-44s %ld, word2 now %d\n", "FUTEX_WAKE_OP or 1<<8", r, word2);
    r = fx(&word, FUTEX_WAKE_OP, 1, (const struct timespec *)(uintptr_t)1, &word2,
           FUTEX_OP(FUTEX_OP_SET, 3, FUTEX_OP_CMP_NE, 0));
    printf("%-44s %ld, word2 now %d\n", "FUTEX_WAKE_OP set 3", r, word2);

    /* the time64 call takes a 64-bit struct timespec */
    struct { long long sec; long long nsec; } ts64 = {0, 20 * 1000 * 1000};
    r = syscall(SYS_futex_time64, &word, FUTEX_WAIT, 5, &ts64, NULL, 0);
    show("futex_time64 FUTEX_WAIT, 20 ms", r);
    r = syscall(SYS_futex_time64, &word, FUTEX_WAIT, 4, &ts64, NULL, 0);
    show("futex_time64 FUTEX_WAIT, value differs", r);
    struct { long long sec; long long nsec; } past64 = {1, 0};
    r = syscall(SYS_futex_time64, &word, FUTEX_WAIT_BITSET, 5, &past64, NULL,
                FUTEX_BITSET_MATCH_ANY);
    show("futex_time64 WAIT_BITSET, passed", r);
}

/* FUTEX_WAIT_BITSET woken by FUTEX_WAKE_BITSET with a matching bit; the waiter loops until
   the value changes, so it does not matter whether it slept. */
static volatile int bw;
static void *bitset_waiter(void *arg)
{
    (void)arg;
    while (bw == 0) fx(&bw, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0x4);
    return (void *)(intptr_t)bw;
}

static void test_bitset(void)
{
    pthread_t t;
    CHECK(pthread_create(&t, NULL, bitset_waiter, NULL));
    usleep(10000);
    /* a wake with a disjoint mask never wakes it */
    long r = fx(&bw, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x3);
    printf("%-44s %ld\n", "FUTEX_WAKE_BITSET, disjoint mask", r);
    bw = 9;
    while (pthread_tryjoin_np(t, NULL) == EBUSY) {
        fx(&bw, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x6);
        usleep(1000);
    }
    printf("bitset waiter woke and saw %d\n", bw);
}

/* ---- timed waits that time out -------------------------------------------------------------- */

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rwheld = PTHREAD_RWLOCK_INITIALIZER;
static sem_t locked_in, release;

static void *holder(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&held);
    pthread_rwlock_wrlock(&rwheld);
    sem_post(&locked_in);
    sem_wait(&release);
    pthread_rwlock_unlock(&rwheld);
    pthread_mutex_unlock(&held);
    return NULL;
}

static struct timespec in_ms(clockid_t c, int ms)
{
    struct timespec t;
    clock_gettime(c, &t);
    t.tv_nsec += ms * 1000000L;
    while (t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; }
    return t;
}

static void test_timed(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    pthread_mutex_lock(&m);
    struct timespec t = in_ms(CLOCK_REALTIME, 20);
    printf("pthread_cond_timedwait:        %s\n", ename(pthread_cond_timedwait(&c, &m, &t)));
    t = in_ms(CLOCK_MONOTONIC, 20);
    printf("pthread_cond_clockwait MONO:   %s\n",
           ename(pthread_cond_clockwait(&c, &m, CLOCK_MONOTONIC, &t)));
    pthread_mutex_unlock(&m);

    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_t cm;
    pthread_cond_init(&cm, &ca);
    pthread_mutex_lock(&m);
    t = in_ms(CLOCK_MONOTONIC, 20);
    printf("cond with CLOCK_MONOTONIC:     %s\n", ename(pthread_cond_timedwait(&cm, &m, &t)));
    pthread_mutex_unlock(&m);

    sem_init(&locked_in, 0, 0);
    sem_init(&release, 0, 0);
    pthread_t h;
    CHECK(pthread_create(&h, NULL, holder, NULL));
    sem_wait(&locked_in);
    t = in_ms(CLOCK_REALTIME, 20);
    printf("pthread_mutex_timedlock:       %s\n", ename(pthread_mutex_timedlock(&held, &t)));
    printf("pthread_mutex_trylock:         %s\n", ename(pthread_mutex_trylock(&held)));
    t = in_ms(CLOCK_REALTIME, 20);
    printf("pthread_rwlock_timedrdlock:    %s\n", ename(pthread_rwlock_timedrdlock(&rwheld, &t)));
    t = in_ms(CLOCK_MONOTONIC, 20);
    printf("pthread_rwlock_clockwrlock:    %s\n",
           ename(pthread_rwlock_clockwrlock(&rwheld, CLOCK_MONOTONIC, &t)));
    sem_post(&release);
    CHECK(pthread_join(h, NULL));
    printf("after the holder left, trylock: %s\n", ename(pthread_mutex_trylock(&held)));
    pthread_mutex_unlock(&held);

    sem_t s;
    sem_init(&s, 0, 0);
    t = in_ms(CLOCK_REALTIME, 20);
    int r = sem_timedwait(&s, &t);
    printf("sem_timedwait:                 %s\n", r ? ename(errno) : "0");
    r = sem_trywait(&s);
    printf("sem_trywait:                   %s\n", r ? ename(errno) : "0");
    sem_post(&s);
    sem_post(&s);
    int v;
    sem_getvalue(&s, &v);
    t = in_ms(CLOCK_REALTIME, 20);
    r = sem_timedwait(&s, &t);
    printf("sem after 2 posts: value %d, timedwait %s\n", v, r ? ename(errno) : "0");
}

/* ---- mutex kinds ---------------------------------------------------------------------------- */

#define PI_THREADS 6
#define PI_ITERS 3000
static pthread_mutex_t pi;
static int pi_counter;
static void *pi_hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < PI_ITERS; i++) {
        pthread_mutex_lock(&pi);
        pi_counter = pi_counter + 1;
        pthread_mutex_unlock(&pi);
    }
    return NULL;
}

static pthread_spinlock_t spin;
static int spin_counter;
static void *spin_hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < PI_ITERS; i++) {
        pthread_spin_lock(&spin);
        spin_counter = spin_counter + 1;
        pthread_spin_unlock(&spin);
    }
    return NULL;
}

static void *unlock_other(void *arg)
{
    return (void *)(intptr_t)pthread_mutex_unlock(arg);
}

static void test_kinds(void)
{
    pthread_mutexattr_t a;
    pthread_mutex_t m;

    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m, &a);
    int e1 = pthread_mutex_lock(&m), e2 = pthread_mutex_lock(&m), e3 = pthread_mutex_trylock(&m);
    int u1 = pthread_mutex_unlock(&m), u2 = pthread_mutex_unlock(&m), u3 = pthread_mutex_unlock(&m);
    int u4 = pthread_mutex_unlock(&m);
    printf("recursive: lock %s %s trylock %s, unlock %s %s %s, one more %s\n", ename(e1),
           ename(e2), ename(e3), ename(u1), ename(u2), ename(u3), ename(u4));
    pthread_mutex_destroy(&m);

    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&m, &a);
    e1 = pthread_mutex_lock(&m);
    e2 = pthread_mutex_lock(&m);
    pthread_t t;
    void *r;
    CHECK(pthread_create(&t, NULL, unlock_other, &m));
    CHECK(pthread_join(t, &r));
    u1 = pthread_mutex_unlock(&m);
    u2 = pthread_mutex_unlock(&m);
    printf("errorcheck: lock %s, again %s, unlock from another thread %s, unlock %s, again %s\n",
           ename(e1), ename(e2), ename((int)(intptr_t)r), ename(u1), ename(u2));
    pthread_mutex_destroy(&m);
    pthread_mutexattr_destroy(&a);

    /* priority inheritance: FUTEX_LOCK_PI / FUTEX_UNLOCK_PI under contention */
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
    CHECK(pthread_mutex_init(&pi, &a));
    pthread_t ts[PI_THREADS];
    for (int i = 0; i < PI_THREADS; i++) CHECK(pthread_create(&ts[i], NULL, pi_hammer, NULL));
    for (int i = 0; i < PI_THREADS; i++) CHECK(pthread_join(ts[i], NULL));
    e1 = pthread_mutex_trylock(&pi);
    printf("PI mutex: %d threads x %d: counter %d, trylock %s\n", PI_THREADS, PI_ITERS,
           pi_counter, ename(e1));
    pthread_mutex_unlock(&pi);
    pthread_mutexattr_destroy(&a);

    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    for (int i = 0; i < PI_THREADS; i++) CHECK(pthread_create(&ts[i], NULL, spin_hammer, NULL));
    for (int i = 0; i < PI_THREADS; i++) CHECK(pthread_join(ts[i], NULL));
    pthread_spin_lock(&spin);
    e1 = pthread_spin_trylock(&spin);
    pthread_spin_unlock(&spin);
    printf("spin lock: counter %d, trylock while held %s\n", spin_counter, ename(e1));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_raw();
    test_bitset();
    test_timed();
    test_kinds();
    printf("done\n");
    return 0;
}
