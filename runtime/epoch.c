/* Deferred frees by quiescence (runtime/epoch.h).
 *
 * A global epoch counter (rt_epoch_global) only grows; each retirement bumps it and
 * stamps the object with the new value e. Each registered thread publishes
 * `local`: the epoch it read at its last quiescent point, or 0 while it is
 * offline. An object stamped e is freed once every online thread has
 * local >= e: that thread read rt_epoch_global after the bump, which came after
 * the object was unlinked, so it cannot have found the object since.
 *
 * All accesses to rt_epoch_global and `local` are sequentially consistent, which
 * makes the argument above hold across threads: a thread whose quiescent
 * load of rt_epoch_global returns e or more sees every store made before the bump
 * (the unlinking). The rt_epoch_retired list is a lock-free stack that is only ever
 * pushed one object at a time and taken whole, so there is no ABA.
 *
 * The registry of threads is a list under a mutex, walked only by
 * rt_epoch_reclaim (not a signal handler) and changed by register and
 * unregister.
 */
#include "runtime/epoch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct EpochThread {
    uint64_t local; /* 0: offline */
    struct EpochThread *next;
    bool registered;
    unsigned ticks;
} EpochThread;

/* How many quiescent points pass between reclaim attempts while objects
 * wait (the attempt takes the registry lock). */
#define RECLAIM_EVERY 64u

uint64_t rt_epoch_global = 1; /* the global epoch */
RtRetired *rt_epoch_retired;  /* the stack of retired objects */
_Thread_local uint64_t rt_epoch_published; /* = me.local, for the inline fast path */
static uint64_t n_pending;
static EpochThread *threads;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local EpochThread me;

static inline uint64_t epoch_now(void) {
    return __atomic_load_n(&rt_epoch_global, __ATOMIC_SEQ_CST);
}

/* Publish e (0: offline) for this thread. */
static inline void set_local(uint64_t e) {
    __atomic_store_n(&me.local, e, __ATOMIC_SEQ_CST);
    rt_epoch_published = e;
}

void rt_epoch_register(void) {
    if (me.registered) return;
    set_local(epoch_now());
    pthread_mutex_lock(&reg_lock);
    me.next = threads;
    threads = &me;
    me.registered = true;
    pthread_mutex_unlock(&reg_lock);
    /* An epoch read before the thread was visible in the list may be
     * older than objects rt_epoch_retired meanwhile: read it again. */
    set_local(epoch_now());
}

void rt_epoch_unregister(void) {
    if (!me.registered) return;
    pthread_mutex_lock(&reg_lock);
    for (EpochThread **pp = &threads; *pp; pp = &(*pp)->next) {
        if (*pp == &me) {
            *pp = me.next;
            break;
        }
    }
    me.registered = false;
    pthread_mutex_unlock(&reg_lock);
    set_local(0);
}

void rt_epoch_fork_child(void) {
    pthread_mutex_init(&reg_lock, NULL);
    threads = NULL;
    if (me.registered) {
        me.next = NULL;
        threads = &me;
    }
    set_local(me.registered ? epoch_now() : 0);
}

void rt_epoch_quiescent_slow(void) {
    /* Publishing an epoch the thread has already published changes
     * nothing: objects stamped e or less were unlinked before the bump to
     * e, and the load that first returned e (here or in register/online)
     * ordered every later code-cache read of this thread after that
     * unlinking. So the fenced store is skipped unless rt_epoch_global moved (the
     * inline fast path in epoch.h compares without calling here at all). */
    uint64_t e = epoch_now();
    if (rt_epoch_published != e) set_local(e);
    if (__atomic_load_n(&rt_epoch_retired, __ATOMIC_RELAXED) && ++me.ticks % RECLAIM_EVERY == 0)
        rt_epoch_reclaim();
}

void rt_epoch_offline(void) {
    set_local(0);
}

void rt_epoch_online(void) {
    set_local(epoch_now());
}

static void push(RtRetired *r) {
    RtRetired *head = __atomic_load_n(&rt_epoch_retired, __ATOMIC_RELAXED);
    do
        r->next = head;
    while (!__atomic_compare_exchange_n(&rt_epoch_retired, &head, r, true, __ATOMIC_RELEASE,
                                        __ATOMIC_RELAXED));
}

void rt_epoch_retire(RtRetired *r, void (*free_fn)(RtRetired *)) {
    r->free_fn = free_fn;
    r->epoch = __atomic_add_fetch(&rt_epoch_global, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&n_pending, 1, __ATOMIC_RELAXED);
    push(r);
}

unsigned rt_epoch_reclaim(void) {
    RtRetired *list = __atomic_exchange_n(&rt_epoch_retired, NULL, __ATOMIC_ACQUIRE);
    if (!list) return 0;
    uint64_t min = UINT64_MAX;
    pthread_mutex_lock(&reg_lock);
    for (EpochThread *t = threads; t; t = t->next) {
        uint64_t l = __atomic_load_n(&t->local, __ATOMIC_SEQ_CST);
        if (l && l < min) min = l;
    }
    pthread_mutex_unlock(&reg_lock);
    unsigned freed = 0;
    while (list) {
        RtRetired *n = list->next;
        if (list->epoch <= min) {
            list->free_fn(list);
            freed++;
        } else {
            push(list);
        }
        list = n;
    }
    __atomic_sub_fetch(&n_pending, freed, __ATOMIC_RELAXED);
    return freed;
}

uint64_t rt_epoch_pending(void) {
    return __atomic_load_n(&n_pending, __ATOMIC_RELAXED);
}
