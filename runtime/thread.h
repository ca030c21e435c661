/* Guest threads (DESIGN §4 "Threads").
 *
 * One host thread per guest thread. Each runs rt_run() on its own
 * CPUState; the guest tid is the host thread's tid, so tgkill, PI futexes
 * and /proc/self/task work by passing straight through to the host.
 *
 * The registry below knows every live guest thread of the process: the
 * main thread (registered by rt_thread_init) and those made by clone. An
 * exit(2) of one thread ends only that thread; the process ends when the
 * last one has gone, with that thread's exit status (what Linux reports,
 * whichever thread is last). exit_group ends everything at once (rt_exit:
 * _exit, whatever the other threads are doing).
 */
#ifndef XRUN_RUNTIME_THREAD_H_
#define XRUN_RUNTIME_THREAD_H_

#include <stdbool.h>
#include <stdint.h>

#include "runtime/cpu.h"
#include "runtime/dispatch.h"

/* Register the calling (main) host thread, running env, as the first guest
 * thread and install the fork handlers. Called once by main before rt_run. */
void rt_thread_init(CPUState *env);

/* Start a guest thread (clone with CLONE_VM | CLONE_THREAD). child is a
 * fully set up CPUState (malloc'd with rt_thread_env_alloc; ownership passes
 * to the new thread); ptid / ctid are the CLONE_PARENT_SETTID /
 * CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID addresses as selected by flags.
 * Returns the new tid (already stored at ptid when asked) or -errno. */
long rt_thread_create(CPUState *child, uint32_t flags, uint32_t ptid, uint32_t ctid);
/* Start a process sharing the address space (clone with CLONE_VM but not
 * CLONE_THREAD: vfork, posix_spawn, clone(CLONE_VM | SIGCHLD)), running the
 * guest from child (ownership passes, as above). flags are the guest's clone
 * flags; with CLONE_VFORK this returns only once the child has exec'd or
 * exited. Returns the child's pid or -errno. */
long rt_vm_process_create(CPUState *child, uint32_t flags, uint32_t ptid, uint32_t ctid);
/* A CPUState suitably aligned for the x87 registers, zeroed; NULL if out of memory. */
CPUState *rt_thread_env_alloc(void);

/* exit(2) of the calling guest thread (its clear-child-tid and robust list
 * already handled by the syscall layer). Never returns. */
_Noreturn void rt_thread_exit(int status);

/* Number of live guest threads (1 until the first clone). */
int rt_thread_count(void);

/* The CPUState of guest thread tid, or NULL (registry lookup, for calls
 * that name another thread). Only valid while that thread lives. */
CPUState *rt_thread_env_of(int tid);

/* Call fn(env, tid, arg) for every live thread of the calling thread's
 * process but the caller (exit_group walks their robust lists). The other
 * threads go on running meanwhile: only for what the process does as it
 * ends. */
void rt_thread_foreach_other(void (*fn)(CPUState *env, int tid, void *arg), void *arg);

/* --stats: the sum of every thread's counters (live ones and those gone). */
void rt_thread_stats_sum(RtStats *out);

/* fork from a threaded guest: xrun's own locks are taken before a fork and
 * released on both sides; the child keeps only the calling thread. These
 * run from pthread_atfork; a raw clone that makes a process calls them
 * itself. */
void rt_fork_prepare(void);
void rt_fork_parent(void);
void rt_fork_child(void);

#endif
