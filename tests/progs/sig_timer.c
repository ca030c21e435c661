/* xrun-test: timeout=120 */
/* Asynchronous signals: a setitimer(ITIMER_REAL) storm while the program computes, a tight
   loop ended by a signal from a child and by ITIMER_VIRTUAL/ITIMER_PROF, alarm(),
   system calls interrupted by a signal with and without SA_RESTART (read restarted or EINTR;
   nanosleep, poll and select always EINTR), SIGCHLD with a handler, SIGPIPE with a handler.
   The signals that interrupt a blocked call come from a child that first waits until the
   parent sleeps in the kernel (state S in /proc/PID/stat), so the result does not depend on
   timing. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *yesno(int c) { return c ? "yes" : "no"; }

static volatile int ticks;
static void tick_handler(int sig)
{
    (void)sig;
    ticks++;
}

/* A fixed computation mixing integer and x87 work through memory and the stack. */
static uint32_t __attribute__((noinline)) work(int n)
{
    uint32_t h = 2166136261u;
    double acc = 0.0;
    int buf[64];
    for (int i = 0; i < 64; i++) buf[i] = i * 7;
    for (int i = 0; i < n; i++) {
        h = (h ^ (uint32_t)buf[i & 63]) * 16777619u;
        buf[(i * 5) & 63] += (int)(h >> 7);
        acc = acc * 0.5 + (double)(h & 0xffff) / 3.0;
        if ((i & 255) == 0) h ^= (uint32_t)(long long)(acc * 1000.0);
    }
    return h;
}

static void install(int sig, void (*h)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void timer_storm(void)
{
    printf("== setitimer storm\n");
    install(SIGALRM, tick_handler, 0);
    static volatile int n_iter = 20000; /* read each round: the calls cannot be merged */
    uint32_t want = work(n_iter);
    struct itimerval it = {{0, 200}, {0, 200}};
    ticks = 0;
    if (setitimer(ITIMER_REAL, &it, NULL) != 0) printf("setitimer failed errno %d\n", errno);
    int rounds = 0, same = 1;
    while (ticks < 100 && rounds < 100000) {
        same &= work(n_iter) == want;
        rounds++;
    }
    struct itimerval off = {{0, 0}, {0, 0}}, old;
    setitimer(ITIMER_REAL, &off, &old);
    int seen = ticks;
    printf("result %08x, every round the same: %s, handlers ran: %s\n", want, yesno(same),
           yesno(seen >= 100));
    printf("old interval kept: %s\n", yesno(old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 200));
    getitimer(ITIMER_REAL, &old);
    printf("after disarming: value %ld.%06ld\n", (long)old.it_value.tv_sec, (long)old.it_value.tv_usec);

    /* one-shot timer, then pause(). Nothing but getitimer runs between arming and pause(), and
       the timer leaves half a second for that, so a slow run (a JIT compiling the path) does not
       let the signal arrive before pause() starts waiting. */
    struct itimerval once = {{0, 0}, {0, 500000}};
    ticks = 0;
    setitimer(ITIMER_REAL, &once, NULL);
    getitimer(ITIMER_REAL, &old);
    errno = 0;
    int r = pause();
    int e = errno;
    printf("one-shot armed: 0 < value <= 500ms: %s, interval 0: %s\n",
           yesno(old.it_value.tv_sec == 0 && old.it_value.tv_usec > 0 && old.it_value.tv_usec <= 500000),
           yesno(old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 0));
    printf("pause = %d errno %d (EINTR %d), ticks %d\n", r, e, EINTR, ticks);
}

/* A tight loop with no system call and no memory write ends only when a handler sets the flag. */
static volatile int flag;
static void flag_handler(int sig)
{
    (void)sig;
    flag = 1;
}

static void spin_tests(void)
{
    printf("== signals while spinning\n");
    install(SIGUSR2, flag_handler, 0);
    flag = 0;
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        kill(parent, SIGUSR2);
        _exit(0);
    }
    while (!flag) {
    }
    int st;
    waitpid(c, &st, 0);
    printf("kill from a child ended the spin: yes\n");
    const int which[] = {ITIMER_VIRTUAL, ITIMER_PROF};
    const int sig[] = {SIGVTALRM, SIGPROF};
    for (int k = 0; k < 2; k++) {
        install(sig[k], flag_handler, 0);
        flag = 0;
        struct itimerval it = {{0, 0}, {0, 20000}};
        setitimer(which[k], &it, NULL);
        while (!flag) {
        }
        struct itimerval left;
        getitimer(which[k], &left);
        printf("%s (CPU time) ended the spin, timer now disarmed: %s\n",
               k == 0 ? "ITIMER_VIRTUAL" : "ITIMER_PROF",
               yesno(left.it_value.tv_sec == 0 && left.it_value.tv_usec == 0));
    }
}

static void alarm_test(void)
{
    printf("== alarm\n");
    install(SIGALRM, tick_handler, 0);
    printf("alarm(5) = %u\n", alarm(5));
    printf("alarm(0) = %u (seconds left of the first)\n", alarm(0));
    ticks = 0;
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &old);
    alarm(1);
    errno = 0;
    int r = sigsuspend(&old);
    printf("sigsuspend = %d errno %d, ticks %d\n", r, errno, ticks);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* --- interrupted system calls ------------------------------------------------------------- */
static int ack_w = -1;
static volatile int handled;
static void ack_handler(int sig)
{
    (void)sig;
    handled++;
    if (write(ack_w, "a", 1) != 1) _exit(99);
}

static void wait_sleeping(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    for (;;) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) _exit(98);
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n > 0) {
            buf[n] = 0;
            char *p = strrchr(buf, ')');
            if (p && p[1] == ' ' && p[2] == 'S') return;
        }
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

enum op { OP_READ, OP_NANOSLEEP, OP_POLL, OP_SELECT, OP_WAITPID };

/* The child: for each of nsig signals, wait until the parent sleeps, signal it, wait for the
   handler's acknowledgement; then write "hello" to the data pipe. */
static void interrupt_case(const char *name, enum op op, int flags, int nsig)
{
    int data[2], ack[2];
    if (pipe(data) || pipe(ack)) {
        printf("pipe failed\n");
        return;
    }
    ack_w = ack[1];
    handled = 0;
    install(SIGUSR1, ack_handler, flags);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        close(data[0]);
        for (int i = 0; i < nsig; i++) {
            wait_sleeping(parent);
            kill(parent, SIGUSR1);
            char c;
            if (read(ack[0], &c, 1) != 1) _exit(97);
        }
        if (op == OP_WAITPID) _exit(7);
        if (write(data[1], "hello", 5) != 5) _exit(96);
        _exit(0);
    }
    close(data[1]);
    char buf[16] = {0};
    errno = 0;
    long r = 0;
    struct timespec req = {30, 0}, rem = {0, 0};
    struct pollfd pfd = {data[0], POLLIN, 0};
    fd_set rs;
    int st = 0;
    switch (op) {
    case OP_READ: r = read(data[0], buf, sizeof buf - 1); break;
    case OP_NANOSLEEP: r = nanosleep(&req, &rem); break;
    case OP_POLL: r = poll(&pfd, 1, -1); break;
    case OP_SELECT:
        FD_ZERO(&rs);
        FD_SET(data[0], &rs);
        r = select(data[0] + 1, &rs, NULL, NULL, NULL);
        break;
    case OP_WAITPID: r = waitpid(child, &st, 0); break;
    }
    int err = r < 0 ? errno : 0;
    printf("%s, %s: returned %ld errno %d, handler ran %d", name, flags & SA_RESTART ? "SA_RESTART" : "no SA_RESTART",
           r < 0 ? -1L : (op == OP_WAITPID ? (long)(r == child) : r), err, handled);
    if (op == OP_READ && r > 0) printf(", data '%s'", buf);
    if (op == OP_NANOSLEEP)
        /* The kernel counts the remaining time to the hrtimer's hard expiry, the request plus
           the timer slack (50 us by default): a signal taken at once leaves a little more
           than 30 s. */
        printf(", remaining > 0: %s, remaining < 30.1 s: %s", yesno(rem.tv_sec > 0 || rem.tv_nsec > 0),
               yesno(rem.tv_sec < 30 || (rem.tv_sec == 30 && rem.tv_nsec < 100000000)));
    if (op == OP_WAITPID && r == child) printf(", child exit %d", WEXITSTATUS(st));
    printf("\n");
    if (op != OP_WAITPID) {
        int n = (int)read(data[0], buf, sizeof buf - 1);
        if (op == OP_READ && r > 0) n = 0;
        if (n > 0) {
            buf[n] = 0;
            printf("  then read '%s'\n", buf);
        }
        waitpid(child, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) printf("  child status %x\n", st);
    } else if (r != child) {
        waitpid(child, &st, 0);
        printf("  then waitpid: child exit %d\n", WEXITSTATUS(st));
    }
    close(data[0]);
    close(ack[0]);
    close(ack[1]);
}

/* --- SIGCHLD and SIGPIPE ------------------------------------------------------------------ */
static siginfo_t chld_info;
static volatile int chld_count;
static void chld_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld_info = *si;
    chld_count++;
}

static void chld_test(void)
{
    printf("== SIGCHLD\n");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = chld_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    for (int how = 0; how < 2; how++) {
        chld_count = 0;
        pid_t c = fork();
        if (c == 0) {
            if (how == 0) _exit(3);
            for (;;) pause();
        }
        if (how == 1) kill(c, SIGKILL);
        sigsuspend(&old);
        printf("%s: handler ran %d, si_code %s, si_status %d, si_pid is the child: %s\n",
               how == 0 ? "exit(3)" : "SIGKILL", chld_count,
               chld_info.si_code == CLD_EXITED   ? "CLD_EXITED"
               : chld_info.si_code == CLD_KILLED ? "CLD_KILLED"
                                                 : "other",
               chld_info.si_status, yesno(chld_info.si_pid == c));
        int st;
        printf("  waitpid is the child: %s\n", yesno(waitpid(c, &st, 0) == c));
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
    pid_t c = fork();
    if (c == 0) _exit(0);
    errno = 0;
    int r = waitpid(-1, NULL, 0);
    printf("SIGCHLD ignored: waitpid = %d errno %d (ECHILD %d)\n", r, errno, ECHILD);
    signal(SIGCHLD, SIG_DFL);
}

static siginfo_t pipe_info;
static volatile int pipe_count;
static void pipe_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    pipe_info = *si;
    pipe_count++;
}

static void pipe_test(void)
{
    printf("== SIGPIPE\n");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = pipe_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
    int p[2];
    if (pipe(p)) return;
    close(p[0]);
    errno = 0;
    ssize_t r = write(p[1], "x", 1);
    int err = errno;
    printf("write = %d errno %d (EPIPE %d), handler ran before write returned: %s\n", (int)r, err, EPIPE,
           yesno(pipe_count == 1));
    printf("si_signo SIGPIPE: %s, si_code SI_USER: %s, si_pid == getpid(): %s\n",
           yesno(pipe_info.si_signo == SIGPIPE), yesno(pipe_info.si_code == SI_USER),
           yesno(pipe_info.si_pid == getpid()));
    close(p[1]);
    /* death by SIGPIPE with the default action */
    pid_t c = fork();
    if (c == 0) {
        signal(SIGPIPE, SIG_DFL);
        int q[2];
        if (pipe(q)) _exit(1);
        close(q[0]);
        if (write(q[1], "x", 1) < 0) _exit(2);
        _exit(3);
    }
    int st;
    waitpid(c, &st, 0);
    printf("default action: child %s %d\n", WIFSIGNALED(st) ? "killed by signal" : "exited",
           WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    timer_storm();
    spin_tests();
    alarm_test();
    printf("== interrupted system calls\n");
    interrupt_case("read", OP_READ, 0, 1);
    interrupt_case("read", OP_READ, SA_RESTART, 1);
    interrupt_case("read, 5 signals", OP_READ, SA_RESTART, 5);
    interrupt_case("nanosleep", OP_NANOSLEEP, 0, 1);
    interrupt_case("nanosleep", OP_NANOSLEEP, SA_RESTART, 1);
    interrupt_case("poll", OP_POLL, SA_RESTART, 1);
    interrupt_case("select", OP_SELECT, SA_RESTART, 1);
    interrupt_case("waitpid", OP_WAITPID, 0, 1);
    interrupt_case("waitpid", OP_WAITPID, SA_RESTART, 1);
    chld_test();
    pipe_test();
    printf("done\n");
    return 0;
}
