/* Interruptible blocking host system calls without a lost wakeup.
 *
 * The problem: the guest can only take an asynchronous signal at a safe
 * point. A guest thread about to block in a host syscall (read, futex,
 * nanosleep, wait4, ...) checks its CPUState.sig_pending, finds nothing and
 * enters the kernel. A host signal landing between that check and the
 * syscall instruction runs xrun's host handler (which queues the signal and
 * sets sig_pending) and then the thread blocks anyway, maybe forever, with a
 * guest signal waiting.
 *
 * The scheme: blocking calls go through a small x86-64 stub,
 * rt_safe_syscall_raw, that tests *pending as its last step before the
 * `syscall` instruction. The host handler (runtime/signal.c) calls
 * rt_safe_syscall_fixup_pc on the interrupted pc: if it lies in
 * [check, syscall insn] -- the window where the test may already have been
 * done but the kernel was not yet entered -- the handler moves the pc to the
 * stub's exit that returns -EINTR. Once the syscall instruction has been
 * executed, the kernel itself returns -EINTR (xrun's host handlers have no
 * SA_RESTART). Either way the call returns -EINTR and the syscall layer
 * turns that into the kernel's restart decision for the guest call
 * (syscalls/sys.c).
 *
 * Signals that arrive before the stub's check are seen by the check.
 */
#include "runtime/safe_syscall.h"

#include <errno.h>
#include <stddef.h>

#include "runtime/signal.h"

/* rdi = pending, rsi = nr, rdx rcx r8 r9 [rsp+8] [rsp+16] = a1..a6;
 * the kernel wants rax = nr, rdi rsi rdx r10 r8 r9. r11 carries the
 * pending pointer (the syscall instruction clobbers r11, after the test). */
__asm__(".text\n"
        ".globl rt_safe_syscall_raw\n"
        ".type rt_safe_syscall_raw, @function\n"
        "rt_safe_syscall_raw:\n"
        "    mov %rdi, %r11\n"
        "    mov %rsi, %rax\n"
        "    mov %rdx, %rdi\n"
        "    mov %rcx, %rsi\n"
        "    mov %r8, %rdx\n"
        "    mov %r9, %r10\n"
        "    mov 8(%rsp), %r8\n"
        "    mov 16(%rsp), %r9\n"
        ".globl rt_safe_syscall_check_\n"
        "rt_safe_syscall_check_:\n"
        "    cmpl $0, (%r11)\n"
        "    jne rt_safe_syscall_eintr_\n"
        "    syscall\n"
        ".globl rt_safe_syscall_after_\n"
        "rt_safe_syscall_after_:\n"
        "    ret\n"
        ".globl rt_safe_syscall_eintr_\n"
        "rt_safe_syscall_eintr_:\n"
        "    mov $-4, %rax\n"
        "    ret\n"
        ".size rt_safe_syscall_raw, .-rt_safe_syscall_raw\n");

extern const char rt_safe_syscall_check_[], rt_safe_syscall_after_[], rt_safe_syscall_eintr_[];
_Static_assert(EINTR == 4, "the stub returns -4");

long rt_safe_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    static volatile uint32_t never;
    CPUState *env = rt_thread_env;
    return rt_safe_syscall_raw(env ? &env->sig_pending : &never, nr, a1, a2, a3, a4, a5, a6);
}

uintptr_t rt_safe_syscall_fixup_pc(uintptr_t pc)
{
    if (pc >= (uintptr_t)rt_safe_syscall_check_ && pc < (uintptr_t)rt_safe_syscall_after_)
        return (uintptr_t)rt_safe_syscall_eintr_;
    return pc;
}
