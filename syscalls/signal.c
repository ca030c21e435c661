/* Signal syscalls on top of runtime/signal.c, which keeps the dispositions,
 * the per-thread masks and alternate stacks, and delivers. Guest signal
 * numbers equal host numbers (1..64) on x86. */
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/safe_syscall.h"
#include "runtime/signal.h"
#include "syscalls/handlers.h"
#include "syscalls/sys.h"

#define BIT(s) GSIG_BIT(s)
#define FAULT_SIGS (BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGFPE) | BIT(SIGILL) | BIT(SIGTRAP))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))

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

/* ---- sigaction ----------------------------------------------------------- */

SYS_FN(sys_rt_sigaction) {
    (void)env;
    if (a[3] != 8) return -EINVAL;
    GuestSigaction act, old;
    if (a[1]) {
        struct i386_sigaction g;
        if (sys_get(&g, a[1], sizeof g)) return -EFAULT;
        act = (GuestSigaction){g.handler, g.flags, g.restorer, g.mask};
    }
    long r = rt_signal_set_action((int)a[0], a[1] ? &act : NULL, &old);
    if (r < 0 || !a[2]) return r;
    struct i386_sigaction g = {old.handler, old.flags, old.restorer, old.mask};
    return sys_put(a[2], &g, sizeof g);
}

/* sigaction (nr 67) with struct old_sigaction and a 32-bit mask (the upper
 * half of the mask is kept, as the kernel does). */
SYS_FN(sys_sigaction) {
    (void)env;
    GuestSigaction act, old;
    int sig = (int)a[0];
    if (a[1]) {
        struct i386_old_sigaction g;
        if (sys_get(&g, a[1], sizeof g)) return -EFAULT;
        act = (GuestSigaction){g.handler, g.flags, g.restorer, g.mask};
    }
    long r = rt_signal_set_action(sig, a[1] ? &act : NULL, &old);
    if (r < 0 || !a[2]) return r;
    struct i386_old_sigaction g = {old.handler, (uint32_t)old.mask, old.flags, old.restorer};
    return sys_put(a[2], &g, sizeof g);
}

/* ---- the blocked mask ---------------------------------------------------- */

SYS_FN(sys_rt_sigprocmask) {
    (void)env;
    if (a[3] != 8) return -EINVAL;
    uint64_t set, old;
    if (a[1] && sys_get(&set, a[1], 8)) return -EFAULT;
    long r = rt_signal_set_mask((int)a[0], a[1] ? &set : NULL, &old);
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
    long r = rt_signal_set_mask((int)a[0], a[1] ? &set : NULL, &old);
    if (r < 0) return r;
    uint32_t old32 = (uint32_t)old;
    return a[2] ? sys_put(a[2], &old32, 4) : 0;
}

SYS_FN(sys_rt_sigpending) {
    (void)env;
    if (a[1] > 8) return -EINVAL;
    uint64_t m = rt_signal_pending();
    return sys_put(a[0], &m, a[1]);
}

SYS_FN(sys_sigpending) {
    (void)env;
    uint32_t m = (uint32_t)rt_signal_pending();
    return sys_put(a[0], &m, 4);
}

/* rt_sigsuspend / sigsuspend / pause: -ERESTARTNOHAND, which the safe
 * point turns into -EINTR once the handler has run. */
SYS_FN(sys_rt_sigsuspend) {
    (void)env;
    uint64_t gm;
    int e = sys_get_sigset(&gm, a[0], a[1]);
    if (e) return e;
    return rt_signal_suspend(gm);
}

/* sigsuspend(history0, history1, old_sigset_t mask) */
SYS_FN(sys_sigsuspend) {
    (void)env;
    return rt_signal_suspend(a[2] | (rt_sigmask & ~0xffffffffull));
}

SYS_FN(sys_pause) {
    (void)env;
    (void)a;
    return rt_signal_suspend(rt_sigmask);
}

static long do_sigtimedwait(const uint32_t *a, int t64) {
    uint64_t gm;
    int e = sys_get_sigset(&gm, a[0], a[3]);
    if (e) return e;
    struct timespec ts, *tp = NULL;
    if (a[2]) {
        if (t64 ? sys_get_ts64(a[2], &ts) : sys_get_ts32(a[2], &ts)) return -EFAULT;
        tp = &ts;
    }
    struct i386_siginfo g;
    long r = rt_signal_timedwait(gm, &g, tp);
    if (r > 0 && a[1] && sys_put(a[1], &g, sizeof g)) return -EFAULT;
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

/* ---- sigaltstack, sigreturn ------------------------------------------------ */

SYS_FN(sys_sigaltstack) {
    struct i386_stack ss, old;
    if (a[0] && sys_get(&ss, a[0], sizeof ss)) return -EFAULT;
    long r = rt_signal_altstack(a[0] ? &ss : NULL, &old, env->regs[R_ESP]);
    if (r < 0) return r;
    if (a[1] && sys_put(a[1], &old, sizeof old)) return -EFAULT;
    return 0;
}

SYS_FN(sys_sigreturn) {
    (void)a;
    return rt_signal_sigreturn(env, false);
}

SYS_FN(sys_rt_sigreturn) {
    (void)a;
    return rt_signal_sigreturn(env, true);
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

/* A guest siginfo for rt_sigqueueinfo: the header, then pid, uid and the
 * low word of sigval as the kernel's _rt member. */
static int get_siginfo(siginfo_t *h, uint32_t addr, int sig) {
    struct i386_siginfo g;
    if (sys_get(&g, addr, sizeof g)) return -EFAULT;
    memset(h, 0, sizeof *h);
    h->si_signo = sig;
    h->si_errno = g.si_errno;
    h->si_code = g.si_code;
    h->si_pid = g.u.f.pid;
    h->si_uid = (uid_t)g.u.f.uid;
    h->si_value.sival_int = g.u.f.a;
    return 0;
}

SYS_FN(sys_rt_sigqueueinfo) {
    (void)env;
    siginfo_t si;
    if (get_siginfo(&si, a[2], (int)a[1])) return -EFAULT;
    return sys_ret(syscall(SYS_rt_sigqueueinfo, (pid_t)a[0], (int)a[1], &si));
}

SYS_FN(sys_rt_tgsigqueueinfo) {
    (void)env;
    siginfo_t si;
    if (get_siginfo(&si, a[3], (int)a[2])) return -EFAULT;
    return sys_ret(syscall(SYS_rt_tgsigqueueinfo, (pid_t)a[0], (pid_t)a[1], (int)a[2], &si));
}

/* ---- signalfd -------------------------------------------------------------- */

/* struct signalfd_siginfo has the same 128-byte layout on i386 and x86-64,
 * so reads need no conversion. */
static long do_signalfd(int fd, uint32_t mask, uint32_t size, int flags) {
    uint64_t gm;
    int e = sys_get_sigset(&gm, mask, size);
    if (e) return e;
    if (flags & ~(SFD_NONBLOCK | SFD_CLOEXEC)) return -EINVAL;
    sigset_t hs;
    sys_host_sigset(gm, &hs);
    return sys_ret(signalfd(fd, &hs, flags));
}

SYS_FN(sys_signalfd) {
    (void)env;
    return do_signalfd((int)a[0], a[1], a[2], 0);
}

SYS_FN(sys_signalfd4) {
    (void)env;
    return do_signalfd((int)a[0], a[1], a[2], (int)a[3]);
}
