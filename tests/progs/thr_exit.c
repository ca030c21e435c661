/* xrun-test: cflags=-pthread timeout=60 */
/* How threads and processes end: join values, a thread's raw SYS_exit (only that thread ends),
   exit(N) and _exit(N) from a thread while others spin or block (the process status is N),
   return from main while threads run, the main thread's pthread_exit with a worker joining it
   and finishing the work (status 0), abort() in a thread, detached threads. Each scenario runs
   in a child forked by the single-threaded parent, which prints the child's status. */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(call)                                                                   \
    do {                                                                              \
        int e_ = (call);                                                              \
        if (e_) { printf("%s failed: %s\n", #call, strerror(e_)); _exit(100); }       \
    } while (0)

static atomic_int started;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int pipefd[2];

static void *spinner(void *arg)
{
    (void)arg;
    atomic_fetch_add(&started, 1);
    volatile unsigned x = 1;
    for (;;) x = x * 1103515245u + 12345u;
    return NULL;
}

static void *cond_blocker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    atomic_fetch_add(&started, 1);
    for (;;) pthread_cond_wait(&never, &m);
    return NULL;
}

static void *read_blocker(void *arg)
{
    (void)arg;
    atomic_fetch_add(&started, 1);
    char c;
    for (;;) read(pipefd[0], &c, 1); /* nobody ever writes */
    return NULL;
}

/* Start one spinner, one thread blocked in a futex, one blocked in read(). */
static void start_busy_threads(void)
{
    pthread_t t;
    if (pipe(pipefd)) _exit(101);
    CHECK(pthread_create(&t, NULL, spinner, NULL));
    CHECK(pthread_create(&t, NULL, cond_blocker, NULL));
    CHECK(pthread_create(&t, NULL, read_blocker, NULL));
    while (atomic_load(&started) < 3) sched_yield();
}

static void report(const char *name, void (*fn)(void))
{
    fflush(stdout);
    pid_t p = fork();
    if (p < 0) { perror("fork"); exit(1); }
    if (p == 0) {
        fn();
        _exit(99); /* not reached */
    }
    int st;
    if (waitpid(p, &st, 0) != p) { perror("waitpid"); exit(1); }
    if (WIFEXITED(st)) printf("%s: exit %d\n", name, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: signal %s\n", name, strsignal(WTERMSIG(st)));
    else printf("%s: status %#x\n", name, st);
}

/* ---- join values and a raw SYS_exit ---------------------------------------------------------- */

static void *value_thread(void *arg)
{
    intptr_t i = (intptr_t)arg;
    if (i == 3) pthread_exit((void *)-3);
    return (void *)(i * i);
}

static atomic_int after_raw_exit;

static void *raw_exit_thread(void *arg)
{
    (void)arg;
    syscall(SYS_exit, 3); /* ends this thread only; the kernel clears its tid (join works) */
    atomic_store(&after_raw_exit, 1);
    return NULL;
}

static void scen_join(void)
{
    pthread_t t[10];
    for (intptr_t i = 0; i < 10; i++) CHECK(pthread_create(&t[i], NULL, value_thread, (void *)i));
    long sum = 0;
    for (int i = 9; i >= 0; i--) {
        void *r;
        CHECK(pthread_join(t[i], &r));
        printf("  join %d -> %ld\n", i, (long)(intptr_t)r);
        sum += (long)(intptr_t)r;
    }
    pthread_t raw;
    CHECK(pthread_create(&raw, NULL, raw_exit_thread, NULL));
    CHECK(pthread_join(raw, NULL));
    printf("  sum %ld; raw SYS_exit thread joined, its code after exit ran: %d\n", sum,
           atomic_load(&after_raw_exit));
    /* one more thread after that, to show the process is fine */
    CHECK(pthread_create(&t[0], NULL, value_thread, (void *)(intptr_t)7));
    void *r;
    CHECK(pthread_join(t[0], &r));
    printf("  after: join -> %ld\n", (long)(intptr_t)r);
    exit(0);
}

/* ---- exit(N) from a thread while others run -------------------------------------------------- */

static void bye(void) { printf("  atexit handler ran\n"); }

static void *exit_thread(void *arg)
{
    start_busy_threads();
    printf("  thread calls exit(%d)\n", (int)(intptr_t)arg);
    exit((int)(intptr_t)arg);
}

static void scen_thread_exit(void)
{
    atexit(bye);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, exit_thread, (void *)(intptr_t)23));
    pthread_join(t, NULL); /* never returns: the process ends first */
    printf("  join returned\n");
    _exit(98);
}

static void *underscore_exit_thread(void *arg)
{
    (void)arg;
    while (atomic_load(&started) < 3) sched_yield();
    printf("  thread calls _exit(45)\n");
    _exit(45);
}

static void scen_thread_underscore_exit(void)
{
    atexit(bye); /* _exit does not run it */
    pthread_t t;
    CHECK(pthread_create(&t, NULL, underscore_exit_thread, NULL));
    start_busy_threads();
    volatile unsigned x = 7; /* main spins too */
    for (;;) x = x * 69069u + 1u;
}

/* ---- return from main while threads run ------------------------------------------------------ */

static void scen_return_main(void)
{
    start_busy_threads();
    printf("  main returns 7\n");
    fflush(stdout);
    /* what returning from main does: exit(7) */
    exit(7);
}

/* ---- main thread pthread_exit; a worker joins it and finishes ------------------------------- */

static pthread_t main_thread;

static void *finisher(void *arg)
{
    (void)arg;
    void *r;
    int e = pthread_join(main_thread, &r);
    printf("  worker: joined main: %s, value %ld\n", e ? strerror(e) : "ok", (long)(intptr_t)r);
    unsigned long long acc = 0;
    for (unsigned i = 1; i <= 100000; i++) acc += (unsigned long long)i * i;
    printf("  worker: sum of squares %llu, returning\n", acc);
    return NULL; /* the last thread: the process exits with status 0 */
}

static void scen_main_pthread_exit(void)
{
    atexit(bye);
    main_thread = pthread_self();
    pthread_t t;
    CHECK(pthread_create(&t, NULL, finisher, NULL));
    printf("  main: pthread_exit(55)\n");
    pthread_exit((void *)55);
}

/* ---- abort() in a thread --------------------------------------------------------------------- */

static void *abort_thread(void *arg)
{
    (void)arg;
    printf("  thread calls abort()\n");
    fflush(stdout);
    abort();
}

static void scen_thread_abort(void)
{
    pthread_t t;
    start_busy_threads();
    CHECK(pthread_create(&t, NULL, abort_thread, NULL));
    pthread_join(t, NULL);
    _exit(97);
}

/* ---- detached threads ------------------------------------------------------------------------ */

static sem_t done_sem;
static atomic_long detached_sum;

static void *detached_worker(void *arg)
{
    long v = (long)(intptr_t)arg;
    atomic_fetch_add(&detached_sum, v);
    sem_post(&done_sem);
    return NULL;
}

static void *self_detaching_worker(void *arg)
{
    pthread_detach(pthread_self());
    return detached_worker(arg);
}

static void scen_detached(void)
{
    sem_init(&done_sem, 0, 0);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    int ds;
    pthread_attr_getdetachstate(&a, &ds);
    printf("  attr detached: %d\n", ds == PTHREAD_CREATE_DETACHED);
    for (intptr_t i = 1; i <= 20; i++) {
        pthread_t t;
        if (i % 3 == 0) CHECK(pthread_create(&t, NULL, self_detaching_worker, (void *)i));
        else if (i % 3 == 1) CHECK(pthread_create(&t, &a, detached_worker, (void *)i));
        else {
            CHECK(pthread_create(&t, NULL, detached_worker, (void *)i));
            CHECK(pthread_detach(t));
        }
    }
    for (int i = 0; i < 20; i++) sem_wait(&done_sem);
    printf("  20 detached threads: sum %ld\n", atomic_load(&detached_sum));
    /* many short-lived ones in sequence: stacks are reused once the kernel clears the tid */
    for (intptr_t i = 0; i < 300; i++) {
        pthread_t t;
        CHECK(pthread_create(&t, &a, detached_worker, (void *)1));
        sem_wait(&done_sem);
    }
    printf("  300 more in sequence: sum %ld\n", atomic_load(&detached_sum));
    exit(0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    report("join values", scen_join);
    report("exit(23) in a thread", scen_thread_exit);
    report("_exit(45) in a thread", scen_thread_underscore_exit);
    report("exit(7) from main with threads running", scen_return_main);
    report("main pthread_exit", scen_main_pthread_exit);
    report("abort in a thread", scen_thread_abort);
    report("detached", scen_detached);
    return 0;
}
