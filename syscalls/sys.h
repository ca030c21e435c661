/* i386 Linux system calls on the host kernel. */
#ifndef XRUN_SYSCALLS_SYS_H_
#define XRUN_SYSCALLS_SYS_H_

#include "runtime/cpu.h"

void sys_init(void);
/* Run the syscall in env (EAX = number, EBX ECX EDX ESI EDI EBP = args);
 * the result (or -errno) goes to EAX. exit/exit_group do not return. */
void sys_dispatch(CPUState *env);

#endif
