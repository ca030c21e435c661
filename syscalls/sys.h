/* i386 Linux system calls on the host kernel. */
#ifndef XRUN_SYSCALLS_SYS_H_
#define XRUN_SYSCALLS_SYS_H_

#include "runtime/cpu.h"

void sys_init(void);
/* Run the syscall in env (EAX = number, EBX ECX EDX ESI EDI EBP = args);
 * the result (or -errno) goes to EAX. exit/exit_group do not return. */
void sys_dispatch(CPUState *env);
/* Hold / release the syscall layer's locks across a fork (runtime/thread.h). */
void sys_fork_lock(void);
void sys_fork_unlock(void);


/* How the kernel finishes guest syscall nr when a signal interrupts it:
 * G_ERESTARTSYS (restarted under SA_RESTART), G_ERESTARTNOHAND (restarted
 * only if no handler runs), G_ERESTART_RESTARTBLOCK, or EINTR (fails with
 * -EINTR whatever happens); 0 for calls that never see a host EINTR of
 * their own (sigreturn). a = the argument registers. */
int sys_restart_class(uint32_t nr, const uint32_t *a);

#endif
