/* Thread support: the i386 TLS descriptors (set/get_thread_area), futexes,
 * set_tid_address, robust lists, rseq. */
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

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

/* ---- tid address, robust list, rseq -------------------------------------- */

/* Recorded for the runtime's thread support; a process has no one to wake. */
static uint32_t sys_clear_child_tid, sys_robust_head;

SYS_FN(sys_set_tid_address) {
    (void)env;
    sys_clear_child_tid = a[0];
    return (long)syscall(SYS_gettid);
}

SYS_FN(sys_set_robust_list) {
    (void)env;
    if (a[1] != 12) return -EINVAL; /* sizeof(struct robust_list_head) on i386 */
    sys_robust_head = a[0];
    return 0;
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
