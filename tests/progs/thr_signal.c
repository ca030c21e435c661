/* xrun-test: cflags=-pthread timeout=60 */
/* Signals and threads: per-thread masks (inherited by new threads), a process-directed signal
   taken by the one thread that does not block it, pthread_kill to a chosen thread (the handler
   runs there: a __thread id says where), per-thread pending sets, sigwaitinfo in a dedicated
   thread (queued real-time signals in order with their values), a setitimer storm while two
   threads spin, EINTR against SA_RESTART in a thread, a thread blocked in a futex interrupted by
   a handler and resuming, pthread_cancel, per-thread sigaltstack, SIGSEGV recovery in threads.
   Nothing printed depends on timing: where a signal may come early, it is re-sent until the
   effect is seen. */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define CHECK(call)                                                                   \
    do {                                                                              \
        int e_ = (call);                                                              \
        if (e_) { printf("%s failed: %s\n", #call, strerror(e_)); exit(1); }          \
    } while (0)

static __thread int my_id = -1; /* which thread this is, as the handlers see it */
static sem_t ack;

static void on_usr1(int sig)
{
    (void)sig;
}

static void install(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL)) { perror("sigaction"); exit(1); }
}

static void block(int how, int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    CHECK(pthread_sigmask(how, &s, NULL));
}

static int blocked(int sig)
{
    sigset_t s;
    pthread_sigmask(SIG_BLOCK, NULL, &s);
    return sigismember(&s, sig);
}

/* ---- masks are per thread, inherited at creation --------------------------------------------- */

static void *mask_thread(void *arg)
{
    (void)arg;
    int inherited = blocked(SIGUSR1);
    block(SIG_BLOCK, SIGUSR2);
    block(SIG_UNBLOCK, SIGUSR1);
    return (void *)(intptr_t)(inherited * 4 + blocked(SIGUSR2) * 2 + blocked(SIGUSR1));
}

static void test_masks(void)
{
    block(SIG_BLOCK, SIGUSR1);
    pthread_t t;
    void *r;
    CHECK(pthread_create(&t, NULL, mask_thread, NULL));
    CHECK(pthread_join(t, &r));
    int v = (int)(intptr_t)r;
    printf("masks: thread inherited SIGUSR1 blocked %d, blocked SIGUSR2 %d, unblocked SIGUSR1 %d\n",
           v >> 2 & 1, v >> 1 & 1, !(v & 1));
    printf("masks: main still blocks SIGUSR1 %d, SIGUSR2 %d\n", blocked(SIGUSR1),
           blocked(SIGUSR2));
    block(SIG_UNBLOCK, SIGUSR1);
}

/* ---- a process-directed signal goes to the thread that does not block it --------------------- */

static atomic_int handled_by = -1;
static atomic_int log_ids[8], log_n;

static void record_handler(int sig)
{
    (void)sig;
    atomic_store(&handled_by, my_id);
    int n = atomic_fetch_add(&log_n, 1);
    if (n < 8) atomic_store(&log_ids[n], my_id);
    sem_post(&ack);
}

static __thread volatile sig_atomic_t got_signal;
static void flag_handler(int sig)
{
    record_handler(sig);
    got_signal = 1;
}

static sem_t ready, release;

static void *suspender(void *arg)
{
    my_id = (int)(intptr_t)arg;
    /* SIGUSR1 is blocked here (inherited); wait for it with it unblocked, atomically */
    sigset_t during;
    pthread_sigmask(SIG_BLOCK, NULL, &during);
    sigdelset(&during, SIGUSR1);
    sem_post(&ready);
    while (!got_signal) sigsuspend(&during);
    return NULL;
}

static void *bystander(void *arg)
{
    my_id = (int)(intptr_t)arg;
    sem_post(&ready);
    sem_wait(&release); /* keeps running, SIGUSR1 blocked, until the test is over */
    return NULL;
}

static void test_process_directed(void)
{
    install(SIGUSR1, flag_handler, 0);
    block(SIG_BLOCK, SIGUSR1);
    pthread_t a, b;
    CHECK(pthread_create(&a, NULL, bystander, (void *)(intptr_t)1));
    CHECK(pthread_create(&b, NULL, suspender, (void *)(intptr_t)2));
    sem_wait(&ready);
    sem_wait(&ready);
    kill(getpid(), SIGUSR1);
    CHECK(pthread_join(b, NULL));
    printf("process-directed SIGUSR1 handled by thread %d\n", atomic_load(&handled_by));
    sem_wait(&ack);     /* the handler's post */
    sem_post(&release); /* let the bystander go */
    CHECK(pthread_join(a, NULL));
    block(SIG_UNBLOCK, SIGUSR1);
}

/* ---- pthread_kill to a chosen thread ---------------------------------------------------------- */

static void test_pthread_kill(void)
{
    install(SIGUSR1, flag_handler, 0);
    block(SIG_BLOCK, SIGUSR1);
    pthread_t t[3];
    for (intptr_t i = 0; i < 3; i++)
        CHECK(pthread_create(&t[i], NULL, suspender, (void *)(i + 10)));
    for (int i = 0; i < 3; i++) sem_wait(&ready);
    atomic_store(&log_n, 0);
    int order[3] = {2, 0, 1};
    for (int k = 0; k < 3; k++) {
        CHECK(pthread_kill(t[order[k]], SIGUSR1));
        sem_wait(&ack);
    }
    for (int i = 0; i < 3; i++) CHECK(pthread_join(t[i], NULL));
    printf("pthread_kill to threads 12 10 11: handled in %d %d %d\n", atomic_load(&log_ids[0]),
           atomic_load(&log_ids[1]), atomic_load(&log_ids[2]));
    block(SIG_UNBLOCK, SIGUSR1);
}

/* ---- pending sets are per thread -------------------------------------------------------------- */

static sem_t go, back;

static void *pending_thread(void *arg)
{
    (void)arg;
    sem_wait(&go); /* main has sent SIGUSR2 to this thread, which blocks it */
    sigset_t p;
    sigpending(&p);
    int mine = sigismember(&p, SIGUSR2);
    sem_post(&back);
    sem_wait(&go);
    sigset_t w;
    sigemptyset(&w);
    sigaddset(&w, SIGUSR2);
    int sig = 0;
    sigwait(&w, &sig);
    sigpending(&p);
    return (void *)(intptr_t)(mine * 1000 + sig * 10 + sigismember(&p, SIGUSR2));
}

static void test_pending(void)
{
    install(SIGUSR2, on_usr1, 0);
    block(SIG_BLOCK, SIGUSR2);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, pending_thread, NULL));
    CHECK(pthread_kill(t, SIGUSR2));
    sem_post(&go);
    sem_wait(&back);
    sigset_t p;
    sigpending(&p);
    int in_main = sigismember(&p, SIGUSR2);
    sem_post(&go);
    void *r;
    CHECK(pthread_join(t, &r));
    int v = (int)(intptr_t)r;
    printf("pending: in target thread %d, in main %d; sigwait got %s, pending after %d\n",
           v / 1000, in_main, v / 10 % 100 == SIGUSR2 ? "SIGUSR2" : "other", v % 10);
    block(SIG_UNBLOCK, SIGUSR2);
}

/* ---- sigwaitinfo in a dedicated thread -------------------------------------------------------- */

static int waited[32], nwaited;
static int rt_values[8], nrt;

static void *waiter(void *arg)
{
    (void)arg;
    sigset_t w;
    sigemptyset(&w);
    sigaddset(&w, SIGUSR2);
    sigaddset(&w, SIGRTMIN + 1);
    sigaddset(&w, SIGTERM);
    for (;;) {
        siginfo_t si;
        int s = sigwaitinfo(&w, &si);
        if (s < 0) {
            if (errno == EINTR) continue;
            perror("sigwaitinfo");
            exit(1);
        }
        if (nwaited < 32) waited[nwaited++] = s;
        if (s == SIGRTMIN + 1 && nrt < 8) rt_values[nrt++] = si.si_value.sival_int;
        if (s == SIGTERM) return NULL;
        sem_post(&ack);
    }
}

static void test_sigwait_thread(void)
{
    sigset_t w;
    sigemptyset(&w);
    sigaddset(&w, SIGUSR2);
    sigaddset(&w, SIGRTMIN + 1);
    sigaddset(&w, SIGTERM);
    CHECK(pthread_sigmask(SIG_BLOCK, &w, NULL)); /* every thread blocks them */
    pthread_t t;
    CHECK(pthread_create(&t, NULL, waiter, NULL));
    for (int i = 0; i < 3; i++) {
        kill(getpid(), SIGUSR2);
        sem_wait(&ack);
    }
    for (int i = 1; i <= 5; i++) {
        union sigval v = {.sival_int = i * 111};
        if (sigqueue(getpid(), SIGRTMIN + 1, v)) { perror("sigqueue"); exit(1); }
    }
    for (int i = 0; i < 5; i++) sem_wait(&ack);
    kill(getpid(), SIGTERM);
    CHECK(pthread_join(t, NULL));
    printf("sigwait thread got:");
    for (int i = 0; i < nwaited; i++)
        printf(" %s", waited[i] == SIGUSR2 ? "USR2" : waited[i] == SIGTERM ? "TERM" : "RTMIN+1");
    printf("\nqueued values:");
    for (int i = 0; i < nrt; i++) printf(" %d", rt_values[i]);
    printf("\n");
    CHECK(pthread_sigmask(SIG_UNBLOCK, &w, NULL));
}

/* ---- setitimer storm while two threads spin ---------------------------------------------------- */

static atomic_int ticks;
static void on_alarm(int sig)
{
    (void)sig;
    atomic_fetch_add(&ticks, 1);
}

static void *spin_worker(void *arg)
{
    unsigned x = (unsigned)(intptr_t)arg;
    for (int i = 0; i < 300000; i++) x = x * 1664525u + 1013904223u;
    unsigned result = x;
    /* keep spinning, without system calls, until the handlers have run 100 times */
    while (atomic_load_explicit(&ticks, memory_order_relaxed) < 100) x = x * 69069u + 1u;
    return (void *)(uintptr_t)result;
}

static void test_timer_storm(void)
{
    install(SIGALRM, on_alarm, SA_RESTART);
    pthread_t t[2];
    for (int i = 0; i < 2; i++) CHECK(pthread_create(&t[i], NULL, spin_worker, (void *)(intptr_t)(i + 1)));
    block(SIG_BLOCK, SIGALRM); /* only the spinners can take it */
    struct itimerval it = {{0, 1000}, {0, 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
    void *r[2];
    for (int i = 0; i < 2; i++) CHECK(pthread_join(t[i], &r[i]));
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    install(SIGALRM, SIG_IGN, 0); /* drop one still pending */
    block(SIG_UNBLOCK, SIGALRM);
    printf("timer storm: spinner results %u %u\n", (unsigned)(uintptr_t)r[0],
           (unsigned)(uintptr_t)r[1]);
    printf("handlers ran: %s\n", atomic_load(&ticks) >= 100 ? "yes" : "no");
}

/* ---- EINTR against SA_RESTART, in a thread ---------------------------------------------------- */

static atomic_int eintr_handled;
static void count_handler(int sig)
{
    (void)sig;
    atomic_fetch_add(&eintr_handled, 1);
}

static int rpipe[2];
static atomic_int reader_done;

static void *reader(void *arg)
{
    (void)arg;
    char c = 0;
    ssize_t n = read(rpipe[0], &c, 1);
    int e = errno;
    atomic_store(&reader_done, 1);
    return (void *)(intptr_t)(n < 0 ? -e : c);
}

static void test_eintr(int restart)
{
    install(SIGUSR1, count_handler, restart ? SA_RESTART : 0);
    if (pipe(rpipe)) { perror("pipe"); exit(1); }
    atomic_store(&reader_done, 0);
    atomic_store(&eintr_handled, 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, reader, NULL));
    /* Without SA_RESTART: signal until read gives up. With it: signal until the handler has
       run, a few more times so one surely hits the read, then write a byte. */
    int sent = 0;
    while (!atomic_load(&reader_done)) {
        pthread_kill(t, SIGUSR1);
        sent++;
        usleep(2000);
        if (restart && atomic_load(&eintr_handled) >= 5) {
            write(rpipe[1], "x", 1);
            break;
        }
    }
    void *r;
    CHECK(pthread_join(t, &r));
    int v = (int)(intptr_t)r;
    if (v < 0) printf("read in thread, %s: -1 %s", restart ? "SA_RESTART" : "no SA_RESTART",
                      v == -EINTR ? "EINTR" : strerror(-v));
    else printf("read in thread, %s: byte '%c'", restart ? "SA_RESTART" : "no SA_RESTART", v);
    printf(", handler ran: %s\n", atomic_load(&eintr_handled) > 0 ? "yes" : "no");
    close(rpipe[0]);
    close(rpipe[1]);
}

/* ---- a thread blocked in a futex, interrupted by a handler, resumes -------------------------- */

static volatile int futex_word;
static atomic_int futex_handler_id = -1;
static atomic_int futex_eintr;

static void futex_handler(int sig)
{
    (void)sig;
    atomic_store(&futex_handler_id, my_id);
}

static void *futex_waiter(void *arg)
{
    my_id = (int)(intptr_t)arg;
    while (futex_word == 0) {
        long r = syscall(SYS_futex, &futex_word, FUTEX_WAIT, 0, NULL, NULL, 0);
        if (r < 0 && errno == EINTR) atomic_store(&futex_eintr, 1);
    }
    return (void *)(intptr_t)futex_word;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static void *mutex_waiter(void *arg)
{
    my_id = (int)(intptr_t)arg;
    pthread_mutex_lock(&held); /* main holds it; signals come while we wait */
    pthread_mutex_unlock(&held);
    return (void *)(intptr_t)my_id;
}

static void test_futex_interrupt(void)
{
    install(SIGUSR2, futex_handler, 0); /* no SA_RESTART: FUTEX_WAIT fails with EINTR */
    pthread_t t;
    CHECK(pthread_create(&t, NULL, futex_waiter, (void *)(intptr_t)7));
    while (atomic_load(&futex_handler_id) != 7) {
        pthread_kill(t, SIGUSR2);
        usleep(2000);
    }
    /* a signal whose handler ran before the thread reached FUTEX_WAIT says nothing about
       EINTR: keep signalling until a wait was interrupted */
    while (!atomic_load(&futex_eintr)) {
        pthread_kill(t, SIGUSR2);
        usleep(2000);
    }
    futex_word = 5;
    syscall(SYS_futex, &futex_word, FUTEX_WAKE, 1, NULL, NULL, 0);
    void *r;
    CHECK(pthread_join(t, &r));
    printf("futex waiter: handler ran in thread %d, wait interrupted (EINTR) %d, resumed and saw %d\n",
           atomic_load(&futex_handler_id), atomic_load(&futex_eintr), (int)(intptr_t)r);

    install(SIGUSR2, futex_handler, SA_RESTART);
    atomic_store(&futex_handler_id, -1);
    pthread_mutex_lock(&held);
    CHECK(pthread_create(&t, NULL, mutex_waiter, (void *)(intptr_t)8));
    while (atomic_load(&futex_handler_id) != 8) {
        pthread_kill(t, SIGUSR2);
        usleep(2000);
    }
    for (int i = 0; i < 5; i++) {
        pthread_kill(t, SIGUSR2);
        usleep(1000);
    }
    pthread_mutex_unlock(&held);
    CHECK(pthread_join(t, &r));
    printf("mutex waiter: handler ran in thread %d, then got the mutex: thread %d\n",
           atomic_load(&futex_handler_id), (int)(intptr_t)r);
}

/* ---- pthread_cancel ---------------------------------------------------------------------------- */

static atomic_int cleanups;
static void cleanup(void *arg)
{
    atomic_fetch_add(&cleanups, (int)(intptr_t)arg);
}

static void *cancel_in_read(void *arg)
{
    (void)arg;
    int p[2];
    if (pipe(p)) return NULL;
    pthread_cleanup_push(cleanup, (void *)(intptr_t)1);
    char c;
    for (;;) read(p[0], &c, 1);
    pthread_cleanup_pop(0);
    return NULL;
}

static void *cancel_in_loop(void *arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void *)(intptr_t)10);
    volatile unsigned x = 0;
    for (;;) {
        x = x * 3 + 1;
        pthread_testcancel();
    }
    pthread_cleanup_pop(0);
    return NULL;
}

static void test_cancel(void)
{
    pthread_t a, b;
    CHECK(pthread_create(&a, NULL, cancel_in_read, NULL));
    CHECK(pthread_create(&b, NULL, cancel_in_loop, NULL));
    CHECK(pthread_cancel(a));
    CHECK(pthread_cancel(b));
    void *ra, *rb;
    CHECK(pthread_join(a, &ra));
    CHECK(pthread_join(b, &rb));
    printf("cancel: blocked in read %s, looping %s, cleanup handlers sum %d\n",
           ra == PTHREAD_CANCELED ? "canceled" : "not canceled",
           rb == PTHREAD_CANCELED ? "canceled" : "not canceled", atomic_load(&cleanups));
}

/* ---- sigaltstack is per thread ---------------------------------------------------------------- */

static __thread char *alt_lo, *alt_hi;
static __thread volatile sig_atomic_t on_alt;

static void alt_handler(int sig)
{
    (void)sig;
    char here;
    on_alt = &here >= alt_lo && &here < alt_hi;
    stack_t cur;
    sigaltstack(NULL, &cur);
    if (!(cur.ss_flags & SS_ONSTACK)) on_alt = 0;
}

static pthread_barrier_t alt_bar;

static void *alt_thread(void *arg)
{
    (void)arg;
    size_t sz = 64 * 1024;
    char *mem = malloc(sz);
    stack_t ss = {.ss_sp = mem, .ss_size = sz, .ss_flags = 0};
    if (sigaltstack(&ss, NULL)) return (void *)(intptr_t)-1;
    alt_lo = mem;
    alt_hi = mem + sz;
    pthread_barrier_wait(&alt_bar); /* both threads have their own altstack installed */
    int ok = 0;
    for (int i = 0; i < 50; i++) {
        on_alt = 0;
        pthread_kill(pthread_self(), SIGUSR2);
        ok += on_alt;
    }
    stack_t dis = {.ss_flags = SS_DISABLE};
    sigaltstack(&dis, NULL);
    free(mem);
    return (void *)(intptr_t)ok;
}

static void test_altstack(void)
{
    install(SIGUSR2, alt_handler, SA_ONSTACK);
    CHECK(pthread_barrier_init(&alt_bar, NULL, 2));
    pthread_t t[2];
    for (int i = 0; i < 2; i++) CHECK(pthread_create(&t[i], NULL, alt_thread, NULL));
    void *r[2];
    for (int i = 0; i < 2; i++) CHECK(pthread_join(t[i], &r[i]));
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("altstack: handlers on their own thread's stack %d and %d of 50; main has none %d\n",
           (int)(intptr_t)r[0], (int)(intptr_t)r[1], (cur.ss_flags & SS_DISABLE) != 0);
}

/* ---- SIGSEGV recovery in two threads at once ------------------------------------------------- */

static __thread sigjmp_buf segv_env;
static void segv_handler(int sig)
{
    (void)sig;
    siglongjmp(segv_env, 1);
}

static void *segv_thread(void *arg)
{
    volatile int *bad = (volatile int *)(uintptr_t)(16 + (intptr_t)arg * 4);
    volatile int recovered = 0;
    for (int i = 0; i < 200; i++) {
        if (sigsetjmp(segv_env, 1) == 0) {
            *bad = i;
            return (void *)(intptr_t)-1; /* the store did not fault */
        }
        recovered++;
    }
    return (void *)(intptr_t)recovered;
}

static void test_segv(void)
{
    install(SIGSEGV, segv_handler, SA_NODEFER);
    pthread_t t[2];
    for (intptr_t i = 0; i < 2; i++) CHECK(pthread_create(&t[i], NULL, segv_thread, (void *)i));
    void *r[2];
    for (int i = 0; i < 2; i++) CHECK(pthread_join(t[i], &r[i]));
    printf("SIGSEGV recovered in threads: %d and %d of 200\n", (int)(intptr_t)r[0],
           (int)(intptr_t)r[1]);
    install(SIGSEGV, SIG_DFL, 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    my_id = 0;
    sem_init(&ack, 0, 0);
    sem_init(&ready, 0, 0);
    sem_init(&release, 0, 0);
    sem_init(&go, 0, 0);
    sem_init(&back, 0, 0);
    test_masks();
    test_process_directed();
    test_pthread_kill();
    test_pending();
    test_sigwait_thread();
    test_timer_storm();
    test_eintr(0);
    test_eintr(1);
    test_futex_interrupt();
    test_cancel();
    test_altstack();
    test_segv();
    printf("done\n");
    return 0;
}
