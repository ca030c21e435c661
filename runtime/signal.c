/* Guest signals (runtime/signal.h).
 *
 * Dispositions are per process (rt_sigactions); the blocked mask
 * (rt_sigmask) and the alternate stack are per thread. The host thread's
 * signal mask mirrors the guest thread's, so the host kernel picks the
 * receiving thread exactly as the i386 kernel would, and it keeps the
 * queues: the per-thread and the process-wide pending sets, every queued
 * instance of a real-time signal in order with its value, standard signals
 * coalesced.
 *
 * A signal the guest catches has a host handler (on_async: SA_SIGINFO, all
 * asynchronous signals blocked while it runs, no SA_RESTART so blocking host
 * syscalls return EINTR). The handler takes the one instance the kernel
 * handed over into this thread's stash (stash_info[sig], bit in `stashed`),
 * keeps sig blocked on the host thread when it returns (by editing the
 * saved uc_sigmask), and sets env->sig_pending. So the host mask is always
 * rt_sigmask | stashed: while one instance waits in the stash, further ones
 * wait in the kernel's queues, where another thread may take a
 * process-directed one. The fault signals (SIGSEGV SIGBUS SIGFPE SIGILL
 * SIGTRAP) are never blocked on the host; a second one sent while the
 * first waits is dropped, which is what the kernel does for a pending
 * standard signal.
 *
 * The safe point (rt_signal_deliver, called by the dispatcher when
 * sig_pending is set) takes stashed signals that the guest does not block,
 * synchronous ones first then by number, finishes an interrupted syscall
 * (restart or -EINTR, as handle_signal decides), builds the frame
 * (runtime/sigframe.c), applies sa_mask / SA_NODEFER / SA_RESETHAND and
 * loops while more are deliverable, stacking frames as the kernel does.
 * Mask and stash are changed with all asynchronous signals blocked on the
 * host, so the handler never sees them half-updated.
 *
 * Blocking syscalls go through runtime/safe_syscall.c, so a signal landing
 * between the safe point and the kernel entry still interrupts them.
 *
 * Synchronous signals: IR_EXIT_SIGNAL exits call rt_signal_raise; a host
 * SIGSEGV/SIGBUS inside the guest reservation while guest code runs is
 * first offered to rt_mem_write_fault (code-page write protection), then,
 * when the guest handles it, siglongjmp'ed back to rt_run, which delivers
 * it with the state precise mode keeps exact. Like the kernel's
 * force_sig_fault, a blocked or ignored synchronous signal kills. A fault
 * anywhere else is xrun's own and reported as an internal error.
 */
#include "runtime/signal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "runtime/dispatch.h"
#include "runtime/log.h"
#include "runtime/mem.h"
#include "runtime/opts.h"
#include "runtime/safe_syscall.h"
#include "syscalls/handlers.h"

static GuestSigaction main_sigactions[GUEST_NSIG + 1];
_Thread_local GuestSigaction *rt_sigactions = main_sigactions;
_Thread_local uint64_t rt_sigmask;
_Thread_local RtAltStack rt_altstack = {0, G_SS_DISABLE, 0};
_Thread_local CPUState *rt_thread_env;
_Thread_local sigjmp_buf *rt_fault_jmp;
_Thread_local volatile int rt_in_guest;
bool rt_precise;

#define FAULT_SIGS                                                                                 \
    (GSIG_BIT(SIGSEGV) | GSIG_BIT(SIGBUS) | GSIG_BIT(SIGFPE) | GSIG_BIT(SIGILL) | GSIG_BIT(SIGTRAP))
#define SYNC_SIGS (FAULT_SIGS | GSIG_BIT(SIGSYS))
#define UNBLOCKABLE (GSIG_BIT(SIGKILL) | GSIG_BIT(SIGSTOP))
#define ALL_SIGS (~0ull)

/* Per thread: the stash (see above), the mask to restore after a
 * sigsuspend-style call, the interrupted syscall. */
static _Thread_local uint64_t stashed;
static _Thread_local siginfo_t stash_info[GUEST_NSIG + 1];
static _Thread_local bool have_saved_mask;
static _Thread_local uint64_t saved_mask;
static _Thread_local bool restart_active;
static _Thread_local uint32_t restart_nr;
/* The fault rt_run is about to deliver after the longjmp. */
static _Thread_local struct {
    int sig, code;
    uint32_t addr;
} fault;

static char altstack[64 * 1024];

/* ---- host masks (raw syscalls: glibc hides signals 32 and 33) ---------- */

static void host_setmask(uint64_t m)
{
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &m, NULL, (size_t)8);
}

/* Block every signal xrun may catch for the guest; the fault signals stay
 * open (a real fault with them blocked would kill). */
static void block_async(void)
{
    host_setmask(ALL_SIGS & ~(FAULT_SIGS | UNBLOCKABLE));
}

/* The host mask for the current guest state; sig_pending recomputed. */
static void sync_host(void)
{
    uint64_t s = __atomic_load_n(&stashed, __ATOMIC_ACQUIRE);
    if (rt_thread_env && (s & ~rt_sigmask)) rt_thread_env->sig_pending = 1;
    host_setmask((rt_sigmask | s) & ~(FAULT_SIGS | UNBLOCKABLE));
}

void rt_signal_block_async(sigset_t *saved)
{
    sigset_t all;
    sigfillset(&all);
    static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) sigdelset(&all, faults[i]);
    pthread_sigmask(SIG_SETMASK, &all, saved);
}

void rt_signal_thread_start(void)
{
    block_async();
    rt_sigmask &= ~UNBLOCKABLE;
    sync_host();
}

/* ---- dying ---------------------------------------------------------------- */

_Noreturn void rt_die_by_signal(int sig)
{
    fflush(NULL);
    /* A core of xrun would be a core of the translator, not of the guest
     * program, and the 4 GiB reservation makes it huge: don't write one. */
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    uint64_t m = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &m, NULL, (size_t)8);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
    /* Signals whose default action is to ignore or stop end up here. */
    _exit(128 + sig);
}

/* The default action of sig for a signal taken at a safe point. */
static void default_action(int sig)
{
    switch (sig) {
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH:
        return;
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        /* The host disposition is SIG_DFL too: let the kernel stop us. */
        kill(getpid(), SIGSTOP);
        return;
    default:
        rt_die_by_signal(sig);
    }
}

/* ---- host handlers -------------------------------------------------------- */

static void on_async(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    int saved_errno = errno;
    CPUState *env = rt_thread_env;
    uint64_t b = GSIG_BIT(sig);
    if (!env) {
        /* Not a guest thread: keep the signal off this thread and give it
         * back to the process, info and all. */
        sigaddset(&uc->uc_sigmask, sig);
        syscall(SYS_rt_sigqueueinfo, getpid(), sig, si);
    } else if (!(__atomic_load_n(&stashed, __ATOMIC_RELAXED) & b)) {
        stash_info[sig] = *si;
        __atomic_fetch_or(&stashed, b, __ATOMIC_RELEASE);
        if (!(FAULT_SIGS & b)) sigaddset(&uc->uc_sigmask, sig);
        if (!(rt_sigmask & b)) {
            env->sig_pending = 1;
            greg_t *pc = &uc->uc_mcontext.gregs[REG_RIP];
            *pc = (greg_t)rt_safe_syscall_fixup_pc((uintptr_t)*pc);
        }
    }
    errno = saved_errno;
}

static void report_internal(int sig, const siginfo_t *si, const ucontext_t *uc)
{
    char msg[192];
    int n = snprintf(msg, sizeof msg,
                     "xrun: internal error: signal %d (code %d) at host address %p, host pc %p\n",
                     sig, si->si_code, si->si_addr, (void *)uc->uc_mcontext.gregs[REG_RIP]);
    if (n > 0) (void)!write(2, msg, (size_t)n);
}

/* A fault signal reached xrun. Sent by a process (si_code <= 0) it is an
 * asynchronous guest signal. A fault inside the guest reservation is the
 * guest's; anywhere else it is a bug in xrun. */
static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    if (si->si_code <= 0) {
        on_async(sig, si, ucv);
        return;
    }
    if ((sig == SIGSEGV || sig == SIGBUS) && rt_mem_is_guest(si->si_addr)) {
        uint32_t g = h2g(si->si_addr);
        uint32_t err = (uint32_t)uc->uc_mcontext.gregs[REG_ERR];
        if (sig == SIGSEGV && (err & 2u) && rt_mem_write_fault(g)) return;
        const GuestSigaction *a = &rt_sigactions[sig];
        if (rt_in_guest && rt_fault_jmp && a->handler > G_SIG_IGN &&
            !(rt_sigmask & GSIG_BIT(sig))) {
            fault.sig = sig;
            fault.addr = g;
            if (sig == SIGSEGV) {
                /* Mapped at all (even PROT_NONE): an access error. */
                fault.code = rt_mem_range_ok(g, 1, PROT_NONE) ? SEGV_ACCERR : SEGV_MAPERR;
                rt_trap = (RtTrapInfo){14, (err & 7u) | 4u, g};
            } else {
                fault.code = si->si_code;
                rt_trap = (RtTrapInfo){14, (err & 7u) | 4u, g};
            }
            rt_in_guest = 0;
            siglongjmp(*rt_fault_jmp, 1);
        }
        if (!rt_in_guest) report_internal(sig, si, uc);
        rt_die_by_signal(sig);
    }
    if (sig != SIGFPE) report_internal(sig, si, uc);
    rt_die_by_signal(sig);
}

/* The host restorer for raw rt_sigaction (what glibc's __restore_rt does). */
__asm__(".text\n"
        ".type rt_host_restorer_, @function\n"
        "rt_host_restorer_:\n"
        "    mov $15, %eax\n"
        "    syscall\n"
        ".size rt_host_restorer_, .-rt_host_restorer_\n");
extern void rt_host_restorer_(void);

#define HOST_SA_RESTORER 0x04000000ul

struct host_ksigaction {
    void *handler;
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

/* Install a host disposition with the raw syscall (glibc refuses 32/33). */
static int host_action(int sig, void *handler, unsigned long flags, uint64_t mask)
{
    struct host_ksigaction k = {handler, flags | HOST_SA_RESTORER, rt_host_restorer_, mask};
    return (int)syscall(SYS_rt_sigaction, sig, &k, NULL, (size_t)8);
}

void rt_signal_init(void)
{
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        host_action(faults[i], (void *)on_fault, SA_SIGINFO | SA_ONSTACK | SA_NODEFER, 0);
    /* The guest inherits what exec keeps: the blocked mask and ignored
     * signals. */
    for (int s = 1; s <= GUEST_NSIG; s++) {
        struct host_ksigaction k;
        if (syscall(SYS_rt_sigaction, s, NULL, &k, (size_t)8) == 0 && k.handler == (void *)SIG_IGN)
            rt_sigactions[s].handler = G_SIG_IGN;
    }
    uint64_t m = 0;
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, (size_t)8);
    rt_sigmask = m & ~UNBLOCKABLE;
    sync_host();
}

/* ---- dispositions ---------------------------------------------------------- */

GuestSigaction *rt_signal_table_copy(void)
{
    GuestSigaction *t = malloc(sizeof main_sigactions);
    if (t) memcpy(t, rt_sigactions, sizeof main_sigactions);
    return t;
}

long rt_signal_set_action(int sig, const GuestSigaction *act, GuestSigaction *old)
{
    if (sig < 1 || sig > GUEST_NSIG) return -EINVAL;
    if (old) *old = rt_sigactions[sig];
    if (!act) return 0;
    if (sig == SIGKILL || sig == SIGSTOP) return -EINVAL;
    uint64_t b = GSIG_BIT(sig);
    if (!(FAULT_SIGS & b)) {
        long r;
        if (act->handler == G_SIG_DFL || act->handler == G_SIG_IGN)
            /* SA_NOCLDSTOP / SA_NOCLDWAIT matter for SIGCHLD even with SIG_DFL. */
            r = host_action(sig, act->handler == G_SIG_IGN ? (void *)SIG_IGN : (void *)SIG_DFL,
                            act->flags & (G_SA_NOCLDSTOP | G_SA_NOCLDWAIT), 0);
        else
            r = host_action(sig, (void *)on_async,
                            SA_SIGINFO | (act->flags & (G_SA_NOCLDSTOP | G_SA_NOCLDWAIT)),
                            ALL_SIGS & ~(FAULT_SIGS | UNBLOCKABLE));
        if (r) return -errno;
    } else if (act->handler > G_SIG_IGN && (sig == SIGSEGV || sig == SIGBUS)) {
        rt_set_precise();
    }
    rt_sigactions[sig] = *act;
    rt_sigactions[sig].mask &= ~UNBLOCKABLE;
    /* A signal now ignored is discarded from the stash, as the kernel
     * discards pending ones (SIG_DFL with an ignore default too). */
    if (act->handler == G_SIG_IGN ||
        (act->handler == G_SIG_DFL && (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH)))
        __atomic_fetch_and(&stashed, ~b, __ATOMIC_RELEASE);
    return 0;
}

/* ---- masks ------------------------------------------------------------------- */

long rt_signal_set_mask(int how, const uint64_t *set, uint64_t *old)
{
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
    block_async();
    rt_sigmask = m & ~UNBLOCKABLE;
    sync_host();
    return 0;
}

uint64_t rt_signal_pending(void)
{
    uint64_t host = 0;
    syscall(SYS_rt_sigpending, &host, (size_t)8);
    return (host | __atomic_load_n(&stashed, __ATOMIC_ACQUIRE)) & rt_sigmask;
}

/* Replace the guest mask with `mask` until the next safe point restores
 * the saved one (saved once: a nested call keeps the original). Async
 * signals stay blocked on the host until the caller syncs it. */
static void enter_temp_mask(uint64_t mask)
{
    block_async();
    if (!have_saved_mask) {
        saved_mask = rt_sigmask;
        have_saved_mask = true;
    }
    rt_sigmask = mask & ~UNBLOCKABLE;
}

long rt_signal_suspend(uint64_t mask)
{
    enter_temp_mask(mask);
    uint64_t s = __atomic_load_n(&stashed, __ATOMIC_ACQUIRE);
    if (!(s & ~rt_sigmask)) {
        /* Atomically open the mask and sleep: nothing can slip in between. */
        uint64_t hm = (rt_sigmask | s) & ~(FAULT_SIGS | UNBLOCKABLE);
        syscall(SYS_rt_sigsuspend, &hm, (size_t)8);
    }
    rt_thread_env->sig_pending = 1; /* the safe point restores the mask */
    sync_host();
    return -G_ERESTARTNOHAND;
}

void rt_signal_temp_mask(uint64_t mask)
{
    enter_temp_mask(mask);
    sync_host();
}

void rt_signal_temp_mask_done(long r)
{
    if (r == -EINTR) {
        rt_thread_env->sig_pending = 1; /* the safe point restores the mask */
        return;
    }
    block_async();
    rt_sigmask = saved_mask;
    have_saved_mask = false;
    sync_host();
}

/* Lowest deliverable signal of set, synchronous ones first (next_signal). */
static int pick(uint64_t set)
{
    uint64_t s = set & SYNC_SIGS ? set & SYNC_SIGS : set;
    return s ? __builtin_ctzll(s) + 1 : 0;
}

long rt_signal_timedwait(uint64_t set, struct i386_siginfo *info, const struct timespec *ts)
{
    set &= ~UNBLOCKABLE;
    block_async();
    int sig = pick(__atomic_load_n(&stashed, __ATOMIC_ACQUIRE) & set);
    if (sig) {
        sys_conv_siginfo(info, &stash_info[sig]);
        __atomic_fetch_and(&stashed, ~GSIG_BIT(sig), __ATOMIC_RELEASE);
        sync_host();
        return sig;
    }
    sync_host();
    uint64_t hs = set & ~FAULT_SIGS;
    siginfo_t si;
    long r = rt_safe_syscall(SYS_rt_sigtimedwait, &hs, &si, ts, 8);
    if (r > 0) sys_conv_siginfo(info, &si);
    return r;
}

long rt_signal_altstack(const struct i386_stack *ss, struct i386_stack *old, uint32_t esp)
{
    struct i386_stack o = {rt_altstack.sp,
                           (int32_t)(rt_sas_ss_flags(esp) | (rt_altstack.flags & G_SS_AUTODISARM)),
                           rt_altstack.size};
    if (ss) {
        if (rt_on_sig_stack(esp)) return -EPERM;
        uint32_t flags = (uint32_t)ss->ss_flags, mode = flags & ~G_SS_AUTODISARM;
        if (mode != G_SS_DISABLE && mode != G_SS_ONSTACK && mode != 0) return -EINVAL;
        if (mode == G_SS_DISABLE) {
            rt_altstack = (RtAltStack){0, flags, 0};
        } else {
            if (ss->ss_size < G_MINSIGSTKSZ) return -ENOMEM;
            rt_altstack = (RtAltStack){ss->ss_sp, flags, ss->ss_size};
        }
    }
    if (old) *old = o;
    return 0;
}

/* ---- syscall restart ---------------------------------------------------------- */

void rt_signal_syscall_interrupted(CPUState *env, uint32_t nr)
{
    restart_active = true;
    restart_nr = nr;
    env->sig_pending = 1;
}

/* Back over the int $0x80 with the syscall number in EAX again. */
static void restart_syscall(CPUState *env)
{
    env->regs[R_EAX] = restart_nr;
    env->eip -= 2;
}

/* handle_signal(): a handler runs (handler) or none did. */
static void finish_syscall(CPUState *env, bool handler, uint32_t sa_flags)
{
    if (!restart_active) return;
    restart_active = false;
    int32_t r = -(int32_t)env->regs[R_EAX];
    if (handler) {
        if (r == G_ERESTART_RESTARTBLOCK || r == G_ERESTARTNOHAND ||
            (r == G_ERESTARTSYS && !(sa_flags & G_SA_RESTART)))
            env->regs[R_EAX] = (uint32_t)-EINTR;
        else if (r == G_ERESTARTSYS || r == G_ERESTARTNOINTR)
            restart_syscall(env);
    } else if (r == G_ERESTARTSYS || r == G_ERESTARTNOINTR || r == G_ERESTARTNOHAND ||
               r == G_ERESTART_RESTARTBLOCK) {
        restart_syscall(env);
    }
}

/* ---- delivery ------------------------------------------------------------------ */

/* Run sig's disposition with info; signals are blocked on the host. */
static void deliver_one(CPUState *env, int sig, const struct i386_siginfo *info)
{
    GuestSigaction *act = &rt_sigactions[sig];
    if (act->handler == G_SIG_IGN) return;
    if (act->handler == G_SIG_DFL) {
        default_action(sig);
        return;
    }
    GuestSigaction a = *act;
    if (rt_opts.strace) sys_trace_signal(sig, info);
    finish_syscall(env, true, a.flags);
    uint64_t old = have_saved_mask ? saved_mask : rt_sigmask;
    have_saved_mask = false;
    if (rt_sigframe_setup(env, sig, &a, info, old) < 0) {
        /* force_sigsegv: a frame that cannot be written kills. */
        rt_die_by_signal(SIGSEGV);
    }
    if (a.flags & G_SA_RESETHAND) {
        act->handler = G_SIG_DFL;
        if (!(FAULT_SIGS & GSIG_BIT(sig))) host_action(sig, (void *)SIG_DFL, 0, 0);
    }
    uint64_t m = rt_sigmask | a.mask;
    if (!(a.flags & G_SA_NODEFER)) m |= GSIG_BIT(sig);
    rt_sigmask = m & ~UNBLOCKABLE;
}

bool rt_signal_deliver(CPUState *env)
{
    bool moved = false;
    block_async();
    for (;;) {
        env->sig_pending = 0;
        uint64_t ready = __atomic_load_n(&stashed, __ATOMIC_ACQUIRE) & ~rt_sigmask;
        if (!ready) break;
        int sig = pick(ready);
        struct i386_siginfo info;
        sys_conv_siginfo(&info, &stash_info[sig]);
        __atomic_fetch_and(&stashed, ~GSIG_BIT(sig), __ATOMIC_RELEASE);
        uint32_t eip = env->eip;
        deliver_one(env, sig, &info);
        moved |= env->eip != eip;
    }
    if (restart_active) {
        uint32_t eip = env->eip;
        finish_syscall(env, false, 0);
        moved |= env->eip != eip;
    }
    if (have_saved_mask) {
        rt_sigmask = saved_mask;
        have_saved_mask = false;
    }
    sync_host();
    /* sync_host set sig_pending only for stashed signals still deliverable:
     * none are (the loop took them), so it stays clear. */
    return moved;
}

/* A synchronous signal: force_sig_fault semantics. */
static void raise_sync(CPUState *env, int sig, const struct i386_siginfo *info)
{
    const GuestSigaction *a = &rt_sigactions[sig];
    if (a->handler <= G_SIG_IGN || (rt_sigmask & GSIG_BIT(sig))) rt_die_by_signal(sig);
    block_async();
    deliver_one(env, sig, info);
    sync_host();
}

void rt_signal_raise(CPUState *env, int sig, int code, uint32_t addr)
{
    if (sig <= 0 || sig > GUEST_NSIG) sig = SIGSEGV;
    struct i386_siginfo info;
    memset(&info, 0, sizeof info);
    info.si_signo = sig;
    info.si_code = code;
    /* si_addr: the faulting instruction for SIGILL and SIGFPE, the fault
     * address for a SIGSEGV from a code fetch, 0 for SI_KERNEL ones. */
    if (sig == SIGILL || sig == SIGFPE)
        info.u.addr = env->eip;
    else if (code != 0x80)
        info.u.addr = addr;
    switch (sig) {
    case SIGFPE: rt_trap = (RtTrapInfo){0, 0, rt_trap.cr2}; break;
    case SIGTRAP: rt_trap = (RtTrapInfo){3, 0, rt_trap.cr2}; break;
    case SIGILL: rt_trap = (RtTrapInfo){6, 0, rt_trap.cr2}; break;
    default:
        if (code == 0x80)
            rt_trap = (RtTrapInfo){13, 0, rt_trap.cr2};
        else
            rt_trap = (RtTrapInfo){14, 0x14u | (code == SEGV_ACCERR ? 1u : 0u), addr};
        break;
    }
    raise_sync(env, sig, &info);
}

void rt_signal_fault_caught(CPUState *env)
{
    struct i386_siginfo info;
    memset(&info, 0, sizeof info);
    info.si_signo = fault.sig;
    info.si_code = fault.code;
    info.u.addr = fault.addr;
    raise_sync(env, fault.sig, &info);
}

long rt_signal_sigreturn(CPUState *env, bool rt)
{
    uint64_t mask;
    struct i386_stack st;
    bool has_stack;
    if (rt_sigframe_restore(env, rt, &mask, &st, &has_stack) < 0) {
        struct i386_siginfo info;
        memset(&info, 0, sizeof info);
        info.si_signo = SIGSEGV;
        info.si_code = 0x80;
        raise_sync(env, SIGSEGV, &info);
        return (long)(int32_t)env->regs[R_EAX];
    }
    block_async();
    rt_sigmask = mask & ~UNBLOCKABLE;
    if (has_stack) rt_signal_altstack(&st, NULL, env->regs[R_ESP]); /* errors ignored */
    sync_host();
    return (long)(int32_t)env->regs[R_EAX];
}
