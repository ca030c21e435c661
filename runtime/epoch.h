/* Deferred frees by quiescence (epoch-based reclamation).
 *
 * Translated code that has been dropped from the code cache may still be
 * running on another thread (or deeper in this thread's own chain of
 * compiled blocks). Its memory is retired here and freed only once every
 * registered thread has passed a quiescent point since the retirement.
 *
 * A quiescent point is a place where the thread holds no pointer into the
 * code cache obtained before it: the top of the dispatcher loop. A thread
 * that is offline (blocked in a system call, or not registered) counts as
 * quiescent; it must not keep such pointers across the offline window.
 *
 * Every guest thread registers before it runs guest code (rt_run does it
 * for the thread calling it) and unregisters when it exits.
 *
 * rt_epoch_retire() is async-signal-safe (the write-fault handler calls
 * it): it allocates nothing and takes no lock. Frees run only from
 * rt_epoch_reclaim(), never inside a signal handler.
 */
#ifndef XRUN_RUNTIME_EPOCH_H_
#define XRUN_RUNTIME_EPOCH_H_

#include <stdint.h>

/* An object waiting to be freed: embed one in it. */
typedef struct RtRetired {
    struct RtRetired *next;
    uint64_t epoch;                      /* set by rt_epoch_retire */
    void (*free_fn)(struct RtRetired *); /* called once it is safe */
} RtRetired;

/* Join / leave the set of threads reclamation waits for. Registering
 * twice is harmless; a registered thread starts online. */
void rt_epoch_register(void);
void rt_epoch_unregister(void);

/* In the child of fork: the calling thread is the only one left (the
 * others' records would block reclamation for good). */
void rt_epoch_fork_child(void);

/* The calling thread holds no code-cache pointers from before this call
 * (it is online afterwards). Cheap: the dispatcher calls it once per block.
 * Inline fast path: nothing to do when the global epoch is the one this
 * thread published last and nothing waits to be freed (runtime/epoch.c
 * says why skipping the store is safe); otherwise rt_epoch_quiescent_slow
 * publishes the epoch and frees what has become safe now and then. */
extern uint64_t rt_epoch_global;                /* internal to epoch.c */
extern struct RtRetired *rt_epoch_retired;      /* internal to epoch.c */
extern _Thread_local uint64_t rt_epoch_published; /* internal: this thread's last */
void rt_epoch_quiescent_slow(void);
static inline void rt_epoch_quiescent(void) {
    if (__builtin_expect(__atomic_load_n(&rt_epoch_global, __ATOMIC_SEQ_CST) !=
                                 rt_epoch_published ||
                             __atomic_load_n(&rt_epoch_retired, __ATOMIC_RELAXED) != 0,
                         0))
        rt_epoch_quiescent_slow();
}
/* Around a blocking call: offline threads are not waited for. Going
 * online again is the same as a quiescent point. */
void rt_epoch_offline(void);
void rt_epoch_online(void);

/* Free r->free_fn(r) once no thread can still use the object. The caller
 * has already made it unreachable for threads that start looking now.
 * Async-signal-safe. */
void rt_epoch_retire(RtRetired *r, void (*free_fn)(RtRetired *));

/* Free everything retired that is safe to free now. Never from a signal
 * handler. Returns the number of objects freed. */
unsigned rt_epoch_reclaim(void);
/* Objects retired and not yet freed (for --stats and tests). */
uint64_t rt_epoch_pending(void);

#endif
