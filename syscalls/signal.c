/* Signal syscalls: dispositions and the blocked mask are recorded in
 * rt_sigactions / rt_sigmask (runtime/signal.h) for the runtime's delivery
 * code. SIG_IGN and SIG_DFL are also applied to the host signal, and the
 * mask to the host thread, except for the synchronous fault signals xrun
 * keeps for itself (SIGSEGV SIGBUS SIGFPE SIGILL SIGTRAP). A guest handler
 * is only recorded here: the runtime installs host handlers and delivers. */
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/signal.h"
#include "syscalls/handlers.h"
#include "syscalls/sys.h"

#define BIT(s) (1ull << ((s)-1))
#define FAULT_SIGS (BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGFPE) | BIT(SIGILL) | BIT(SIGTRAP))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))
#define G_SIG_DFL 0u
#define G_SIG_IGN 1u
#define G_MINSIGSTKSZ 2048u

/* Guest signal numbers equal host numbers (1..64) on x86. */

void sys_host_sigset(uint64_t guest, sigset_t *out) {
    sigemptyset(out);
    guest &= ~(FAULT_SIGS | UNBLOCKABLE);
    for (int s = 1; s <= GUEST_NSIG; s++)
        if (guest & BIT(s)) sigaddset(out, s);
}

int sys_get_sigset(uint64_t *out, uint32_t a, uint32_t size) {
    if (size != 8) return -EINVAL;
    return sys_get(out, a, 8);
}

static uint64_t from_host_set(const sigset_t *s) {
    uint64_t m = 0;
    for (int i = 1; i <= GUEST_NSIG; i++)
        if (sigismember(s, i) == 1) m |= BIT(i);
    return m;
}

/* ---- sigaction ----------------------------------------------------------- */

/* Record a new disposition and mirror SIG_IGN/SIG_DFL on the host. */
static long set_action(int sig, const GuestSigaction *act, GuestSigaction *old) {
    if (sig < 1 || sig > GUEST_NSIG) return -EINVAL;
    if (old) *old = rt_sigactions[sig];
    if (!act) return 0;
    if (sig == SIGKILL || sig == SIGSTOP) return -EINVAL;
    /* Signals 32 and 33 are glibc-internal on the host; keep them. */
    if (sig == 32 || sig == 33) {
        rt_sigactions[sig] = *act;
        return 0;
    }
    if (!(FAULT_SIGS & BIT(sig)) && (act->handler == G_SIG_DFL || act->handler == G_SIG_IGN)) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = act->handler == G_SIG_IGN ? SIG_IGN : SIG_DFL;
        /* SA_NOCLDSTOP / SA_NOCLDWAIT matter for SIGCHLD even with SIG_DFL. */
        sa.sa_flags = (int)(act->flags & (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_RESTART));
        if (sigaction(sig, &sa, NULL)) return -errno;
    }
    rt_sigactions[sig] = *act;
    return 0;
}

SYS_FN(sys_rt_sigaction) {
    (void)env;
    if (a[3] != 8) return -EINVAL;
    GuestSigaction act, old;
    if (a[1]) {
        struct i386_sigaction g;
        if (sys_get(&g, a[1], sizeof g)) return -EFAULT;
        act = (GuestSigaction){g.handler, g.flags, g.restorer, g.mask};
    }
    long r = set_action((int)a[0], a[1] ? &act : NULL, &old);
    if (r < 0 || !a[2]) return r;
    struct i386_sigaction g = {old.handler, old.flags, old.restorer, old.mask};
    return sys_put(a[2], &g, sizeof g);
}

/* sigaction (nr 67) with struct old_sigaction and a 32-bit mask. */
SYS_FN(sys_sigaction) {
    (void)env;
    GuestSigaction act, old;
    if (a[1]) {
        struct i386_old_sigaction g;
        if (sys_get(&g, a[1], sizeof g)) return -EFAULT;
        act = (GuestSigaction){g.handler, g.flags, g.restorer, g.mask};
    }
    long r = set_action((int)a[0], a[1] ? &act : NULL, &old);
    if (r < 0 || !a[2]) return r;
    struct i386_old_sigaction g = {old.handler, (uint32_t)old.mask, old.flags, old.restorer};
    return sys_put(a[2], &g, sizeof g);
}

/* ---- the blocked mask ---------------------------------------------------- */

/* Apply `how` to rt_sigmask and mirror it on the host thread. */
static long change_mask(int how, const uint64_t *set, uint64_t *old) {
    if (old) *old = rt_sigmask;
    if (!set) return 0;
    uint64_t m = rt_sigmask;
    switch (how) {
    case SIG_BLOCK:
        m |= *set;
        break;
    case SIG_UNBLOCK:
        m &= ~*set;
        break;
    case SIG_SETMASK:
        m = *set;
        break;
    default:
        return -EINVAL;
    }
    m &= ~UNBLOCKABLE;
    sigset_t hs, cur;
    sys_host_sigset(m, &hs);
    /* Keep host-only blocked signals (32, 33 and the fault ones stay as
     * xrun has them). */
    if (pthread_sigmask(SIG_SETMASK, NULL, &cur) == 0) {
        for (int s = 32; s <= 33; s++)
            if (sigismember(&cur, s) == 1)
                sigaddset(&hs, s);
            else
                sigdelset(&hs, s);
    }
    if (pthread_sigmask(SIG_SETMASK, &hs, NULL)) return -EINVAL;
    rt_sigmask = m;
    return 0;
}

SYS_FN(sys_rt_sigprocmask) {
    (void)env;
    if (a[3] != 8) return -EINVAL;
    uint64_t set, old;
    if (a[1] && sys_get(&set, a[1], 8)) return -EFAULT;
    long r = change_mask((int)a[0], a[1] ? &set : NULL, &old);
    if (r < 0) return r;
    return a[2] ? sys_put(a[2], &old, 8) : 0;
}

/* sigprocmask (nr 126): 32-bit sets for signals 1..32. */
SYS_FN(sys_sigprocmask) {
    (void)env;
    uint32_t set32;
    uint64_t set, old;
    if (a[1]) {
        if (sys_get(&set32, a[1], 4)) return -EFAULT;
        set = set32;
        if ((int)a[0] == SIG_SETMASK) set |= rt_sigmask & ~0xffffffffull;
    }
    long r = change_mask((int)a[0], a[1] ? &set : NULL, &old);
    if (r < 0) return r;
    uint32_t old32 = (uint32_t)old;
    return a[2] ? sys_put(a[2], &old32, 4) : 0;
}

SYS_FN(sys_rt_sigpending) {
    (void)env;
    if (a[1] != 8) return -EINVAL;
    sigset_t s;
    if (sigpending(&s)) return -errno;
    uint64_t m = from_host_set(&s);
    return sys_put(a[0], &m, 8);
}

SYS_FN(sys_sigpending) {
    (void)env;
    sigset_t s;
    if (sigpending(&s)) return -errno;
    uint32_t m = (uint32_t)from_host_set(&s);
    return sys_put(a[0], &m, 4);
}

/* rt_sigsuspend: wait with the given mask on the host (a guest handler
 * runs only once the runtime delivers signals; until then the caller sees
 * -EINTR after a handled signal, as it would after its handler ran). */
SYS_FN(sys_rt_sigsuspend) {
    (void)env;
    uint64_t gm;
    int e = sys_get_sigset(&gm, a[0], a[1]);
    if (e) return e;
    sigset_t hs;
    sys_host_sigset(gm, &hs);
    sigsuspend(&hs);
    return -errno;
}

/* sigsuspend(history0, history1, old_sigset_t mask) */
SYS_FN(sys_sigsuspend) {
    (void)env;
    sigset_t hs;
    sys_host_sigset(a[2] | (rt_sigmask & ~0xffffffffull), &hs);
    sigsuspend(&hs);
    return -errno;
}

static long do_sigtimedwait(const uint32_t *a, int t64) {
    uint64_t gm;
    int e = sys_get_sigset(&gm, a[0], a[3]);
    if (e) return e;
    sigset_t hs;
    sys_host_sigset(gm, &hs);
    struct timespec ts, *tp = NULL;
    if (a[2]) {
        if (t64 ? sys_get_ts64(a[2], &ts) : sys_get_ts32(a[2], &ts)) return -EFAULT;
        tp = &ts;
    }
    siginfo_t si;
    long r = sys_ret(syscall(SYS_rt_sigtimedwait, &hs, &si, tp, (size_t)8));
    if (r > 0 && a[1]) {
        struct i386_siginfo g;
        sys_conv_siginfo(&g, &si);
        if (sys_put(a[1], &g, sizeof g)) return -EFAULT;
    }
    return r;
}

SYS_FN(sys_rt_sigtimedwait) {
    (void)env;
    return do_sigtimedwait(a, 0);
}
SYS_FN(sys_rt_sigtimedwait_time64) {
    (void)env;
    return do_sigtimedwait(a, 1);
}

/* ---- sigaltstack --------------------------------------------------------- */

/* Per thread, as in Linux; a new thread starts with none (the kernel
 * resets it for CLONE_VM threads). */
static _Thread_local SysAltStack sys_altstack = {0, SS_DISABLE, 0};

const SysAltStack *sys_get_altstack(void) {
    return &sys_altstack;
}

SYS_FN(sys_sigaltstack) {
    (void)env;
    SysAltStack old = sys_altstack;
    if (a[0]) {
        struct i386_stack g;
        if (sys_get(&g, a[0], sizeof g)) return -EFAULT;
        /* SS_AUTODISARM (1u << 31) is accepted and recorded. */
        int32_t mode = g.ss_flags & ~(int32_t)(1u << 31);
        if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK) return -EINVAL;
        if (mode == SS_DISABLE) {
            sys_altstack = (SysAltStack){0, SS_DISABLE, 0};
        } else {
            if (g.ss_size < G_MINSIGSTKSZ) return -ENOMEM;
            sys_altstack = (SysAltStack){g.ss_sp, (uint32_t)g.ss_flags & (1u << 31), g.ss_size};
        }
    }
    if (a[1]) {
        struct i386_stack g = {old.sp, (int32_t)old.flags, old.size};
        if (sys_put(a[1], &g, sizeof g)) return -EFAULT;
    }
    return 0;
}

/* ---- sending ------------------------------------------------------------- */

SYS_FN(sys_kill) {
    (void)env;
    return sys_ret(kill((pid_t)a[0], (int)a[1]));
}
SYS_FN(sys_tkill) {
    (void)env;
    return sys_ret(syscall(SYS_tkill, (pid_t)a[0], (int)a[1]));
}

SYS_FN(sys_tgkill) {
    (void)env;
    return sys_ret(syscall(SYS_tgkill, (pid_t)a[0], (pid_t)a[1], (int)a[2]));
}

SYS_FN(sys_pause) {
    (void)env;
    (void)a;
    pause();
    return -errno;
}
