/* xrun-test: cflags=-pthread timeout=60 */
/* fork, exec and posix_spawn from a threaded program. The forked child has one thread (the
   others do not run there), pthread_atfork handlers run in order, the child can create
   threads again and exits with a status the parent checks; fork from a non-main thread (the
   child's only thread has tid == pid); execve of this program (with --helper) from a
   non-main thread of a threaded process (the other threads vanish, the pid stays); posix_spawn
   from a thread. */
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define CHECK(call)                                                                   \
    do {                                                                              \
        int e_ = (call);                                                              \
        if (e_) { printf("%s failed: %s\n", #call, strerror(e_)); _exit(100); }       \
    } while (0)

static const char *self;
static atomic_uint spin_count;
static atomic_int stop_spinners;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void *spinner(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop_spinners)) atomic_fetch_add(&spin_count, 1);
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    while (!atomic_load(&stop_spinners)) pthread_cond_wait(&cv, &m);
    pthread_mutex_unlock(&m);
    return NULL;
}

static pthread_t bg[3];
static void start_background(void)
{
    atomic_store(&stop_spinners, 0);
    CHECK(pthread_create(&bg[0], NULL, spinner, NULL));
    CHECK(pthread_create(&bg[1], NULL, spinner, NULL));
    CHECK(pthread_create(&bg[2], NULL, sleeper, NULL));
    while (atomic_load(&spin_count) < 1000) sched_yield();
}

static void stop_background(void)
{
    pthread_mutex_lock(&m);
    atomic_store(&stop_spinners, 1);
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&m);
    for (int i = 0; i < 3; i++) CHECK(pthread_join(bg[i], NULL));
}

static void print_status(const char *what, int st)
{
    if (WIFEXITED(st)) printf("%s: exit %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: signal %s\n", what, strsignal(WTERMSIG(st)));
    else printf("%s: status %#x\n", what, st);
}

/* ---- the helper that exec and posix_spawn start ------------------------------------------- */

static int helper(int argc, char **argv)
{
    /* --helper CODE [PID]: with PID, say whether exec kept the pid */
    int code = atoi(argv[2]);
    if (argc > 3) printf("  helper: pid kept across exec %d\n", getpid() == atoi(argv[3]));
    printf("  helper: exiting with %d\n", code);
    return code;
}

/* ---- fork from the main thread while threads run ------------------------------------------- */

static char atfork_log[64];
static void at_prepare(void) { strcat(atfork_log, "P"); }
static void at_parent(void) { strcat(atfork_log, "p"); }
static void at_child(void) { strcat(atfork_log, "c"); }

static void *child_worker(void *arg)
{
    return (void *)((intptr_t)arg * 2);
}

static void test_fork_main(void)
{
    pthread_atfork(at_prepare, at_parent, at_child);
    start_background();
    fflush(stdout);
    pid_t p = fork();
    if (p < 0) { perror("fork"); exit(1); }
    if (p == 0) {
        /* Only this thread exists here: the spinners' counter must stay still. */
        unsigned before = atomic_load(&spin_count);
        for (volatile int i = 0; i < 2000000; i++) {}
        usleep(20000);
        unsigned after = atomic_load(&spin_count);
        printf("  child: atfork %s, other threads run here: %s\n", atfork_log,
               after == before ? "no" : "yes");
        printf("  child: tid == pid %d\n", (pid_t)syscall(SYS_gettid) == getpid());
        /* new threads in the child */
        pthread_t t[4];
        intptr_t sum = 0;
        for (intptr_t i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, child_worker, (void *)(i + 1)));
        for (int i = 0; i < 4; i++) {
            void *r;
            CHECK(pthread_join(t[i], &r));
            sum += (intptr_t)r;
        }
        printf("  child: 4 new threads joined, sum %ld\n", (long)sum);
        fflush(stdout);
        _exit((int)sum + 3);
    }
    int st;
    if (waitpid(p, &st, 0) != p) { perror("waitpid"); exit(1); }
    printf("parent: atfork %s\n", atfork_log);
    print_status("fork from main with 3 threads running", st);
    stop_background();
}

/* ---- fork from a non-main thread ------------------------------------------------------------ */

static void *forking_thread(void *arg)
{
    (void)arg;
    int not_leader = (pid_t)syscall(SYS_gettid) != getpid();
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        printf("  child of a thread: tid == pid %d, parent's thread was not the leader %d\n",
               (pid_t)syscall(SYS_gettid) == getpid(), not_leader);
        pthread_t t;
        CHECK(pthread_create(&t, NULL, child_worker, (void *)(intptr_t)20));
        void *r;
        CHECK(pthread_join(t, &r));
        fflush(stdout);
        _exit((int)(intptr_t)r);
    }
    int st = 0;
    if (p < 0 || waitpid(p, &st, 0) != p) { perror("fork/waitpid"); exit(1); }
    return (void *)(intptr_t)st;
}

static void test_fork_thread(void)
{
    start_background();
    pthread_t t;
    void *r;
    CHECK(pthread_create(&t, NULL, forking_thread, NULL));
    CHECK(pthread_join(t, &r));
    print_status("fork from a second thread", (int)(intptr_t)r);
    stop_background();
}

/* ---- execve from a non-main thread of a threaded process ----------------------------------- */

static void *exec_thread(void *arg)
{
    char pid[16];
    snprintf(pid, sizeof pid, "%d", (int)(intptr_t)arg);
    char *args[] = {(char *)self, "--helper", "42", pid, NULL};
    fflush(stdout);
    execve(self, args, environ);
    perror("execve");
    _exit(127);
}

static void test_exec_thread(void)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        /* a threaded process: the exec comes from one of its threads */
        start_background();
        pthread_t t;
        CHECK(pthread_create(&t, NULL, exec_thread, (void *)(intptr_t)getpid()));
        pthread_join(t, NULL); /* never returns: exec replaces the process */
        _exit(99);
    }
    int st;
    if (waitpid(p, &st, 0) != p) { perror("waitpid"); exit(1); }
    print_status("execve from a thread", st);
}

/* ---- posix_spawn from a thread -------------------------------------------------------------- */

static void *spawn_thread(void *arg)
{
    (void)arg;
    char *args[] = {(char *)self, "--helper", "9", NULL};
    pid_t pid;
    fflush(stdout);
    int e = posix_spawn(&pid, self, NULL, NULL, args, environ);
    if (e) { printf("posix_spawn: %s\n", strerror(e)); return (void *)(intptr_t)-1; }
    int st;
    if (waitpid(pid, &st, 0) != pid) { perror("waitpid"); exit(1); }
    return (void *)(intptr_t)st;
}

static void test_spawn_thread(void)
{
    start_background();
    pthread_t t;
    void *r;
    CHECK(pthread_create(&t, NULL, spawn_thread, NULL));
    CHECK(pthread_join(t, &r));
    print_status("posix_spawn from a thread", (int)(intptr_t)r);
    /* and a posix_spawn that fails in the child: the error comes back to the caller */
    char *args[] = {"/nonexistent/prog", NULL};
    pid_t pid;
    int e = posix_spawn(&pid, "/nonexistent/prog", NULL, NULL, args, environ);
    printf("posix_spawn of a missing file: %s\n", e ? strerror(e) : "started");
    if (!e) waitpid(pid, NULL, 0);
    stop_background();
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--helper") == 0) return helper(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
    self = argv[0];
    test_fork_main();
    test_fork_thread();
    test_exec_thread();
    test_spawn_thread();
    printf("done\n");
    return 0;
}
