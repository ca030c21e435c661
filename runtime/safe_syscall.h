/* Host system calls that a guest signal can interrupt without a lost wakeup
 * (see runtime/safe_syscall.c). */
#ifndef XRUN_RUNTIME_SAFE_SYSCALL_H_
#define XRUN_RUNTIME_SAFE_SYSCALL_H_

#include <stdint.h>

/* The raw stub: returns the kernel's result (-errno on failure), or -EINTR
 * without entering the kernel when *pending is nonzero, including when a
 * host signal handler sets it after the check but before the syscall
 * instruction. */
long rt_safe_syscall_raw(volatile uint32_t *pending, long nr, long a1, long a2, long a3, long a4,
                         long a5, long a6);
/* rt_safe_syscall_raw on the calling guest thread's sig_pending (a plain
 * syscall on a thread that runs no guest code). */
long rt_safe_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

#define RT_SAFE_SYSCALL_ARGS_(nr, a1, a2, a3, a4, a5, a6, ...)                                     \
    rt_safe_syscall6((long)(nr), (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5),      \
                     (long)(a6))
/* rt_safe_syscall(SYS_read, fd, buf, n): -errno or the result. */
#define rt_safe_syscall(...) RT_SAFE_SYSCALL_ARGS_(__VA_ARGS__, 0, 0, 0, 0, 0, 0)

/* For the host signal handler: if the interrupted host pc lies between the
 * stub's pending check and its syscall instruction, return the pc to resume
 * at instead (the stub's -EINTR exit); else return pc unchanged. */
uintptr_t rt_safe_syscall_fixup_pc(uintptr_t pc);

#endif
