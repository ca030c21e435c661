/* Thread support: the i386 TLS descriptors (set/get_thread_area), thread
 * creation (clone with CLONE_THREAD, runtime/thread.h), set_tid_address,
 * robust lists and their release at thread exit, futexes, rseq. */
#include <linux/futex.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/safe_syscall.h"
#include "runtime/thread.h"
#include "syscalls/handlers.h"

#define TLS_MIN 6
#define TLS_MAX 8

/* ---- TLS descriptors ----------------------------------------------------- */

/* The kernel's LDT_empty (the "clear this entry" encoding) and LDT_zero. */
static int ud_is_clear(const struct i386_user_desc *u) {
    if (!u->base_addr && !u->limit && !u->flags) return 1;
    uint32_t f = u->flags & 0x7f;
    return !u->base_addr && !u->limit && f == (UD_READ_EXEC_ONLY | UD_SEG_NOT_PRESENT);
}

long sys_do_set_thread_area(CPUState *env, uint32_t uinfo) {
    struct i386_user_desc u;
    if (sys_get(&u, uinfo, sizeof u)) return -EFAULT;
    int32_t idx = (int32_t)u.entry_number;
    if (idx == -1) {
        for (idx = TLS_MIN; idx <= TLS_MAX && env->tls[idx - TLS_MIN].present; idx++) {
        }
        if (idx > TLS_MAX) return -ESRCH;
        u.entry_number = (uint32_t)idx;
        if (sys_put(uinfo, &u.entry_number, 4)) return -EFAULT;
    }
    if (idx < TLS_MIN || idx > TLS_MAX) return -EINVAL;
    int clear = ud_is_clear(&u);
    if (!clear) {
        /* Only present 32-bit data segments (like the kernel's tls_desc_okay). */
        if (!(u.flags & UD_SEG_32BIT) || ((u.flags & UD_CONTENTS) >> 1) > 1 ||
            (u.flags & UD_SEG_NOT_PRESENT))
            return -EINVAL;
    }
    env->tls[idx - TLS_MIN].base = clear ? 0 : u.base_addr;
    env->tls[idx - TLS_MIN].limit = clear ? 0 : u.limit;
    env->tls[idx - TLS_MIN].flags = clear ? 0 : u.flags;
    env->tls[idx - TLS_MIN].present = !clear;
    /* A segment register already holding this GDT selector sees the change
     * (the kernel reloads FS/GS on return). */
    for (int s = 0; s < SEG__COUNT; s++) {
        uint16_t sel = env->seg[s];
        if (!(sel & 4) && (sel >> 3) == (uint32_t)idx) env->seg_base[s] = clear ? 0 : u.base_addr;
    }
    return 0;
}

SYS_FN(sys_set_thread_area) {
    return sys_do_set_thread_area(env, a[0]);
}

SYS_FN(sys_get_thread_area) {
    struct i386_user_desc u;
    if (sys_get(&u, a[0], sizeof u)) return -EFAULT;
    int32_t idx = (int32_t)u.entry_number;
    if (idx < TLS_MIN || idx > TLS_MAX) return -EINVAL;
    const __typeof__(env->tls[0]) *t = &env->tls[idx - TLS_MIN];
    if (t->present) {
        u.base_addr = t->base;
        u.limit = t->limit;
        u.flags = t->flags;
    } else {
        u.base_addr = u.limit = 0;
        u.flags = UD_READ_EXEC_ONLY | UD_SEG_NOT_PRESENT;
    }
    return sys_put(a[0], &u, sizeof u);
}

/* ---- tid address, robust list ------------------------------------------ */

/* Both live in the thread's CPUState (runtime/cpu.h), so they are per
 * thread and another thread's robust list can be read. */
SYS_FN(sys_set_tid_address) {
    env->clear_child_tid = a[0];
    return (long)syscall(SYS_gettid);
}

/* sizeof(struct robust_list_head) on i386: next, futex_offset, pending. */
#define ROBUST_HEAD_SIZE 12u
/* The kernel's ROBUST_LIST_LIMIT: a circular list cannot hang the exit. */
#define ROBUST_LIST_LIMIT 2048

SYS_FN(sys_set_robust_list) {
    if (a[1] != ROBUST_HEAD_SIZE) return -EINVAL;
    env->robust_list = a[0];
    return 0;
}

SYS_FN(sys_get_robust_list) {
    int32_t pid = (int32_t)a[0];
    const CPUState *t = pid == 0 || pid == (int32_t)syscall(SYS_gettid) ? env
                                                                        : rt_thread_env_of(pid);
    if (!t) return -ESRCH;
    uint32_t head = t->robust_list, len = ROBUST_HEAD_SIZE;
    if (sys_put(a[2], &len, 4) || sys_put(a[1], &head, 4)) return -EFAULT;
    return 0;
}

static long host_futex_wake(uint32_t *uaddr, int n) {
    return syscall(SYS_futex, uaddr, FUTEX_WAKE, n, NULL, NULL, 0);
}

/* The kernel's handle_futex_death for the lock word at uaddr, held by tid
 * when its owner dies: mark it FUTEX_OWNER_DIED (keeping FUTEX_WAITERS) and
 * wake one waiter of a non-PI lock (PI waiters are handed the lock by the
 * host kernel when the host thread exits). */
static void futex_death(uint32_t uaddr, uint32_t tid, int pi, int pending) {
    if (uaddr & 3) return;
    uint32_t *p = GOUT(uaddr, 4);
    if (!p) return;
    uint32_t v = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    for (;;) {
        if (pending && !pi && !v) {
            host_futex_wake(p, 1);
            return;
        }
        if ((v & FUTEX_TID_MASK) != tid) return;
        uint32_t nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (__atomic_compare_exchange_n(p, &v, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    if (!pi && (v & FUTEX_WAITERS)) host_futex_wake(p, 1);
}

/* Walk the guest's robust list the way the kernel's exit_robust_list does.
 * Entries carry the PI flag in bit 0; the pending entry is handled last. */
static void robust_list_release(const CPUState *env, uint32_t tid) {
    uint32_t head = env->robust_list;
    struct {
        uint32_t next;
        int32_t offset;
        uint32_t pending;
    } h;
    if (!head || sys_get(&h, head, sizeof h)) return;
    uint32_t entry = h.next;
    for (int n = 0; entry != head && n < ROBUST_LIST_LIMIT; n++) {
        uint32_t next;
        if (sys_get(&next, entry & ~1u, 4)) return;
        if (entry != h.pending) futex_death((entry & ~1u) + (uint32_t)h.offset, tid, entry & 1, 0);
        entry = next;
    }
    if (h.pending) futex_death((h.pending & ~1u) + (uint32_t)h.offset, tid, h.pending & 1, 1);
}

void sys_thread_robust_release(CPUState *env) {
    robust_list_release(env, (uint32_t)syscall(SYS_gettid));
    env->robust_list = 0;
}

static void release_other(CPUState *t, int tid, void *arg) {
    (void)arg;
    robust_list_release(t, (uint32_t)tid);
}

/* exit_group: the kernel walks every dying thread's list. Here the other
 * threads are still running while their lists are walked (they are ended
 * by the host exit_group that follows), so a list one of them is changing
 * right now may be walked half-updated: the walk is bounded and checks
 * every address, as the kernel's is. */
void sys_thread_group_robust_release(CPUState *env) {
    rt_thread_foreach_other(release_other, NULL);
    sys_thread_robust_release(env);
}

void sys_thread_release(CPUState *env) {
    sys_thread_robust_release(env);
    if (env->clear_child_tid) {
        uint32_t *p = GOUT(env->clear_child_tid, 4);
        if (p) {
            __atomic_store_n(p, 0, __ATOMIC_SEQ_CST);
            host_futex_wake(p, 1);
        }
        env->clear_child_tid = 0;
    }
}

/* ---- thread creation ----------------------------------------------------- */

/* The CPUState a clone child starts with: the parent's, clone returning 0
 * on the new stack (the same one when newsp is 0), with its own TLS
 * descriptors. NULL with *err set on failure. */
static CPUState *clone_env(CPUState *env, uint32_t flags, uint32_t newsp, uint32_t tls,
                           uint32_t ctid, long *err) {
    CPUState *c = rt_thread_env_alloc();
    if (!c) {
        *err = -ENOMEM;
        return NULL;
    }
    *c = *env;
    c->regs[R_EAX] = 0;
    if (newsp) c->regs[R_ESP] = newsp;
    c->last_chain = NULL;
    c->sig_pending = 0;
    c->smc_hit = 0;
    c->insn_count = 0;
    c->robust_list = 0;
    c->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
    if (flags & CLONE_SETTLS) {
        long r = sys_do_set_thread_area(c, tls);
        if (r) {
            free(c);
            *err = r;
            return NULL;
        }
    }
    return c;
}

/* Namespaces and pidfds are not supported for threads or for processes
 * sharing the memory. */
#define CLONE_REFUSED                                                                              \
    (CLONE_PIDFD | CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |      \
     CLONE_NEWUTS | CLONE_NEWCGROUP)

long sys_clone_thread(CPUState *env, uint32_t flags, uint32_t newsp, uint32_t ptid, uint32_t tls,
                      uint32_t ctid) {
    /* The kernel's checks: a thread shares signal handlers, which needs a
     * shared address space. */
    if (!(flags & CLONE_SIGHAND) || !(flags & CLONE_VM)) return -EINVAL;
    if (flags & (CLONE_VFORK | CLONE_PARENT | CLONE_REFUSED)) return -EINVAL;
    if (!(flags & CLONE_FILES) || !(flags & CLONE_FS)) {
        sys_log_once("clone: thread without CLONE_FILES/CLONE_FS shares them anyway");
    }
    long err;
    CPUState *c = clone_env(env, flags, newsp, tls, ctid, &err);
    if (!c) return err;
    return rt_thread_create(c, flags, ptid, ctid);
}

long sys_clone_vm(CPUState *env, uint32_t flags, uint32_t newsp, uint32_t ptid, uint32_t tls,
                  uint32_t ctid) {
    if (flags & CLONE_REFUSED) {
        sys_log_once("clone: CLONE_VM with a pidfd or new namespaces is not supported");
        return -EINVAL;
    }
    long err;
    CPUState *c = clone_env(env, flags, newsp, tls, ctid, &err);
    if (!c) return err;
    return rt_vm_process_create(c, flags, ptid, ctid);
}

/* glibc falls back cleanly when rseq is missing. */
SYS_FN(sys_rseq) {
    (void)env;
    (void)a;
    return -ENOSYS;
}

/* ---- futex --------------------------------------------------------------- */

/* futex(uaddr, op, val, timeout | val2, uaddr2, val3): guest memory is host
 * memory, so the host kernel waits on the same words. */
static long do_futex(const uint32_t *a, int t64) {
    int op = (int)a[1];
    int cmd = op & FUTEX_CMD_MASK;
    uint32_t *uaddr = GOUT(a[0], 4);
    if (!uaddr) return -EFAULT;
    struct timespec ts, *tp = NULL;
    uintptr_t arg4 = 0;
    uint32_t *uaddr2 = NULL;
    bool blocks = false; /* a wait a guest signal must be able to cut short */
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_WAIT_REQUEUE_PI:
        if (a[3]) {
            if (t64 ? sys_get_ts64(a[3], &ts) : sys_get_ts32(a[3], &ts)) return -EFAULT;
            tp = &ts;
        }
        arg4 = (uintptr_t)tp;
        blocks = true;
        if (cmd == FUTEX_WAIT_REQUEUE_PI && !(uaddr2 = GOUT(a[4], 4))) return -EFAULT;
        break;
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
    case FUTEX_CMP_REQUEUE_PI:
        arg4 = a[3]; /* val2 */
        if (!(uaddr2 = GOUT(a[4], 4))) return -EFAULT;
        break;
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
    case FUTEX_UNLOCK_PI:
    case FUTEX_TRYLOCK_PI:
        break;
    default:
        return -ENOSYS;
    }
    /* Waits go through the safe-syscall stub: a signal landing between the
     * last safe point and the kernel entry still ends them. */
    if (blocks) return rt_safe_syscall(SYS_futex, uaddr, op, a[2], arg4, uaddr2, a[5]);
    return sys_ret(syscall(SYS_futex, uaddr, op, a[2], arg4, uaddr2, a[5]));
}

SYS_FN(sys_futex) {
    (void)env;
    return do_futex(a, 0);
}
SYS_FN(sys_futex_time64) {
    (void)env;
    return do_futex(a, 1);
}
