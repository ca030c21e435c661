/* xrun-test: cflags=-pthread timeout=60 */
/* Threads made by threads (a binary tree of 63), threads on stacks the program allocates
   (pthread_attr_setstack) and with a large stack size (deep recursion), per-thread state the
   kernel keeps (prctl PR_SET_NAME / PR_GET_NAME, gettid) and glibc's per-thread errno, getpid
   the same in every thread, 50 threads alive at once. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CHECK(call)                                                                   \
    do {                                                                              \
        int e_ = (call);                                                              \
        if (e_) { printf("%s failed: %s\n", #call, strerror(e_)); exit(1); }          \
    } while (0)

/* ---- a tree of threads ---------------------------------------------------------------------- */

static atomic_int tree_nodes;

static void *tree(void *arg)
{
    intptr_t depth = (intptr_t)arg;
    atomic_fetch_add(&tree_nodes, 1);
    if (depth == 0) return (void *)1;
    pthread_t l, r;
    CHECK(pthread_create(&l, NULL, tree, (void *)(depth - 1)));
    CHECK(pthread_create(&r, NULL, tree, (void *)(depth - 1)));
    void *a, *b;
    CHECK(pthread_join(l, &a));
    CHECK(pthread_join(r, &b));
    return (void *)((intptr_t)a + (intptr_t)b + 1);
}

/* ---- stacks ------------------------------------------------------------------------------- */

static char *stk_lo, *stk_hi;

static void *on_my_stack(void *arg)
{
    (void)arg;
    char here;
    return (void *)(intptr_t)(&here >= stk_lo && &here < stk_hi);
}

static int deep(int n)
{
    volatile char pad[1000];
    pad[0] = (char)n;
    if (n == 0) return pad[0];
    return deep(n - 1) + 1 + pad[0] * 0;
}

static void *deep_thread(void *arg)
{
    return (void *)(intptr_t)deep((int)(intptr_t)arg);
}

/* ---- per-thread state --------------------------------------------------------------------- */

static pthread_barrier_t bar;
static pid_t main_pid;
static pid_t tids[8];
static atomic_int same_pid, names_ok, errno_ok;

static void *state_thread(void *arg)
{
    int id = (int)(intptr_t)arg;
    char name[16], got[16] = "";
    snprintf(name, sizeof name, "worker-%d", id);
    prctl(PR_SET_NAME, name, 0, 0, 0);
    errno = 1000 + id;
    tids[id] = (pid_t)syscall(SYS_gettid);
    pthread_barrier_wait(&bar); /* everyone has set its name and errno */
    if (id % 2) close(-1); /* odd ones fail a call: EBADF in their own errno */
    pthread_barrier_wait(&bar);
    int e = errno;
    prctl(PR_GET_NAME, got, 0, 0, 0);
    if (strcmp(got, name) == 0) atomic_fetch_add(&names_ok, 1);
    if (e == (id % 2 ? EBADF : 1000 + id)) atomic_fetch_add(&errno_ok, 1);
    if (getpid() == main_pid) atomic_fetch_add(&same_pid, 1);
    return NULL;
}

static atomic_int pid_matches;
static void *pid_thread(void *arg)
{
    (void)arg;
    if (getpid() == main_pid && (pid_t)syscall(SYS_gettid) != main_pid)
        atomic_fetch_add(&pid_matches, 1);
    return NULL;
}

/* ---- many alive at once ------------------------------------------------------------------- */

static pthread_barrier_t all_bar;
static atomic_int alive;
static void *alive_thread(void *arg)
{
    (void)arg;
    atomic_fetch_add(&alive, 1);
    pthread_barrier_wait(&all_bar);
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);

    pthread_t t;
    void *r;
    CHECK(pthread_create(&t, NULL, tree, (void *)(intptr_t)5));
    CHECK(pthread_join(t, &r));
    printf("thread tree: %d nodes, result %ld\n", atomic_load(&tree_nodes), (long)(intptr_t)r);

    /* a stack we allocate */
    size_t sz = 256 * 1024;
    char *mem = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) { perror("mmap"); return 1; }
    stk_lo = mem;
    stk_hi = mem + sz;
    pthread_attr_t a;
    pthread_attr_init(&a);
    CHECK(pthread_attr_setstack(&a, mem, sz));
    CHECK(pthread_create(&t, &a, on_my_stack, NULL));
    CHECK(pthread_join(t, &r));
    printf("pthread_attr_setstack: the thread ran on it %ld\n", (long)(intptr_t)r);
    pthread_attr_destroy(&a);

    /* a big stack: 6000 frames of 1000+ bytes */
    pthread_attr_init(&a);
    CHECK(pthread_attr_setstacksize(&a, 16 * 1024 * 1024));
    size_t got_sz;
    pthread_attr_getstacksize(&a, &got_sz);
    CHECK(pthread_create(&t, &a, deep_thread, (void *)(intptr_t)6000));
    CHECK(pthread_join(t, &r));
    printf("16 MiB stack (attr says %zu): recursion depth %ld\n", got_sz, (long)(intptr_t)r);
    pthread_attr_destroy(&a);

    /* names, errno, pid, tid */
    main_pid = getpid();
    CHECK(pthread_barrier_init(&bar, NULL, 8));
    pthread_t ts[8];
    for (intptr_t i = 0; i < 8; i++) CHECK(pthread_create(&ts[i], NULL, state_thread, (void *)i));
    for (int i = 0; i < 8; i++) CHECK(pthread_join(ts[i], NULL));
    int distinct = 0;
    for (int i = 0; i < 8; i++) {
        int dup = tids[i] == getpid();
        for (int k = 0; k < i; k++) dup |= tids[k] == tids[i];
        distinct += !dup;
    }
    char mainname[16] = "";
    prctl(PR_GET_NAME, mainname, 0, 0, 0);
    printf("8 threads: distinct tids %d, names kept %d, errno kept %d, same pid %d\n", distinct,
           atomic_load(&names_ok), atomic_load(&errno_ok), atomic_load(&same_pid));
    printf("main thread's name unchanged: %d\n", strncmp(mainname, "worker-", 7) != 0);
    for (int i = 0; i < 8; i++) CHECK(pthread_create(&ts[i], NULL, pid_thread, NULL));
    for (int i = 0; i < 8; i++) CHECK(pthread_join(ts[i], NULL));
    printf("getpid in threads is the process id, gettid is not: %d of 8\n",
           atomic_load(&pid_matches));

    enum { N = 50 };
    pthread_t many[N];
    CHECK(pthread_barrier_init(&all_bar, NULL, N + 1));
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 64 * 1024);
    for (int i = 0; i < N; i++) CHECK(pthread_create(&many[i], &a, alive_thread, NULL));
    pthread_barrier_wait(&all_bar);
    printf("%d threads alive at once: %d\n", N, atomic_load(&alive));
    for (int i = 0; i < N; i++) CHECK(pthread_join(many[i], NULL));
    return 0;
}
