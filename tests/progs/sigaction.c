/* Signal dispositions and masks without delivering to a handler: sigaction install/read-back,
   invalid requests, sigprocmask, SIG_IGN'd raise, and EPIPE when SIGPIPE is ignored. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void handler(int sig) { (void)sig; }

#define CHECK(label, expr)                                                   \
    do {                                                                     \
        errno = 0;                                                           \
        long r_ = (long)(expr);                                              \
        printf("%s = %ld errno %d\n", label, r_, r_ < 0 ? errno : 0);        \
    } while (0)

int main(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK("sigaction USR1", sigaction(SIGUSR1, &sa, &old));
    printf("old was default %d\n", old.sa_handler == SIG_DFL);
    CHECK("read back", sigaction(SIGUSR1, NULL, &old));
    printf("handler kept %d restart %d mask usr2 %d\n", old.sa_handler == handler,
           (old.sa_flags & SA_RESTART) != 0, sigismember(&old.sa_mask, SIGUSR2));
    CHECK("sigaction KILL", sigaction(SIGKILL, &sa, NULL));
    CHECK("sigaction STOP", sigaction(SIGSTOP, &sa, NULL));
    CHECK("sigaction 0", sigaction(0, &sa, NULL));
    CHECK("sigaction 65", sigaction(65, &sa, NULL));
    CHECK("signal RT", signal(SIGRTMIN + 2, SIG_IGN) == SIG_ERR ? -1 : 0);

    sigset_t set, cur;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    CHECK("block", sigprocmask(SIG_BLOCK, &set, NULL));
    CHECK("query", sigprocmask(SIG_SETMASK, NULL, &cur));
    printf("blocked usr1 %d term %d int %d\n", sigismember(&cur, SIGUSR1), sigismember(&cur, SIGTERM),
           sigismember(&cur, SIGINT));
    sigemptyset(&set);
    sigaddset(&set, SIGKILL); /* silently not blockable */
    CHECK("block kill", sigprocmask(SIG_BLOCK, &set, &cur));
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("kill blocked %d\n", sigismember(&cur, SIGKILL));
    CHECK("bad how", sigprocmask(12345, &set, NULL));
    sigemptyset(&set);
    CHECK("unblock all", sigprocmask(SIG_SETMASK, &set, NULL));
    sigpending(&cur);
    printf("pending usr1 %d\n", sigismember(&cur, SIGUSR1));

    /* Ignored signals are discarded. */
    signal(SIGUSR2, SIG_IGN);
    CHECK("raise ignored", raise(SIGUSR2));
    signal(SIGCHLD, SIG_DFL);
    CHECK("raise chld (default ignore)", raise(SIGCHLD));

    signal(SIGPIPE, SIG_IGN);
    int p[2];
    pipe(p);
    close(p[0]);
    CHECK("write to closed pipe", write(p[1], "x", 1));
    close(p[1]);
    printf("done\n");
    return 0;
}
