/* xrun-test: cflags=-pthread */
/* clone(2) through glibc's wrapper, without pthreads: a thread made by hand (CLONE_VM |
   CLONE_THREAD | ... | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID, the parent waits on the
   cleared tid with FUTEX_WAIT; CLONE_SETTLS is what every pthread_create does), and processes
   made with clone: CLONE_VM | SIGCHLD (memory shared, status seen by waitpid), CLONE_VM | CLONE_VFORK
   (the parent sleeps until the child exits), and plain SIGCHLD (memory copied). */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK 65536
static char stack1[STACK] __attribute__((aligned(16)));

static volatile int shared = 0;
static volatile pid_t ptid, ctid;

static int thread_fn(void *arg)
{
    shared = (int)(intptr_t)arg;
    syscall(SYS_exit, 0); /* this thread only */
    return 0;
}

static int vm_child(void *arg)
{
    shared = (int)(intptr_t)arg;
    return 7; /* the exit status */
}

static void wait_cleared(void)
{
    /* One read per wait: a second read could see the 0 stored meanwhile and then sleep on it
       for good. */
    pid_t v;
    while ((v = ctid) != 0) syscall(SYS_futex, &ctid, FUTEX_WAIT, v, NULL, NULL, 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const int tflags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                       CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;

    /* a raw thread */
    ctid = -1;
    int tid = clone(thread_fn, stack1 + STACK, tflags, (void *)(intptr_t)41, &ptid, NULL, &ctid);
    if (tid < 0) { perror("clone thread"); return 1; }
    wait_cleared();
    printf("raw thread: parent tid set %d, child tid cleared %d, shared %d, tid != pid %d\n",
           ptid == tid, ctid == 0, shared, tid != getpid());

    /* a process sharing our memory */
    shared = 0;
    int pid = clone(vm_child, stack1 + STACK, CLONE_VM | SIGCHLD, (void *)(intptr_t)55);
    if (pid < 0) { perror("clone vm"); return 1; }
    int st;
    if (waitpid(pid, &st, 0) != pid) { perror("waitpid"); return 1; }
    printf("CLONE_VM|SIGCHLD: status %d, shared %d\n", WEXITSTATUS(st), shared);

    /* vfork-like: we resume only after the child has exited */
    shared = 0;
    pid = clone(vm_child, stack1 + STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, (void *)(intptr_t)66);
    if (pid < 0) { perror("clone vfork"); return 1; }
    int at_return = shared;
    waitpid(pid, &st, 0);
    printf("CLONE_VM|CLONE_VFORK: shared when clone returned %d, status %d\n", at_return,
           WEXITSTATUS(st));

    /* a copy: the child's store does not reach us */
    shared = 1;
    pid = clone(vm_child, stack1 + STACK, SIGCHLD, (void *)(intptr_t)77);
    if (pid < 0) { perror("clone"); return 1; }
    waitpid(pid, &st, 0);
    printf("SIGCHLD only: status %d, shared still %d\n", WEXITSTATUS(st), shared);
    return 0;
}
