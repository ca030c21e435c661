/* xrun-test: cflags=-pthread */
/* Robust mutexes: the kernel walks a dying thread's robust list (set_robust_list) and marks
   the mutexes it held, so the next locker gets EOWNERDEAD; one made consistent is usable
   again, one that is not becomes ENOTRECOVERABLE. Also a process-shared robust mutex in a
   MAP_SHARED page whose owner process exits while holding it, and one held by a thread other
   than the one that ends the process with exit_group. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ename(int e)
{
    switch (e) {
    case 0: return "0";
    case EOWNERDEAD: return "EOWNERDEAD";
    case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
    case EBUSY: return "EBUSY";
    case EPERM: return "EPERM";
    default: return strerror(e);
    }
}

static pthread_mutex_t robust;

static void *die_holding(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&robust);
    return NULL; /* ends while owning it */
}

static int held;

static void *hold_shared(void *m)
{
    pthread_mutex_lock(m);
    __atomic_store_n(&held, 1, __ATOMIC_RELEASE);
    for (;;) pause();
    return NULL;
}

static void run_dier(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, die_holding, NULL) || pthread_join(t, NULL)) {
        printf("thread failed\n");
        _exit(1);
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    int e = pthread_mutex_init(&robust, &a);
    printf("init robust: %s\n", ename(e));
    if (e) return 1;

    run_dier();
    int e1 = pthread_mutex_lock(&robust);
    int e2 = pthread_mutex_consistent(&robust);
    int u1 = pthread_mutex_unlock(&robust);
    int e3 = pthread_mutex_lock(&robust);
    int u2 = pthread_mutex_unlock(&robust);
    printf("lock after the owner died %s, consistent %s, unlock %s, lock %s, unlock %s\n",
           ename(e1), ename(e2), ename(u1), ename(e3), ename(u2));

    run_dier();
    e1 = pthread_mutex_trylock(&robust);
    u1 = pthread_mutex_unlock(&robust); /* not made consistent */
    e2 = pthread_mutex_lock(&robust);
    printf("not made consistent: trylock %s, unlock %s, lock %s\n", ename(e1), ename(u1),
           ename(e2));

    /* process-shared, in shared memory; the owner is another process that exits */
    pthread_mutex_t *sm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                               -1, 0);
    if (sm == MAP_FAILED) { perror("mmap"); return 1; }
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    e = pthread_mutex_init(sm, &a);
    printf("init shared robust: %s\n", ename(e));
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        pthread_mutex_lock(sm);
        _exit(3); /* exits holding it */
    }
    int st;
    waitpid(p, &st, 0);
    e1 = pthread_mutex_lock(sm);
    e2 = pthread_mutex_consistent(sm);
    u1 = pthread_mutex_unlock(sm);
    printf("child exited %d holding it: lock %s, consistent %s, unlock %s\n", WEXITSTATUS(st),
           ename(e1), ename(e2), ename(u1));

    /* the owner is a thread of a process whose other thread calls exit_group */
    e = pthread_mutex_init(sm + 1, &a);
    fflush(stdout);
    p = fork();
    if (p == 0) {
        pthread_t t;
        pthread_create(&t, NULL, hold_shared, sm + 1);
        while (!__atomic_load_n(&held, __ATOMIC_ACQUIRE)) usleep(1000);
        _exit(4); /* exit_group while the other thread holds it */
    }
    waitpid(p, &st, 0);
    e1 = pthread_mutex_lock(sm + 1);
    e2 = pthread_mutex_consistent(sm + 1);
    u1 = pthread_mutex_unlock(sm + 1);
    printf("init %s; child exited %d while its thread held it: lock %s, consistent %s, "
           "unlock %s\n",
           ename(e), WEXITSTATUS(st), ename(e1), ename(e2), ename(u1));
    pthread_mutexattr_destroy(&a);
    return 0;
}
