/* xrun-test: timeout=120 */
/* Signal delivery to handlers: raise/kill/sigqueue, plain and SA_SIGINFO handlers (si_signo,
   si_code, si_value, si_pid), the mask inside a handler (sa_mask plus the signal, SA_NODEFER),
   SA_RESETHAND, nested handlers, sigaltstack with SA_ONSTACK, sigpending, sigsuspend,
   sigwaitinfo/sigtimedwait, real-time signals queued in order, standard signals coalesced, and
   signalfd. Handlers only record into a log; main prints it. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

static char logbuf[4096];
static volatile int loglen;

static void logs(const char *s)
{
    while (*s && loglen < (int)sizeof logbuf - 1) logbuf[loglen++] = *s++;
    logbuf[loglen] = 0;
}

static void logn(long v)
{
    char tmp[24];
    int n = 0;
    int neg = v < 0;
    unsigned long u = neg ? -(unsigned long)v : (unsigned long)v;
    do tmp[n++] = (char)('0' + u % 10); while ((u /= 10) != 0);
    if (neg) tmp[n++] = '-';
    char out[24];
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = 0;
    logs(out);
}

static void flushlog(const char *title)
{
    printf("%s: %s\n", title, logbuf);
    loglen = 0;
    logbuf[0] = 0;
}

static const char *yesno(int c) { return c ? "yes" : "no"; }

static const char *signame(int s)
{
    static char buf[16];
    switch (s) {
    case SIGUSR1: return "USR1";
    case SIGUSR2: return "USR2";
    case SIGTERM: return "TERM";
    case SIGHUP: return "HUP";
    case SIGALRM: return "ALRM";
    default:
        if (s >= SIGRTMIN && s <= SIGRTMAX) {
            snprintf(buf, sizeof buf, "RTMIN+%d", s - SIGRTMIN);
            return buf;
        }
        snprintf(buf, sizeof buf, "sig%d", s);
        return buf;
    }
}

static const char *codename(int c)
{
    switch (c) {
    case SI_USER: return "SI_USER";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TKILL: return "SI_TKILL";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_TIMER: return "SI_TIMER";
    default: return "other";
    }
}

static void install(int sig, void (*h)(int), int flags, const int *maskv)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    for (; maskv && *maskv; maskv++) sigaddset(&sa.sa_mask, *maskv);
    if (sigaction(sig, &sa, NULL) != 0) printf("sigaction %d failed errno %d\n", sig, errno);
}

static void install_info(int sig, void (*h)(int, siginfo_t *, void *), int flags, const int *maskv)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = flags | SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    for (; maskv && *maskv; maskv++) sigaddset(&sa.sa_mask, *maskv);
    if (sigaction(sig, &sa, NULL) != 0) printf("sigaction %d failed errno %d\n", sig, errno);
}

static sigset_t cur_mask(void)
{
    sigset_t s;
    sigprocmask(SIG_SETMASK, NULL, &s);
    return s;
}

/* --- plain handler ------------------------------------------------------------------------ */
static volatile int plain_count;
static void plain_handler(int sig)
{
    plain_count++;
    logs("plain(");
    logs(signame(sig));
    logs(") ");
}

/* --- SA_SIGINFO --------------------------------------------------------------------------- */
static siginfo_t last_info;
static volatile int info_count;
static void info_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    (void)sig;
    last_info = *si;
    info_count++;
}

static void show_info(const char *how, int sig)
{
    printf("%s: handler ran %d, si_signo %s, si_code %s, si_pid == getpid(): %s, si_uid == getuid(): %s",
           how, info_count, signame(last_info.si_signo), codename(last_info.si_code),
           yesno(last_info.si_pid == getpid()), yesno(last_info.si_uid == getuid()));
    if (last_info.si_code == SI_QUEUE) printf(", si_value %d", last_info.si_value.sival_int);
    printf(", matches sent signal: %s\n", yesno(last_info.si_signo == sig));
    info_count = 0;
}

/* --- masks inside handlers ------------------------------------------------------------------ */
static sigset_t seen_mask;
static void mask_handler(int sig)
{
    (void)sig;
    seen_mask = cur_mask();
}

static void show_mask(const char *what)
{
    printf("%s: USR1 %d USR2 %d TERM %d HUP %d\n", what, sigismember(&seen_mask, SIGUSR1),
           sigismember(&seen_mask, SIGUSR2), sigismember(&seen_mask, SIGTERM),
           sigismember(&seen_mask, SIGHUP));
}

/* --- SA_NODEFER recursion --------------------------------------------------------------------- */
static volatile int depth, max_depth, invocations;
static void recursive_handler(int sig)
{
    depth++;
    invocations++;
    if (depth > max_depth) max_depth = depth;
    logs("enter");
    logn(depth);
    logs(" ");
    if (invocations < 3) raise(sig);
    logs("leave");
    logn(depth);
    logs(" ");
    depth--;
}

/* --- nested handlers ------------------------------------------------------------------------ */
static void inner_handler(int sig)
{
    logs("inner(");
    logs(signame(sig));
    logs(") ");
}

static void outer_handler(int sig)
{
    logs("outer-begin(");
    logs(signame(sig));
    logs(") ");
    raise(SIGUSR2);
    logs("outer-after-raise ");
    sigset_t p;
    sigpending(&p);
    logs(sigismember(&p, SIGUSR2) ? "usr2-pending " : "usr2-not-pending ");
    logs("outer-end ");
}

/* --- sigaltstack --------------------------------------------------------------------------- */
static char *alt_base;
static size_t alt_size;
static volatile int on_alt, ss_onstack_inside, change_errno, disable_errno;
static void alt_handler(int sig)
{
    (void)sig;
    volatile char local = 0;
    uintptr_t a = (uintptr_t)&local;
    on_alt = a >= (uintptr_t)alt_base && a < (uintptr_t)alt_base + alt_size;
    stack_t cur;
    sigaltstack(NULL, &cur);
    ss_onstack_inside = (cur.ss_flags & SS_ONSTACK) != 0;
    stack_t ns;
    ns.ss_sp = alt_base;
    ns.ss_size = alt_size;
    ns.ss_flags = 0;
    errno = 0;
    change_errno = sigaltstack(&ns, NULL) == 0 ? 0 : errno;
    ns.ss_flags = SS_DISABLE;
    errno = 0;
    disable_errno = sigaltstack(&ns, NULL) == 0 ? 0 : errno;
}

/* --- real-time queueing --------------------------------------------------------------------- */
static void rt_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    logs(signame(sig));
    if (si->si_code == SI_QUEUE) {
        logs("=");
        logn(si->si_value.sival_int);
    } else {
        logs("/");
        logs(codename(si->si_code));
    }
    logs(" ");
}

static volatile int suspend_hits;
static void suspend_handler(int sig)
{
    (void)sig;
    suspend_hits++;
    sigset_t m = cur_mask();
    logs(sigismember(&m, SIGUSR2) ? "usr2-blocked-in-handler " : "usr2-open-in-handler ");
    logs(sigismember(&m, SIGTERM) ? "term-blocked-in-handler " : "term-open-in-handler ");
}

static void block(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_BLOCK, &s, NULL);
}

static void unblock(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("== plain handlers\n");
    install(SIGUSR1, plain_handler, 0, NULL);
    printf("raise = %d\n", raise(SIGUSR1));
    printf("kill = %d\n", kill(getpid(), SIGUSR1));
    union sigval v = {.sival_int = 5};
    printf("sigqueue = %d\n", sigqueue(getpid(), SIGUSR1, v));
    printf("count %d\n", plain_count);
    flushlog("log");

    printf("== SA_SIGINFO\n");
    install_info(SIGUSR2, info_handler, 0, NULL);
    raise(SIGUSR2);
    show_info("raise", SIGUSR2);
    kill(getpid(), SIGUSR2);
    show_info("kill", SIGUSR2);
    v.sival_int = 4242;
    sigqueue(getpid(), SIGUSR2, v);
    show_info("sigqueue", SIGUSR2);
    install_info(SIGRTMIN + 1, info_handler, 0, NULL);
    v.sival_int = -17;
    sigqueue(getpid(), SIGRTMIN + 1, v);
    show_info("sigqueue rt", SIGRTMIN + 1);

    printf("== mask inside the handler\n");
    int m1[] = {SIGTERM, 0};
    install(SIGUSR1, mask_handler, 0, m1);
    block(SIGHUP);
    raise(SIGUSR1);
    show_mask("sa_mask TERM, HUP blocked before");
    sigset_t after = cur_mask();
    printf("after return: USR1 %d TERM %d HUP %d\n", sigismember(&after, SIGUSR1),
           sigismember(&after, SIGTERM), sigismember(&after, SIGHUP));
    unblock(SIGHUP);
    install(SIGUSR1, mask_handler, SA_NODEFER, m1);
    raise(SIGUSR1);
    show_mask("SA_NODEFER, sa_mask TERM");
    install(SIGUSR1, mask_handler, SA_RESETHAND, NULL);
    raise(SIGUSR1);
    show_mask("SA_RESETHAND");
    struct sigaction q;
    sigaction(SIGUSR1, NULL, &q);
    printf("after SA_RESETHAND delivery: handler is SIG_DFL: %s\n", yesno(q.sa_handler == SIG_DFL));
    install(SIGUSR1, recursive_handler, SA_NODEFER, NULL);
    raise(SIGUSR1);
    printf("SA_NODEFER recursion max depth %d\n", max_depth);
    flushlog("log");
    depth = max_depth = invocations = 0;
    install(SIGUSR1, recursive_handler, 0, NULL);
    raise(SIGUSR1);
    printf("without SA_NODEFER max depth %d, invocations %d\n", max_depth, invocations);
    flushlog("log");

    printf("== nested handlers\n");
    install(SIGUSR1, outer_handler, 0, NULL);
    install(SIGUSR2, inner_handler, 0, NULL);
    raise(SIGUSR1);
    flushlog("USR2 open");
    int m2[] = {SIGUSR2, 0};
    install(SIGUSR1, outer_handler, 0, m2);
    raise(SIGUSR1);
    logs("main-after-raise");
    flushlog("USR2 in sa_mask");

    printf("== sigaltstack\n");
    alt_size = 65536;
    alt_base = malloc(alt_size);
    stack_t ss, old;
    ss.ss_sp = alt_base;
    ss.ss_size = 1000;
    ss.ss_flags = 0;
    errno = 0;
    int ar = sigaltstack(&ss, NULL);
    printf("too small: %d errno %d (ENOMEM %d)\n", ar, errno, ENOMEM);
    ss.ss_size = alt_size;
    ss.ss_flags = 12345;
    errno = 0;
    ar = sigaltstack(&ss, NULL);
    printf("bad flags: %d errno %d (EINVAL %d)\n", ar, errno, EINVAL);
    ss.ss_flags = 0;
    printf("set: %d\n", sigaltstack(&ss, &old));
    printf("old disabled: %s\n", yesno(old.ss_flags == SS_DISABLE));
    sigaltstack(NULL, &old);
    printf("query: sp same %s size same %s flags %d\n", yesno(old.ss_sp == alt_base),
           yesno(old.ss_size == alt_size), old.ss_flags);
    install(SIGUSR1, alt_handler, SA_ONSTACK, NULL);
    raise(SIGUSR1);
    printf("SA_ONSTACK: local on altstack %s, SS_ONSTACK inside %s, change inside errno %d (EPERM %d), "
           "disable inside errno %d\n",
           yesno(on_alt), yesno(ss_onstack_inside), change_errno, EPERM, disable_errno);
    sigaltstack(NULL, &old);
    printf("after: flags %d\n", old.ss_flags);
    install(SIGUSR1, alt_handler, 0, NULL);
    raise(SIGUSR1);
    printf("without SA_ONSTACK: local on altstack %s, SS_ONSTACK inside %s, change inside errno %d, "
           "disable inside errno %d\n",
           yesno(on_alt), yesno(ss_onstack_inside), change_errno, disable_errno);
    sigaltstack(NULL, &old);
    printf("after: flags %d (SS_DISABLE %d)\n", old.ss_flags, SS_DISABLE);
    ss.ss_flags = SS_DISABLE;
    printf("disable: %d\n", sigaltstack(&ss, NULL));
    install(SIGUSR1, alt_handler, SA_ONSTACK, NULL);
    raise(SIGUSR1);
    printf("disabled, SA_ONSTACK: local on altstack %s, SS_ONSTACK inside %s\n", yesno(on_alt),
           yesno(ss_onstack_inside));
    sigaltstack(NULL, &old);
    printf("after: flags %d (SS_DISABLE %d)\n", old.ss_flags, SS_DISABLE);

    printf("== sigpending and sigsuspend\n");
    int m3[] = {SIGTERM, 0};
    install(SIGUSR1, suspend_handler, 0, m3);
    block(SIGUSR1);
    block(SIGUSR2);
    install(SIGUSR2, inner_handler, 0, NULL);
    raise(SIGUSR1);
    raise(SIGUSR1);
    sigset_t pend;
    sigpending(&pend);
    printf("pending USR1 %d USR2 %d TERM %d, handler ran %d\n", sigismember(&pend, SIGUSR1),
           sigismember(&pend, SIGUSR2), sigismember(&pend, SIGTERM), suspend_hits);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    sigaddset(&wait_mask, SIGUSR2);
    errno = 0;
    int sr = sigsuspend(&wait_mask);
    printf("sigsuspend = %d errno %d (EINTR %d), handler ran %d\n", sr, errno, EINTR, suspend_hits);
    flushlog("log");
    after = cur_mask();
    sigpending(&pend);
    printf("after: USR1 blocked %d USR2 blocked %d, USR1 pending %d\n", sigismember(&after, SIGUSR1),
           sigismember(&after, SIGUSR2), sigismember(&pend, SIGUSR1));

    printf("== sigwaitinfo and sigtimedwait\n");
    /* glibc's sigwaitinfo and sigtimedwait report SI_TKILL (raise) as SI_USER. */
    sigset_t ws;
    sigemptyset(&ws);
    sigaddset(&ws, SIGUSR2);
    raise(SIGUSR2);
    siginfo_t wi;
    memset(&wi, 0, sizeof wi);
    int w = sigwaitinfo(&ws, &wi);
    printf("sigwaitinfo = %s, si_signo %s, si_code %s, handler ran: %s\n", signame(w),
           signame(wi.si_signo), codename(wi.si_code), yesno(loglen != 0));
    struct timespec zero = {0, 0};
    errno = 0;
    w = sigtimedwait(&ws, &wi, &zero);
    printf("sigtimedwait nothing pending = %d errno %d (EAGAIN %d)\n", w, errno, EAGAIN);
    block(SIGRTMIN + 3);
    sigaddset(&ws, SIGRTMIN + 3);
    v.sival_int = 99;
    sigqueue(getpid(), SIGRTMIN + 3, v);
    memset(&wi, 0, sizeof wi);
    w = sigtimedwait(&ws, &wi, &zero);
    printf("sigtimedwait = %s, si_code %s, si_value %d, si_pid == getpid(): %s\n", signame(w),
           codename(wi.si_code), wi.si_value.sival_int, yesno(wi.si_pid == getpid()));
    kill(getpid(), SIGUSR2);
    w = sigwaitinfo(&ws, NULL);
    printf("sigwaitinfo without info = %s\n", signame(w));
    sigpending(&pend);
    printf("pending afterwards USR2 %d RTMIN+3 %d\n", sigismember(&pend, SIGUSR2),
           sigismember(&pend, SIGRTMIN + 3));
    sigset_t bad;
    sigemptyset(&bad);
    errno = 0;
    struct timespec badts = {0, 1000000000};
    w = sigtimedwait(&ws, &wi, &badts);
    printf("sigtimedwait tv_nsec 1e9 = %d errno %d (EINVAL %d)\n", w, errno, EINVAL);
    flushlog("log");

    printf("== real-time queueing\n");
    sigset_t all;
    sigemptyset(&all);
    int rts[] = {SIGUSR1, SIGHUP, SIGRTMIN, SIGRTMIN + 1, SIGRTMIN + 2, SIGRTMIN + 3};
    for (unsigned i = 0; i < sizeof rts / sizeof rts[0]; i++) sigaddset(&all, rts[i]);
    sigprocmask(SIG_BLOCK, &all, NULL);
    struct sigaction rsa;
    memset(&rsa, 0, sizeof rsa);
    rsa.sa_sigaction = rt_handler;
    rsa.sa_flags = SA_SIGINFO;
    rsa.sa_mask = all; /* one at a time: each runs to completion before the next is taken */
    for (unsigned i = 0; i < sizeof rts / sizeof rts[0]; i++) sigaction(rts[i], &rsa, NULL);
    int order[][2] = {{SIGRTMIN + 2, 1}, {SIGRTMIN, 2}, {SIGRTMIN + 2, 3}, {SIGRTMIN + 3, 4},
                      {SIGRTMIN, 5},     {SIGRTMIN, 6}, {SIGRTMIN + 1, 7}, {SIGRTMIN + 2, 8}};
    for (unsigned i = 0; i < sizeof order / sizeof order[0]; i++) {
        v.sival_int = order[i][1];
        if (sigqueue(getpid(), order[i][0], v) != 0) printf("sigqueue failed errno %d\n", errno);
    }
    /* A standard signal is queued once per queue: raise() (tgkill) queues on the thread,
       kill() on the process, and the thread's queue is taken first. */
    raise(SIGHUP);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    raise(SIGUSR1);
    raise(SIGHUP);
    kill(getpid(), SIGRTMIN + 1);
    sigpending(&pend);
    printf("pending:");
    for (unsigned i = 0; i < sizeof rts / sizeof rts[0]; i++)
        if (sigismember(&pend, rts[i])) printf(" %s", signame(rts[i]));
    printf(", log empty: %s\n", yesno(loglen == 0));
    sigprocmask(SIG_UNBLOCK, &all, NULL);
    flushlog("delivered");

    printf("== signalfd\n");
    sigset_t fs;
    sigemptyset(&fs);
    sigaddset(&fs, SIGUSR2);
    sigaddset(&fs, SIGRTMIN + 2);
    sigprocmask(SIG_BLOCK, &fs, NULL);
    int fd = signalfd(-1, &fs, SFD_NONBLOCK | SFD_CLOEXEC);
    printf("signalfd ok: %s\n", yesno(fd >= 0));
    struct signalfd_siginfo si[4];
    errno = 0;
    ssize_t n = read(fd, si, sizeof si);
    printf("empty read = %d errno %d (EAGAIN %d)\n", (int)n, errno, EAGAIN);
    v.sival_int = 31;
    sigqueue(getpid(), SIGRTMIN + 2, v);
    v.sival_int = 32;
    sigqueue(getpid(), SIGRTMIN + 2, v);
    raise(SIGUSR2);
    errno = 0;
    n = read(fd, si, 8);
    printf("short buffer read = %d errno %d (EINVAL %d)\n", (int)n, errno, EINVAL);
    n = read(fd, si, sizeof si);
    printf("read = %d bytes (%d records of %d)\n", (int)n, (int)(n / (ssize_t)sizeof si[0]),
           (int)sizeof si[0]);
    for (int i = 0; i < n / (ssize_t)sizeof si[0]; i++)
        printf("  ssi_signo %s ssi_code %s ssi_int %d ssi_pid == getpid(): %s\n",
               signame((int)si[i].ssi_signo), codename(si[i].ssi_code),
               si[i].ssi_code == SI_QUEUE ? si[i].ssi_int : 0, yesno(si[i].ssi_pid == (uint32_t)getpid()));
    sigpending(&pend);
    printf("pending afterwards USR2 %d RTMIN+2 %d, handler ran: %s\n", sigismember(&pend, SIGUSR2),
           sigismember(&pend, SIGRTMIN + 2), yesno(loglen != 0));
    close(fd);
    flushlog("log");
    printf("done\n");
    return 0;
}
