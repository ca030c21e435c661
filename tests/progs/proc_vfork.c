/* vfork and the other processes that share their parent's memory (clone with CLONE_VM but
   not CLONE_THREAD). vfork: the child's stores are the parent's, and the parent sleeps until
   the child exits or execs. posix_spawn (glibc: CLONE_VM | CLONE_VFORK): an exec error comes
   back through the shared memory, and the child resetting a handler (POSIX_SPAWN_SETSIGDEF)
   leaves the parent's in place. clone(CLONE_VM) without CLONE_SIGHAND gives the child a copy
   of the dispositions; with CLONE_SIGHAND they are shared. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define STACK 65536
static char stack1[STACK] __attribute__((aligned(16)));

static volatile int shared;
static volatile pid_t child_pid, child_ppid;
static volatile int hits[65];

static void on_sig(int s)
{
    hits[s]++;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int ignore_usr2(void *arg)
{
    (void)arg;
    signal(SIGUSR2, SIG_IGN);
    shared = 1;
    return 3;
}

static int status_of(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "child")) {
        printf("  exec'd child says %s\n", argv[2]);
        return 9;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    pid_t me = getpid();

    /* vfork: the child writes our memory, then _exit */
    shared = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        child_pid = getpid();
        child_ppid = getppid();
        shared = 42;
        _exit(5);
    }
    printf("vfork: shared %d when vfork returned, child pid is the one returned %d, "
           "child pid differs from ours %d, its parent is us %d, status %d\n",
           shared, child_pid == pid, child_pid != me, child_ppid == me, status_of(pid));

    /* vfork: the parent waits while the child sleeps */
    double t0 = now();
    pid = vfork();
    if (pid == 0) {
        struct timespec d = {0, 200 * 1000 * 1000};
        nanosleep(&d, NULL);
        _exit(6);
    }
    double waited = now() - t0;
    printf("vfork: parent suspended while the child slept %d, status %d\n", waited >= 0.19,
           status_of(pid));

    /* vfork then execve */
    pid = vfork();
    if (pid == 0) {
        char *args[] = {argv[0], "child", "hello", NULL};
        execve("/proc/self/exe", args, environ);
        _exit(127);
    }
    int st = status_of(pid);
    printf("vfork + execve: status %d\n", st);

    /* posix_spawn: an exec error reaches the parent */
    char *nargs[] = {"/nonexistent/program", NULL};
    int e = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, nargs, environ);
    printf("posix_spawn of a missing file: %s\n", e ? strerror(e) : "started");
    if (!e) status_of(pid);

    /* posix_spawn with SETSIGDEF: the child's reset is its own */
    signal(SIGUSR1, on_sig);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGUSR1);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
    char *sargs[] = {argv[0], "child", "spawned", NULL};
    e = posix_spawn(&pid, "/proc/self/exe", NULL, &at, sargs, environ);
    posix_spawnattr_destroy(&at);
    if (e) {
        printf("posix_spawn: %s\n", strerror(e));
        return 1;
    }
    st = status_of(pid);
    raise(SIGUSR1);
    printf("posix_spawn with SETSIGDEF: status %d, our SIGUSR1 handler still runs %d\n", st,
           hits[SIGUSR1]);

    /* clone(CLONE_VM): dispositions copied unless CLONE_SIGHAND */
    signal(SIGUSR2, on_sig);
    shared = 0;
    pid = clone(ignore_usr2, stack1 + STACK, CLONE_VM | SIGCHLD, NULL);
    if (pid < 0) {
        perror("clone");
        return 1;
    }
    st = status_of(pid);
    raise(SIGUSR2);
    printf("CLONE_VM: status %d, shared %d, child's SIG_IGN not ours: handler ran %d\n", st,
           shared, hits[SIGUSR2]);
    shared = 0;
    pid = clone(ignore_usr2, stack1 + STACK, CLONE_VM | CLONE_SIGHAND | SIGCHLD, NULL);
    if (pid < 0) {
        perror("clone");
        return 1;
    }
    st = status_of(pid);
    raise(SIGUSR2);
    printf("CLONE_VM|CLONE_SIGHAND: status %d, shared %d, child's SIG_IGN is ours: handler ran "
           "%d\n",
           st, shared, hits[SIGUSR2]);
    return 0;
}
