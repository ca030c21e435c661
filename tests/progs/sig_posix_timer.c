/* xrun-test: cflags=-pthread timeout=60 */
/* POSIX timers (timer_create and friends): SIGEV_SIGNAL with a sigval, the siginfo the handler
   gets (SI_TIMER, the value, the overrun), timer_gettime and timer_getoverrun, a periodic timer,
   SIGEV_THREAD_ID aimed at one thread, glibc's SIGEV_THREAD (a callback on a thread of its
   own), SIGEV_NONE, timer_delete, and the errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int got, got_code, got_value, got_tid;

static void on_timer(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    got++;
    got_code = si->si_code;
    got_value = si->si_value.sival_int;
    got_tid = (int)syscall(SYS_gettid);
}

static void wait_for(int n)
{
    for (int i = 0; i < 5000 && got < n; i++) usleep(1000);
}

static void arm(timer_t t, long first_ns, long period_ns)
{
    struct itimerspec its = {{0, period_ns}, {0, first_ns}};
    if (timer_settime(t, 0, &its, NULL)) perror("timer_settime");
}

static volatile int thread_tid, stop;

static void *target(void *arg)
{
    (void)arg;
    thread_tid = (int)syscall(SYS_gettid);
    while (!stop) usleep(1000);
    return NULL;
}

static volatile int callback_value, callback_in_main;
static pthread_t main_thread;

static void callback(union sigval v)
{
    callback_value = v.sival_int;
    callback_in_main = pthread_equal(pthread_self(), main_thread);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int r;
    main_thread = pthread_self();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN + 1, &sa, NULL);

    /* one shot, SIGEV_SIGNAL with a value */
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN + 1;
    ev.sigev_value.sival_int = 1234;
    timer_t t;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t)) { perror("timer_create"); return 1; }
    arm(t, 500 * 1000 * 1000, 0);
    struct itimerspec cur;
    timer_gettime(t, &cur);
    printf("armed: remaining in (0, 500 ms] %d, interval 0 %d\n",
           cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
               cur.it_value.tv_nsec <= 500 * 1000 * 1000,
           cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 0);
    wait_for(1);
    printf("one shot: signals %d, SI_TIMER %d, value %d, in the main thread %d\n", got,
           got_code == SI_TIMER, got_value, got_tid == getpid());
    timer_gettime(t, &cur);
    printf("after expiry: disarmed %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

    /* periodic, with the signal blocked for a while: overruns */
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &s, NULL);
    got = 0;
    arm(t, 5 * 1000 * 1000, 5 * 1000 * 1000);
    usleep(100 * 1000);
    int pending = sigpending(&s) == 0 && sigismember(&s, SIGRTMIN + 1);
    sigemptyset(&s);
    sigaddset(&s, SIGRTMIN + 1);
    siginfo_t si;
    int sig = sigwaitinfo(&s, &si);
    printf("periodic, blocked: pending %d, sigwaitinfo %d, SI_TIMER %d, value %d, overrun >= 5 "
           "%d, getoverrun agrees %d\n",
           pending, sig == SIGRTMIN + 1, si.si_code == SI_TIMER, si.si_value.sival_int,
           si.si_overrun >= 5, timer_getoverrun(t) == si.si_overrun);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    wait_for(3);
    printf("periodic, unblocked: at least 3 more signals %d\n", got >= 3);
    arm(t, 0, 0);
    r = timer_delete(t);
    printf("timer_delete %d, then timer_settime: %s\n", r,
           timer_settime(t, 0, &cur, NULL) ? strerror(errno) : "ok");

    /* SIGEV_THREAD_ID: to one thread */
    pthread_t th;
    pthread_create(&th, NULL, target, NULL);
    while (!thread_tid) usleep(1000);
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGRTMIN + 1;
    ev.sigev_value.sival_int = 77;
    ev._sigev_un._tid = thread_tid;
    got = 0;
    if (timer_create(CLOCK_REALTIME, &ev, &t)) { perror("timer_create thread id"); return 1; }
    arm(t, 10 * 1000 * 1000, 0);
    wait_for(1);
    printf("SIGEV_THREAD_ID: signals %d, value %d, taken by that thread %d\n", got, got_value,
           got_tid == thread_tid);
    timer_delete(t);
    stop = 1;
    pthread_join(th, NULL);

    /* glibc's SIGEV_THREAD */
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = callback;
    ev.sigev_value.sival_int = 99;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t)) { perror("timer_create thread"); return 1; }
    arm(t, 10 * 1000 * 1000, 0);
    for (int i = 0; i < 5000 && !callback_value; i++) usleep(1000);
    printf("SIGEV_THREAD: callback value %d, not on the main thread %d\n", callback_value,
           !callback_in_main);
    timer_delete(t);

    /* SIGEV_NONE: nothing is sent, the time still runs */
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_NONE;
    got = 0;
    timer_create(CLOCK_MONOTONIC, &ev, &t);
    arm(t, 500 * 1000 * 1000, 0);
    usleep(20 * 1000);
    timer_gettime(t, &cur);
    printf("SIGEV_NONE: no signal %d, remaining below 500 ms %d\n", got == 0,
           cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec < 500 * 1000 * 1000);
    timer_delete(t);

    /* errors */
    errno = 0;
    r = timer_create((clockid_t)12345, NULL, &t);
    printf("bad clock: %d %s\n", r, strerror(errno));
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 200;
    errno = 0;
    r = timer_create(CLOCK_MONOTONIC, &ev, &t);
    printf("bad signal: %d %s\n", r, strerror(errno));
    return 0;
}
