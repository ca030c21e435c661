/* Guest signals (runtime/signal.h).
 *
 * What exists today: the guest's dispositions and mask are recorded (the
 * syscall layer applies SIG_IGN/SIG_DFL and the mask to the host for the
 * asynchronous signals, so their default actions and inheritance across
 * exec are the kernel's own); synchronous signals raised by guest code
 * (faults in guest memory, #DE, ud2, int3, hlt...) terminate xrun with the
 * same signal, which is what the guest would do without a handler. Running
 * guest handlers (signal frames, sigreturn) is the next step.
 */
#include "runtime/signal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "runtime/log.h"
#include "runtime/mem.h"

GuestSigaction rt_sigactions[GUEST_NSIG + 1];
_Thread_local uint64_t rt_sigmask;
_Thread_local CPUState *rt_thread_env;
bool rt_precise;

static char altstack[64 * 1024];

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
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    /* Signals whose default action is to ignore or stop end up here. */
    _exit(128 + sig);
}

void rt_signal_raise(CPUState *env, int sig, int code, uint32_t addr)
{
    (void)code;
    (void)addr;
    if (sig <= 0 || sig > GUEST_NSIG) sig = SIGSEGV;
    if (rt_sigactions[sig].handler > 1)
        rt_log("guest handler for signal %d at eip 0x%08x not run (delivery not implemented)",
               sig, env->eip);
    rt_die_by_signal(sig);
}

/* A fault signal reached xrun. Sent by a process (kill, tgkill: si_code
 * <= 0) or raised inside the guest reservation, it is the guest's; a real
 * fault anywhere else is a bug in xrun, reported as such. */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (si->si_code > 0 && !rt_mem_is_guest(si->si_addr) && sig != SIGFPE) {
        char msg[128];
        int n = snprintf(msg, sizeof msg, "xrun: internal error: signal %d at host address %p\n",
                         sig, si->si_addr);
        if (n > 0) (void)!write(2, msg, (size_t)n);
    }
    rt_die_by_signal(sig);
}

void rt_signal_init(void)
{
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) sigaction(faults[i], &sa, NULL);
}
