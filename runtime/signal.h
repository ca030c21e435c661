/* Guest signals: dispositions recorded by rt_sigaction, synchronous
 * signals raised by translated code, and dying the way the guest would. */
#ifndef XRUN_RUNTIME_SIGNAL_H_
#define XRUN_RUNTIME_SIGNAL_H_

#include <stdbool.h>
#include <stdint.h>

#include "runtime/cpu.h"

#define GUEST_NSIG 64

/* struct sigaction as the i386 kernel sees it (rt_sigaction). */
typedef struct GuestSigaction {
    uint32_t handler; /* SIG_DFL 0, SIG_IGN 1, or guest address */
    uint32_t flags;
    uint32_t restorer;
    uint64_t mask;
} GuestSigaction;

extern GuestSigaction rt_sigactions[GUEST_NSIG + 1];
/* The CPUState of the guest thread this host thread runs (set by rt_run). */
extern _Thread_local CPUState *rt_thread_env;
/* Precise mode (DESIGN §4): set once the guest installs a SIGSEGV or SIGBUS
 * handler. From then on every guest memory access is a barrier for get/put
 * forwarding and dead-put elimination, and compiled code keeps env->eip
 * current, so a fault sees exact state. Turning it on drops translations. */
extern bool rt_precise;
/* The guest blocked set of the calling guest thread (Linux keeps it per
 * thread). A new guest thread starts with its creator's mask: the code that
 * starts it copies the creator's rt_sigmask into the new thread's. */
extern _Thread_local uint64_t rt_sigmask;

/* Install host handlers for faults in guest memory. */
void rt_signal_init(void);
/* A synchronous signal raised by guest code at env->eip (from an
 * IR_EXIT_SIGNAL or a host fault inside guest memory). Delivers it to the
 * guest handler when one is installed, otherwise terminates xrun with the
 * same signal (so the parent sees the guest's death). */
void rt_signal_raise(CPUState *env, int sig, int code, uint32_t addr);
/* Die of signal sig: default disposition, unblock, raise. No core dump of
 * xrun's own making beyond what the signal's default does. */
_Noreturn void rt_die_by_signal(int sig);

#endif
