/* Guest signals: dispositions, per-thread masks and alternate stacks, the
 * host handlers that catch signals for the guest, delivery at safe points
 * on i386 signal frames (runtime/sigframe.c), synchronous signals raised by
 * translated code or by faults in guest memory, and dying the way the guest
 * would. runtime/signal.c explains the scheme. */
#ifndef XRUN_RUNTIME_SIGNAL_H_
#define XRUN_RUNTIME_SIGNAL_H_

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "runtime/cpu.h"
#include "syscalls/abi.h"

#define GUEST_NSIG 64
#define GSIG_BIT(s) (1ull << ((s)-1))

/* Guest sa_flags bits (i386 values, the same numbers as the host's). */
#define G_SA_NOCLDSTOP 0x00000001u
#define G_SA_NOCLDWAIT 0x00000002u
#define G_SA_SIGINFO 0x00000004u
#define G_SA_RESTORER 0x04000000u
#define G_SA_ONSTACK 0x08000000u
#define G_SA_RESTART 0x10000000u
#define G_SA_NODEFER 0x40000000u
#define G_SA_RESETHAND 0x80000000u
#define G_SIG_DFL 0u
#define G_SIG_IGN 1u
#define G_SS_ONSTACK 1u
#define G_SS_DISABLE 2u
#define G_SS_AUTODISARM (1u << 31)
#define G_MINSIGSTKSZ 2048u

/* The kernel's internal "restart this syscall" results (never seen by the
 * guest): a syscall interrupted by a host signal leaves one of them in EAX
 * and the safe point decides, as the kernel's handle_signal() does. */
#define G_ERESTARTSYS 512
#define G_ERESTARTNOINTR 513
#define G_ERESTARTNOHAND 514
#define G_ERESTART_RESTARTBLOCK 516

/* struct sigaction as the i386 kernel sees it (rt_sigaction). */
typedef struct GuestSigaction {
    uint32_t handler; /* SIG_DFL 0, SIG_IGN 1, or guest address */
    uint32_t flags;
    uint32_t restorer;
    uint64_t mask;
} GuestSigaction;

/* The guest alternate signal stack, per thread, as the kernel keeps it:
 * flags is the ss_flags given to sigaltstack (SS_AUTODISARM kept). */
typedef struct RtAltStack {
    uint32_t sp, flags, size;
} RtAltStack;

/* The dispositions of the calling thread's process, indexed by signal
 * number (Linux's sighand_struct). Every thread of a process points at the
 * same table; a child sharing the address space without CLONE_SIGHAND
 * (vfork, posix_spawn) gets its own copy (rt_signal_table_copy), so the
 * child resetting handlers before exec leaves its parent's alone. */
extern _Thread_local GuestSigaction *rt_sigactions;
/* A malloc'd copy of the calling thread's table; NULL if out of memory. */
GuestSigaction *rt_signal_table_copy(void);
/* The CPUState of the guest thread this host thread runs (set by rt_run). */
extern _Thread_local CPUState *rt_thread_env;
/* Precise mode (DESIGN §4): set once the guest installs a SIGSEGV or SIGBUS
 * handler. From then on every guest memory access is a barrier for get/put
 * forwarding and dead-put elimination, and compiled code keeps env->eip
 * current, so a fault sees exact state. Turning it on drops translations. */
extern bool rt_precise;
/* The guest blocked set of the calling guest thread (Linux keeps it per
 * thread). A new guest thread starts with its creator's mask: the code that
 * starts it copies the creator's rt_sigmask into the new thread's and calls
 * rt_signal_thread_start() there. Change it only through rt_signal_*. */
extern _Thread_local uint64_t rt_sigmask;
/* The calling thread's alternate signal stack (none in a new thread). */
extern _Thread_local RtAltStack rt_altstack;

/* Fault recovery: rt_run points rt_fault_jmp at its sigjmp_buf and sets
 * rt_in_guest while translated code runs; a fault in guest memory that the
 * guest handles jumps back there and rt_run calls rt_signal_fault_caught. */
extern _Thread_local sigjmp_buf *rt_fault_jmp;
extern _Thread_local volatile int rt_in_guest;

/* Block every signal but the fault ones on the calling host thread (the old
 * mask in *saved): a thread created now starts that way, and takes guest
 * signals only once it sets its own mask. */
void rt_signal_block_async(sigset_t *saved);

/* Install host handlers for faults in guest memory (process start). */
void rt_signal_init(void);
/* In a new guest thread, after rt_sigmask is set: apply the mask to the
 * host thread. */
void rt_signal_thread_start(void);

/* ---- syscall layer (syscalls/signal.c) ---------------------------------- */

/* sigaction: record, install or drop the host handler. -errno or 0. */
long rt_signal_set_action(int sig, const GuestSigaction *act, GuestSigaction *old);
/* sigprocmask how/set on the calling thread. -errno or 0. */
long rt_signal_set_mask(int how, const uint64_t *set, uint64_t *old);
/* Signals pending for the calling thread and blocked (sigpending). */
uint64_t rt_signal_pending(void);
/* sigsuspend(mask) (also pause, with the current mask): returns
 * -ERESTARTNOHAND once a signal is pending; the handler then runs with the
 * old mask saved in its frame, which is restored when it returns. */
long rt_signal_suspend(uint64_t mask);
/* ppoll, pselect6, epoll_pwait: run the wait (a safe syscall) with mask
 * as the blocked set between these two calls; r is the wait's result. With
 * -EINTR the handler runs with the old mask saved in its frame, otherwise
 * the old mask is back at once (the kernel's TIF_RESTORE_SIGMASK). */
void rt_signal_temp_mask(uint64_t mask);
void rt_signal_temp_mask_done(long r);
/* rt_sigtimedwait: dequeue a signal of set (waiting up to *ts, or forever
 * when ts is NULL) into *info. Returns the signal or -errno. */
long rt_signal_timedwait(uint64_t set, struct i386_siginfo *info, const struct timespec *ts);
/* sigaltstack with the guest's current esp. -errno or 0. */
long rt_signal_altstack(const struct i386_stack *ss, struct i386_stack *old, uint32_t esp);
/* sigreturn (rt = false) and rt_sigreturn: restore the interrupted state
 * from the frame at env's esp; returns the restored EAX. */
long rt_signal_sigreturn(CPUState *env, bool rt);
/* A guest syscall nr was interrupted by a host signal: EAX holds
 * -G_ERESTART*; the next safe point restarts it or makes it fail with
 * -EINTR. */
void rt_signal_syscall_interrupted(CPUState *env, uint32_t nr);

/* ---- the dispatcher ------------------------------------------------------ */

/* The safe point (env->sig_pending set): deliver every deliverable pending
 * signal, finish an interrupted syscall. True when env->eip changed. */
bool rt_signal_deliver(CPUState *env);
/* A synchronous signal raised by guest code at env->eip (an IR_EXIT_SIGNAL):
 * delivered to the guest handler when one is installed and the signal is
 * not blocked, otherwise xrun dies of the same signal. */
void rt_signal_raise(CPUState *env, int sig, int code, uint32_t addr);
/* After the longjmp of a handled fault in guest memory: deliver it. */
void rt_signal_fault_caught(CPUState *env);
/* Die of signal sig: default disposition, unblock, raise. No core dump of
 * xrun's own making beyond what the signal's default does. */
_Noreturn void rt_die_by_signal(int sig);

/* ---- runtime/sigframe.c ------------------------------------------------- */

/* Trap information the kernel puts in a sigcontext (thread.trap_nr,
 * error_code, cr2), kept per thread. */
typedef struct RtTrapInfo {
    uint32_t trapno, err, cr2;
} RtTrapInfo;
extern _Thread_local RtTrapInfo rt_trap;

/* Build the frame for sig (handler act) on the guest stack and point env at
 * the handler. oldmask goes into the frame. -1 when the frame cannot be
 * written (the caller forces SIGSEGV). */
int rt_sigframe_setup(CPUState *env, int sig, const GuestSigaction *act,
                      const struct i386_siginfo *info, uint64_t oldmask);
/* Restore from the frame at env's esp; *mask gets the saved blocked set and
 * *stack the saved uc_stack (rt only; has_stack says so). -1 on a bad
 * frame. */
int rt_sigframe_restore(CPUState *env, bool rt, uint64_t *mask, struct i386_stack *stack,
                        bool *has_stack);
/* True when guest sp lies on the calling thread's alternate stack (the
 * kernel's on_sig_stack, SS_AUTODISARM making it false). */
bool rt_on_sig_stack(uint32_t sp);
/* The kernel's sas_ss_flags(sp). */
uint32_t rt_sas_ss_flags(uint32_t sp);

#endif
